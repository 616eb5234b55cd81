package e2e

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wachsam/wachsam/internal/app"
	"github.com/wachsam/wachsam/internal/testenv"
)

// demoSuite starts a second server seeded with the demo municipality (`serve --demo`) and
// returns a copy of the suite pointing at it; the browser is shared.
func (s *suite) demoSuite(t *testing.T) *suite {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv := testenv.ServerWith(t, "sqlite", map[string]string{"WACHSAM_BASE_URL": base}, app.ServerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := app.SeedDemo(ctx, srv, &bytes.Buffer{}); err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, srv, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	demo := *s
	demo.base, demo.env = base, &testenv.Env{T: t, Srv: srv}
	return &demo
}

var previewPage = regexp.MustCompile(`^/admin/import/[0-9a-f]{32}$`)

// adminJourney: HR of the demo signs in, imports a staff list (preview, then confirm) with the
// upload progress script, makes a course mandatory for an org unit, opens the report and
// drills down, looks at the named list and the statistics, exempts someone, records an
// in-person training, finds both on the list across courses and revokes the exemption by the
// person's address. axe checks every page.
func (s *suite) adminJourney(t *testing.T) {
	demo := s.demoSuite(t)
	tb := demo.newTab(t)
	tb.open("/login?next=/")
	tb.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS("#email"), "personal@musterstadt.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword))
	tb.click(`form[action="/login"] button[type=submit]`)
	tb.click(`.site-nav a[href="/admin"]`)
	tb.contains("h1", "Übersicht Pflichtschulungen")
	if n := eval[int](tb, `document.querySelectorAll("svg[role=img] > title").length`); n != 1 {
		t.Errorf("overview: %d charts with a title", n)
	}
	tb.contains("table.numbers", "Phishing erkennen")
	tb.audit("admin-overview")

	// Import: the script binds to the form, uploads with XHR and leads to the preview.
	csv := filepath.Join(t.TempDir(), "personal.csv")
	content := "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit\r\n" +
		"4001;Greta;Neumann;greta.neumann@musterstadt.example;Fachbereich 2/Kämmerei\r\n" +
		"4002;Hakan;Öztürk;hakan.oeztuerk@musterstadt.example;Fachbereich 3/Bauhof\r\n" +
		"4003;Ohne;Adresse;;Fachbereich 3/Bauhof\r\n"
	if err := os.WriteFile(csv, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.click(`.admin-nav a[href="/admin/import"]`)
	tb.audit("admin-import")
	if !eval[bool](tb, `document.getElementById("import-form").dataset.bound === "1"`) {
		t.Fatal("import.js did not bind to the form")
	}
	// A workbook instead of the CSV file: the form comes back with the reason, in German.
	workbook := filepath.Join(t.TempDir(), "personal.xlsx")
	if err := os.WriteFile(workbook, []byte("PK\x03\x04\x14\x00\x06\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.expectStatus(demo.base + "/admin/import") // 422, the form with the reason
	tb.do("upload a workbook", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{workbook}),
		chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#file-error")))
	tb.contains("#file-error", "Das ist eine Excel-Arbeitsmappe (.xlsx)")
	if eval[bool](tb, `document.getElementById("file-error").closest("[lang=en]") !== null`) {
		t.Error("the file error is marked as English")
	}
	tb.axeOnly() // the page as the script left it: the error has the focus, so not the full audit
	if !eval[bool](tb, `document.getElementById("import-form").dataset.bound === "1"`) {
		t.Fatal("import.js did not bind to the form that came back")
	}
	tb.do("choose the file and skip invalid rows",
		chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{csv}),
		chromedp.Click(chromedp.CSS("#opt-skip")))
	tb.do("upload", chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/admin/import/"] button[type=submit]`)))
	if !previewPage.MatchString(tb.path()) {
		t.Fatalf("after the upload: on %s, want the preview", tb.path())
	}
	tb.contains("#h-invalid", "Fehlerhafte Zeilen (1)")
	tb.contains("#h-invalid + p + table", "4")                        // the line of the row without an address
	tb.contains("#h-invalid + p + table", "Die E-Mail-Adresse fehlt") // in the page's language
	tb.audit("admin-import-preview")
	tb.click(`form[action^="/admin/import/"] button[type=submit]`)
	tb.contains(".notice.ok", "Der Import ist abgeschlossen")
	if _, _, err := demo.env.Srv.Store.Credentials(context.Background(), "greta.neumann@musterstadt.example"); err != nil {
		t.Errorf("imported person missing: %v", err)
	}

	// Assignments: first mistakes (no unit chosen, no date given), then the course for Fachbereich 1.
	tb.open("/admin/assignments")
	tb.audit("admin-assignments")
	// The form's first label sits at the top of its card, not below an empty line where the
	// hidden CSRF field is.
	if m := eval[string](tb, `getComputedStyle(document.querySelector('form[action="/admin/assignments"] > label')).marginTop`); m != "0px" {
		t.Errorf("the assignment form's first label has a top margin of %s inside its card", m)
	}
	tb.do("fill in the assignment", chromedp.SetValue(chromedp.CSS("#as-course"), "social-engineering"),
		chromedp.Click(chromedp.CSS("#as-t-unit")), chromedp.Click(chromedp.CSS("#as-d-date")))
	tb.submitRefused("submit without a unit and a date", 422, `form[action="/admin/assignments"]`)
	tb.contains("#as-unit-err", "Wählen Sie eine Organisationseinheit")
	tb.contains("#as-date-err", "Geben Sie ein Datum")
	// Both fields with an error are marked alike, the date field as red as the select.
	if c := eval[[]string](tb, `["#as-unit", "#as-date", "#as-days"].map(s => getComputedStyle(document.querySelector(s)).borderTopColor)`); c[1] != c[0] || c[2] == c[0] {
		t.Errorf("border colours of the invalid select, the invalid date and the valid days field: %v", c)
	}
	tb.audit("admin-assignments-error")
	tb.do("choose the unit, 14 days, and every year by 15 January with the date picker", chromedp.SetValue(chromedp.CSS("#as-unit"), "Fachbereich 1"),
		chromedp.Click(chromedp.CSS("#as-d-days")), chromedp.SetValue(chromedp.CSS("#as-days"), "14"),
		chromedp.Click(chromedp.CSS("#as-r-yearly")), chromedp.SetValue(chromedp.CSS("#as-rec-date"), "2027-01-15"))
	tb.click(`form[action="/admin/assignments"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Zuweisung ist gespeichert")
	tb.contains("table", "Fachbereich 1 (mit Untereinheiten)")
	tb.contains("table", "jedes Jahr bis 15.01.")

	// The report and its drill-down.
	tb.click(`.admin-nav a[href="/admin"]`)
	tb.click(`table.numbers a[href="/admin/reports/phishing-erkennen"]`)
	tb.contains("h1", "Phishing erkennen")
	tb.contains("table.numbers", "ausgeblendet") // the small units
	tb.audit("admin-report")
	tb.click(`.drill-nav a[href="/admin/reports/phishing-erkennen?unit=Fachbereich+1"]`)
	tb.contains("table.numbers", "Bürgeramt")
	if strings.Contains(tb.text("table.numbers"), "Bauhof") {
		t.Error("the drill-down into Fachbereich 1 shows Fachbereich 3")
	}
	tb.audit("admin-drilldown")
	tb.do("ask for the overdue", chromedp.SetValue(chromedp.CSS("#nl-status"), "in_progress"))
	tb.click(`form[action="/admin/reports/phishing-erkennen/learners"] button.primary`)
	tb.contains("main", "Dieser Abruf ist im Protokoll vermerkt")
	tb.audit("admin-learners")

	tb.open("/admin/reports/phishing-erkennen/statistics")
	tb.contains("h1", "Statistik")
	tb.audit("admin-statistics")

	// Exempt someone from the course: first without a reason (the field says what to fix).
	tb.open("/admin/reports/phishing-erkennen")
	if href := tb.attr(`a[href="/admin/reports/phishing-erkennen/compliance.pdf"]`, "href"); href == "" {
		t.Error("the report does not link the PDF summary")
	}
	tb.click(`a[href="/admin/reports/phishing-erkennen/exemptions"]`)
	tb.contains("h1", "Befreiungen: Phishing erkennen")
	tb.audit("admin-exemptions")
	tb.do("name the person", chromedp.SendKeys(chromedp.CSS("#exc-email"), "tobias.krueger@musterstadt.example"))
	tb.submitRefused("submit without a reason", 422, `form[action$="/exemptions"]`)
	tb.contains("#ex-reason-err", "Schreiben Sie eine Begründung")
	tb.audit("admin-exemptions-error")
	tb.do("give the reason", chromedp.SendKeys(chromedp.CSS("#ex-reason"), "Gleichwertige Schulung beim Landkreis"))
	tb.click(`form[action$="/exemptions"] button[type=submit]`)
	tb.contains(".notice.ok", "Gespeichert und im Protokoll vermerkt")
	tb.contains("table", "Tobias Krüger")
	tb.contains("table", "Gleichwertige Schulung beim Landkreis")
	tb.contains("table", "Jonas Weber am ")

	// Record an in-person training for someone else, back from the report.
	tb.click(`.breadcrumb a[href="/admin/reports/phishing-erkennen"]`)
	tb.contains("main", "Befreiungen (1 aktiv)")
	tb.click(`a[href="/admin/reports/phishing-erkennen/completions"]`)
	tb.audit("admin-completions")
	tb.do("fill in the training", chromedp.SendKeys(chromedp.CSS("#exc-email"), "lena.fischer@musterstadt.example"),
		chromedp.SetValue(chromedp.CSS("#mc-day"), time.Now().AddDate(0, 0, -7).Format(time.DateOnly)),
		chromedp.SendKeys(chromedp.CSS("#mc-note"), "Präsenzschulung im Rathaus"))
	tb.click(`form[action$="/completions"] button[type=submit]`)
	tb.contains(".notice.ok", "Gespeichert und im Protokoll vermerkt")
	tb.contains("table", "Lena Fischer")
	tb.contains("table", "Präsenzschulung im Rathaus")
	tb.audit("admin-completions-saved")

	// Both on the list across courses, which narrows to exemptions.
	tb.open("/admin")
	tb.click(`.admin-nav a[href="/admin/exemptions-and-completions"]`)
	tb.contains("h1", "Befreiungen und Präsenzschulungen")
	tb.contains("table", "Tobias Krüger")
	tb.contains("table", "Präsenzschulung im Rathaus")
	tb.audit("admin-exemption-list")
	tb.do("only exemptions", chromedp.SetValue(chromedp.CSS("#ex-kind"), "exemption"))
	tb.click(`form[action="/admin/exemptions-and-completions"] button[type=submit]`)
	tb.contains("table", "Gleichwertige Schulung beim Landkreis")
	if strings.Contains(tb.text("table"), "Lena Fischer") {
		t.Error("the list of exemptions shows the in-person training")
	}
	tb.audit("admin-exemption-list-filtered")

	// Revoke by address (the way while named lists are off): an address of nobody first (the
	// field says so), then Tobias's exemption; the answer names only the address typed.
	tb.open("/admin/reports/phishing-erkennen/exemptions")
	tb.do("an unknown address", chromedp.SendKeys(chromedp.CSS("#rv-email"), "niemand@musterstadt.example"))
	tb.submitRefused("revoke for nobody", 422, `form[action$="/revoke-by-email"]`)
	tb.contains("#rv-email-err", "Unter dieser E-Mail-Adresse gibt es")
	tb.audit("admin-exemptions-revoke-error")
	tb.do("Tobias's address", chromedp.SetValue(chromedp.CSS("#rv-email"), "tobias.krueger@musterstadt.example"))
	tb.click(`form[action$="/revoke-by-email"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Befreiung von tobias.krueger@musterstadt.example")
	tb.audit("admin-exemptions-revoked-by-email")

	newcomer := demo.peopleJourney(t, tb)
	demo.orgUnitsJourney(t, tb)
	demo.settingsAndKeysJourney(t, tb, newcomer)
	demo.auditJourney(t, tb)
}

// orgUnitsJourney: HR looks at the tree, creates a unit (a mistake first), renames it and
// deletes it again, which the page allows because it is empty.
func (s *suite) orgUnitsJourney(t *testing.T, tb *tab) {
	tb.open("/admin")
	tb.click(`.admin-nav a[href="/admin/org-units"]`)
	tb.contains("h1", "Organisationseinheiten")
	tb.contains("table", "Fachbereich 3/Grünflächen")
	tb.audit("admin-org-units")
	tb.do("a path with an empty part", chromedp.SendKeys(chromedp.CSS("#ou-path"), "Fachbereich 2//Kasse"))
	tb.submitRefused("create with an empty part", 422, `form[action="/admin/org-units"]`)
	tb.contains("#ou-path-err", "keiner leer")
	tb.audit("admin-org-units-error")
	tb.do("the right path", chromedp.SetValue(chromedp.CSS("#ou-path"), "Fachbereich 2/Stadtkasse"))
	tb.click(`form[action="/admin/org-units"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Einheit ist angelegt")
	id := eval[string](tb, `[...document.querySelectorAll("table a[href^='/admin/org-units/']")].find(a => a.textContent === "Stadtkasse").getAttribute("href")`)
	tb.open(id)
	tb.contains("h1", "Fachbereich 2/Stadtkasse")
	tb.audit("admin-org-unit")
	tb.do("a new name", chromedp.SetValue(chromedp.CSS("#ou-name"), "Kasse"))
	tb.click(`form[action="` + id + `"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Einheit ist umbenannt")
	tb.contains("h1", "Fachbereich 2/Kasse")
	tb.click(`form[action="` + id + `/delete"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Einheit ist gelöscht")
	if strings.Contains(tb.text("main"), "Fachbereich 2/Kasse") {
		t.Error("the deleted unit is still in the tree")
	}
}

// auditJourney: the administrator reads the audit log, HR's org unit changes among it, and
// narrows it to one action.
func (s *suite) auditJourney(t *testing.T, tb *tab) {
	tb.click(`.admin-nav a[href="/admin/audit"]`)
	tb.contains("h1", "Protokoll")
	tb.contains("table", "API-Schlüssel widerrufen")
	tb.audit("admin-audit")
	tb.do("only renamed units", chromedp.SetValue(chromedp.CSS("#au-action"), "org_unit.rename"))
	tb.click(`form[action="/admin/audit"] button[type=submit]`)
	tb.contains("table", "Fachbereich 2/Kasse")
	if text := tb.text("table"); strings.Contains(text, "API-Schlüssel") || !strings.Contains(text, "Organisationseinheit umbenannt") {
		t.Errorf("the filtered log: %s", text)
	}
	tb.audit("admin-audit-filtered")
}

// peopleJourney: HR finds a person, corrects their details (a mistake first), makes a
// set-password link to hand over, adds a person and deactivates them again (whose page it
// returns).
func (s *suite) peopleJourney(t *testing.T, tb *tab) string {
	tb.open("/admin")
	tb.click(`.admin-nav a[href="/admin/users"]`)
	tb.contains("h1", "Personen")
	tb.audit("admin-users")
	tb.do("search", chromedp.SendKeys(chromedp.CSS("#us-q"), "krüger"))
	tb.click(`form[action="/admin/users"] button[type=submit]`)
	tb.contains("table", "tobias.krueger@musterstadt.example")
	if strings.Contains(tb.text("table"), "Anna Becker") {
		t.Error("the search for krüger lists Anna Becker")
	}
	tb.click(`table a[href^="/admin/users/"]`)
	tb.contains("h1", "Tobias Krüger")
	tb.contains("#h-obligations + table", "Phishing erkennen")
	tb.audit("admin-user")
	person := tb.path()

	tb.do("a wrong address", chromedp.SetValue(chromedp.CSS("#u-email"), "tobias.krueger"))
	tb.submitRefused("save with a wrong address", 422, `form[action="`+person+`"]`)
	tb.contains("#u-email-err", "Geben Sie eine E-Mail-Adresse")
	tb.audit("admin-user-error")
	tb.do("the right address and a new unit", chromedp.SetValue(chromedp.CSS("#u-email"), "tobias.krueger@musterstadt.example"),
		chromedp.SetValue(chromedp.CSS("#u-unit"), "Fachbereich 3/Grünflächen"))
	tb.click(`form[action="` + person + `"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Änderungen sind gespeichert")
	tb.contains(".facts", "Fachbereich 3/Grünflächen")

	// The demo sends no e-mail: a link to hand over.
	tb.click(`form[action="` + person + `/invite"] button[type=submit]`)
	if link := eval[string](tb, `document.getElementById("u-link").value`); !strings.Contains(link, "/set-password?token=") {
		t.Errorf("set-password link: %q", link)
	}
	tb.audit("admin-user-link")

	tb.open("/admin/users/new")
	tb.audit("admin-user-new")
	tb.do("fill in the new person", chromedp.SendKeys(chromedp.CSS("#u-name"), "Frieda Neu"),
		chromedp.SendKeys(chromedp.CSS("#u-email"), "frieda.neu@musterstadt.example"),
		chromedp.SendKeys(chromedp.CSS("#u-unit"), "Fachbereich 2/Kämmerei"))
	tb.click(`form[action="/admin/users"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Person ist angelegt")
	tb.contains("h1", "Frieda Neu")
	tb.click(`form[action$="/active"] button[type=submit]`)
	tb.contains(".notice.ok", "deaktiviert")
	newcomer, _, _ := strings.Cut(tb.path(), "?") // the answer to the form was at /admin/users
	tb.audit("admin-user-deactivated")
	return newcomer
}

// settingsAndKeysJourney: the demo's administrator anonymises the person HR deactivated,
// changes the settings (a mistake first) and creates and revokes an API key.
func (s *suite) settingsAndKeysJourney(t *testing.T, tb *tab, newcomer string) {
	tb.click(`form[action="/logout"] button[type=submit]`)
	tb.open("/login?next=/")
	tb.do("sign in as the administrator",
		chromedp.SendKeys(chromedp.CSS("#email"), "admin@musterstadt.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword))
	tb.click(`form[action="/login"] button[type=submit]`)

	tb.open(newcomer)
	tb.click(`a[href="` + newcomer + `/anonymise"]`)
	tb.contains("main", "Das lässt sich nicht rückgängig machen")
	tb.audit("admin-user-anonymise")
	tb.click(`form[action="` + newcomer + `/anonymise"] button[type=submit]`)
	tb.contains(".notice.ok", "anonymisiert")

	tb.click(`.admin-nav a[href="/admin/settings"]`)
	tb.contains("h1", "Einstellungen")
	tb.audit("admin-settings")
	tb.do("a group of one", chromedp.SetValue(chromedp.CSS("#st-min"), "1"))
	tb.submitRefused("save a group of one", 422, `form[action="/admin/settings"]`)
	tb.contains("#st-min-err", "2 bis 100")
	tb.audit("admin-settings-error")
	tb.do("a group of six", chromedp.SetValue(chromedp.CSS("#st-min"), "6"))
	tb.click(`form[action="/admin/settings"] button[type=submit]`)
	tb.contains(".notice.ok", "Die Einstellungen sind gespeichert")

	tb.click(`.admin-nav a[href="/admin/api-keys"]`)
	tb.audit("admin-api-keys")
	tb.do("name the key", chromedp.SendKeys(chromedp.CSS("#key-name"), "Personalverwaltung LOGA"))
	tb.click(`form[action="/admin/api-keys"] button[type=submit]`)
	if secret := eval[string](tb, `document.getElementById("key-secret").value`); !strings.HasPrefix(secret, "wsk_") {
		t.Errorf("the new key's secret: %q", secret)
	}
	tb.contains("#key-secret-hint", "nie wieder angezeigt")
	tb.audit("admin-api-key-created")
	tb.click(`table a[href$="/revoke"]`)
	tb.audit("admin-api-key-revoke")
	tb.click(`form[action$="/revoke"] button[type=submit]`)
	tb.contains(".notice.ok", "Der Schlüssel ist widerrufen")
	tb.contains("table", "Widerrufen am")
}
