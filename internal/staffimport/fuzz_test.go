package staffimport

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wachsam/wachsam/internal/model"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"\uFEFF",
		"sep=;\r\n",
		file("\r\n", germanExport...),
		"\uFEFF" + file("\r\n", germanExport...),
		cp1252(f, file("\r\n", germanExport...)),
		cp1252(f, file("\r", germanExport...)),
		file("\n", "employee_id,first_name,last_name,email,org_unit", `7,Mary,"Smith, Jr.",mary@example.org,"A/B, C"`),
		file("\n", "Vorname\tNachname\tE-Mail", "Eva\tKühn\teva@x.de"),
		file("\r\n", fullHeader, `1;"Anna`, `Maria";Schmidt;a@x.de;"FB 1/`, `Amt"`, "2;B;B;b@;", "", "3;C;C;c@x.de"),
		file("\r\n", fullHeader, `1;Anna "A";S;a@x.de;`, `2;"B" x;B;b@x.de;`, `3;"C;C;c@x.de;`, `4;D;D;d@x.de;`),
		file("\n", fullHeader, "1;A;S;a@x.de;", "1;A;S;A@X.DE;", "1,2E+5;A;S;b@x.de;A//B", "2;\x01;\uFFFD;c@x.de;/"),
		file("\n", "Name;Vorname;Nachname;E-Mail;Name", "x"),
		"Vorname;Nachname;E-Mail\nJ\x81rgen;M\xFCller;j@x.de\n",
		"Vorname;Nachname;E-Mail\nJürgen;M\xFCller;j@x.de\n",
		"PK\x03\x04",
		"\xFF\xFE",
		"\"",
		";;;\n;;;",
		"Vorname;Nachname;E-Mail\n\"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(bytes.NewReader(data), 1<<20)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FileError", err, err)
			}
			for _, lang := range []string{"en", "de"} {
				text := fe.Text(in(t, lang))
				if text == "" || !utf8.ValidString(text) {
					t.Fatalf("bad error message %q", text)
				}
				wellFormed(t, fe.Code, fe.Args, text)
			}
			return
		}
		checkInvariants(t, p)
	})
}

// checkInvariants holds for every file Parse accepts: what it returns as valid really is.
func checkInvariants(t *testing.T, p *Parsed) {
	t.Helper()
	switch p.Encoding {
	case EncodingUTF8, EncodingUTF8BOM, EncodingWindows1252:
	default:
		t.Fatalf("encoding %q", p.Encoding)
	}
	if p.Delimiter != ';' && p.Delimiter != ',' && p.Delimiter != '\t' {
		t.Fatalf("delimiter %q", p.Delimiter)
	}
	if p.Rows == nil || p.Problems == nil || p.Columns == nil || p.Ignored == nil {
		t.Fatalf("nil slice in %+v", p)
	}
	for _, c := range []string{"first_name", "last_name", "email"} {
		if !contains(p.Columns, c) {
			t.Fatalf("accepted a file without column %s: %q", c, p.Columns)
		}
	}
	problemLines := map[int]bool{}
	last := 0
	for i, pr := range p.Problems {
		if pr.Line == 0 && i == MaxProblems && i == len(p.Problems)-1 {
			continue // "N more problems are not listed"
		}
		if pr.Line < 1 || pr.Line < last {
			t.Fatalf("problem line %d after %d", pr.Line, last)
		}
		last = pr.Line
		problemLines[pr.Line] = true
		text := pr.Text(in(t, "en"))
		if !strings.HasPrefix(text, fmt.Sprintf("line %d: ", pr.Line)) || !utf8.ValidString(text) {
			t.Fatalf("bad message %q", text)
		}
		wellFormed(t, pr.Code, pr.Args, text)
		wellFormed(t, pr.Code, pr.Args, pr.Text(in(t, "de")))
	}
	emails, numbers := map[string]bool{}, map[string]bool{}
	last = 0
	for _, r := range p.Rows {
		if r.Line < 2 || r.Line <= last || problemLines[r.Line] {
			t.Fatalf("row line %d after %d (problem lines %v)", r.Line, last, problemLines)
		}
		last = r.Line
		for _, name := range []string{r.FirstName, r.LastName} {
			if name == "" || utf8.RuneCountInString(name) > MaxNameLength || collapseSpace(name) != name || !utf8.ValidString(name) {
				t.Fatalf("bad name %q", name)
			}
		}
		if utf8.RuneCountInString(r.Name()) > maxFullNameLength {
			t.Fatalf("name too long: %q", r.Name())
		}
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || strings.ToLower(r.Email) != r.Email || emails[r.Email] {
			t.Fatalf("bad or duplicate e-mail %q (%v)", r.Email, err)
		}
		emails[r.Email] = true
		if r.EmployeeNumber != "" {
			if numbers[r.EmployeeNumber] || utf8.RuneCountInString(r.EmployeeNumber) > MaxEmployeeNumberLength {
				t.Fatalf("bad or duplicate employee number %q", r.EmployeeNumber)
			}
			numbers[r.EmployeeNumber] = true
		}
		if r.OrgUnit != "" {
			if n, err := model.NormalizeOrgUnitPath(r.OrgUnit); err != nil || n != r.OrgUnit {
				t.Fatalf("org unit %q not normalised (%q, %v)", r.OrgUnit, n, err)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// staffList builds a realistic export of n people.
func staffList(n int) string {
	var b strings.Builder
	b.WriteString("Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit\r\n")
	first := []string{"Jürgen", "Anna-Lena", "Zoë", "Doris", "Max", "Özlem"}
	last := []string{"Müller", "Groß", "Weiß", "Schmidt", "Kühn", "Öztürk"}
	units := []string{"Fachbereich 1/Bürgeramt", `"Fachbereich 2/Ordnung; Sicherheit"`, "Kämmerei", ""}
	for i := range n {
		fmt.Fprintf(&b, "%06d;%s;%s;person%d@musterstadt.de;%s\r\n", i, first[i%len(first)], last[i%len(last)], i, units[i%len(units)])
	}
	return b.String()
}

func BenchmarkParse100k(b *testing.B) {
	utf := staffList(100_000)
	for _, bc := range []struct{ name, in string }{
		{"utf-8", utf},
		{"windows-1252", cp1252(b, utf)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := Parse(strings.NewReader(bc.in), 64<<20)
				if err != nil || len(p.Rows) != 100_000 || len(p.Problems) != 0 {
					b.Fatalf("err %v, %d rows, %d problems", err, len(p.Rows), len(p.Problems))
				}
			}
		})
	}
}
