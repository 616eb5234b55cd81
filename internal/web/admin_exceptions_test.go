package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

var (
	exemptionRevoke  = regexp.MustCompile(`action="/admin/reports/basis/exemptions/([0-9a-f-]{36})/revoke"`)
	completionRevoke = regexp.MustCompile(`action="/admin/reports/basis/completions/([0-9a-f-]{36})/revoke"`)
)

// post sends a form from page (which supplies the CSRF token) to path.
func (b *browser) post(page, path string, form url.Values) testenv.Response {
	b.t.Helper()
	form.Set("_csrf", b.csrf(b.do("GET", page, nil)))
	return b.do("POST", path, form)
}

// total is the municipality's whole row of the course's compliance report, as the API gives it.
func (w adminWorld) total(t *testing.T, slug string) (assigned, completed int) {
	t.Helper()
	var rep struct {
		Total struct{ Assigned, Completed *int }
	}
	w.e.Do("GET", "/api/v1/reports/compliance?course="+slug, w.e.Token(w.hr), nil).JSON(t, &rep)
	if rep.Total.Assigned == nil {
		t.Fatalf("the total of %s is suppressed", slug)
	}
	return *rep.Total.Assigned, *rep.Total.Completed
}

// auditActions counts the municipality's audit entries per action.
func (w adminWorld) auditActions(t *testing.T) map[string]int {
	t.Helper()
	var audit []struct {
		Action  string            `json:"action"`
		Details map[string]string `json:"details"`
	}
	w.e.Do("GET", "/api/v1/admin/audit", w.e.Token("admin@a.example"), nil).JSON(t, &audit)
	out := map[string]int{}
	for _, a := range audit {
		out[a.Action]++
	}
	return out
}

// auditOf returns the municipality's audit entries of one action (at most 500), newest first.
func (w adminWorld) auditOf(t *testing.T, action string) []model.AuditEntry {
	t.Helper()
	var audit []model.AuditEntry
	w.e.Do("GET", "/api/v1/admin/audit?limit=500&action="+url.QueryEscape(action), w.e.Token("admin@a.example"), nil).JSON(t, &audit)
	return audit
}

func TestExemptionsInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		report := hr.do("GET", "/admin/reports/basis", nil)
		for _, want := range []string{`href="/admin/reports/basis/exemptions"`, "Befreiungen (0 aktiv)", `href="/admin/reports/basis/completions"`, `href="/admin/reports/basis/compliance.pdf"`} {
			if !strings.Contains(report.Body, want) {
				t.Errorf("the course report lacks %s", want)
			}
		}
		const page = "/admin/reports/basis/exemptions"
		if r := hr.do("GET", page, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Niemand ist von diesem Kurs befreit.") {
			t.Fatalf("empty list: %d\n%s", r.StatusCode, r.Body)
		}
		assigned, _ := w.total(t, "basis")

		// Field errors say what to fix and keep what was typed; nothing is stored or audited.
		r := hr.post(page, page, url.Values{"email": {""}, "reason": {"  "}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Geben Sie die E-Mail-Adresse der Person an.") ||
			!strings.Contains(r.Body, "Schreiben Sie eine Begründung mit höchstens 1000 Zeichen.") || strings.Count(r.Body, `aria-invalid="true"`) != 2 {
			t.Fatalf("empty form: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.post(page, page, url.Values{"email": {"p0@b.example"}, "reason": {"Elternzeit"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Unter dieser E-Mail-Adresse gibt es in Ihrer Verwaltung niemanden.") || !strings.Contains(r.Body, ">Elternzeit</textarea>") {
			t.Fatalf("a person of another municipality: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.post(page, page, url.Values{"email": {"l13@a.example"}, "reason": {strings.Repeat("x", 1001)}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "höchstens 1000 Zeichen") || !strings.Contains(r.Body, `value="l13@a.example"`) {
			t.Fatalf("too long a reason: %d", r.StatusCode)
		}
		if n := w.auditActions(t)["exemption.create"]; n != 0 {
			t.Fatalf("%d exemptions audited after refused forms", n)
		}

		// Exempt l13 (any case of the address): out of the denominator at once, audited.
		if r := hr.post(page, page, url.Values{"email": {"L13@a.example"}, "reason": {"Elternzeit bis 2027"}}); r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=created" {
			t.Fatalf("exempt: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
		}
		list := hr.do("GET", page+"?done=created", nil)
		today := time.Now().In(model.Berlin).Format("02.01.2006")
		for _, want := range []string{"Gespeichert und im Protokoll vermerkt.", "l13", "Elternzeit bis 2027", "hr am " + today} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("exemptions page lacks %q", want)
			}
		}
		if now, _ := w.total(t, "basis"); now != assigned-1 {
			t.Errorf("assigned %d after the exemption, want %d", now, assigned-1)
		}
		if n := w.auditActions(t)["exemption.create"]; n != 1 {
			t.Errorf("%d exemption.create entries, want 1", n)
		}
		if r := hr.do("GET", "/admin/reports/basis", nil); !strings.Contains(r.Body, "Befreiungen (1 aktiv)") {
			t.Error("the report does not count the active exemption")
		}
		// A second exemption of the same person says what to do instead.
		r = hr.post(page, page, url.Values{"email": {"l13@a.example"}, "reason": {"doppelt"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Diese Person ist bereits befreit. Nehmen Sie die bestehende Befreiung zurück") {
			t.Fatalf("second exemption: %d\n%s", r.StatusCode, r.Body)
		}

		// Another municipality's hr sees none of it and cannot revoke it.
		id := exemptionRevoke.FindStringSubmatch(list.Body)[1]
		other := w.browser(t, "hr@b.example")
		if r := other.do("GET", page, nil); r.StatusCode != 200 || strings.Contains(r.Body, "Elternzeit bis 2027") || strings.Contains(r.Body, ">l13<") {
			t.Errorf("other municipality's list: %d", r.StatusCode)
		}
		if r := other.post(page, page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 404 {
			t.Errorf("other municipality revokes: %d", r.StatusCode)
		}
		// Learners and operators may not record or revoke (the forms' token comes from a page they may see).
		w.e.User(nil, "op@example.org", "", model.RoleOperator)
		for _, who := range []string{w.learnr, "op@example.org"} {
			b := w.browser(t, who)
			if r := b.post("/", page, url.Values{"email": {"l12@a.example"}, "reason": {"weil"}}); r.StatusCode != 403 {
				t.Errorf("%s exempts: %d", who, r.StatusCode)
			}
			if r := b.post("/", page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 403 {
				t.Errorf("%s revokes: %d", who, r.StatusCode)
			}
		}
		if r := hr.post(page, "/admin/reports/gibt-es-nicht/exemptions/"+id+"/revoke", url.Values{}); r.StatusCode != 404 {
			t.Errorf("revoke under an unknown course: %d", r.StatusCode)
		}
		if r := hr.do("GET", "/admin/reports/gibt-es-nicht/exemptions", nil); r.StatusCode != 404 {
			t.Errorf("unknown course: %d", r.StatusCode)
		}

		// Revoke: counted again, kept on record with who and when, audited.
		if r := hr.post(page, page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=revoked" {
			t.Fatalf("revoke: %d", r.StatusCode)
		}
		list = hr.do("GET", page, nil)
		if !strings.Contains(list.Body, "Niemand ist von diesem Kurs befreit.") || !strings.Contains(list.Body, "Zurückgenommen") ||
			!strings.Contains(list.Body, "Elternzeit bis 2027") || exemptionRevoke.MatchString(list.Body) {
			t.Errorf("after revoking:\n%s", list.Body)
		}
		if now, _ := w.total(t, "basis"); now != assigned {
			t.Errorf("assigned %d after revoking, want %d", now, assigned)
		}
		if n := w.auditActions(t)["exemption.revoke"]; n != 1 {
			t.Errorf("%d exemption.revoke entries, want 1", n)
		}
		if r := hr.post(page, page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 409 {
			t.Errorf("revoke twice: %d", r.StatusCode)
		}
	})
}

func TestManualCompletionsInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		hr.lang = "en"
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		const page = "/admin/reports/basis/completions"
		_, completed := w.total(t, "basis")

		tomorrow := time.Now().In(model.Berlin).AddDate(0, 0, 1).Format(time.DateOnly)
		r := hr.post(page, page, url.Values{"email": {"l3@a.example"}, "completed_on": {tomorrow}, "note": {""}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "This day lies in the future.") ||
			!strings.Contains(r.Body, "Write a note of at most 1000 characters: which training, where, by whom.") {
			t.Fatalf("future day, no note: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.post(page, page, url.Values{"email": {"l3@a.example"}, "completed_on": {"1.3.2026"}, "note": {"Präsenz"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Give the day of the training in the format YYYY-MM-DD") || !strings.Contains(r.Body, `value="1.3.2026"`) {
			t.Fatalf("unreadable day: %d", r.StatusCode)
		}
		if n := w.auditActions(t)["completion.manual"]; n != 0 {
			t.Fatalf("%d manual completions audited after refused forms", n)
		}

		day := time.Now().In(model.Berlin).AddDate(0, 0, -3)
		r = hr.post(page, page, url.Values{"email": {"l3@a.example"}, "completed_on": {day.Format(time.DateOnly)}, "note": {"Präsenzschulung im Rathaus, Frau Beispiel"}})
		if r.StatusCode != 303 {
			t.Fatalf("record: %d\n%s", r.StatusCode, r.Body)
		}
		list := hr.do("GET", page, nil)
		for _, want := range []string{"l3", day.Format("2 January 2006"), "Präsenzschulung im Rathaus, Frau Beispiel", "hr on "} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("completions page lacks %q", want)
			}
		}
		if _, now := w.total(t, "basis"); now != completed+1 {
			t.Errorf("completed %d after the manual completion, want %d", now, completed+1)
		}
		if n := w.auditActions(t)["completion.manual"]; n != 1 {
			t.Errorf("%d completion.manual entries, want 1", n)
		}

		id := completionRevoke.FindStringSubmatch(list.Body)[1]
		if r := w.browser(t, "hr@b.example").post(page, page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 404 {
			t.Errorf("other municipality revokes: %d", r.StatusCode)
		}
		if r := hr.post(page, page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("revoke: %d", r.StatusCode)
		}
		if _, now := w.total(t, "basis"); now != completed {
			t.Errorf("completed %d after revoking, want %d", now, completed)
		}
		if n := w.auditActions(t)["completion.manual_revoke"]; n != 1 {
			t.Errorf("%d completion.manual_revoke entries, want 1", n)
		}
		if list := hr.do("GET", page, nil); !strings.Contains(list.Body, "No in-person training is recorded for this course.") || !strings.Contains(list.Body, "Revoked") {
			t.Errorf("after revoking:\n%s", list.Body)
		}
	})
}

func TestYearlyRecurrenceAndPDFInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		// The picked date's year does not matter: every year by 15 January.
		r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"date"}, "due_date": {"2099-01-15"}, "rec_kind": {"yearly"}, "rec_date": {"2031-01-15"}})
		if r.StatusCode != 303 {
			t.Fatalf("assign yearly: %d\n%s", r.StatusCode, r.Body)
		}
		var list []struct{ Recurrence string }
		w.e.Do("GET", "/api/v1/admin/assignments", w.e.Token(w.hr), nil).JSON(t, &list)
		if len(list) != 1 || list[0].Recurrence != "yearly:01-15" {
			t.Errorf("stored recurrence: %+v", list)
		}
		if page := hr.do("GET", "/admin/assignments", nil); !strings.Contains(page.Body, "jedes Jahr bis 15.01.") {
			t.Error("the assignments page does not say when the course is due again")
		}
		hr.lang = "en"
		if page := hr.do("GET", "/admin/assignments", nil); !strings.Contains(page.Body, "every year by 15 January") {
			t.Error("the English assignments page does not say when the course is due again")
		}

		pdf := hr.do("GET", "/admin/reports/basis/compliance.pdf", nil)
		if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Errorf("PDF: %d %s", pdf.StatusCode, pdf.Header.Get("Content-Type"))
		}
	})
}

// Without e-mail configured the import page does not offer invitations (nobody would get one).
func TestImportOffersInvitationsOnlyWithEMail(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		if page := w.browser(t, w.hr).do("GET", "/admin/import", nil); page.StatusCode != 200 || strings.Contains(page.Body, `name="invite"`) {
			t.Errorf("import page without e-mail: %d, offers invitations: %v", page.StatusCode, strings.Contains(page.Body, `name="invite"`))
		}
	})
}

func TestImportInvitesNewPeopleFromThePage(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, smtp, testenv.CourseTree(nil))
		e.StartJobs()
		ten := e.Tenant("einladen")
		hrMail := "hr-" + dialect + "-" + time.Now().Format("150405.000000") + "@einladen.example"
		e.User(&ten, hrMail, "", model.RoleHR)
		hr := newBrowser(t, e)
		if r := hr.login(hrMail, testenv.Password); r.StatusCode != 303 {
			t.Fatalf("login: %d", r.StatusCode)
		}
		page := hr.do("GET", "/admin/import", nil)
		if !strings.Contains(page.Body, `name="invite"`) {
			t.Fatal("the import page does not offer invitations although e-mail is configured")
		}
		newcomer := "neu-" + dialect + "-" + time.Now().Format("150405.000000") + "@einladen.example"
		csv := "Vorname;Nachname;E-Mail\r\nNina;Neu;" + newcomer + "\r\n"
		r := hr.upload("/admin/import", url.Values{"_csrf": {hr.csrf(page)}, "invite": {"1"}}, "staff.csv", csv)
		if r.StatusCode != 303 {
			t.Fatalf("preview: %d\n%s", r.StatusCode, r.Body)
		}
		preview := hr.do("GET", r.Header.Get("Location"), nil)
		if !strings.Contains(preview.Body, "Neue Personen per E-Mail einladen") {
			t.Errorf("the preview does not show that new people will be invited")
		}
		sum := regexp.MustCompile(`name="sha256" value="([0-9a-f]+)"`).FindStringSubmatch(preview.Body)[1]
		done := hr.do("POST", r.Header.Get("Location"), url.Values{"_csrf": {hr.csrf(preview)}, "sha256": {sum}})
		if done.StatusCode != 200 || !strings.Contains(done.Body, "Eingeladen") {
			t.Fatalf("confirm: %d\n%s", done.StatusCode, done.Body)
		}
		if msg := mailpit.WaitTo(newcomer, 1)[0]; !strings.Contains(msg.Subject, "Ihr Zugang zu Wachsam") {
			t.Errorf("invitation: %q", msg.Subject)
		}
	})
}
