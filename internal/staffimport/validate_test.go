package staffimport

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

const fullHeader = "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit"

func TestParseProblems(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ä", 101)
	hundred := strings.Repeat("x", 100)
	tests := []struct {
		name     string
		in       string
		problems []shown // as the API reports them, in English
		rowLines []int   // lines of the valid rows
	}{
		{
			"invalid e-mail addresses",
			file("\r\n", fullHeader,
				"1;Anna;Schmidt;anna.schmidt@;",
				"2;Anna;Schmidt;anna@localhost;",
				"3;Anna;Schmidt;Anna Schmidt <anna@musterstadt.de>;",
				"4;Anna;Schmidt;anna schmidt@musterstadt.de;",
				"5;Anna;Schmidt;anna@musterstadt.de;",
			),
			[]shown{
				{2, "email", `line 2: "anna.schmidt@" is not an e-mail address; write it like anna.schmidt@musterstadt.de`},
				{3, "email", `line 3: "anna@localhost" is not an e-mail address; write it like anna.schmidt@musterstadt.de`},
				{4, "email", `line 4: "anna schmidt <anna@musterstadt.de>" is not an e-mail address; write it like anna.schmidt@musterstadt.de`},
				{5, "email", `line 5: "anna schmidt@musterstadt.de" is not an e-mail address; write it like anna.schmidt@musterstadt.de`},
			},
			[]int{6},
		},
		{
			"missing values, one problem per field",
			file("\n", fullHeader,
				"1;;Schmidt;a@musterstadt.de;",
				"2;Anna;  ;b@musterstadt.de;",
				"3;Anna;Schmidt; ;",
				"4; ; ;;X",
			),
			[]shown{
				{2, "first_name", `line 2: the first name is missing; fill in column "Vorname"`},
				{3, "last_name", `line 3: the last name is missing; fill in column "Nachname"`},
				{4, "email", `line 4: the e-mail address is missing; fill in column "E-Mail", everyone needs one to sign in`},
				{5, "first_name", `line 5: the first name is missing; fill in column "Vorname"`},
				{5, "last_name", `line 5: the last name is missing; fill in column "Nachname"`},
				{5, "email", `line 5: the e-mail address is missing; fill in column "E-Mail", everyone needs one to sign in`},
			},
			nil,
		},
		{
			"too long",
			file("\n", fullHeader,
				"1;"+long+";Schmidt;a@musterstadt.de;",
				"2;Anna;"+long+";b@musterstadt.de;",
				strings.Repeat("9", 65)+";Anna;Schmidt;c@musterstadt.de;",
				"4;"+hundred+";"+hundred+";d@musterstadt.de;",
				strings.Repeat("9", 64)+";"+hundred+";Schmidt;e@musterstadt.de;",
			),
			[]shown{
				{2, "first_name", `line 2: the first name has 101 characters; at most 100 are allowed`},
				{3, "last_name", `line 3: the last name has 101 characters; at most 100 are allowed`},
				{4, "employee_number", `line 4: the employee number has 65 characters; at most 64 are allowed`},
				{5, "last_name", `line 5: first and last name together have 201 characters; at most 200 are allowed`},
			},
			[]int{6},
		},
		{
			"duplicates report the later line",
			file("\r\n", fullHeader,
				"1;Anna;Schmidt;anna@x.de;",
				"2;Bernd;Bauer;bernd@x.de;",
				"3;Anna;Schmidt;ANNA@X.DE ;",
				"2;Carla;Conrad;carla@x.de;",
				"5;Dora;Dorn;anna@x.de;",
				";Emil;Ernst;emil@x.de;",
				";Fritz;Fink;fritz@x.de;",
			),
			[]shown{
				{4, "email", `line 4: e-mail anna@x.de appears already on line 2; keep only one of the two lines`},
				{5, "employee_number", `line 5: employee number "2" appears already on line 3; every person needs their own number`},
				{6, "email", `line 6: e-mail anna@x.de appears already on line 2; keep only one of the two lines`},
			},
			[]int{2, 3, 7, 8}, // an empty employee number is no duplicate
		},
		{
			"a duplicate of an otherwise invalid row is still a duplicate",
			file("\n", fullHeader, "1;;Schmidt;anna@x.de;", "2;Anna;Schmidt;anna@x.de;"),
			[]shown{
				{2, "first_name", `line 2: the first name is missing; fill in column "Vorname"`},
				{3, "email", `line 3: e-mail anna@x.de appears already on line 2; keep only one of the two lines`},
			},
			nil,
		},
		{
			"employee number rounded by Excel",
			file("\n", fullHeader, "1,23457E+11;Anna;Schmidt;a@x.de;", "1.2E+3;Bernd;Bauer;b@x.de;", "E+1;Carla;Conrad;c@x.de;"),
			[]shown{
				{2, "employee_number", `line 2: the employee number "1,23457E+11" was turned into a rounded number by Excel; format the column as text in Excel and export again`},
				{3, "employee_number", `line 3: the employee number "1.2E+3" was turned into a rounded number by Excel; format the column as text in Excel and export again`},
			},
			[]int{4},
		},
		{
			"invalid organisation units",
			file("\n", fullHeader,
				"1;Anna;Schmidt;a@x.de;Fachbereich 1//Bürgeramt",
				"2;Bernd;Bauer;b@x.de;/",
				"3;Carla;Conrad;c@x.de;FB/"+strings.Repeat("ü", 121),
			),
			[]shown{
				{2, "org_unit", `line 2: the organisation unit has an empty part between slashes in "Fachbereich 1//Bürgeramt"`},
				{3, "org_unit", `line 3: the organisation unit has an empty part between slashes in "/"`},
				{4, "org_unit", `line 4: the organisation unit part "` + strings.Repeat("ü", 40) + `…" is longer than 120 characters`},
			},
			nil,
		},
		{
			"control and unreadable characters",
			file("\n", fullHeader,
				"1;An\x01na;Schmidt;a@x.de;",
				"2;Anna;Schmidt;b@x.de;FB\x7f1",
				"3;Anna;Schm\uFFFDdt;c@x.de;",
				"4;Anna;Schmidt;m\uFFFDller@x.de;",
				"5\x02;Anna;Schmidt;e@x.de;",
			),
			[]shown{
				{2, "first_name", `line 2: the first name "An\x01na" contains a control character (U+0001); remove it`},
				{3, "org_unit", `line 3: the organisation unit "FB\x7f1" contains a control character (U+007F); remove it`},
				{4, "last_name", `line 4: the last name "Schm�dt" contains an unreadable character (�); the file is probably in another encoding, in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
				{5, "email", `line 5: the e-mail address "m�ller@x.de" contains an unreadable character (�); the file is probably in another encoding, in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
				{6, "employee_number", `line 6: the employee number "5\x02" contains a control character (U+0002); remove it`},
			},
			nil,
		},
		{
			"wrong number of fields",
			file("\r\n", fullHeader,
				"1;Anna;Schmidt;a@x.de",
				"2;Bernd;Bauer;b@x.de;FB 1;extra",
				"3;Carla;Conrad;c@x.de;",
			),
			[]shown{
				{2, "", `line 2: has 4 values but the header has 5 columns; check for a missing or extra ";" (a value that contains ";" must be in quotes)`},
				{3, "", `line 3: has 6 values but the header has 5 columns; check for a missing or extra ";" (a value that contains ";" must be in quotes)`},
			},
			[]int{4},
		},
		{
			"a value spanning lines keeps later line numbers right",
			file("\r\n", fullHeader,
				`1;"Anna`,
				`Maria";Schmidt;a@x.de;"Fachbereich 1/`,
				`Bürgeramt"`,
				"2;Bernd;Bauer;bernd@;",
				"",
				"3;Carla;Conrad;c@x.de",
			),
			// The quoted first name covers lines 2–3 and the org unit lines 3–4, so the bad
			// e-mail is on line 5 and the short row, after a blank line, on line 7.
			[]shown{
				{5, "email", `line 5: "bernd@" is not an e-mail address; write it like anna.schmidt@musterstadt.de`},
				{7, "", `line 7: has 4 values but the header has 5 columns; check for a missing or extra ";" (a value that contains ";" must be in quotes)`},
			},
			[]int{2},
		},
		{
			"stray and unclosed quotes",
			file("\r\n", fullHeader,
				`1;Anna "Anni";Schmidt;a@x.de;`,
				`2;"Bernd" B;Bauer;b@x.de;`,
				`3;Carla;Conrad;c@x.de;`,
				`4;"Dora;Dorn;d@x.de;`,
				`5;Emil;Ernst;e@x.de;`,
				`6;Fritz;"Fink" x;f@x.de;`,
				`7;Gina;Gans;g@x.de;`,
			),
			[]shown{
				{2, "", `line 2: a quote mark (") stands inside a value that does not start with one; remove it, or put the whole value in quotes and double the quote mark inside ("")`},
				{3, "", `line 3: a quoted value is not closed properly; after the closing quote mark (") must come the delimiter or the end of the line, and quote marks inside a value must be doubled ("")`},
				{5, "", `line 5: a quoted value that starts here is not closed properly, so lines 5–7 were read as one and skipped; check the quote marks (") on line 5`},
			},
			[]int{4, 8},
		},
		{
			"a quote never closed swallows the rest of the file",
			file("\n", fullHeader, `1;Anna;Schmidt;a@x.de;`, `2;"Bernd;Bauer;b@x.de;`, `3;Carla;Conrad;c@x.de;`, `4;Dora;Dorn;d@x.de;`),
			[]shown{
				{3, "", `line 3: a quoted value that starts here is never closed, so everything up to the end of the file (line 5) was skipped; add the missing quote mark (")`},
			},
			[]int{2},
		},
		{
			"a stray quote after a value spanning lines",
			file("\n", "Vorname;Nachname;E-Mail", "\"Anna\nMaria\";Sch\"midt;a@x.de", "Bernd;Bauer;b@x.de"),
			[]shown{
				{2, "", `line 2: a quote mark (") on line 3 stands inside a value that does not start with one; lines 2–3 were skipped; remove it, or put the whole value in quotes and double the quote mark inside ("")`},
			},
			[]int{4},
		},
		{
			"line numbers after a sep= line",
			file("\r\n", "sep=;", "Vorname;Nachname;E-Mail", "Anna;Schmidt;anna@", `"Bernd;Bauer;b@x.de`),
			[]shown{
				{3, "email", `line 3: "anna@" is not an e-mail address; write it like anna.schmidt@musterstadt.de`},
				{4, "", `line 4: a quoted value on this line is never closed; add the missing quote mark (")`},
			},
			nil,
		},
		{
			"quote errors on a last line without a line break",
			fullHeader + "\n1;Anna;Schmidt;a@x.de;\n2;Bernd;Bauer;b@x.de;\"FB 1\"x",
			[]shown{
				{3, "", `line 3: a quoted value is not closed properly; after the closing quote mark (") must come the delimiter or the end of the line, and quote marks inside a value must be doubled ("")`},
			},
			[]int{2},
		},
		{
			"a quote never closed on the last line without a line break",
			fullHeader + "\r\n1;Anna;Schmidt;a@x.de;\r\n2;Bernd;Bauer;b@x.de;\"FB 1",
			[]shown{
				{3, "", `line 3: a quoted value on this line is never closed; add the missing quote mark (")`},
			},
			[]int{2},
		},
		{
			"comma files name the comma",
			file("\n", "first_name,last_name,email", "Anna,Schmidt", "Bernd,Bauer,b@x.de"),
			[]shown{
				{2, "", `line 2: has 2 values but the header has 3 columns; check for a missing or extra "," (a value that contains "," must be in quotes)`},
			},
			[]int{3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, tt.in)
			if got := english(t, p.Problems); !reflect.DeepEqual(got, tt.problems) {
				t.Errorf("problems:\n%s\nwant:\n%s", dump(got), dump(tt.problems))
			}
			var lines []int
			for _, r := range p.Rows {
				lines = append(lines, r.Line)
			}
			if !reflect.DeepEqual(lines, tt.rowLines) {
				t.Errorf("valid rows on lines %v; want %v", lines, tt.rowLines)
			}
		})
	}
}

func TestSpanningValueIsKept(t *testing.T) {
	t.Parallel()
	p := mustParse(t, file("\r\n", fullHeader, `1;"Anna`, `Maria";Schmidt;a@x.de;"Fachbereich 1/`, `Bürgeramt"`))
	want := []Row{{Line: 2, EmployeeNumber: "1", FirstName: "Anna Maria", LastName: "Schmidt", Email: "a@x.de", OrgUnit: "Fachbereich 1/Bürgeramt"}}
	if !reflect.DeepEqual(p.Rows, want) || len(p.Problems) != 0 {
		t.Errorf("rows %+v, problems %+v", p.Rows, p.Problems)
	}
}

// TestWindows1252Unassigned: a byte Windows-1252 does not define (0x81 is "ü" in the DOS code
// page 850) must not slip into a name.
func TestWindows1252Unassigned(t *testing.T) {
	t.Parallel()
	p := mustParse(t, "Vorname;Nachname;E-Mail\r\nJ\x81rgen;M\xFCller;j@x.de\r\n")
	if p.Encoding != EncodingWindows1252 || len(p.Rows) != 0 || len(p.Problems) != 1 || p.Problems[0].Field != "first_name" {
		t.Errorf("encoding %q, rows %+v, problems %+v", p.Encoding, p.Rows, p.Problems)
	}
}

func TestCollapseSpace(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Anna":               "Anna",
		"Anna Maria":         "Anna Maria",
		"Anna  Maria":        "Anna Maria",
		" Anna":              "Anna",
		"Anna ":              "Anna",
		"Anna\tMaria":        "Anna Maria",
		"Anna\nMaria":        "Anna Maria",
		"Anna\u00a0 Maria":   "Anna Maria",
		"Jürgen":             "Jürgen",
		"":                   "",
		" ":                  "",
		"Anna\x01Maria":      "Anna\x01Maria",
		"Anna \u2003 Maria ": "Anna Maria",
	} {
		if got := collapseSpace(in); got != want {
			t.Errorf("collapseSpace(%q) = %q; want %q", in, got, want)
		}
	}
}

func dump(ps []shown) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  ")
		b.WriteString(strings.Join([]string{strconv.Itoa(p.Line), p.Field, p.Text}, " | "))
		b.WriteString("\n")
	}
	return b.String()
}

func TestProblemsAreCapped(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("Vorname;Nachname;E-Mail\n")
	const bad = MaxProblems + 500
	for range bad {
		b.WriteString("Anna;Schmidt;nope\n")
	}
	b.WriteString("Anna;Schmidt;anna@x.de\n")
	p := mustParse(t, b.String())
	if len(p.Problems) != MaxProblems+1 {
		t.Fatalf("%d problems listed", len(p.Problems))
	}
	if last := english(t, p.Problems[MaxProblems:])[0]; last.Line != 0 || last.Text != "500 more problems are not listed; fix the ones above (often a whole column is wrong) and import the file again" {
		t.Errorf("summary %+v", last)
	}
	// Rows past the cap are still checked: the bad ones must not slip through as valid.
	if len(p.Rows) != 1 || p.Rows[0].Line != bad+2 {
		t.Errorf("rows %+v", p.Rows)
	}
}

func TestTooManyDelimiters(t *testing.T) {
	t.Parallel()
	_, err := Parse(strings.NewReader("Vorname;Nachname;E-Mail\nAnna;Schmidt;a@x.de\n"+strings.Repeat(";", maxSeparators+1)+"\n"), 0)
	want := "line 3: has more than 10000 delimiters (;, comma or tab), but a staff list needs only one per column; check that this is the right file"
	var fe *FileError
	if !errors.As(err, &fe) || fe.Code != FileErrTooManyDelimiters || fe.Text(in(t, "en")) != want {
		t.Fatalf("got %v", err)
	}
	// Exactly at the limit is fine (and a wrong field count).
	atLimit := "Vorname;Nachname;E-Mail\n" + strings.Repeat(";", maxSeparators) + "x\n"
	if p, err := Parse(strings.NewReader(atLimit), 0); err != nil || len(p.Problems) != 1 {
		t.Fatalf("at the limit: %v", err)
	}
}
