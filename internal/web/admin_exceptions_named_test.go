package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// views returns the audit entries of one of the course lists (report.exemptions,
// report.manual_completions), newest first.
func (w adminWorld) views(t *testing.T, action string) []model.AuditEntry {
	t.Helper()
	var audit []model.AuditEntry
	w.e.Do("GET", "/api/v1/admin/audit?limit=500&action="+action, w.e.Token("admin@a.example"), nil).JSON(t, &audit)
	return audit
}

// setNamedLists switches the municipality's named lists on or off, as an administrator does.
func (w adminWorld) setNamedLists(t *testing.T, on bool) {
	t.Helper()
	if r := w.e.Do("PATCH", "/api/v1/admin/tenant", w.e.Token("admin@a.example"), map[string]any{"settings": map[string]any{"named_reports": on}}); r.StatusCode != 200 {
		t.Fatalf("named lists %v: %d %s", on, r.StatusCode, r.Body)
	}
}

// The course's pages of exemptions and manual completions list people with their reasons: each
// view is audited, and while named lists are off they name nobody but still record.
func TestExceptionPagesFollowTheNamedListRules(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		const exemptions, completions = "/admin/reports/basis/exemptions", "/admin/reports/basis/completions"
		if r := hr.post(exemptions, exemptions, url.Values{"email": {"l13@a.example"}, "reason": {"Elternzeit bis 2027"}}); r.StatusCode != 303 {
			t.Fatalf("exempt: %d", r.StatusCode)
		}
		w.record(t, w.a, w.hr, "l3@a.example", "Schulung im Rathaus")

		// Named lists on: the lists as before, one audit entry per view, with the course, how
		// many entries were shown and that it was the page.
		before := len(w.views(t, "report.exemptions"))
		if r := hr.do("GET", exemptions, nil); r.StatusCode != 200 || !strings.Contains(r.Body, ">l13<") || !strings.Contains(r.Body, "Elternzeit bis 2027") || !exemptionRevoke.MatchString(r.Body) {
			t.Fatalf("exemptions with named lists on: %d\n%s", r.StatusCode, r.Body)
		}
		v := w.views(t, "report.exemptions")
		if len(v) != before+1 || v[0].ActorName != "hr" || v[0].Target != "basis" || v[0].Details["entries"] != "1" || v[0].Details["via"] != "page" {
			t.Errorf("audit of the exemptions page: %d entries, newest %+v", len(v)-before, v[0])
		}
		// The page after a refused form shows the list too, so it is a view as well.
		if r := hr.post(exemptions, exemptions, url.Values{"email": {""}, "reason": {"x"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Elternzeit bis 2027") {
			t.Fatalf("refused form: %d", r.StatusCode)
		}
		if n := len(w.views(t, "report.exemptions")); n != before+3 { // the page that supplied the form's token, and the answer
			t.Errorf("%d views audited, want 3", n-before)
		}
		if r := hr.do("GET", completions, nil); r.StatusCode != 200 || !strings.Contains(r.Body, ">l3<") || !strings.Contains(r.Body, "Schulung im Rathaus") {
			t.Fatalf("completions with named lists on: %d", r.StatusCode)
		}
		if v := w.views(t, "report.manual_completions"); len(v) != 1 || v[0].Target != "basis" || v[0].Details["entries"] != "1" || v[0].Details["via"] != "page" {
			t.Errorf("audit of the completions page: %+v", v)
		}
		if v := w.views(t, "report.exemptions_and_completions"); len(v) != 0 {
			t.Errorf("the course pages wrote the cross-course list's action: %+v", v)
		}

		// Named lists off: both pages say so and name nobody (no entries, no revoke buttons),
		// the forms remain, and nothing is audited as viewed.
		w.setNamedLists(t, false)
		exViews, mcViews := len(w.views(t, "report.exemptions")), len(w.views(t, "report.manual_completions"))
		hidden := []string{">l13<", "Elternzeit bis 2027", ">l3<", "Schulung im Rathaus", "Aktive Befreiungen", "/revoke"}
		ex := hr.do("GET", exemptions, nil)
		if ex.StatusCode != 200 || !strings.Contains(ex.Body, "deshalb zeigt diese Seite keine Befreiungen") ||
			!strings.Contains(ex.Body, `<form method="post" action="/admin/reports/basis/exemptions"`) || !strings.Contains(ex.Body, `name="email"`) {
			t.Fatalf("exemptions with named lists off: %d\n%s", ex.StatusCode, ex.Body)
		}
		hr.lang = "en"
		mc := hr.do("GET", completions, nil)
		if mc.StatusCode != 200 || !strings.Contains(mc.Body, "so this page shows no recorded in-person trainings") || !strings.Contains(mc.Body, `name="completed_on"`) {
			t.Fatalf("completions with named lists off: %d\n%s", mc.StatusCode, mc.Body)
		}
		hr.lang = ""
		for _, body := range []string{ex.Body, mc.Body} {
			for _, s := range hidden {
				if strings.Contains(body, s) {
					t.Errorf("a page names %q while named lists are off", s)
				}
			}
		}

		// Recording still works, by the address typed in; the page after it names nobody either.
		assigned, _ := w.total(t, "basis")
		r := hr.post(exemptions, exemptions, url.Values{"email": {"l12@a.example"}, "reason": {"Sonderurlaub"}})
		if r.StatusCode != 303 || r.Header.Get("Location") != exemptions+"?done=created" {
			t.Fatalf("exempt while named lists are off: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.do("GET", exemptions+"?done=created", nil); !strings.Contains(r.Body, "Gespeichert und im Protokoll vermerkt.") || strings.Contains(r.Body, ">l12<") || strings.Contains(r.Body, "Sonderurlaub") {
			t.Errorf("after recording with named lists off:\n%s", r.Body)
		}
		if now, _ := w.total(t, "basis"); now != assigned-1 {
			t.Errorf("assigned %d after the exemption, want %d", now, assigned-1)
		}
		// A refused form keeps what was typed, names nobody else, and says why the existing
		// exemption is not shown.
		r = hr.post(exemptions, exemptions, url.Values{"email": {"l12@a.example"}, "reason": {"doppelt"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Solange namentliche Listen ausgeschaltet sind, zeigt Wachsam bestehende Befreiungen nicht an") ||
			!strings.Contains(r.Body, `value="l12@a.example"`) || strings.Contains(r.Body, "Sonderurlaub") || strings.Contains(r.Body, "Elternzeit bis 2027") {
			t.Errorf("second exemption with named lists off: %d\n%s", r.StatusCode, r.Body)
		}
		day := time.Now().In(model.Berlin).AddDate(0, 0, -1).Format(time.DateOnly)
		r = hr.post(completions, completions, url.Values{"email": {"l4@a.example"}, "completed_on": {day}, "note": {"Präsenz beim Landkreis"}})
		if r.StatusCode != 303 {
			t.Fatalf("manual completion while named lists are off: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.post(completions, completions, url.Values{"email": {"l4@a.example"}, "completed_on": {"gestern"}, "note": {"x"}}); r.StatusCode != 422 ||
			strings.Contains(r.Body, "Präsenz beim Landkreis") || strings.Contains(r.Body, "Schulung im Rathaus") {
			t.Errorf("refused completion form with named lists off: %d", r.StatusCode)
		}
		// Revoking (an act, by the entry's id) still works too.
		list, err := w.e.Srv.Store.ListExemptions(t.Context(), store.TenantScope(w.a.ID))
		if err != nil || len(list) != 2 || list[0].UserName != "l12" {
			t.Fatalf("stored exemptions: %v %+v", err, list)
		}
		if r := hr.post(exemptions, exemptions+"/"+list[0].ID+"/revoke", url.Values{}); r.StatusCode != 303 {
			t.Errorf("revoke while named lists are off: %d", r.StatusCode)
		}
		audit := w.auditActions(t)
		for _, action := range []string{"exemption.create", "exemption.revoke", "completion.manual"} {
			if audit[action] == 0 {
				t.Errorf("%s not audited while named lists are off", action)
			}
		}
		if n, m := len(w.views(t, "report.exemptions")), len(w.views(t, "report.manual_completions")); n != exViews || m != mcViews {
			t.Errorf("%d and %d views audited while named lists are off", n-exViews, m-mcViews)
		}

		// Named lists on again: everything recorded meanwhile is listed.
		w.setNamedLists(t, true)
		if r := hr.do("GET", exemptions, nil); !strings.Contains(r.Body, "Sonderurlaub") || !strings.Contains(r.Body, "Elternzeit bis 2027") {
			t.Errorf("exemptions with named lists on again:\n%s", r.Body)
		}
		if r := hr.do("GET", completions, nil); !strings.Contains(r.Body, "Präsenz beim Landkreis") {
			t.Errorf("completions with named lists on again:\n%s", r.Body)
		}
	})
}
