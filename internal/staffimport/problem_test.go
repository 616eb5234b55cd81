package staffimport

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/model"
)

var (
	catalogueOnce sync.Once
	catalogue     *i18n.Catalog
	catalogueErr  error
)

// messages is the catalogue the server uses.
func messages(t testing.TB) *i18n.Catalog {
	t.Helper()
	catalogueOnce.Do(func() { catalogue, catalogueErr = i18n.Load(frontend.Messages, "i18n") })
	if catalogueErr != nil {
		t.Fatal(catalogueErr)
	}
	return catalogue
}

// in returns the lookup Problem.Text wants for one language. It fails the test for a key the
// language lacks (Catalog.T would quietly fall back to German, then to the key).
func in(t testing.TB, lang string) func(key string, args ...any) string {
	t.Helper()
	c := messages(t)
	keys := c.Keys(lang)
	return func(key string, args ...any) string {
		if _, ok := slices.BinarySearch(keys, key); !ok {
			t.Errorf("%s catalogue lacks %q", lang, key)
		}
		return c.T(lang, key, args...)
	}
}

// shown is a problem as a reader gets it: the English text the API and the command line report.
type shown struct {
	Line  int
	Field string
	Text  string
}

// english renders problems as the API does, and checks on the way that each one also reads in
// German: every key present, every parameter used (see wellFormed).
func english(t *testing.T, problems []Problem) []shown {
	t.Helper()
	out := make([]shown, len(problems))
	for i, p := range problems {
		out[i] = shown{p.Line, p.Field, p.Text(in(t, "en"))}
		wellFormed(t, p.Code, p.Args, out[i].Text)
		wellFormed(t, p.Code, p.Args, p.Text(in(t, "de")))
	}
	return out
}

// wellFormed fails for a text whose format and parameters do not fit: fmt writes "%!" for a
// missing, surplus or mistyped parameter.
func wellFormed(t testing.TB, code string, args []any, text string) {
	t.Helper()
	if strings.Contains(text, "%!") || strings.Contains(text, "import.") {
		t.Errorf("%s %v renders as %q", code, args, text)
	}
}

// Every problem kind, with parameters that cannot be mistaken for the text around them: each
// must read in both languages, name each of its parameters, and keep its English wording
// (which the API and the command line report, and integrations may match on).
func TestEveryProblemReadsInGermanAndEnglish(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p      Problem
		params []string // how each parameter must appear in both languages
		en, de string   // the reason in English, and a phrase of the German one
	}{
		{problem(7, noColumn, CodeQuoteBare), nil,
			`a quote mark (") stands inside a value that does not start with one; remove it, or put the whole value in quotes and double the quote mark inside ("")`,
			"Anführungszeichen"},
		{problem(7, noColumn, CodeQuoteBareLines, 7, 9), []string{"7–9", "Zeile 9"},
			`a quote mark (") on line 9 stands inside a value that does not start with one; lines 7–9 were skipped; remove it, or put the whole value in quotes and double the quote mark inside ("")`,
			"übersprungen"},
		{problem(7, noColumn, CodeQuoteUnclosed), nil,
			`a quoted value on this line is never closed; add the missing quote mark (")`, "nicht geschlossen"},
		{problem(7, noColumn, CodeQuoteUnclosedToEOF, 912), []string{"912"},
			`a quoted value that starts here is never closed, so everything up to the end of the file (line 912) was skipped; add the missing quote mark (")`,
			"Ende der Datei"},
		{problem(7, noColumn, CodeQuoteBadClose), nil,
			`a quoted value is not closed properly; after the closing quote mark (") must come the delimiter or the end of the line, and quote marks inside a value must be doubled ("")`,
			"nicht richtig abgeschlossen"},
		{problem(7, noColumn, CodeQuoteBadCloseLines, 7, 11), []string{"7–11"},
			`a quoted value that starts here is not closed properly, so lines 7–11 were read as one and skipped; check the quote marks (") on line 7`,
			"als eine gelesen"},
		{problem(7, noColumn, CodeCSVUnreadable, "wrong number of fields"), []string{"wrong number of fields"},
			"cannot be read as CSV (wrong number of fields)", "nicht als CSV gelesen"},
		{problem(7, noColumn, CodeFieldCount, 4, 5, `";"`), []string{"4", "5", `";"`},
			`has 4 values but the header has 5 columns; check for a missing or extra ";" (a value that contains ";" must be in quotes)`,
			"Kopfzeile aber 5 Spalten"},
		{problem(7, noColumn, CodeFieldCount, 4, 5, WordTab), []string{"4", "5"},
			`has 4 values but the header has 5 columns; check for a missing or extra tab (a value that contains tab must be in quotes)`,
			"ob ein Tabulator fehlt"},
		{problem(7, colFirstName, CodeNameMissing, colFirstName.word(), `"Rufname"`), []string{`"Rufname"`},
			`the first name is missing; fill in column "Rufname"`, "Vorname fehlt"},
		{problem(7, colLastName, CodeNameTooLong, colLastName.word(), 101, 100), []string{"101", "100"},
			"the last name has 101 characters; at most 100 are allowed", "Nachname hat 101 Zeichen"},
		{problem(7, colLastName, CodeFullNameTooLong, 201, 200), []string{"201", "200"},
			"first and last name together have 201 characters; at most 200 are allowed", "Vor- und Nachname"},
		{problem(7, colEmail, CodeEmailMissing, `"Mail"`), []string{`"Mail"`},
			`the e-mail address is missing; fill in column "Mail", everyone needs one to sign in`, "E-Mail-Adresse fehlt"},
		{problem(7, colEmail, CodeEmailInvalid, `"anna@"`), []string{`"anna@"`},
			`"anna@" is not an e-mail address; write it like anna.schmidt@musterstadt.de`, "ist keine E-Mail-Adresse"},
		{problem(7, colEmail, CodeEmailDuplicate, "anna@x.de", 3), []string{"anna@x.de", "Zeile 3"},
			"e-mail anna@x.de appears already on line 3; keep only one of the two lines", "steht schon in Zeile 3"},
		{problem(7, colEmployeeNumber, CodeNumberTooLong, 65, 64), []string{"65", "64"},
			"the employee number has 65 characters; at most 64 are allowed", "Personalnummer hat 65 Zeichen"},
		{problem(7, colEmployeeNumber, CodeNumberRounded, `"1,23E+11"`), []string{`"1,23E+11"`},
			`the employee number "1,23E+11" was turned into a rounded number by Excel; format the column as text in Excel and export again`,
			"gerundete Zahl"},
		{problem(7, colEmployeeNumber, CodeNumberDuplicate, `"4711"`, 3), []string{`"4711"`, "Zeile 3"},
			`employee number "4711" appears already on line 3; every person needs their own number`, "eigene Nummer"},
		{problem(7, colOrgUnit, CodeOrgUnitEmptyPart, `"FB 1//Amt"`), []string{`"FB 1//Amt"`},
			`the organisation unit has an empty part between slashes in "FB 1//Amt"`, "leeren Teil"},
		{problem(7, colOrgUnit, CodeOrgUnitPartLong, `"Amt…"`, 120), []string{`"Amt…"`, "120"},
			`the organisation unit part "Amt…" is longer than 120 characters`, "länger als 120 Zeichen"},
		{problem(7, colOrgUnit, CodeOrgUnitInvalid, "is not valid UTF-8"), []string{"is not valid UTF-8"},
			"the organisation unit is not valid UTF-8", "Organisationseinheit ist ungültig"},
		{problem(7, colLastName, CodeUnreadableChar, colLastName.word(), `"M�ller"`), []string{`"M�ller"`},
			`the last name "M�ller" contains an unreadable character (�); the file is probably in another encoding, in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`,
			"Nachname \"M�ller\" enthält ein unlesbares Zeichen"},
		{problem(7, colOrgUnit, CodeControlChar, colOrgUnit.word(), `"FB\x01"`, "U+0001"), []string{`"FB\x01"`, "U+0001"},
			`the organisation unit "FB\x01" contains a control character (U+0001); remove it`, "Organisationseinheit \"FB\\x01\" enthält ein Steuerzeichen"},
		{problem(0, noColumn, CodeMoreProblems, 500), []string{"500"},
			"500 more problems are not listed; fix the ones above (often a whole column is wrong) and import the file again", "500 weitere Probleme"},
		{problem(7, colEmail, CodeEmailElsewhere, "anna@x.de"), []string{"anna@x.de"},
			"the e-mail address anna@x.de belongs to an account outside this municipality", "außerhalb dieser Kommune"},
		{problem(7, colEmail, CodeEmailOtherEmployeeNumber, "anna@x.de", "4711", "4712"), []string{"anna@x.de", "4711", "4712"},
			"the e-mail address anna@x.de belongs to employee number 4711, not 4712", "gehört zur Personalnummer 4711, nicht 4712"},
		{problem(7, colEmail, CodeEmailOtherPerson, "anna@x.de"), []string{"anna@x.de"},
			"the e-mail address anna@x.de belongs to another person of this municipality", "anderen Person dieser Kommune"},
		{problem(7, colEmail, CodeAnonymised), nil,
			"the employee number or e-mail address matches an anonymised account, which cannot come back; give the person a new employee number",
			"anonymisierten Konto"},
		{problem(7, colEmail, CodeRolesAdminOnly, "chefin@x.de", Roles([]model.Role{model.RoleAdmin, model.RoleLearner})), []string{"chefin@x.de"},
			"the employee number or e-mail address of this line belongs to the account chefin@x.de with the roles administrator, learner, which only an administrator can change; leave the line as it is stored or ask an administrator",
			"zum Konto chefin@x.de mit den Rollen Administration, Lernende Person, das nur die Administration ändern kann"},
		{problem(7, colEmail, CodePersonDuplicate, "anna@x.de", 3), []string{"anna@x.de", "Zeile 3"},
			"the person anna@x.de is named on line 3 already (by employee number or e-mail address); keep only one of the two lines",
			"steht schon in Zeile 3"},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		tested[tt.p.Code] = true
		en, de := tt.p.Reason(in(t, "en")), tt.p.Reason(in(t, "de"))
		wellFormed(t, tt.p.Code, tt.p.Args, en)
		wellFormed(t, tt.p.Code, tt.p.Args, de)
		if en != tt.en {
			t.Errorf("%s in English:\n got %s\nwant %s", tt.p.Code, en, tt.en)
		}
		if !strings.Contains(de, tt.de) || de == en {
			t.Errorf("%s in German: %s", tt.p.Code, de)
		}
		for _, s := range tt.params {
			if !strings.Contains(en, strings.Replace(s, "Zeile", "line", 1)) || !strings.Contains(de, s) {
				t.Errorf("%s does not show %q:\n%s\n%s", tt.p.Code, s, en, de)
			}
		}
		// The API's and the command line's form starts with the line.
		if want := "line 7: " + en; tt.p.Line == 7 && tt.p.Text(in(t, "en")) != want {
			t.Errorf("%s with its line: %q", tt.p.Code, tt.p.Text(in(t, "en")))
		}
		if want := "Zeile 7: " + de; tt.p.Line == 7 && tt.p.Text(in(t, "de")) != want {
			t.Errorf("%s with its line in German: %q", tt.p.Code, tt.p.Text(in(t, "de")))
		}
	}
	// The table covers every problem text: a catalogue entry without a case here fails, and so
	// does a case without an entry (above), so a new code needs both.
	for _, key := range messages(t).Keys("en") {
		if code, ok := strings.CutPrefix(key, "import.problem."); ok && !tested[code] {
			t.Errorf("problem %q is not in the table", code)
		}
	}
	// The words a problem takes as parameters: every column, and tab.
	for c := range numColumns {
		for _, lang := range []string{"de", "en"} {
			if w := in(t, lang)("import.word." + string(c.word())); w == "" {
				t.Errorf("no %s word for column %s", lang, columnNames[c])
			}
		}
	}
	// and every role (an account's roles are named, not given as codes).
	for _, r := range model.AllRoles {
		for _, lang := range []string{"de", "en"} {
			if w := in(t, lang)("import.word.role_" + string(r)); w == "" || w == "import.word.role_"+string(r) {
				t.Errorf("no %s word for the role %s", lang, r)
			}
		}
	}
}
