package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// upload posts a multipart form with one file, as the import form does without JavaScript.
func (b *browser) upload(path string, fields url.Values, name, content string) testenv.Response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range b.cookies {
		req.Header.Add("Cookie", k+"="+v)
	}
	return b.e.Send(req)
}

// adminWorld is a municipality "a" with people in four units — two big enough to show, two
// too small (hidden, together at least the minimum group size, so nothing else has to be) —
// and a municipality "b" of its own.
type adminWorld struct {
	e          *testenv.Env
	a, b       model.Tenant
	hr, learnr string
}

func newAdminWorld(t *testing.T, dialect string) adminWorld {
	e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
	w := adminWorld{e: e, a: e.Tenant("a"), b: e.Tenant("b"), hr: "hr@a.example", learnr: "l0@a.example"}
	e.User(&w.a, w.hr, "FB4", model.RoleHR)
	e.User(&w.a, "admin@a.example", "FB4", model.RoleAdmin)
	for i, unit := range []string{"FB1/Amt", "FB1/Amt", "FB1/Amt", "FB1/Amt", "FB1/Amt", "FB1/Amt", "FB3", "FB3", "FB3", "FB3", "FB3", "FB3", "FB3", "FB2", "FB2", "FB4"} {
		e.User(&w.a, fmt.Sprintf("l%d@a.example", i), unit, model.RoleLearner)
	}
	e.User(&w.b, "hr@b.example", "Geheim", model.RoleHR)
	for i := range 6 {
		e.User(&w.b, fmt.Sprintf("p%d@b.example", i), "Geheim", model.RoleLearner)
	}
	return w
}

func (w adminWorld) browser(t *testing.T, email string) *browser {
	b := newBrowser(t, w.e)
	if r := b.login(email, testenv.Password); r.StatusCode != 303 {
		t.Fatalf("login %s: %d", email, r.StatusCode)
	}
	return b
}

// assign creates an assignment through the page's form.
func (b *browser) assign(form url.Values) testenv.Response {
	b.t.Helper()
	page := b.do("GET", "/admin/assignments", nil)
	form.Set("_csrf", b.csrf(page))
	return b.do("POST", "/admin/assignments", form)
}

func TestAdminPagesAreForHRAndAdminsOnly(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		w.e.User(nil, "op@example.org", "", model.RoleOperator)
		paths := []string{"/admin", "/admin/reports/basis", "/admin/reports/basis/learners", "/admin/reports/basis/statistics",
			"/admin/reports/basis/compliance.csv", "/admin/reports/basis/compliance.pdf", "/admin/reports/basis/learners.csv", "/admin/reports/basis/learners.xlsx", "/admin/reports/basis/exemptions", "/admin/reports/basis/completions", "/admin/exemptions-and-completions",
			"/admin/import", "/admin/assignments", "/admin/users", "/admin/users/new", "/admin/settings", "/admin/api-keys", "/admin/org-units", "/admin/audit"}

		anonymous := newBrowser(t, w.e)
		for _, p := range paths {
			if r := anonymous.do("GET", p, nil); r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s: %d %s", p, r.StatusCode, r.Header.Get("Location"))
			}
		}
		learner := w.browser(t, w.learnr)
		if home := learner.do("GET", "/", nil); strings.Contains(home.Body, `href="/admin"`) {
			t.Error("a learner's navigation links the admin pages")
		}
		for _, p := range paths {
			if r := learner.do("GET", p, nil); r.StatusCode != 403 {
				t.Errorf("learner %s: %d", p, r.StatusCode)
			}
		}
		hr := w.browser(t, w.hr)
		if home := hr.do("GET", "/", nil); !strings.Contains(home.Body, `href="/admin"`) {
			t.Error("hr's navigation lacks the admin pages")
		}
		// Operators: the aggregate overview across municipalities, nothing of one municipality.
		op := w.browser(t, "op@example.org")
		if r := op.do("GET", "/admin", nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Stadt a") || !strings.Contains(r.Body, "nie Namen") {
			t.Errorf("operator overview: %d\n%s", r.StatusCode, r.Body)
		}
		for _, p := range paths[1:] {
			if r := op.do("GET", p, nil); r.StatusCode != 403 {
				t.Errorf("operator %s: %d", p, r.StatusCode)
			}
		}
	})
}

var assignmentEnd = regexp.MustCompile(`action="/admin/assignments/([0-9a-f-]{36})/end"`)

func TestAssignmentsReportAndDrillDownInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)

		// Errors say what to fix, at the field, and keep what was typed.
		r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"viele"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Geben Sie die Tage als ganze Zahl von 0 bis 3650 an.") || !strings.Contains(r.Body, `value="viele"`) ||
			!strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("bad days: %d\n%s", r.StatusCode, r.Body)
		}
		r = hr.assign(url.Values{"course": {"basis"}, "target": {"unit"}, "org_unit": {"Gibt es nicht"}, "due_kind": {"days"}, "due_in_days": {"30"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Diese Organisationseinheit gibt es nicht.") {
			t.Fatalf("unknown unit: %d", r.StatusCode)
		}
		r = hr.assign(url.Values{"course": {"basis"}, "target": {"person"}, "email": {"p0@b.example"}, "due_kind": {"days"}, "due_in_days": {"30"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Unter dieser E-Mail-Adresse gibt es in Ihrer Verwaltung niemanden.") {
			t.Fatalf("a person of another municipality: %d", r.StatusCode)
		}
		r = hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"date"}, "due_date": {"2099-01-15"}, "rec_kind": {"months"}, "rec_months": {"alle"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Geben Sie die Monate als ganze Zahl von 1 bis 120 an.") || !strings.Contains(r.Body, `id="as-rec-months-err"`) {
			t.Fatalf("bad recurrence: %d", r.StatusCode)
		}
		r = hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"date"}, "due_date": {"2099-01-15"}, "rec_kind": {"yearly"}, "rec_date": {"15.01."}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Wählen Sie einen Tag, z. B. 2027-01-15") || !strings.Contains(r.Body, `value="15.01."`) {
			t.Fatalf("bad yearly day: %d", r.StatusCode)
		}
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}, "rec_kind": {"months"}, "rec_months": {"12"}}); r.StatusCode != 303 {
			t.Fatalf("create: %d\n%s", r.StatusCode, r.Body)
		}
		list := hr.do("GET", "/admin/assignments?done=created", nil)
		if !strings.Contains(list.Body, "Die Zuweisung ist gespeichert.") || !strings.Contains(list.Body, "Ganze Verwaltung") || !strings.Contains(list.Body, "alle 12 Monate") {
			t.Fatalf("assignments page:\n%s", list.Body)
		}
		id := assignmentEnd.FindStringSubmatch(list.Body)[1]

		// Some progress: three of FB1/Amt and all of FB3 pass the course.
		for _, i := range []int{0, 1, 2, 6, 7, 8, 9, 10, 11, 12} {
			w.e.PassCourse(w.e.Token(fmt.Sprintf("l%d@a.example", i)), "basis")
		}

		overview := hr.do("GET", "/admin", nil)
		if overview.StatusCode != 200 || !strings.Contains(overview.Body, `role="img"`) || !strings.Contains(overview.Body, "<title id=\"chart-overview-t\">") ||
			!strings.Contains(overview.Body, `href="/admin/reports/basis"`) {
			t.Fatalf("overview: %d\n%s", overview.StatusCode, overview.Body)
		}
		rep := hr.do("GET", "/admin/reports/basis", nil)
		body := rep.Body
		// FB1/Amt: 6 people, 3 done (50 %); FB3: 7, all done; FB2 (2) and FB4 (4) are hidden.
		for _, want := range []string{"FB1/Amt", "50 %", "FB3", "100 %", "ausgeblendet", `href="/admin/reports/basis?unit=FB1"`, "compliance.csv", "compliance.xlsx"} {
			if !strings.Contains(body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		if n := strings.Count(body, `<span class="badge badge-hidden">ausgeblendet</span>`); n != 2 {
			t.Errorf("%d hidden rows in the table, want 2 (FB2, FB4)\n%s", n, body)
		}
		if strings.Contains(body, "Geheim") {
			t.Error("the report shows another municipality's unit")
		}
		drill := hr.do("GET", "/admin/reports/basis?unit=FB1", nil)
		if drill.StatusCode != 200 || !strings.Contains(drill.Body, ">Amt<") || strings.Contains(drill.Body, "FB3") || !strings.Contains(drill.Body, `aria-current="page">FB1<`) {
			t.Errorf("drill-down into FB1: %d\n%s", drill.StatusCode, drill.Body)
		}
		// The drilled-down report's named list is FB1's, and leads back to FB1's report.
		if r := hr.do("GET", "/admin/reports/basis/learners?unit=FB1", nil); !strings.Contains(r.Body, `<p class="breadcrumb"><a href="/admin/reports/basis?unit=FB1">`) {
			t.Errorf("FB1's named list does not lead back to FB1's report:\n%s", r.Body)
		}
		if r := hr.do("GET", "/admin/reports/basis/learners", nil); !strings.Contains(r.Body, `<p class="breadcrumb"><a href="/admin/reports/basis">`) {
			t.Errorf("the whole named list does not lead back to the whole report:\n%s", r.Body)
		}
		if r := hr.do("GET", "/admin/reports/basis?unit=Geheim", nil); r.StatusCode != 404 {
			t.Errorf("drill into another municipality's unit: %d", r.StatusCode)
		}
		csv := hr.do("GET", "/admin/reports/basis/compliance.csv", nil)
		if csv.StatusCode != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body, "FB3") {
			t.Errorf("CSV: %d %s", csv.StatusCode, csv.Header.Get("Content-Type"))
		}

		// Municipality b sees nothing of a, and cannot end a's assignment.
		other := w.browser(t, "hr@b.example")
		if r := other.do("GET", "/admin", nil); strings.Contains(r.Body, "/admin/reports/basis\"") || strings.Contains(r.Body, "FB1") {
			t.Errorf("b's overview shows a's course:\n%s", r.Body)
		}
		if r := other.do("GET", "/admin/reports/basis", nil); strings.Contains(r.Body, "FB1") || strings.Contains(r.Body, "FB3") {
			t.Error("b's report shows a's units")
		}
		page := other.do("GET", "/admin/assignments", nil)
		if strings.Contains(page.Body, id) {
			t.Error("b's assignments list a's")
		}
		if r := other.do("POST", "/admin/assignments/"+id+"/end", url.Values{"_csrf": {other.csrf(page)}}); r.StatusCode != 404 {
			t.Errorf("b ends a's assignment: %d", r.StatusCode)
		}
		// Without the CSRF token nothing happens.
		if r := hr.do("POST", "/admin/assignments/"+id+"/end", url.Values{}); r.StatusCode != 403 {
			t.Errorf("end without CSRF: %d", r.StatusCode)
		}
		if r := hr.do("POST", "/admin/assignments/"+id+"/end", url.Values{"_csrf": {hr.csrf(list)}}); r.StatusCode != 303 {
			t.Fatalf("end: %d", r.StatusCode)
		}
		if r := hr.do("GET", "/admin/assignments", nil); strings.Contains(r.Body, id) {
			t.Error("an ended assignment is still listed")
		}
	})
}

func TestNamedListInThePagesIsAuditedAndCanBeSwitchedOff(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}})
		w.e.PassCourse(w.e.Token("l0@a.example"), "basis")

		list := hr.do("GET", "/admin/reports/basis/learners?status=completed", nil)
		if list.StatusCode != 200 || !strings.Contains(list.Body, "l0@a.example") || strings.Contains(list.Body, "l1@a.example") ||
			list.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("named list: %d\n%s", list.StatusCode, list.Body)
		}
		expiring := hr.do("GET", "/admin/reports/basis/learners?expiring=400", nil) // the course is valid for 12 months
		if !strings.Contains(expiring.Body, "l0@a.example") {
			t.Errorf("expiring within 400 days lacks l0:\n%s", expiring.Body)
		}
		if r := hr.do("GET", "/admin/reports/basis/learners?expiring=7", nil); strings.Contains(r.Body, "l0@a.example") {
			t.Error("a certificate valid for a year is listed as expiring within 7 days")
		}
		if r := hr.do("GET", "/admin/reports/basis/learners?expiring=bald", nil); r.StatusCode != 422 || !strings.Contains(r.Body, "ganze Zahl von 1 bis 3650") {
			t.Errorf("bad days: %d", r.StatusCode)
		}

		// The list as a file, with the page's filter: the API's streamed export.
		if !strings.Contains(list.Body, `href="/admin/reports/basis/learners.csv?status=completed&amp;unit="`) {
			t.Error("the named list offers no download")
		}
		csv := hr.do("GET", "/admin/reports/basis/learners.csv?status=completed", nil)
		if csv.StatusCode != 200 || !strings.HasPrefix(csv.Body, "\ufeffName;E-Mail;Personalnummer;") || !strings.Contains(csv.Body, "l0@a.example") ||
			strings.Contains(csv.Body, "l1@a.example") || !strings.Contains(csv.Header.Get("Content-Disposition"), "learners-basis.csv") {
			t.Errorf("named list as CSV: %d %s\n%s", csv.StatusCode, csv.Header, csv.Body)
		}
		if x := hr.do("GET", "/admin/reports/basis/learners.xlsx", nil); x.StatusCode != 200 || !strings.HasPrefix(x.Body, "PK") {
			t.Errorf("named list as XLSX: %d", x.StatusCode)
		}

		var audit []struct {
			Action  string            `json:"action"`
			Target  string            `json:"target"`
			Details map[string]string `json:"details"`
		}
		admin := w.e.Token("admin@a.example")
		w.e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		views, exports := 0, 0
		for _, a := range audit {
			if a.Action == "report.learners" && a.Target == "basis" {
				views++
			}
			if a.Action == "report.learners.export" && a.Target == "basis" && a.Details["via"] == "page" {
				exports++
			}
		}
		if exports != 2 {
			t.Errorf("%d audit entries for the two downloads, want 2", exports)
		}
		if views != 3 { // the two lists and the expiring list; the refused query wrote nothing
			t.Errorf("%d audit entries for named lists, want 3: %+v", views, audit)
		}

		if r := w.e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}}); r.StatusCode != 200 {
			t.Fatalf("switch named lists off: %d %s", r.StatusCode, r.Body)
		}
		if r := hr.do("GET", "/admin/reports/basis/learners", nil); r.StatusCode != 403 || strings.Contains(r.Body, "l0@a.example") {
			t.Errorf("named list while switched off: %d", r.StatusCode)
		}
		if r := hr.do("GET", "/admin/reports/basis/learners.csv", nil); r.StatusCode != 403 || strings.Contains(r.Body, "l0@a.example") {
			t.Errorf("named list as CSV while switched off: %d", r.StatusCode)
		}
		if r := hr.do("GET", "/admin/reports/basis", nil); !strings.Contains(r.Body, "Namentliche Listen sind in Ihrer Verwaltung ausgeschaltet") ||
			strings.Contains(r.Body, "/learners") {
			t.Error("the report still offers the named list")
		}
	})
}

func TestStatisticsPageSuppressesLikeTheAPI(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		for i := range 4 {
			w.e.PassCourse(w.e.Token(fmt.Sprintf("l%d@a.example", i)), "basis")
		}
		r := hr.do("GET", "/admin/reports/basis/statistics", nil)
		if r.StatusCode != 200 || !strings.Contains(r.Body, "Weniger als 5 Personen haben den Test abgelegt") || strings.Contains(r.Body, "Abgegebene Versuche") {
			t.Fatalf("4 people: %d\n%s", r.StatusCode, r.Body)
		}
		w.e.PassCourse(w.e.Token("l4@a.example"), "basis")
		r = hr.do("GET", "/admin/reports/basis/statistics", nil)
		if !strings.Contains(r.Body, "Abgegebene Versuche") || !strings.Contains(r.Body, "Was tun Sie mit einer verdächtigen E-Mail?") ||
			!strings.Contains(r.Body, `role="img"`) || !strings.Contains(r.Body, "100 %") {
			t.Fatalf("5 people:\n%s", r.Body)
		}
		// Another municipality's statistics are its own: b has no attempts.
		if r := w.browser(t, "hr@b.example").do("GET", "/admin/reports/basis/statistics", nil); !strings.Contains(r.Body, "Weniger als 5 Personen") {
			t.Error("b sees a's statistics")
		}
	})
}

var previewPath = regexp.MustCompile(`^/admin/import/([0-9a-f]{32})$`)

// uploadPreview uploads file as "leute.csv" through the import form with form's fields and
// returns the preview page's path the upload redirects to.
func uploadPreview(t *testing.T, b *browser, form url.Values, file string) string {
	t.Helper()
	r := b.upload("/admin/import", form, "leute.csv", file)
	m := previewPath.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != 303 || m == nil {
		t.Fatalf("upload: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	return m[0]
}

func TestStaffImportPreviewThenConfirm(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		form := hr.do("GET", "/admin/import", nil)
		if !strings.Contains(form.Body, `enctype="multipart/form-data"`) || !strings.Contains(form.Body, `src="/static/js/import.js"`) {
			t.Fatalf("import form:\n%s", form.Body)
		}
		token := hr.csrf(form)
		file := "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit\r\n" +
			"9001;Neue;Person;neu@a.example;FB5/Neu\r\n" +
			"9002;Kaputt;Zeile;keine-adresse;FB5\r\n" +
			"9003;Noch;Jemand;noch@a.example;FB5\r\n" +
			"9004;;Ohnevorname;ohne@a.example;FB5\r\n" +
			"9005;Aus;Bdorf;hr@b.example;FB5\r\n"

		if r := hr.upload("/admin/import", url.Values{}, "leute.csv", file); r.StatusCode != 403 {
			t.Errorf("upload without CSRF: %d", r.StatusCode)
		}
		// With invalid rows and without skip-invalid: a preview that cannot be confirmed. It names
		// every invalid line at once, the one that clashes with another municipality's account
		// too, so that HR corrects the file once, and counts what the valid rows would do.
		path := uploadPreview(t, hr, url.Values{"_csrf": {token}, "deactivate_missing": {"1"}}, file)
		preview := hr.do("GET", path, nil)
		if !strings.Contains(preview.Body, "Fehlerhafte Zeilen (3)") || !strings.Contains(preview.Body, `<th scope="row">3</th>`) ||
			!strings.Contains(preview.Body, `<th scope="row">6</th>`) || !strings.Contains(preview.Body, `aria-hidden="true">Neu: </span>2</td>`) ||
			strings.Contains(preview.Body, "Jetzt importieren") || !strings.Contains(preview.Body, "Deaktiviert wird nur, wenn keine Zeile fehlerhaft ist") ||
			!strings.Contains(preview.Body, "Nicht deaktiviert, da Zeilen fehlerhaft sind") || strings.Contains(preview.Body, "Würde deaktiviert") {
			t.Fatalf("preview with an invalid row:\n%s", preview.Body)
		}
		// The problems read in the page's language and are not marked as English.
		problems := func(body string) string {
			i := strings.Index(body, `id="h-invalid"`)
			j := strings.Index(body[max(i, 0):], "</section>")
			if i < 0 || j < 0 {
				t.Fatalf("no table of invalid rows:\n%s", body)
			}
			return body[i : i+j]
		}
		de := problems(preview.Body)
		for _, want := range []string{"&#34;keine-adresse&#34; ist keine E-Mail-Adresse; schreiben Sie sie wie anna.schmidt@musterstadt.de",
			"Vorname fehlt; füllen Sie die Spalte &#34;Vorname&#34; aus"} {
			if !strings.Contains(de, want) {
				t.Errorf("German preview lacks %q:\n%s", want, de)
			}
		}
		if strings.Contains(de, `lang="en"`) || strings.Contains(de, "e-mail") || strings.Contains(de, "line ") {
			t.Errorf("English in the German preview:\n%s", de)
		}
		en := problems(hr.do("GET", path+"?lang=en", nil).Body)
		for _, want := range []string{"&#34;keine-adresse&#34; is not an e-mail address; write it like anna.schmidt@musterstadt.de",
			"The first name is missing; fill in column &#34;Vorname&#34;"} {
			if !strings.Contains(en, want) {
				t.Errorf("English preview lacks %q:\n%s", want, en)
			}
		}
		hr.do("GET", path+"?lang=de", nil) // back to German for the rest

		// Skipping invalid rows: the preview counts two new people; confirming imports them.
		path = uploadPreview(t, hr, url.Values{"_csrf": {token}, "skip_invalid": {"1"}}, file)
		preview = hr.do("GET", path, nil)
		sum := regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`).FindStringSubmatch(preview.Body)
		if sum == nil || !strings.Contains(preview.Body, "Jetzt importieren") {
			t.Fatalf("preview:\n%s", preview.Body)
		}
		// Matching the valid rows with the people stored finds one more, also in German.
		if de := problems(preview.Body); !strings.Contains(de, "Die E-Mail-Adresse hr@b.example gehört zu einem Konto außerhalb dieser Kommune") ||
			!strings.Contains(preview.Body, "Fehlerhafte Zeilen (3)") {
			t.Errorf("matching problem in the German preview:\n%s", de)
		}
		if u, _, err := w.e.Srv.Store.Credentials(t.Context(), "neu@a.example"); err == nil {
			t.Fatalf("the preview created %s", u.Email)
		}
		// The units the file names that are not there yet are shown before they are created.
		if !strings.Contains(preview.Body, "Neue Organisationseinheiten (2)") || !strings.Contains(preview.Body, "<li>FB5</li><li>FB5/Neu</li>") ||
			!strings.Contains(preview.Body, "Prüfen Sie die Schreibweise") {
			t.Errorf("the preview does not list the new org units:\n%s", preview.Body)
		}
		// Someone else (even of the same municipality) cannot see or confirm HR's preview.
		admin := w.browser(t, "admin@a.example")
		if r := admin.do("GET", path, nil); r.StatusCode != 404 {
			t.Errorf("another user's preview: %d", r.StatusCode)
		}
		if r := hr.do("POST", path, url.Values{"_csrf": {hr.csrf(preview)}, "sha256": {strings.Repeat("0", 64)}}); r.StatusCode != 409 {
			t.Errorf("confirm with another checksum: %d", r.StatusCode)
		}
		done := hr.do("POST", path, url.Values{"_csrf": {hr.csrf(preview)}, "sha256": {sum[1]}})
		if done.StatusCode != 200 || !strings.Contains(done.Body, "Der Import ist abgeschlossen.") {
			t.Fatalf("confirm: %d\n%s", done.StatusCode, done.Body)
		}
		if !strings.Contains(done.Body, "Neu angelegte Organisationseinheiten (2)") || strings.Contains(done.Body, "Prüfen Sie die Schreibweise") {
			t.Errorf("the result does not say which org units were created:\n%s", done.Body)
		}
		// The result tells what happened, not what would: the skipped rows were skipped.
		if !strings.Contains(done.Body, "Diese Zeilen wurden übersprungen; alle anderen wurden importiert.") || strings.Contains(done.Body, "werden übersprungen") ||
			!strings.Contains(done.Body, `<th scope="col">Deaktiviert</th>`) || strings.Contains(done.Body, "Zu deaktivieren") {
			t.Errorf("the result speaks of the import in the future:\n%s", done.Body)
		}
		for _, email := range []string{"neu@a.example", "noch@a.example"} {
			if u, _, err := w.e.Srv.Store.Credentials(t.Context(), email); err != nil || u.TenantID != w.a.ID {
				t.Errorf("%s not imported into a: %v", email, err)
			}
		}
		if r := hr.do("POST", path, url.Values{"_csrf": {hr.csrf(preview)}, "sha256": {sum[1]}}); r.StatusCode != 409 || !strings.Contains(r.Body, "Diese Vorschau gibt es nicht mehr") {
			t.Errorf("second confirm: %d", r.StatusCode)
		}

		// A file that is not a staff list says why, in the page's language and not marked as
		// English.
		fileError := func(r testenv.Response) string {
			m := regexp.MustCompile(`<p class="notice error" id="file-error">([^<]*)</p>`).FindStringSubmatch(r.Body)
			if r.StatusCode != 422 || m == nil || !strings.Contains(r.Body, "Die Datei kann nicht gelesen werden") && !strings.Contains(r.Body, "The file cannot be read") {
				t.Fatalf("bad file: %d\n%s", r.StatusCode, r.Body)
			}
			return m[1]
		}
		de = fileError(hr.upload("/admin/import", url.Values{"_csrf": {token}}, "x.csv", "foo;bar\n1;2\n"))
		if want := "Zeile 1: Die Kopfzeile enthält keine bekannten Spaltennamen (gefunden: &#34;foo&#34;, &#34;bar&#34;); die erste Zeile muss die Spalten benennen"; !strings.HasPrefix(de, want) {
			t.Errorf("German file error: %s", de)
		}
		de = fileError(hr.upload("/admin/import", url.Values{"_csrf": {token}}, "leute.xlsx", "PK\x03\x04\x14\x00\x06\x00"))
		if want := "Das ist eine Excel-Arbeitsmappe (.xlsx) oder eine andere ZIP-Datei, keine CSV-Datei; wählen Sie in Excel „Speichern unter“"; !strings.HasPrefix(de, want) {
			t.Errorf("German file error: %s", de)
		}
		form = hr.do("GET", "/admin/import?lang=en", nil)
		en = fileError(hr.upload("/admin/import", url.Values{"_csrf": {hr.csrf(form)}}, "leute.xlsx", "PK\x03\x04\x14\x00\x06\x00"))
		if want := "this is an Excel workbook (.xlsx) or another ZIP file, not a CSV file; in Excel choose &#34;Save as&#34;"; !strings.HasPrefix(en, want) {
			t.Errorf("English file error: %s", en)
		}
		hr.do("GET", "/admin/import?lang=de", nil)
		if r := hr.do("POST", "/admin/import", url.Values{"_csrf": {token}}); r.StatusCode != 422 || !strings.Contains(r.Body, "Bitte wählen Sie eine CSV-Datei aus.") {
			t.Errorf("no file: %d", r.StatusCode)
		}
	})
}

// The preview counts invalid lines as lines: a line with two bad values is one invalid line of
// the file's rows (the table below it names both problems).
func TestImportPreviewCountsInvalidLines(t *testing.T) {
	w := newAdminWorld(t, "sqlite")
	hr := w.browser(t, w.hr)
	token := hr.csrf(hr.do("GET", "/admin/import", nil))
	file := "E-Mail;Vorname;Nachname\r\nneu@a.example;Neue;Person\r\nkeine-adresse;;Zeile\r\n"
	path := uploadPreview(t, hr, url.Values{"_csrf": {token}}, file)
	preview := hr.do("GET", path, nil).Body
	if !strings.Contains(preview, "Fehlerhafte Zeilen (1)") || !strings.Contains(preview, `aria-hidden="true">Fehlerhaft: </span>1</td>`) ||
		!strings.Contains(preview, `aria-hidden="true">Zeilen: </span>2</td>`) || strings.Count(preview, `<th scope="row">3</th>`) != 2 {
		t.Errorf("a line with two problems:\n%s", preview)
	}
}

// A previewed file that has become invalid by the time it is confirmed (an address taken by
// another municipality meanwhile) imports nothing, and the result says so: nothing was created,
// no line was skipped, no unit was made; it does not speak of what an import did.
func TestImportResultThatWroteNothingSaysSo(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		token := hr.csrf(hr.do("GET", "/admin/import", nil))
		file := "E-Mail;Vorname;Nachname;Organisationseinheit\r\nneu@a.example;Neue;Person;FB9/Neu\r\nbald@a.example;Bald;Weg;FB9\r\n"
		path := uploadPreview(t, hr, url.Values{"_csrf": {token}}, file)
		preview := hr.do("GET", path, nil)
		sum := regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`).FindStringSubmatch(preview.Body)
		if sum == nil {
			t.Fatalf("preview cannot be confirmed:\n%s", preview.Body)
		}
		w.e.User(&w.b, "bald@a.example", "", model.RoleLearner)
		done := hr.do("POST", path, url.Values{"_csrf": {hr.csrf(preview)}, "sha256": {sum[1]}})
		if done.StatusCode != 422 || !strings.Contains(done.Body, "Es wurde nichts importiert, weil Zeilen fehlerhaft sind.") {
			t.Fatalf("confirm: %d\n%s", done.StatusCode, done.Body)
		}
		for _, untrue := range []string{"Was der Import geändert hat", "Neu angelegte Organisationseinheiten", "Diese Zeilen wurden übersprungen",
			`<th scope="col">Deaktiviert</th>`} {
			if strings.Contains(done.Body, untrue) {
				t.Errorf("the result of an import that wrote nothing says %q", untrue)
			}
		}
		for _, want := range []string{"Was der Import ändern würde", "Neue Organisationseinheiten (2)", "Solange diese Zeilen fehlerhaft sind, wird nichts importiert."} {
			if !strings.Contains(done.Body, want) {
				t.Errorf("the result of an import that wrote nothing lacks %q:\n%s", want, done.Body)
			}
		}
		if _, err := w.e.Srv.Store.OrgUnitByPath(t.Context(), store.TenantScope(w.a.ID), "FB9"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("FB9: %v", err)
		}
	})
}

// A line that hr may not apply, because it matches an administrator's account, says whose
// account that is and names its roles in the page's language, not as the API's role codes; and
// it is listed in its place in the file, before the later lines' problems, although it is
// found after them.
func TestImportNamesTheRolesOfAnAccountHRMayNotChange(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		token := hr.csrf(hr.do("GET", "/admin/import", nil))
		file := "E-Mail;Vorname;Nachname\r\nadmin@a.example;Mallory;Übernahme\r\nkeine-adresse;Kaputt;Zeile\r\n"
		path := uploadPreview(t, hr, url.Values{"_csrf": {token}, "skip_invalid": {"1"}}, file)
		de := hr.do("GET", path, nil).Body
		if want := "Personalnummer oder E-Mail-Adresse dieser Zeile gehören zum Konto admin@a.example mit den Rollen Administration, das nur die Administration ändern kann"; !strings.Contains(de, want) {
			t.Errorf("German preview lacks %q:\n%s", want, de)
		}
		if lines := regexp.MustCompile(`<th scope="row">(\d+)</th>`).FindAllStringSubmatch(de, -1); len(lines) != 2 || lines[0][1] != "2" || lines[1][1] != "3" {
			t.Errorf("invalid rows in the order %v, want lines 2 and 3", lines)
		}
		en := hr.do("GET", path+"?lang=en", nil).Body
		if want := "belongs to the account admin@a.example with the roles administrator, which only an administrator can change"; !strings.Contains(en, want) {
			t.Errorf("English preview lacks %q:\n%s", want, en)
		}
	})
}
