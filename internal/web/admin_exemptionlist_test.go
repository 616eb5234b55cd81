package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

const exemptionListPage = "/admin/exemptions-and-completions"

var (
	exemptionListRow    = regexp.MustCompile(`<th scope="row"><a href="/admin/users/`)
	exemptionListNext   = regexp.MustCompile(`href="(/admin/exemptions-and-completions\?[^"]*cursor=[^"]+)">Nächste Seite`)
	exemptionListRevoke = regexp.MustCompile(`action="(/admin/reports/basis/exemptions/[0-9a-f-]{36}/revoke)"><input type="hidden" name="_csrf" value="[^"]*"><input type="hidden" name="back" value="list">`)
	noteMark            = regexp.MustCompile(`Notiz-\d\d`)
)

// listViews counts the audit entries of the list, and returns the newest one's details.
func (w adminWorld) listViews(t *testing.T) (int, map[string]string) {
	t.Helper()
	audit := w.auditOf(t, "report.exemptions_and_completions")
	if len(audit) == 0 {
		return 0, nil
	}
	return len(audit), audit[0].Details
}

// record stores a manual completion of basis for email through package assignment, as the
// pages and the API do.
func (w adminWorld) record(t *testing.T, tenant model.Tenant, by, email, note string) {
	t.Helper()
	ctx, st := t.Context(), w.e.Srv.Store
	actor, _, err := st.Credentials(ctx, by)
	if err != nil {
		t.Fatal(err)
	}
	person, _, err := st.Credentials(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Principal{UserID: actor.ID, TenantID: tenant.ID, Roles: actor.Roles}
	day := time.Now().In(model.Berlin).AddDate(0, 0, -3).Format(time.DateOnly)
	if _, err := w.e.Srv.Assignments.RecordCompletion(ctx, store.TenantScope(tenant.ID), p,
		assignment.CompletionRequest{UserID: person.ID, Course: "basis", CompletedOn: day, Note: note}); err != nil {
		t.Fatal(err)
	}
}

func TestExemptionsAndCompletionsListInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		if r := hr.do("GET", "/admin/users", nil); !strings.Contains(r.Body, `href="/admin/exemptions-and-completions"`) {
			t.Error("the admin navigation does not link the list")
		}
		if r := hr.do("GET", exemptionListPage, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Keine Einträge für diese Auswahl.") {
			t.Fatalf("empty list: %d\n%s", r.StatusCode, r.Body)
		}

		// An exemption through the course's page, a manual completion, and one in b.
		const course = "/admin/reports/basis/exemptions"
		if r := hr.post(course, course, url.Values{"email": {"l13@a.example"}, "reason": {"Elternzeit bis 2027"}}); r.StatusCode != 303 {
			t.Fatalf("exempt: %d\n%s", r.StatusCode, r.Body)
		}
		w.record(t, w.a, "admin@a.example", "l0@a.example", "Schulung im Rathaus")
		if r := w.browser(t, "hr@b.example").post(course, course, url.Values{"email": {"p0@b.example"}, "reason": {"Geheim in b"}}); r.StatusCode != 303 {
			t.Fatalf("exempt in b: %d", r.StatusCode)
		}
		views, _ := w.listViews(t)

		list := hr.do("GET", exemptionListPage, nil)
		today := time.Now().In(model.Berlin).Format("02.01.2006")
		for _, want := range []string{">l13</a>", "FB3", "Elternzeit bis 2027", "hr am " + today, "Befreiung", ">l0</a>", "FB1/Amt",
			"Schulung im Rathaus", "admin am " + today, "Präsenzschulung am ", "gilt bis ", `href="/admin/reports/basis/exemptions">Grundlagen</a>`,
			`href="/admin/reports/basis/completions">Grundlagen</a>`, "Dieser Abruf ist im Protokoll vermerkt.", "2 Einträge, die neuesten zuerst"} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("the list lacks %q", want)
			}
		}
		if strings.Contains(list.Body, "Geheim in b") || strings.Contains(list.Body, ">p0<") {
			t.Error("another municipality's entry on the list")
		}
		if i, j := strings.Index(list.Body, "Schulung im Rathaus"), strings.Index(list.Body, "Elternzeit bis 2027"); i < 0 || j < i {
			t.Error("not newest first")
		}
		n, details := w.listViews(t)
		if n != views+1 || details["via"] != "page" || details["entries"] != "2" || details["state"] != "all" {
			t.Errorf("audit: %d views (before %d), %v", n, views, details)
		}

		// Filters: kind, org unit (with sub-units), course; the form keeps them.
		if r := hr.do("GET", exemptionListPage+"?kind=exemption", nil); strings.Contains(r.Body, "Schulung im Rathaus") || !strings.Contains(r.Body, "Elternzeit") ||
			!strings.Contains(r.Body, `value="exemption" selected`) {
			t.Error("kind=exemption")
		}
		if r := hr.do("GET", exemptionListPage+"?org_unit=FB1", nil); strings.Contains(r.Body, "Elternzeit") || !strings.Contains(r.Body, "Schulung im Rathaus") {
			t.Error("org_unit=FB1 (l0 is in FB1/Amt)")
		}
		if r := hr.do("GET", exemptionListPage+"?course=basis&state=active", nil); exemptionListRow.FindAllString(r.Body, -1) == nil ||
			!strings.Contains(r.Body, `<option value="basis" selected>Grundlagen</option>`) || !strings.Contains(r.Body, `value="active" selected`) {
			t.Error("course=basis&state=active")
		}
		// A filter that cannot be one says what to fix, shows nobody and is not audited.
		before, _ := w.listViews(t)
		for query, want := range map[string]string{"org_unit=FB1//Amt": "Das ist keine Organisationseinheit", "kind=alles": "Wählen Sie als Art", "state=offen": "Wählen Sie als Stand"} {
			if r := hr.do("GET", exemptionListPage+"?"+query, nil); r.StatusCode != 422 || !strings.Contains(r.Body, want) || strings.Contains(r.Body, "Elternzeit") ||
				!strings.Contains(r.Body, `aria-invalid="true" aria-describedby="page-error`) || !strings.Contains(r.Body, `id="page-error"`) {
				t.Errorf("?%s: %d", query, r.StatusCode)
			}
		}
		if r := hr.do("GET", exemptionListPage+"?course=gibt-es-nicht", nil); r.StatusCode != 404 {
			t.Errorf("an unknown course: %d", r.StatusCode)
		}
		if after, _ := w.listViews(t); after != before {
			t.Errorf("refused filters wrote %d audit entries", after-before)
		}

		// Revoking from the list comes back to it; the entry stays, revoked, with who did it.
		m := exemptionListRevoke.FindStringSubmatch(list.Body)
		if m == nil {
			t.Fatal("the list offers no revocation of the exemption")
		}
		if r := hr.post(exemptionListPage, m[1], url.Values{"back": {"list"}}); r.StatusCode != 303 || r.Header.Get("Location") != exemptionListPage+"?done=revoked" {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		revoked := hr.do("GET", exemptionListPage+"?done=revoked&state=revoked", nil)
		if !strings.Contains(revoked.Body, "Zurückgenommen und im Protokoll vermerkt.") || !strings.Contains(revoked.Body, "Elternzeit bis 2027") ||
			strings.Count(revoked.Body, "hr am "+today) != 2 || strings.Contains(revoked.Body, "Schulung im Rathaus") || exemptionListRevoke.MatchString(revoked.Body) {
			t.Errorf("revoked entries:\n%s", revoked.Body)
		}
		if r := hr.do("GET", "/admin/reports/basis", nil); !strings.Contains(r.Body, `href="/admin/exemptions-and-completions?course=basis"`) {
			t.Error("the course report does not link the list")
		}

		// Pages of 50: every entry once, newest first; a cursor keeps to its filters and its
		// municipality.
		for i := range 55 {
			w.record(t, w.a, w.hr, fmt.Sprintf("l%d@a.example", i%16), fmt.Sprintf("Notiz-%02d", i))
		}
		var bodies []string
		for path := exemptionListPage + "?kind=manual_completion"; path != ""; {
			r := hr.do("GET", path, nil)
			if r.StatusCode != 200 {
				t.Fatalf("%s: %d", path, r.StatusCode)
			}
			bodies = append(bodies, r.Body)
			path = ""
			if m := exemptionListNext.FindStringSubmatch(r.Body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
			if len(bodies) > 3 {
				t.Fatal("the pages do not end")
			}
		}
		seen := map[string]int{}
		for _, b := range bodies {
			for _, m := range noteMark.FindAllString(b, -1) {
				seen[m]++
			}
		}
		if len(bodies) != 2 || len(exemptionListRow.FindAllString(bodies[0], -1)) != 50 || len(exemptionListRow.FindAllString(bodies[1], -1)) != 6 ||
			len(seen) != 55 || !strings.Contains(bodies[1], "6 weitere Einträge") || !strings.Contains(bodies[1], "Zur ersten Seite") {
			t.Fatalf("%d pages, %d distinct notes", len(bodies), len(seen))
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s shown %d times", k, n)
			}
		}
		if i, j := strings.Index(bodies[0], "Notiz-54"), strings.Index(bodies[0], "Notiz-53"); i < 0 || j < i {
			t.Error("the pages are not newest first")
		}
		next := strings.ReplaceAll(exemptionListNext.FindStringSubmatch(bodies[0])[1], "&amp;", "&")
		if r := hr.do("GET", strings.Replace(next, "kind=manual_completion", "kind=exemption", 1), nil); r.StatusCode != 400 {
			t.Errorf("a cursor with another filter: %d", r.StatusCode)
		}
		other := w.browser(t, "hr@b.example")
		if r := other.do("GET", next, nil); r.StatusCode != 400 || strings.Contains(r.Body, "Notiz-") {
			t.Errorf("a's cursor in b: %d", r.StatusCode)
		}
		if r := other.do("GET", exemptionListPage, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Geheim in b") ||
			strings.Contains(r.Body, "Notiz-") || strings.Contains(r.Body, "Elternzeit") {
			t.Errorf("b's list: %d", r.StatusCode)
		}
		// Last, since the choice of language stays with the browser.
		if r := hr.do("GET", exemptionListPage+"?lang=en", nil); !strings.Contains(r.Body, "<h1>Exemptions and in-person completions</h1>") || !strings.Contains(r.Body, "In-person training on ") {
			t.Error("the English page")
		}
	})
}

func TestExemptionsAndCompletionsListIsNamed(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		w.record(t, w.a, w.hr, "l3@a.example", "Schulung im Rathaus")
		admin := w.browser(t, "admin@a.example")
		if r := admin.do("GET", exemptionListPage, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Schulung im Rathaus") {
			t.Errorf("admin: %d", r.StatusCode)
		}
		w.e.User(nil, "op@example.org", "", model.RoleOperator)
		for _, who := range []string{w.learnr, "op@example.org"} {
			if r := w.browser(t, who).do("GET", exemptionListPage, nil); r.StatusCode != 403 || strings.Contains(r.Body, "Schulung im Rathaus") {
				t.Errorf("%s: %d", who, r.StatusCode)
			}
		}

		// Named lists switched off: the page says so, names nobody and writes nothing.
		w.setNamedLists(t, false)
		before, _ := w.listViews(t)
		r := w.browser(t, w.hr).do("GET", exemptionListPage, nil)
		if r.StatusCode != 403 || !strings.Contains(r.Body, "Namentliche Listen sind in Ihrer Verwaltung ausgeschaltet") ||
			strings.Contains(r.Body, "Schulung im Rathaus") || strings.Contains(r.Body, ">l3<") || strings.Contains(r.Body, "<form method=\"get\"") {
			t.Errorf("named lists off: %d\n%s", r.StatusCode, r.Body)
		}
		if after, _ := w.listViews(t); after != before {
			t.Error("the refused page was audited")
		}
		if r := admin.do("GET", "/admin/reports/basis", nil); strings.Contains(r.Body, "/admin/exemptions-and-completions?course=") {
			t.Error("the course report links the list while named lists are off")
		}
	})
}
