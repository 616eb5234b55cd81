package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

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
		before := len(w.auditOf(t, "report.exemptions"))
		if r := hr.do("GET", exemptions, nil); r.StatusCode != 200 || !strings.Contains(r.Body, ">l13<") || !strings.Contains(r.Body, "Elternzeit bis 2027") || !exemptionRevoke.MatchString(r.Body) {
			t.Fatalf("exemptions with named lists on: %d\n%s", r.StatusCode, r.Body)
		}
		v := w.auditOf(t, "report.exemptions")
		if len(v) != before+1 || v[0].ActorName != "hr" || v[0].Target != "basis" || v[0].Details["entries"] != "1" || v[0].Details["via"] != "page" {
			t.Errorf("audit of the exemptions page: %d entries, newest %+v", len(v)-before, v[0])
		}
		// The page after a refused form shows the list too, so it is a view as well.
		if r := hr.post(exemptions, exemptions, url.Values{"email": {""}, "reason": {"x"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Elternzeit bis 2027") {
			t.Fatalf("refused form: %d", r.StatusCode)
		}
		if n := len(w.auditOf(t, "report.exemptions")); n != before+3 { // the page that supplied the form's token, and the answer
			t.Errorf("%d views audited, want 3", n-before)
		}
		if r := hr.do("GET", completions, nil); r.StatusCode != 200 || !strings.Contains(r.Body, ">l3<") || !strings.Contains(r.Body, "Schulung im Rathaus") {
			t.Fatalf("completions with named lists on: %d", r.StatusCode)
		}
		if v := w.auditOf(t, "report.manual_completions"); len(v) != 1 || v[0].Target != "basis" || v[0].Details["entries"] != "1" || v[0].Details["via"] != "page" {
			t.Errorf("audit of the completions page: %+v", v)
		}
		if v := w.auditOf(t, "report.exemptions_and_completions"); len(v) != 0 {
			t.Errorf("the course pages wrote the cross-course list's action: %+v", v)
		}

		// Named lists off: both pages say so and name nobody (no entries, no revoke buttons),
		// the forms remain, and nothing is audited as viewed.
		w.setNamedLists(t, false)
		exViews, mcViews := len(w.auditOf(t, "report.exemptions")), len(w.auditOf(t, "report.manual_completions"))
		hidden := []string{">l13<", "Elternzeit bis 2027", ">l3<", "Schulung im Rathaus", "Aktive Befreiungen", "/revoke\""} // an entry's revoke button (the form by address stays)
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
		if n, m := len(w.auditOf(t, "report.exemptions")), len(w.auditOf(t, "report.manual_completions")); n != exViews || m != mcViews {
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

// While named lists are off the pages list nobody, so HR revokes by the person's address: the
// answer names only what was typed, says what was revoked or that there was nothing, and each
// revocation is audited like one by id. The person must be of the municipality, and the rules
// of recording apply.
func TestRevokeByEmailWhileNamedListsAreOff(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		const exemptions, completions = "/admin/reports/basis/exemptions", "/admin/reports/basis/completions"
		const revokeEx, revokeMC = exemptions + "/revoke-by-email", completions + "/revoke-by-email"
		w.setNamedLists(t, false)
		page := hr.do("GET", exemptions, nil)
		if !strings.Contains(page.Body, `action="`+revokeEx+`"`) || !strings.Contains(page.Body, `<label for="rv-email">`) || !strings.Contains(page.Body, `name="revoke_email"`) {
			t.Fatalf("no revoke-by-address form while named lists are off:\n%s", page.Body)
		}
		assigned, _ := w.total(t, "basis")
		if r := hr.post(exemptions, exemptions, url.Values{"email": {"l12@a.example"}, "reason": {"Sonderurlaub bis Juni"}}); r.StatusCode != 303 {
			t.Fatalf("exempt: %d", r.StatusCode)
		}

		// Revoked by the address typed: the answer names that address and the day the exemption
		// was recorded, never its reason or anyone else, and the person counts again.
		r := hr.post(exemptions, revokeEx, url.Values{"revoke_email": {" l12@a.example "}})
		today := time.Now().In(model.Berlin).Format("02.01.2006")
		if r.StatusCode != 200 || !strings.Contains(r.Body, "Die Befreiung von l12@a.example (erfasst am "+today+") ist zurückgenommen") ||
			!strings.Contains(r.Body, `role="status"`) {
			t.Fatalf("revoke by address: %d\n%s", r.StatusCode, r.Body)
		}
		for _, s := range []string{"Sonderurlaub", ">l12<", "/revoke\""} {
			if strings.Contains(r.Body, s) {
				t.Errorf("the answer names %q while named lists are off", s)
			}
		}
		if strings.Contains(r.Body, `value="l12@a.example"`) {
			t.Errorf("the address stays in the form after success")
		}
		if now, _ := w.total(t, "basis"); now != assigned {
			t.Errorf("assigned %d after revoking, want %d", now, assigned)
		}
		list, err := w.e.Srv.Store.ListExemptions(t.Context(), store.TenantScope(w.a.ID))
		if err != nil || len(list) != 1 || list[0].RevokedAt == nil || list[0].RevokedBy == "" {
			t.Fatalf("stored exemption after revoking: %v %+v", err, list)
		}
		audit := w.auditOf(t, "exemption.revoke")
		if len(audit) != 1 || audit[0].ActorName != "hr" || audit[0].Target != "basis → l12" || audit[0].Details["exemption_id"] != list[0].ID ||
			audit[0].Details["user_id"] != list[0].UserID || audit[0].Details["found_by"] != "person_and_course" {
			t.Errorf("audit of the revocation: %+v", audit)
		}

		// Nothing left to revoke, an unknown address, none at all: a clear message at the field,
		// tied to it, with what was typed kept; nothing is revoked or audited.
		r = hr.post(exemptions, revokeEx, url.Values{"revoke_email": {"l12@a.example"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Diese Person ist von diesem Kurs nicht befreit") || !strings.Contains(r.Body, "Es wurde nichts zurückgenommen.") ||
			!strings.Contains(r.Body, `aria-describedby="rv-email-hint rv-email-err" aria-invalid="true"`) || !strings.Contains(r.Body, `<p class="field-error" id="rv-email-err">`) ||
			!strings.Contains(r.Body, `value="l12@a.example"`) {
			t.Errorf("nothing to revoke: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.post(exemptions, revokeEx, url.Values{"revoke_email": {"niemand@a.example"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Unter dieser E-Mail-Adresse gibt es in Ihrer Verwaltung niemanden") {
			t.Errorf("unknown address: %d", r.StatusCode)
		}
		hr.lang = "en"
		if r := hr.post(exemptions, revokeEx, url.Values{"revoke_email": {""}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Give the person&#39;s e-mail address.") {
			t.Errorf("no address: %d\n%s", r.StatusCode, r.Body)
		}
		hr.lang = ""
		// A form without its CSRF token is refused.
		if r := hr.do("POST", revokeEx, url.Values{"revoke_email": {"l12@a.example"}}); r.StatusCode != 403 {
			t.Errorf("revoke without CSRF token: %d", r.StatusCode)
		}

		// Another municipality's person is unknown here, and their exemption stays.
		ctx, st := t.Context(), w.e.Srv.Store
		hrB, _, err := st.Credentials(ctx, "hr@b.example")
		if err != nil {
			t.Fatal(err)
		}
		pB, _, err := st.Credentials(ctx, "p0@b.example")
		if err != nil {
			t.Fatal(err)
		}
		exB, err := w.e.Srv.Assignments.Exempt(ctx, store.TenantScope(w.b.ID), auth.Principal{UserID: hrB.ID, TenantID: w.b.ID, Roles: hrB.Roles},
			assignment.ExemptionRequest{UserID: pB.ID, Course: "basis", Reason: "Geheim"})
		if err != nil {
			t.Fatal(err)
		}
		if r := hr.post(exemptions, revokeEx, url.Values{"revoke_email": {"p0@b.example"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Unter dieser E-Mail-Adresse gibt es in Ihrer Verwaltung niemanden") {
			t.Errorf("another municipality's person: %d", r.StatusCode)
		}
		if ex, err := st.ExemptionByID(ctx, store.TenantScope(w.b.ID), exB.ID); err != nil || ex.RevokedAt != nil {
			t.Errorf("b's exemption after a's attempt: %v %+v", err, ex)
		}

		// The rules of recording: hr may exempt an administrator (an exemption concerns training,
		// not the account, so the account rules of identity.CheckManage do not apply), and so may
		// revoke that exemption by address as by its id.
		if r := hr.post(exemptions, exemptions, url.Values{"email": {"admin@a.example"}, "reason": {"Ausbilderin"}}); r.StatusCode != 303 {
			t.Fatalf("hr exempts an admin: %d", r.StatusCode)
		}
		if r := hr.post(exemptions, revokeEx, url.Values{"revoke_email": {"admin@a.example"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "Die Befreiung von admin@a.example") {
			t.Errorf("hr revokes an admin's exemption by address: %d", r.StatusCode)
		}

		// In-person trainings: the one recorded last is revoked, and the answer says how many
		// more stay active; repeating revokes the next, then there is nothing left.
		w.record(t, w.a, w.hr, "l4@a.example", "Präsenz 2026 im Ratssaal")
		st.SetClock(func() time.Time { return time.Now().UTC().Add(time.Minute) }) // recorded later
		w.record(t, w.a, w.hr, "l4@a.example", "aus Versehen doppelt")
		hr.lang = "en"
		r = hr.post(completions, revokeMC, url.Values{"revoke_email": {"l4@a.example"}})
		day := time.Now().In(model.Berlin).AddDate(0, 0, -3).Format("2 January 2006")
		if r.StatusCode != 200 || !strings.Contains(r.Body, "The in-person training of l4@a.example on "+day+" (recorded on ") ||
			!strings.Contains(r.Body, "Further active in-person trainings of this person for this course: 1.") || strings.Contains(r.Body, "Versehen") || strings.Contains(r.Body, "Ratssaal") {
			t.Fatalf("revoke a training by address: %d\n%s", r.StatusCode, r.Body)
		}
		hr.lang = ""
		mcs, err := w.e.Srv.Store.ListManualCompletions(t.Context(), store.TenantScope(w.a.ID))
		if err != nil || len(mcs) != 2 || mcs[0].Note != "aus Versehen doppelt" || mcs[0].RevokedAt == nil || mcs[1].RevokedAt != nil {
			t.Fatalf("the training recorded last should be revoked, the other not: %v %+v", err, mcs)
		}
		if r := hr.post(completions, revokeMC, url.Values{"revoke_email": {"l4@a.example"}}); r.StatusCode != 200 || strings.Contains(r.Body, "Weitere aktive") {
			t.Errorf("revoke the second training: %d\n%s", r.StatusCode, r.Body)
		}
		if r := hr.post(completions, revokeMC, url.Values{"revoke_email": {"l4@a.example"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Für diese Person ist für diesen Kurs keine aktive Präsenzschulung erfasst.") {
			t.Errorf("no training left: %d", r.StatusCode)
		}
		if a := w.auditOf(t, "completion.manual_revoke"); len(a) != 2 || a[0].Details["found_by"] != "person_and_course" || a[1].Details["manual_completion_id"] != mcs[0].ID {
			t.Errorf("audit of the revoked trainings: %+v", a)
		}

		// With named lists on the form is there too, and the list shows the revoked entries.
		w.setNamedLists(t, true)
		if r := hr.do("GET", exemptions, nil); !strings.Contains(r.Body, `action="`+revokeEx+`"`) || !strings.Contains(r.Body, "Sonderurlaub bis Juni") {
			t.Errorf("exemptions page with named lists on:\n%s", r.Body)
		}
	})
}
