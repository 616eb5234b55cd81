package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

var (
	userLink     = regexp.MustCompile(`href="/admin/users/([0-9a-f-]{36})"`)
	setPwLink    = regexp.MustCompile(`id="u-link" value="([^"]+/set-password\?token=[^"]+)"`)
	nextPageLink = regexp.MustCompile(`href="(/admin/users\?[^"]*cursor=[^"]+)">Nächste Seite`)
)

// userID is the id of a person of the municipality, read from the people list.
func (w adminWorld) userID(t *testing.T, b *browser, email string) string {
	t.Helper()
	page := b.do("GET", "/admin/users?q="+url.QueryEscape(email), nil)
	m := userLink.FindStringSubmatch(page.Body)
	if page.StatusCode != 200 || m == nil {
		t.Fatalf("no person %s in the list: %d\n%s", email, page.StatusCode, page.Body)
	}
	return m[1]
}

func TestPeoplePagesRolesAndIsolation(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		admin := w.browser(t, "admin@a.example")
		id := w.userID(t, admin, "l1@a.example")
		otherHR := w.browser(t, "hr@b.example")
		foreign := w.userID(t, otherHR, "p0@b.example")

		learner := w.browser(t, w.learnr)
		for _, p := range []string{"/admin/users", "/admin/users/new", "/admin/users/" + id, "/admin/users/" + id + "/anonymise"} {
			if r := learner.do("GET", p, nil); r.StatusCode != 403 {
				t.Errorf("learner %s: %d", p, r.StatusCode)
			}
		}
		hr := w.browser(t, w.hr)
		if r := hr.do("GET", "/admin/users", nil); r.StatusCode != 200 || !strings.Contains(r.Body, `href="/admin/users"`) ||
			strings.Contains(r.Body, `href="/admin/settings"`) || strings.Contains(r.Body, `href="/admin/api-keys"`) {
			t.Errorf("hr's people page (links people, not settings or keys): %d", r.StatusCode)
		}
		if r := admin.do("GET", "/admin/users", nil); !strings.Contains(r.Body, `href="/admin/settings"`) || !strings.Contains(r.Body, `href="/admin/api-keys"`) {
			t.Error("an admin's navigation lacks settings or API keys")
		}
		// hr may not anonymise, not even see the confirmation.
		if r := hr.do("GET", "/admin/users/"+id+"/anonymise", nil); r.StatusCode != 403 {
			t.Errorf("hr's anonymise page: %d", r.StatusCode)
		}
		if r := hr.post("/admin/users/"+id, "/admin/users/"+id+"/anonymise", url.Values{}); r.StatusCode != 403 {
			t.Errorf("hr anonymises: %d", r.StatusCode)
		}
		// Another municipality's person is 404, to read and to change.
		if r := hr.do("GET", "/admin/users/"+foreign, nil); r.StatusCode != 404 || strings.Contains(r.Body, "p0@b.example") {
			t.Errorf("another municipality's person: %d", r.StatusCode)
		}
		for _, p := range []string{"", "/active", "/invite"} {
			if r := hr.post("/admin/users/"+id, "/admin/users/"+foreign+p, url.Values{"name": {"X"}, "active": {"0"}}); r.StatusCode != 404 {
				t.Errorf("POST another municipality's person%s: %d", p, r.StatusCode)
			}
		}
		if r := admin.post("/admin/users/"+id, "/admin/users/"+foreign+"/anonymise", url.Values{}); r.StatusCode != 404 {
			t.Errorf("anonymise another municipality's person: %d", r.StatusCode)
		}
		// Forms without the CSRF token are refused.
		if r := hr.do("POST", "/admin/users/"+id+"/active", url.Values{"active": {"0"}}); r.StatusCode != 403 {
			t.Errorf("deactivate without CSRF token: %d", r.StatusCode)
		}
		if r := hr.do("GET", "/admin/users/"+id, nil); !strings.Contains(r.Body, "Deaktivieren") {
			t.Error("the person was deactivated without a CSRF token")
		}
	})
}

func TestPeopleSearchFilterAndPages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		for i := range 52 {
			w.e.User(&w.a, fmt.Sprintf("viele%02d@a.example", i), "FB5", model.RoleLearner)
		}
		hr := w.browser(t, w.hr)
		r := hr.do("GET", "/admin/users?org_unit=FB1", nil)
		if r.StatusCode != 200 || strings.Count(r.Body, `href="/admin/users/`) != 6+1 || strings.Contains(r.Body, "l6@a.example") {
			// six people in FB1/Amt (sub-units included), plus the link to the new-person form
			t.Errorf("FB1: %d, %d links", r.StatusCode, strings.Count(r.Body, `href="/admin/users/`))
		}
		if r := hr.do("GET", "/admin/users?q=L13%40A", nil); !strings.Contains(r.Body, "l13@a.example") || strings.Contains(r.Body, "l12@a.example") {
			t.Error("search by part of the address, any case")
		}
		if r := hr.do("GET", "/admin/users?org_unit=%2F%2F", nil); r.StatusCode != 422 {
			t.Errorf("an org unit that cannot be one: %d", r.StatusCode)
		}

		// 52 people in FB5: two pages, the second reached by the cursor, the filter kept.
		first := hr.do("GET", "/admin/users?org_unit=FB5", nil)
		m := nextPageLink.FindStringSubmatch(first.Body)
		if m == nil || strings.Count(first.Body, "@a.example</span>") != 50 {
			t.Fatalf("first page: %d people, next link %v", strings.Count(first.Body, "@a.example</span>"), m)
		}
		second := hr.do("GET", strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		if second.StatusCode != 200 || strings.Count(second.Body, "@a.example</span>") != 2 || nextPageLink.MatchString(second.Body) ||
			!strings.Contains(second.Body, "Zur ersten Seite") {
			t.Errorf("second page: %d, %d people", second.StatusCode, strings.Count(second.Body, "@a.example</span>"))
		}
		// A cursor is bound to its filters and municipality.
		tampered := strings.Replace(strings.ReplaceAll(m[1], "&amp;", "&"), "org_unit=FB5", "org_unit=FB1", 1)
		if r := hr.do("GET", tampered, nil); r.StatusCode != 400 {
			t.Errorf("a cursor with other filters: %d", r.StatusCode)
		}

		// Deactivated people are found with the filter.
		id := w.userID(t, hr, "l2@a.example")
		if r := hr.post("/admin/users/"+id, "/admin/users/"+id+"/active", url.Values{"active": {"0"}}); r.StatusCode != 303 {
			t.Fatalf("deactivate: %d", r.StatusCode)
		}
		inactive := hr.do("GET", "/admin/users?active=false", nil)
		if !strings.Contains(inactive.Body, "l2@a.example") || strings.Contains(inactive.Body, "l3@a.example") {
			t.Error("filter: deactivated only")
		}
		if active := hr.do("GET", "/admin/users?active=true&q=l2%40", nil); strings.Contains(active.Body, "l2@a.example</span>") {
			t.Error("filter: active only shows a deactivated person")
		}
	})
}

func TestPeopleCreateEditAndAccess(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		const form = "/admin/users/new"

		// Field errors say what to fix, at the field, and keep what was typed.
		r := hr.post(form, "/admin/users", url.Values{"name": {"  "}, "email": {"keine-adresse"}, "org_unit": {"FB9"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Geben Sie einen Namen mit 1 bis 200 Zeichen an.") ||
			!strings.Contains(r.Body, "Wählen Sie mindestens eine Rolle.") || !strings.Contains(r.Body, `value="keine-adresse"`) {
			t.Fatalf("empty form: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.post(form, "/admin/users", url.Values{"name": {"Nina Neu"}, "email": {"keine-adresse"}, "roles": {"learner"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Geben Sie eine E-Mail-Adresse wie anna.schmidt@musterstadt.de an.") || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("bad address: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.post(form, "/admin/users", url.Values{"name": {"Doppelt"}, "email": {"l1@a.example"}, "roles": {"learner"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Diese E-Mail-Adresse oder Personalnummer gehört schon zu einer anderen Person.") {
			t.Fatalf("address taken: %d\n%s", r.StatusCode, r.Body)
		}
		// The employee number, by which the next import recognises the person.
		if r := hr.post(form, "/admin/users", url.Values{"name": {"Pia Nummer"}, "email": {"pia@a.example"}, "employee_number": {"4711"}, "roles": {"learner"}}); r.StatusCode != 200 && r.StatusCode != 303 {
			t.Fatalf("with employee number: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.post(form, "/admin/users", url.Values{"name": {"Zweite Nummer"}, "email": {"zwei@a.example"}, "employee_number": {"4711"}, "roles": {"learner"}}); r.StatusCode != 422 ||
			!strings.Contains(r.Body, `id="u-empno-err"`) {
			t.Errorf("employee number taken: %d", r.StatusCode)
		}
		// Without e-mail configured: no invitation offered; the link is shown to hand over.
		if page := hr.do("GET", form, nil); strings.Contains(page.Body, `name="invite"`) {
			t.Error("the form offers an invitation without e-mail")
		}
		// hr may grant learner only: an hr role sent anyway is not granted.
		r = hr.post(form, "/admin/users", url.Values{"name": {"Nina Neu"}, "email": {"nina.neu@a.example"}, "org_unit": {"FB9/Neu"}, "language": {"en"}, "roles": {"learner", "hr"}})
		if r.StatusCode != 200 || !strings.Contains(r.Body, "Die Person ist angelegt.") || !setPwLink.MatchString(r.Body) {
			t.Fatalf("create: %d\n%s", r.StatusCode, r.Body)
		}
		if !strings.Contains(r.Body, "FB9/Neu") || strings.Contains(r.Body, "<dd>Lernende Person, Personalabteilung</dd>") || !strings.Contains(r.Body, "<dd>Lernende Person</dd>") {
			t.Errorf("created person's facts:\n%s", r.Body)
		}
		if !strings.Contains(r.Body, `id="u-role-hr" name="roles" value="hr" disabled`) {
			t.Error("hr sees the hr role as grantable")
		}
		id := w.userID(t, hr, "nina.neu@a.example")

		// Edit: a field error keeps the input; then a valid change.
		page := "/admin/users/" + id
		r = hr.post(page, page, url.Values{"name": {"Nina Neu"}, "email": {"nina.neu@a.example"}, "language": {"fr"}, "roles": {"learner"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Wählen Sie Deutsch, Englisch oder die Voreinstellung der Verwaltung.") {
			t.Fatalf("bad language: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.post(page, page, url.Values{"name": {"Nina Neumann"}, "email": {"nina.neumann@a.example"}, "org_unit": {"FB3"}, "language": {""}, "roles": {"learner"}})
		if r.StatusCode != 303 {
			t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.do("GET", page+"?done=saved", nil); !strings.Contains(r.Body, "Nina Neumann") || !strings.Contains(r.Body, "nina.neumann@a.example") || !strings.Contains(r.Body, "<dd>FB3</dd>") {
			t.Errorf("after saving:\n%s", r.Body)
		}
		// An admin may make hr of someone.
		admin := w.browser(t, "admin@a.example")
		if r := admin.post(page, page, url.Values{"name": {"Nina Neumann"}, "email": {"nina.neumann@a.example"}, "org_unit": {"FB3"}, "roles": {"learner", "hr"}}); r.StatusCode != 303 {
			t.Fatalf("admin grants hr: %d\n%s", r.StatusCode, r.Body)
		}
		// From now on the account holds a role hr cannot grant: hr may look, not change it, send
		// it a link or deactivate it (that would hand hr the account).
		if r := hr.do("GET", page, nil); !strings.Contains(r.Body, "<dd>Lernende Person, Personalabteilung</dd>") ||
			!strings.Contains(r.Body, "nur die Administration vergeben kann") || strings.Contains(r.Body, page+"/invite") {
			t.Errorf("hr's view of an hr account:\n%s", r.Body)
		}
		for _, c := range []struct {
			path string
			form url.Values
		}{
			{page, url.Values{"name": {"Nina N."}, "email": {"hr-takeover@a.example"}, "org_unit": {"FB3"}, "roles": {"learner"}}},
			{page + "/invite", url.Values{"link": {"1"}}},
			{page + "/active", url.Values{"active": {"0"}}},
		} {
			if r := hr.post("/admin/users", c.path, c.form); r.StatusCode != 403 || !strings.Contains(r.Body, "Dafür fehlt Ihnen die Berechtigung.") {
				t.Errorf("hr POST %s on an hr account: %d\n%s", c.path, r.StatusCode, r.Body)
			}
		}
		if r := admin.post(page, page, url.Values{"name": {"Nina Neumann"}, "email": {"nina.neumann@a.example"}, "org_unit": {"FB3"}, "roles": {"learner"}}); r.StatusCode != 303 {
			t.Fatalf("admin takes hr away again: %d\n%s", r.StatusCode, r.Body)
		}

		// A set-password link, to hand over.
		r = hr.post(page, page+"/invite", url.Values{"link": {"1"}})
		if r.StatusCode != 200 || !setPwLink.MatchString(r.Body) {
			t.Fatalf("set-password link: %d\n%s", r.StatusCode, r.Body)
		}

		// Deactivate and reactivate; nobody deactivates themselves.
		if r := hr.post(page, page+"/active", url.Values{"active": {"0"}}); r.StatusCode != 303 {
			t.Fatalf("deactivate: %d", r.StatusCode)
		}
		if r := hr.do("GET", page, nil); !strings.Contains(r.Body, "Deaktiviert seit") || !strings.Contains(r.Body, "Wieder aktivieren") ||
			!strings.Contains(r.Body, "Anonymisieren kann nur die Administration.") {
			t.Errorf("deactivated person's page:\n%s", r.Body)
		}
		if r := hr.post(page, page+"/active", url.Values{"active": {"1"}}); r.StatusCode != 303 {
			t.Fatalf("reactivate: %d", r.StatusCode)
		}
		self := w.userID(t, hr, w.hr)
		if r := hr.do("GET", "/admin/users/"+self, nil); strings.Contains(r.Body, "/active") {
			t.Error("hr's own page offers to deactivate themselves")
		}
		if r := hr.post("/admin/users/"+self, "/admin/users/"+self+"/active", url.Values{"active": {"0"}}); r.StatusCode != 403 || !strings.Contains(r.Body, "Sie können sich nicht selbst deaktivieren.") {
			t.Errorf("deactivate oneself: %d", r.StatusCode)
		}

		audit := w.auditActions(t)
		if audit["user.create"] < 1 || audit["user.update"] < 5 || audit["user.set_password_link"] != 1 {
			t.Errorf("audit: %v", audit)
		}
	})
}

func TestAnonymiseInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		admin := w.browser(t, "admin@a.example")
		id := w.userID(t, admin, "l5@a.example")
		page := "/admin/users/" + id
		if r := admin.do("GET", page+"/anonymise", nil); r.StatusCode != 409 || !strings.Contains(r.Body, "Deaktivieren Sie die Person zuerst") {
			t.Errorf("anonymise an active person: %d", r.StatusCode)
		}
		if r := admin.post(page, page+"/anonymise", url.Values{}); r.StatusCode != 409 {
			t.Errorf("anonymise an active person: %d", r.StatusCode)
		}
		if r := admin.post(page, page+"/active", url.Values{"active": {"0"}}); r.StatusCode != 303 {
			t.Fatalf("deactivate: %d", r.StatusCode)
		}
		if r := admin.do("GET", page, nil); !strings.Contains(r.Body, `href="`+page+`/anonymise"`) {
			t.Fatal("a deactivated person's page does not offer anonymising to an admin")
		}
		confirm := admin.do("GET", page+"/anonymise", nil)
		if confirm.StatusCode != 200 || !strings.Contains(confirm.Body, "Das lässt sich nicht rückgängig machen.") {
			t.Fatalf("confirmation: %d\n%s", confirm.StatusCode, confirm.Body)
		}
		r := admin.do("POST", page+"/anonymise", url.Values{"_csrf": {admin.csrf(confirm)}})
		if r.StatusCode != 303 || r.Header.Get("Location") != "/admin/users?done=anonymised" {
			t.Fatalf("anonymise: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		after := admin.do("GET", page, nil)
		if strings.Contains(after.Body, "l5@a.example") || !strings.Contains(after.Body, "Anonymisiert am") || strings.Contains(after.Body, `action="`+page+`"`) {
			t.Errorf("anonymised person's page:\n%s", after.Body)
		}
		if r := admin.post(page, page+"/active", url.Values{"active": {"1"}}); r.StatusCode != 409 {
			t.Errorf("reactivate an anonymised person: %d", r.StatusCode)
		}
		if audit := w.auditActions(t); audit["user.anonymise"] != 1 {
			t.Errorf("audit: %v", audit)
		}
	})
}

// With e-mail configured a new person can be invited at once, and the invitation sent again
// while they have no password.
func TestPeopleInvitationsByEMail(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, smtp, testenv.CourseTree(nil))
		e.StartJobs()
		ten := e.Tenant("einladen")
		stamp := dialect + "-" + time.Now().Format("150405.000000")
		hrMail := "hr-" + stamp + "@einladen.example"
		e.User(&ten, hrMail, "", model.RoleHR)
		hr := newBrowser(t, e)
		if r := hr.login(hrMail, testenv.Password); r.StatusCode != 303 {
			t.Fatalf("login: %d", r.StatusCode)
		}
		if page := hr.do("GET", "/admin/users/new", nil); !strings.Contains(page.Body, `name="invite"`) {
			t.Fatal("the form does not offer an invitation although e-mail is configured")
		}
		newcomer := "neu-" + stamp + "@einladen.example"
		r := hr.post("/admin/users/new", "/admin/users", url.Values{"name": {"Nina Neu"}, "email": {newcomer}, "roles": {"learner"}, "invite": {"1"}})
		if r.StatusCode != 303 || !strings.HasSuffix(r.Header.Get("Location"), "?done=invited") {
			t.Fatalf("create with invitation: %d\n%s", r.StatusCode, r.Body)
		}
		page := strings.TrimSuffix(r.Header.Get("Location"), "?done=invited")
		if p := hr.do("GET", r.Header.Get("Location"), nil); !strings.Contains(p.Body, "Die Einladung ist unterwegs.") || setPwLink.MatchString(p.Body) ||
			!strings.Contains(p.Body, "Einladung erneut schicken") {
			t.Errorf("after inviting:\n%s", p.Body)
		}
		if r := hr.post(page, page+"/invite", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("invite again: %d\n%s", r.StatusCode, r.Body)
		}
		if msgs := mailpit.WaitTo(newcomer, 2); !strings.Contains(msgs[0].Subject, "Ihr Zugang zu Wachsam") {
			t.Errorf("invitation: %q", msgs[0].Subject)
		}
	})
}

// A person's page lists their mandatory courses with status: a named list of one, so it is
// audited and disappears when the municipality switches named lists off.
func TestPersonPageFollowsTheNamedListRules(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}})
		page := "/admin/users/" + w.userID(t, hr, "l0@a.example")
		if r := hr.do("GET", page, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "/admin/reports/basis") {
			t.Fatalf("person page with named lists on: %d\n%s", r.StatusCode, r.Body)
		}
		if n := w.auditActions(t)["report.learners"]; n != 1 {
			t.Errorf("%d report.learners entries after one person page, want 1", n)
		}
		admin := w.e.Token("admin@a.example")
		if r := w.e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		r := hr.do("GET", page, nil)
		if r.StatusCode != 200 || strings.Contains(r.Body, "/admin/reports/basis") || !strings.Contains(r.Body, "Namentliche Listen") {
			t.Errorf("person page with named lists off: %d\n%s", r.StatusCode, r.Body)
		}
		if n := w.auditActions(t)["report.learners"]; n != 1 {
			t.Errorf("a page without the list was audited: %d", n)
		}
	})
}
