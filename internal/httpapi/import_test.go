package httpapi_test

import (
	"encoding/json"
	"maps"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/httpapi"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

type importReport struct {
	DryRun    bool `json:"dry_run"`
	Written   bool `json:"written"`
	Rows      int  `json:"rows"`
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Invalid   []struct {
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"invalid"`
	Deactivated []string `json:"deactivated"`
	NewOrgUnits []string `json:"new_org_units"`
}

const staffCSV = "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit\r\n" +
	"1001;Anna;Becker;anna.becker@a.example;Fachbereich 1/Bürgeramt\r\n" +
	"1002;Jürgen;Müller;juergen.mueller@a.example;Fachbereich 2/Kämmerei\r\n" +
	"1003;Kaputt;Zeile;keine-adresse;Fachbereich 2\r\n"

// importCSV posts a staff list as text/csv with token and returns the status and the report.
func importCSV(t *testing.T, e *testenv.Env, token, query, body string) (int, importReport) {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/admin/users/import"+query, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	r := e.Send(req)
	var rep importReport
	r.JSON(t, &rep)
	return r.StatusCode, rep
}

func TestStaffImport(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten, other := e.Tenant("a"), e.Tenant("b")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		e.User(&other, "fremd@b.example", "", model.RoleLearner)
		post := func(query, body string) (int, importReport) { return importCSV(t, e, hr, query, body) }
		users := func() int {
			var list []model.User
			e.Do("GET", "/api/v1/admin/users?active=true", hr, nil).JSON(t, &list)
			return len(list)
		}

		// One invalid row: nothing is written, every problem is named with its line, its kind
		// as a stable code and what to fix in English.
		status, rep := post("", staffCSV)
		if status != 422 || rep.Written || len(rep.Invalid) != 1 || rep.Invalid[0].Line != 4 || rep.Invalid[0].Field != "email" || rep.Invalid[0].Code != "email_invalid" ||
			rep.Invalid[0].Message != `line 4: "keine-adresse" is not an e-mail address; write it like anna.schmidt@musterstadt.de` {
			t.Fatalf("with an invalid row: %d %+v", status, rep)
		}
		if users() != 1 {
			t.Fatal("something was written")
		}
		// Dry run of the valid part shows what would happen.
		status, rep = post("?dry_run=true&skip_invalid=true", staffCSV)
		if status != 200 || rep.Written || rep.Created != 2 || users() != 1 {
			t.Fatalf("dry run: %d %+v", status, rep)
		}
		status, rep = post("?skip_invalid=true", staffCSV)
		if status != 200 || !rep.Written || rep.Created != 2 || len(rep.Invalid) != 1 {
			t.Fatalf("skip invalid: %d %+v", status, rep)
		}
		var anna []model.User
		e.Do("GET", "/api/v1/admin/users?q=anna.becker", hr, nil).JSON(t, &anna)
		if len(anna) != 1 || anna[0].Name != "Anna Becker" || anna[0].EmployeeNumber != "1001" || anna[0].OrgUnitPath != "Fachbereich 1/Bürgeramt" || anna[0].HasPassword {
			t.Fatalf("imported user: %+v", anna)
		}

		// The same file again changes nothing.
		valid := strings.Replace(staffCSV, "1003;Kaputt;Zeile;keine-adresse;Fachbereich 2\r\n", "", 1)
		if status, rep = post("", valid); status != 200 || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 2 {
			t.Fatalf("second import: %d %+v", status, rep)
		}
		// Matched by employee number: a new e-mail address and unit is an update.
		moved := strings.Replace(valid, "anna.becker@a.example;Fachbereich 1/Bürgeramt", "anna.schmidt@a.example;Fachbereich 3", 1)
		if status, rep = post("", moved); status != 200 || rep.Updated != 1 || rep.Unchanged != 1 {
			t.Fatalf("changed row: %d %+v", status, rep)
		}
		// Somebody missing from the file is listed, and deactivated only when asked.
		onlyAnna := strings.Replace(moved, "1002;Jürgen;Müller;juergen.mueller@a.example;Fachbereich 2/Kämmerei\r\n", "", 1)
		if _, rep = post("", onlyAnna); len(rep.Deactivated) != 1 || rep.Deactivated[0] != "juergen.mueller@a.example" || users() != 3 {
			t.Fatalf("missing without the option: %+v", rep)
		}
		if _, rep = post("?deactivate_missing=true", onlyAnna); !rep.Written || users() != 2 {
			t.Fatalf("deactivate missing: %+v, %d active", rep, users())
		}
		// An address of another municipality's account is refused, without saying whose.
		status, rep = post("", "E-Mail;Vorname;Nachname\nfremd@b.example;X;Y\n")
		if status != 422 || len(rep.Invalid) != 1 || rep.Invalid[0].Code != "email_elsewhere" ||
			rep.Invalid[0].Message != "line 2: the e-mail address fremd@b.example belongs to an account outside this municipality" {
			t.Fatalf("foreign address: %d %+v", status, rep)
		}
		// A file with mistakes of its own is still matched, so that one report names every
		// invalid line, those that clash with stored accounts too, in the order of the file; the
		// counts say what the valid rows would do, and nothing is written.
		status, rep = post("", "E-Mail;Vorname;Nachname\nfremd@b.example;X;Y\nkaputt;A;B\nneu@a.example;C;D\n")
		if status != 422 || rep.Written || rep.Created != 1 || len(rep.Invalid) != 2 || users() != 2 ||
			rep.Invalid[0].Line != 2 || rep.Invalid[0].Code != "email_elsewhere" || rep.Invalid[1].Line != 3 || rep.Invalid[1].Code != "email_invalid" {
			t.Fatalf("a file's own mistakes and a clash: %d %+v", status, rep)
		}
		// A file without the required columns is refused as a whole.
		if r := e.Do("POST", "/api/v1/admin/users/import", hr, "Name\nAnna\n"); r.StatusCode != 422 {
			t.Errorf("no e-mail column: %d %s", r.StatusCode, r.Body)
		}
		var audit []model.AuditEntry
		admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
		e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		var units []string // per written import, newest first: how many org units it created
		for _, a := range audit {
			if a.Action == "users.import" {
				units = append(units, a.Details["org_units_created"])
			}
		}
		// The first written import created Fachbereich 1, its Bürgeramt, Fachbereich 2 and its
		// Kämmerei; the move to Fachbereich 3 one more; the rest none.
		if len(units) == 0 || units[len(units)-1] != "4" || !slices.Contains(units, "1") {
			t.Errorf("imports audited with org units created: %v", units)
		}
	})
}

func TestImportKeepsWhatTheFileDoesNotSay(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
	post := func(query, body string) (int, importReport) {
		req := httptest.NewRequest("POST", "/api/v1/admin/users/import"+query, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+hr)
		r := e.Send(req)
		var rep importReport
		r.JSON(t, &rep)
		return r.StatusCode, rep
	}
	if s, rep := post("", "E-Mail;Vorname;Nachname;Organisationseinheit\na@a.example;A;A;\nb@a.example;B;B;Bauhof\n"); s != 200 || rep.Created != 2 {
		t.Fatalf("first import: %d %+v", s, rep)
	}
	// A file without the org unit column leaves units alone.
	if _, rep := post("", "E-Mail;Vorname;Nachname\nb@a.example;B;B\n"); rep.Unchanged != 1 {
		t.Errorf("without the column: %+v", rep)
	}
	var users []model.User
	e.Do("GET", "/api/v1/admin/users?q=b@a", hr, nil).JSON(t, &users)
	if len(users) != 1 || users[0].OrgUnitPath != "Bauhof" {
		t.Errorf("org unit lost: %+v", users)
	}
	// With invalid rows, nobody is deactivated: the invalid line may be one of the "missing".
	status, rep := post("?skip_invalid=true&deactivate_missing=true", "E-Mail;Vorname;Nachname\nb@a.example;B;B\nkaputt;A;A\n")
	if status != 200 || len(rep.Deactivated) != 1 {
		t.Fatalf("%d %+v", status, rep)
	}
	e.Do("GET", "/api/v1/admin/users?active=true", hr, nil).JSON(t, &users)
	if len(users) != 3 {
		t.Errorf("%d active users; nobody may be deactivated", len(users))
	}
}

// The import creates the org units its rows name — parents first, existing ones reused,
// spellings normalised — and none for rows it rejects; a bad path is the row's problem.
func TestImportCreatesOnlyTheOrgUnitsItUses(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten, other := e.Tenant("a"), e.Tenant("b")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		e.User(&other, "fremd@b.example", "", model.RoleLearner)
		if r := e.Do("POST", "/api/v1/admin/org-units", hr, map[string]any{"path": "Dezernat I"}); r.StatusCode != 201 {
			t.Fatalf("org unit: %d %s", r.StatusCode, r.Body)
		}
		units := func() map[string]model.OrgUnit {
			var list []model.OrgUnit
			e.Do("GET", "/api/v1/admin/org-units", hr, nil).JSON(t, &list)
			out := map[string]model.OrgUnit{}
			for _, u := range list {
				out[u.Path] = u
			}
			return out
		}
		before := units()["Dezernat I"]

		e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		post := func(query, csv string) importReport {
			t.Helper()
			status, rep := importCSV(t, e, hr, query, csv)
			if status != 200 {
				t.Fatalf("import: %d %+v", status, rep)
			}
			return rep
		}

		csv := "E-Mail;Vorname;Nachname;Organisationseinheit\r\n" +
			"a@a.example;A;A;Dezernat I/Amt 10/Team  Nord\r\n" + // two new levels under an existing unit
			"b@a.example;B;B; Dezernat I / Amt 10 \r\n" + // the same unit, spelled loosely
			"fremd@b.example;F;F;Nur für Fremde\r\n" + // rejected row: its unit is not created
			"c@a.example;C;C;Dezernat I//Amt 11\r\n" + // empty part: the row's problem
			"admin@a.example;Ad;Min;Nur für Admins\r\n" // an account hr may not change: rejected after matching
		// The preview lists the units the import would create, parents first, and only those.
		newUnits := []string{"Dezernat I/Amt 10", "Dezernat I/Amt 10/Team Nord"}
		if rep := post("?skip_invalid=true&dry_run=true", csv); !slices.Equal(rep.NewOrgUnits, newUnits) || len(units()) != 1 {
			t.Fatalf("dry run: new org units %q, %d units stored", rep.NewOrgUnits, len(units()))
		}
		rep := post("?skip_invalid=true", csv)
		if rep.Created != 2 || len(rep.Invalid) != 3 || !slices.Equal(rep.NewOrgUnits, newUnits) {
			t.Fatalf("import: %+v", rep)
		}
		lines := map[int]string{}
		for _, p := range rep.Invalid {
			lines[p.Line] = p.Message
		}
		if !strings.Contains(lines[5], "empty part") || lines[4] == "" || !strings.Contains(lines[6], "admin@a.example") {
			t.Errorf("problems: %v", lines)
		}
		got := units()
		amt, team := got["Dezernat I/Amt 10"], got["Dezernat I/Amt 10/Team Nord"]
		if len(got) != 3 || got["Dezernat I"].ID != before.ID || amt.ParentID != before.ID || team.ParentID != amt.ID || team.Name != "Team Nord" {
			t.Fatalf("org units after the import: %+v", got)
		}
		var b []model.User
		e.Do("GET", "/api/v1/admin/users?q=b@a.example", hr, nil).JSON(t, &b)
		if len(b) != 1 || b[0].OrgUnitPath != "Dezernat I/Amt 10" {
			t.Errorf("b's unit: %+v", b)
		}
		// A known person moved into a unit that does not exist yet is a change, not "unchanged".
		post("", "E-Mail;Vorname;Nachname;Organisationseinheit\r\nd@a.example;D;D;\r\n")
		moved := post("", "E-Mail;Vorname;Nachname;Organisationseinheit\r\nd@a.example;D;D;Dezernat II\r\n")
		if moved.Updated != 1 || moved.Unchanged != 0 || !slices.Equal(moved.NewOrgUnits, []string{"Dezernat II"}) {
			t.Errorf("moved into a new unit: %+v", moved)
		}
		if _, ok := units()["Dezernat II"]; !ok {
			t.Error("the new unit was not created")
		}
	})
}

// Two lines of one file that name the same stored person (one by employee number, the other by
// the e-mail address stored for them, without a number) are not two changes of which the later
// silently wins: the later line is invalid, neither is counted twice, and the unit only the
// later line names is neither listed nor created.
func TestImportRefusesASecondLineForTheSamePerson(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		const header = "Personalnummer;E-Mail;Vorname;Nachname;Organisationseinheit\r\n"
		if status, rep := importCSV(t, e, hr, "", header+"7;anna@a.example;Anna;Becker;Bauhof\r\n"); status != 200 || rep.Created != 1 {
			t.Fatalf("first import: %d %+v", status, rep)
		}
		// Line 2 finds Anna by her number and gives her a new address and unit; line 3 finds her
		// by the address stored for her, without a number.
		twice := header + "7;anna.becker@a.example;Anna;Becker;Kämmerei\r\n" + ";anna@a.example;Anna;Becker;Stadtkasse\r\n"
		status, rep := importCSV(t, e, hr, "?dry_run=true", twice)
		if status != 422 || rep.Updated != 1 || rep.Unchanged != 0 || rep.Created != 0 || len(rep.Invalid) != 1 ||
			rep.Invalid[0].Line != 3 || rep.Invalid[0].Code != "person_duplicate" || rep.Invalid[0].Field != "email" ||
			rep.Invalid[0].Message != "line 3: the person anna@a.example is named on line 2 already (by employee number or e-mail address); keep only one of the two lines" ||
			!slices.Equal(rep.NewOrgUnits, []string{"Kämmerei"}) {
			t.Fatalf("the same person twice: %d %+v", status, rep)
		}
		// Skipped, the later line changes nothing: Anna takes line 2, and Stadtkasse is not created.
		if status, rep = importCSV(t, e, hr, "?skip_invalid=true", twice); status != 200 || !rep.Written || rep.Updated != 1 || len(rep.Invalid) != 1 {
			t.Fatalf("skipping the second line: %d %+v", status, rep)
		}
		var anna []model.User
		e.Do("GET", "/api/v1/admin/users?q=anna", hr, nil).JSON(t, &anna)
		if len(anna) != 1 || anna[0].Email != "anna.becker@a.example" || anna[0].OrgUnitPath != "Kämmerei" {
			t.Errorf("Anna after the import: %+v", anna)
		}
		var units []model.OrgUnit
		e.Do("GET", "/api/v1/admin/org-units", hr, nil).JSON(t, &units)
		for _, u := range units {
			if u.Path == "Stadtkasse" {
				t.Error("the unit only the refused line names was created")
			}
		}
		// The other way round, the line with the number second, names that field.
		status, rep = importCSV(t, e, hr, "?dry_run=true", header+";anna.becker@a.example;Anna;Becker;Kämmerei\r\n"+"7;anna.b@a.example;Anna;Becker;Kämmerei\r\n")
		if status != 422 || rep.Unchanged != 1 || rep.Updated != 0 || len(rep.Invalid) != 1 || rep.Invalid[0].Line != 3 || rep.Invalid[0].Field != "employee_number" {
			t.Errorf("the number second: %d %+v", status, rep)
		}
	})
}

// The report's fields are what integrations parse: the problems gained "code" and lost nothing.
func TestImportReportFields(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
	var rep map[string]json.RawMessage
	r := e.Do("POST", "/api/v1/admin/users/import?dry_run=true", hr, "Vorname;Nachname;E-Mail\nAnna;;anna@a.example\nKaputt\n")
	r.JSON(t, &rep)
	if r.StatusCode != 422 || !slices.Equal(slices.Sorted(maps.Keys(rep)), []string{"created", "deactivated", "deactivation_done", "delimiter", "dry_run", "encoding",
		"invalid", "invited", "new_org_units", "rows", "unchanged", "updated", "written"}) {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	// The OpenAPI document describes every one of them.
	var post struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	}
	decodeImportOperation(t, &post)
	for _, status := range []string{"200", "422"} {
		props := post.Responses[status].Content["application/json"].Schema.Properties
		if !slices.Equal(slices.Sorted(maps.Keys(props)), slices.Sorted(maps.Keys(rep))) {
			t.Errorf("openapi.json's %s report has %v\nthe answer %v", status, slices.Sorted(maps.Keys(props)), slices.Sorted(maps.Keys(rep)))
		}
	}
	var invalid []map[string]any
	if err := json.Unmarshal(rep["invalid"], &invalid); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"line": 2.0, "field": "last_name", "code": "name_missing", "message": `line 2: the last name is missing; fill in column "Nachname"`},
		// A problem with the whole line has no field, as before.
		{"line": 3.0, "code": "field_count", "message": `line 3: has 1 values but the header has 3 columns; check for a missing or extra ";" (a value that contains ";" must be in quotes)`},
	}
	if !reflect.DeepEqual(invalid, want) {
		t.Errorf("invalid:\n%v\nwant\n%v", invalid, want)
	}
}

// decodeImportOperation decodes the OpenAPI document's POST /api/v1/admin/users/import into op.
func decodeImportOperation(t *testing.T, op any) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc.Paths["/api/v1/admin/users/import"]["post"], op); err != nil {
		t.Fatal(err)
	}
}

// catalogueCodes is the codes the English catalogue has a text for under prefix, sorted; it
// fails the test when there are none, so that a renamed prefix cannot make the comparisons
// pass with nothing on both sides.
func catalogueCodes(t *testing.T, prefix string) []string {
	t.Helper()
	messages, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, k := range messages.Keys("en") {
		if c, ok := strings.CutPrefix(k, prefix); ok {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		t.Fatalf("the catalogue has no key starting with %s", prefix)
	}
	return codes
}

// Every problem code the catalogue has a text for is documented, and nothing else.
func TestOpenAPIListsTheProblemCodes(t *testing.T) {
	var post struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema struct {
					Properties struct {
						Invalid struct {
							Items struct {
								Properties struct {
									Code struct {
										Enum []string `json:"enum"`
									} `json:"code"`
								} `json:"properties"`
							} `json:"items"`
						} `json:"invalid"`
					} `json:"properties"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	}
	decodeImportOperation(t, &post)
	codes := catalogueCodes(t, "import.problem.")
	for _, status := range []string{"200", "422"} {
		enum := post.Responses[status].Content["application/json"].Schema.Properties.Invalid.Items.Properties.Code.Enum
		if slices.Sort(enum); !slices.Equal(enum, codes) {
			t.Errorf("%s: openapi.json lists %v\nthe catalogue %v", status, enum, codes)
		}
	}
}

// A file that cannot be imported at all is refused as before file errors had codes: 422
// problem+json whose detail and errors.file say in English what to fix, byte for byte; the
// error's code is added beside them.
func TestImportFileErrorsHaveACode(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
	quoted := func(s string) string {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct{ body, code, message string }{
		{"PK\x03\x04\x14\x00\x06\x00", "xlsx",
			`this is an Excel workbook (.xlsx) or another ZIP file, not a CSV file; in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
		{"Name\nAnna\n", "columns_missing",
			`line 1: the header has no column for the first name ("Vorname" or "first_name"), e-mail address ("E-Mail" or "email"); headers found: "Name"; rename the columns or add the missing ones`},
		{"\r\n\r\n", "empty", "the file is empty; export the staff list with a header line such as Vorname;Nachname;E-Mail"},
	} {
		r := e.Do("POST", "/api/v1/admin/users/import", hr, c.body)
		want := `{"type":"about:blank","title":"Unprocessable Content","status":422,"detail":` + quoted("The request has invalid fields: file: "+c.message) +
			`,"errors":{"file":` + quoted(c.message) + `},"code":"` + c.code + `","request_id":"` + r.Header.Get("X-Request-Id") + `"}`
		if r.StatusCode != 422 || r.Header.Get("Content-Type") != "application/problem+json" || r.Body != want {
			t.Errorf("%s: %d %s\n got %s\nwant %s", c.code, r.StatusCode, r.Header.Get("Content-Type"), r.Body, want)
		}
	}
}

// Every file error code the catalogue has a text for is documented, and nothing else.
func TestOpenAPIListsTheFileErrorCodes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				AllOf []struct {
					Properties struct {
						Code struct {
							Enum []string `json:"enum"`
						} `json:"code"`
					} `json:"properties"`
				} `json:"allOf"`
			} `json:"schemas"`
		} `json:"components"`
	}
	var post struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema struct {
					Ref string `json:"$ref"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(httpapi.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	decodeImportOperation(t, &post)
	var enum []string
	for _, part := range doc.Components.Schemas["ImportFileProblem"].AllOf {
		enum = append(enum, part.Properties.Code.Enum...)
	}
	codes := catalogueCodes(t, "import.file_error.")
	if slices.Sort(enum); !slices.Equal(enum, codes) {
		t.Errorf("openapi.json lists %v\nthe catalogue %v", enum, codes)
	}
	// The import's answers for a refused file point at it.
	for _, status := range []string{"413", "422"} {
		if ref := post.Responses[status].Content["application/problem+json"].Schema.Ref; ref != "#/components/schemas/ImportFileProblem" {
			t.Errorf("%s problem+json: %q", status, ref)
		}
	}
}
