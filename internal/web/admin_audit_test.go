package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

var (
	auditNext = regexp.MustCompile(`href="(/admin/audit\?[^"]*cursor=[^"]+)">Nächste Seite`)
	auditRow  = regexp.MustCompile(`<th scope="row"><time`)
	kursMark  = regexp.MustCompile(`kurs-\d\d`)
)

// auditPages follows the audit page's next links from first and returns every page's body.
func auditPages(t *testing.T, b *browser, first string) []string {
	t.Helper()
	var bodies []string
	for path := first; path != ""; {
		r := b.do("GET", path, nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d\n%s", path, r.StatusCode, r.Body)
		}
		bodies = append(bodies, r.Body)
		path = ""
		if m := auditNext.FindStringSubmatch(r.Body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if len(bodies) > 10 {
			t.Fatal("the pages do not end")
		}
	}
	return bodies
}

func TestAuditLogInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		const page = "/admin/audit"
		if r := w.browser(t, w.learnr).do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		hr := w.browser(t, w.hr)
		if r := hr.do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("hr: %d", r.StatusCode)
		}
		if r := hr.do("GET", "/admin/users", nil); strings.Contains(r.Body, `href="/admin/audit"`) || !strings.Contains(r.Body, `href="/admin/org-units"`) {
			t.Error("hr's navigation: org units yes, audit log no")
		}

		// An API key of municipality a reads the named list 55 times; b has an entry of its own.
		ctx := t.Context()
		st := w.e.Srv.Store
		admin, _, err := st.Credentials(ctx, "admin@a.example")
		if err != nil {
			t.Fatal(err)
		}
		actor := auth.Principal{UserID: admin.ID, TenantID: w.a.ID, Roles: []model.Role{model.RoleAdmin}}
		key, _, err := w.e.Srv.Identity.CreateAPIKey(ctx, store.TenantScope(w.a.ID), actor, identity.APIKeyInput{Name: "Importskript", Scopes: []string{"reports:read"}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 55 {
			if err := st.Audit(ctx, model.AuditEntry{TenantID: w.a.ID, APIKeyID: key.ID, Action: "report.learners", Target: fmt.Sprintf("kurs-%02d", i),
				Details: map[string]string{"status": "overdue"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Audit(ctx, model.AuditEntry{TenantID: w.b.ID, Action: "report.learners", Target: "geheim-b"}); err != nil {
			t.Fatal(err)
		}
		before := w.auditActions(t)
		total := 0
		for _, n := range before {
			total += n
		}

		// Every entry exactly once over the pages, newest first, nothing of b.
		adm := w.browser(t, "admin@a.example")
		bodies := auditPages(t, adm, page)
		rows, seen := 0, map[string]int{}
		for _, b := range bodies {
			rows += len(auditRow.FindAllString(b, -1))
			for _, m := range kursMark.FindAllString(b, -1) {
				seen[m]++
			}
			if strings.Contains(b, "geheim-b") {
				t.Error("another municipality's entry on the page")
			}
		}
		if len(bodies) != (total+49)/50 || rows != total || len(seen) != 55 {
			t.Fatalf("%d pages, %d rows of %d entries, %d distinct named-list reads", len(bodies), rows, total, len(seen))
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s shown %d times", k, n)
			}
		}
		first := bodies[0]
		if i, j := strings.Index(first, "kurs-54"), strings.Index(first, "kurs-53"); i < 0 || j < i {
			t.Error("not newest first")
		}
		for _, want := range []string{"Namentliche Liste angesehen", "API-Schlüssel „Importskript“", "Status: überfällig", "Aufrufe namentlicher Listen werden hier aufgeführt",
			`<option value="api_key.create">API-Schlüssel angelegt</option>`, `<option value="user.create">Person angelegt</option>`, "System (automatisch)", ">admin<"} {
			if !strings.Contains(first+bodies[len(bodies)-1], want) {
				t.Errorf("the log lacks %q", want)
			}
		}
		if strings.Contains(first, `value="org_unit.delete"`) {
			t.Error("the filter offers an action that does not occur")
		}

		// The filter: only the named-list reads, over two pages; a cursor keeps to its filter.
		filtered := auditPages(t, adm, page+"?action=report.learners")
		if len(filtered) != 2 || len(auditRow.FindAllString(filtered[0], -1)) != 50 || len(auditRow.FindAllString(filtered[1], -1)) != 5 ||
			strings.Contains(filtered[0]+filtered[1], "Person angelegt</td>") || !strings.Contains(filtered[0], `value="report.learners" selected`) {
			t.Errorf("filtered: %d pages", len(filtered))
		}
		m := auditNext.FindStringSubmatch(filtered[0])
		tampered := strings.Replace(strings.ReplaceAll(m[1], "&amp;", "&"), "action=report.learners", "action=user.create", 1)
		if r := adm.do("GET", tampered, nil); r.StatusCode != 400 {
			t.Errorf("a cursor with another filter: %d", r.StatusCode)
		}
		if r := adm.do("GET", page+"?action=nichts", nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Keine Einträge.") {
			t.Errorf("an action that does not occur: %d", r.StatusCode)
		}
		if r := adm.do("GET", page+"?lang=en", nil); !strings.Contains(r.Body, "Named list viewed") || !strings.Contains(r.Body, "API key “Importskript”") {
			t.Error("the English labels")
		}

		// Reading the log is not logged, as in the API.
		after := w.auditActions(t)
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("viewing the log wrote to it: %v → %v", before, after)
		}
	})
}

// The audit log reads in the page's language: the details' keys by name, details left empty
// (a filter not set) left out, and an assignment to everybody as "ganze Kommune", while the API
// keeps the stored keys and text.
func TestAuditLogSpeaksThePagesLanguage(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		hr.do("GET", "/admin/reports/basis/learners", nil) // audited with an empty status
		// A renamed unit's old path and a revoked certificate's reason are details too.
		adminToken := w.e.Token("admin@a.example")
		unit, err := w.e.Srv.Store.OrgUnitByPath(t.Context(), store.TenantScope(w.a.ID), "FB3")
		if err != nil {
			t.Fatal(err)
		}
		if r := w.e.Do("PATCH", "/api/v1/admin/org-units/"+unit.ID, adminToken, map[string]any{"name": "FB 3"}); r.StatusCode != 200 {
			t.Fatalf("rename: %d %s", r.StatusCode, r.Body)
		}
		cert := w.e.PassCourse(w.e.Token(w.learnr), "basis")
		if r := w.e.Do("POST", "/api/v1/admin/certificates/"+cert+"/revoke", adminToken, map[string]any{"reason": "mit fremder Hilfe"}); r.StatusCode != 200 {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
		}

		admin := w.browser(t, "admin@a.example")
		de := admin.do("GET", "/admin/audit", nil).Body
		for _, want := range []string{"basis → ganze Kommune", "<li>Personen: 18</li>", "<li>Über: Verwaltungsseite</li>", "<li>Bisheriger Pfad: FB3</li>", "<li>Grund: mit fremder Hilfe</li>"} {
			if !strings.Contains(de, want) {
				t.Errorf("the German audit log lacks %q", want)
			}
		}
		for _, unwanted := range []string{"whole municipality", "<li>status: </li>", "<li>people:", "<li>Status: </li>", "<li>from:", "<li>reason:", "<li>Über: page</li>"} {
			if strings.Contains(de, unwanted) {
				t.Errorf("the German audit log shows %q", unwanted)
			}
		}
		en := admin.do("GET", "/admin/audit?lang=en", nil).Body
		if !strings.Contains(en, "basis → whole municipality") || !strings.Contains(en, "<li>People: 18</li>") || !strings.Contains(en, "<li>Previous path: FB3</li>") ||
			!strings.Contains(en, "<li>Reason: mit fremder Hilfe</li>") || !strings.Contains(en, "<li>Via: admin page</li>") {
			t.Error("the English audit log is not in English")
		}
		if entries := w.auditOf(t, "report.learners"); len(entries) != 1 || entries[0].Details["people"] != "18" || entries[0].Details["via"] != "page" {
			t.Errorf("the API's entry: %+v", entries)
		}
	})
}
