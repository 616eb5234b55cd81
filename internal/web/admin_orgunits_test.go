package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// unitID is the id of the org unit named name, read from the tree page.
func unitID(t *testing.T, b *browser, name string) string {
	t.Helper()
	page := b.do("GET", "/admin/org-units", nil)
	m := regexp.MustCompile(`href="/admin/org-units/([0-9a-f-]{36})">` + regexp.QuoteMeta(name) + `<`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no unit %s in the tree: %d\n%s", name, page.StatusCode, page.Body)
	}
	return m[1]
}

func TestOrgUnitsInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		const page = "/admin/org-units"
		if r := w.browser(t, w.learnr).do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		hr := w.browser(t, w.hr)
		r := hr.do("GET", page, nil)
		// FB1 holds nobody itself, six people with FB1/Amt; FB4 holds hr, admin and l15.
		for _, want := range []string{"<th scope=\"row\" class=\"depth-1\">", "FB1/Amt</span>", "Personen direkt: </span>0</td>",
			`<a href="/admin/users?org_unit=FB1">6</a>`, `<a href="/admin/users?org_unit=FB3">7</a>`, `<a href="/admin/users?org_unit=FB4">3</a>`} {
			if r.StatusCode != 200 || !strings.Contains(r.Body, want) {
				t.Fatalf("tree lacks %q: %d\n%s", want, r.StatusCode, r.Body)
			}
		}
		if strings.Contains(r.Body, "Geheim") {
			t.Error("another municipality's unit in the tree")
		}
		if r := hr.do("POST", page, url.Values{"path": {"Ohne Token"}}); r.StatusCode != 403 {
			t.Errorf("without CSRF token: %d", r.StatusCode)
		}

		// Field errors say what to fix and keep what was typed; nothing is written.
		for _, bad := range []string{" ", "Fachbereich 1//Bürgeramt", strings.Repeat("x", 121)} {
			r := hr.post(page, page, url.Values{"path": {bad}})
			if r.StatusCode != 422 || !strings.Contains(r.Body, `id="ou-path-err"`) || !strings.Contains(r.Body, "keiner leer, jeder höchstens 120 Zeichen") {
				t.Errorf("path %q: %d", bad, r.StatusCode)
			}
		}
		r = hr.post(page, page, url.Values{"path": {"Fachbereich 1//Bürgeramt"}})
		if !strings.Contains(r.Body, `value="Fachbereich 1//Bürgeramt"`) {
			t.Error("the typed path is lost")
		}

		// Create with a missing parent; again changes nothing. Audited once, as in the API.
		if r := hr.post(page, page, url.Values{"path": {" Fachbereich 1 / Bürgeramt "}}); r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=created" {
			t.Fatalf("create: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := hr.post(page, page, url.Values{"path": {"Fachbereich 1/Bürgeramt"}}); r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=exists" {
			t.Fatalf("create again: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := hr.do("GET", page+"?done=exists", nil); !strings.Contains(r.Body, "Diese Einheit gibt es schon") || !strings.Contains(r.Body, ">Fachbereich 1<") {
			t.Error("the page after creating")
		}
		id := unitID(t, hr, "Bürgeramt")

		// Rename: a name, not a path; not the name of a sibling.
		unitPage := page + "/" + id
		if r := hr.do("GET", unitPage, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "<h1>Fachbereich 1/Bürgeramt</h1>") || !strings.Contains(r.Body, "Einheit löschen") {
			t.Fatalf("unit page: %d\n%s", r.StatusCode, r.Body)
		}
		for _, bad := range []string{"", "A/B"} {
			if r := hr.post(unitPage, unitPage, url.Values{"name": {bad}}); r.StatusCode != 422 || !strings.Contains(r.Body, `id="ou-name-err"`) ||
				!strings.Contains(r.Body, "ohne „/“ an. Um eine Einheit zu verschieben") {
				t.Errorf("rename to %q: %d", bad, r.StatusCode)
			}
		}
		if _, err := w.e.Srv.Store.EnsureOrgUnit(t.Context(), store.TenantScope(w.a.ID), "Fachbereich 1/Standesamt"); err != nil {
			t.Fatal(err)
		}
		if r := hr.post(unitPage, unitPage, url.Values{"name": {"Standesamt"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Eine Einheit mit diesem Namen gibt es an dieser Stelle schon") ||
			!strings.Contains(r.Body, `value="Standesamt"`) {
			t.Errorf("rename onto a sibling: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.post(unitPage, unitPage, url.Values{"name": {"Bürgerbüro"}}); r.StatusCode != 303 || r.Header.Get("Location") != unitPage+"?done=renamed" {
			t.Fatalf("rename: %d", r.StatusCode)
		}
		if r := hr.do("GET", unitPage+"?done=renamed", nil); !strings.Contains(r.Body, "<h1>Fachbereich 1/Bürgerbüro</h1>") || !strings.Contains(r.Body, "Die Einheit ist umbenannt.") {
			t.Error("the renamed unit's page")
		}

		// Delete only when empty, with the reason shown; the page offers no button otherwise.
		fb1 := unitID(t, hr, "FB1")
		if r := hr.do("GET", page+"/"+fb1, nil); !strings.Contains(r.Body, "Untereinheiten: 1, Personen: 0") || strings.Contains(r.Body, "Einheit löschen") {
			t.Error("FB1's page offers deletion")
		}
		if r := hr.post(page+"/"+id, page+"/"+fb1+"/delete", url.Values{}); r.StatusCode != 409 || !strings.Contains(r.Body, "Die Einheit ist nicht leer") {
			t.Errorf("delete FB1: %d", r.StatusCode)
		}
		if r := hr.post(unitPage, unitPage+"/delete", url.Values{}); r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=deleted" {
			t.Fatalf("delete: %d", r.StatusCode)
		}
		if r := hr.do("GET", page, nil); strings.Contains(r.Body, "Bürgerbüro") || !strings.Contains(r.Body, "FB1") {
			t.Error("the tree after deleting")
		}
		if r := hr.do("GET", unitPage, nil); r.StatusCode != 404 {
			t.Errorf("the deleted unit: %d", r.StatusCode)
		}

		// Another municipality's unit is 404, to read and to change, and stays as it was.
		var units []struct{ ID, Path string }
		w.e.Do("GET", "/api/v1/admin/org-units", w.e.Token("hr@b.example"), nil).JSON(t, &units)
		if len(units) != 1 || units[0].Path != "Geheim" {
			t.Fatalf("b's units: %v", units)
		}
		foreign := page + "/" + units[0].ID
		if r := hr.do("GET", foreign, nil); r.StatusCode != 404 || strings.Contains(r.Body, "Geheim") {
			t.Errorf("another municipality's unit: %d", r.StatusCode)
		}
		if r := hr.post(page, foreign, url.Values{"name": {"Offen"}}); r.StatusCode != 404 {
			t.Errorf("rename another municipality's unit: %d", r.StatusCode)
		}
		if r := hr.post(page, foreign+"/delete", url.Values{}); r.StatusCode != 404 {
			t.Errorf("delete another municipality's unit: %d", r.StatusCode)
		}
		w.e.Do("GET", "/api/v1/admin/org-units", w.e.Token("hr@b.example"), nil).JSON(t, &units)
		if len(units) != 1 || units[0].Path != "Geheim" {
			t.Errorf("b's units changed: %v", units)
		}

		// The same audit entries as the API writes; refused forms none.
		if audit := w.auditActions(t); audit["org_unit.create"] != 1 || audit["org_unit.rename"] != 1 || audit["org_unit.delete"] != 1 {
			t.Errorf("audit: %v", audit)
		}
	})
}
