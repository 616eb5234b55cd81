package staffimport

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/charmap"
)

// file joins lines with sep and appends a final sep, as Excel does.
func file(sep string, lines ...string) string { return strings.Join(lines, sep) + sep }

// cp1252 encodes s the way German Excel's plain "CSV" export does.
func cp1252(t testing.TB, s string) string {
	t.Helper()
	out, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encoding %q as Windows-1252: %v", s, err)
	}
	return out
}

func mustParse(t *testing.T, in string) *Parsed {
	t.Helper()
	p, err := Parse(strings.NewReader(in), 1<<20)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// germanExport is a typical staff list from a municipal HR system, saved by German Excel.
var germanExport = []string{
	"Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit",
	"1001;Jürgen;Müller;Juergen.Mueller@Musterstadt.de;Fachbereich 1/Bürgeramt",
	`1002;Anna-Lena;Groß;anna.gross@musterstadt.de;"Fachbereich 2/Ordnung; Sicherheit"`,
	`1003;"Zoë";"O""Brien";zoe.obrien@musterstadt.de;`,
	"1004;  Doris   Maria ;Weiß;d.weiss@musterstadt.de; Fachbereich 1 /  Bürgeramt ",
}

var germanRows = []Row{
	{Line: 2, EmployeeNumber: "1001", FirstName: "Jürgen", LastName: "Müller", Email: "juergen.mueller@musterstadt.de", OrgUnit: "Fachbereich 1/Bürgeramt"},
	{Line: 3, EmployeeNumber: "1002", FirstName: "Anna-Lena", LastName: "Groß", Email: "anna.gross@musterstadt.de", OrgUnit: "Fachbereich 2/Ordnung; Sicherheit"},
	{Line: 4, EmployeeNumber: "1003", FirstName: "Zoë", LastName: `O"Brien`, Email: "zoe.obrien@musterstadt.de"},
	{Line: 5, EmployeeNumber: "1004", FirstName: "Doris Maria", LastName: "Weiß", Email: "d.weiss@musterstadt.de", OrgUnit: "Fachbereich 1/Bürgeramt"},
}

var allColumns = []string{"employee_number", "first_name", "last_name", "email", "org_unit"}

func TestParseValidFiles(t *testing.T) {
	t.Parallel()
	crlf := file("\r\n", germanExport...)
	tests := []struct {
		name     string
		in       string
		delim    rune
		encoding string
		columns  []string
		ignored  []string
		rows     []Row
	}{
		{"Excel CSV: Windows-1252, CRLF", cp1252(t, crlf), ';', EncodingWindows1252, allColumns, []string{}, germanRows},
		{"Excel CSV UTF-8: BOM, CRLF", "\uFEFF" + crlf, ';', EncodingUTF8BOM, allColumns, []string{}, germanRows},
		{"UTF-8 without BOM, LF", file("\n", germanExport...), ';', EncodingUTF8, allColumns, []string{}, germanRows},
		{"BOM, LF, no final line break", "\uFEFF" + strings.Join(germanExport, "\n"), ';', EncodingUTF8BOM, allColumns, []string{}, germanRows},
		{"old Mac line ends (CR only)", cp1252(t, file("\r", germanExport...)), ';', EncodingWindows1252, allColumns, []string{}, germanRows},
		{
			"English headers with commas",
			file("\n",
				"employee_id,first_name,last_name,email,org_unit",
				`7,Mary,"Smith, Jr.",mary@example.org,"Department A/Unit, B"`,
			),
			',', EncodingUTF8, allColumns, []string{},
			[]Row{{Line: 2, EmployeeNumber: "7", FirstName: "Mary", LastName: "Smith, Jr.", Email: "mary@example.org", OrgUnit: "Department A/Unit, B"}},
		},
		{
			"tab-separated",
			file("\n", "Vorname\tNachname\tE-Mail", "Eva\tKühn\teva@musterstadt.de"),
			'\t', EncodingUTF8, []string{"first_name", "last_name", "email"}, []string{},
			[]Row{{Line: 2, FirstName: "Eva", LastName: "Kühn", Email: "eva@musterstadt.de"}},
		},
		{
			"header aliases, case, accents, punctuation; unknown columns ignored",
			file("\r\n",
				` E-MAIL-ADRESSE* ;Vórname;Name;Telefon;Personal-Nr.;OE;;`,
				"ida@musterstadt.de;Ida;Öztürk;0123;P-9;Kämmerei;;",
			),
			';', EncodingUTF8, []string{"email", "first_name", "last_name", "employee_number", "org_unit"}, []string{"Telefon"},
			[]Row{{Line: 2, EmployeeNumber: "P-9", FirstName: "Ida", LastName: "Öztürk", Email: "ida@musterstadt.de", OrgUnit: "Kämmerei"}},
		},
		{
			"more aliases: PersNr, Mail, Abteilung, employee_number",
			file("\n", "PersNr;Vorname;Nachname;Mail;Abteilung", "1;A;B;a@b.de;X"),
			';', EncodingUTF8, allColumns, []string{},
			[]Row{{Line: 2, EmployeeNumber: "1", FirstName: "A", LastName: "B", Email: "a@b.de", OrgUnit: "X"}},
		},
		{
			"employee_number and E-Mail with commas",
			file("\n", "employee_number,Vorname,Nachname,E-Mail", "1,A,B,a@b.de"),
			',', EncodingUTF8, allColumns[:4], []string{},
			[]Row{{Line: 2, EmployeeNumber: "1", FirstName: "A", LastName: "B", Email: "a@b.de"}},
		},
		{
			`"Name" next to "Nachname" is the full name, not the last name`,
			file("\n", "Name;Vorname;Nachname;E-Mail", "Eva Kühn;Eva;Kühn;eva@musterstadt.de"),
			';', EncodingUTF8, []string{"first_name", "last_name", "email"}, []string{"Name"},
			[]Row{{Line: 2, FirstName: "Eva", LastName: "Kühn", Email: "eva@musterstadt.de"}},
		},
		{
			`Excel's "sep=" line chooses the delimiter and counts as a line`,
			file("\r\n", "sep=,", "Vorname,Nachname,E-Mail", "Eva,Kühn,eva@musterstadt.de"),
			',', EncodingUTF8, []string{"first_name", "last_name", "email"}, []string{},
			[]Row{{Line: 3, FirstName: "Eva", LastName: "Kühn", Email: "eva@musterstadt.de"}},
		},
		{
			"blank lines, white space and delimiter-only lines are skipped",
			file("\r\n", "Vorname;Nachname;E-Mail", "", ";;", " ; ;\t", "Eva;Kühn;eva@musterstadt.de", "", ";;"),
			';', EncodingUTF8, []string{"first_name", "last_name", "email"}, []string{},
			[]Row{{Line: 5, FirstName: "Eva", LastName: "Kühn", Email: "eva@musterstadt.de"}},
		},
		{
			"header only: no rows, no problems",
			"\uFEFFVorname;Nachname;E-Mail\r\n",
			';', EncodingUTF8BOM, []string{"first_name", "last_name", "email"}, []string{}, []Row{},
		},
		{
			"a line break inside a quoted value becomes a space in a name",
			file("\r\n", "Vorname;Nachname;E-Mail", "\"Eva\r\nMaria\";Kühn;eva@musterstadt.de", "Max;Mann;max@musterstadt.de"),
			';', EncodingUTF8, []string{"first_name", "last_name", "email"}, []string{},
			[]Row{
				{Line: 2, FirstName: "Eva Maria", LastName: "Kühn", Email: "eva@musterstadt.de"},
				{Line: 4, FirstName: "Max", LastName: "Mann", Email: "max@musterstadt.de"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, tt.in)
			if len(p.Problems) != 0 {
				t.Fatalf("problems: %+v", p.Problems)
			}
			if p.Delimiter != tt.delim || p.Encoding != tt.encoding {
				t.Errorf("delimiter %q, encoding %q; want %q, %q", p.Delimiter, p.Encoding, tt.delim, tt.encoding)
			}
			if !reflect.DeepEqual(p.Columns, tt.columns) || !reflect.DeepEqual(p.Ignored, tt.ignored) {
				t.Errorf("columns %q, ignored %q; want %q, %q", p.Columns, p.Ignored, tt.columns, tt.ignored)
			}
			if !reflect.DeepEqual(p.Rows, tt.rows) {
				t.Errorf("rows:\n got %+v\nwant %+v", p.Rows, tt.rows)
			}
		})
	}
}

func TestRowName(t *testing.T) {
	t.Parallel()
	if got := (Row{FirstName: "Jürgen", LastName: "Müller"}).Name(); got != "Jürgen Müller" {
		t.Errorf("Name() = %q", got)
	}
}

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		maxBytes int64
		kind     error
		code     string
		line     int
		message  string // in English, as the API and the command line report it
	}{
		{"empty", "", 0, ErrInvalidFile, FileErrEmpty, 0, "the file is empty; export the staff list with a header line such as Vorname;Nachname;E-Mail"},
		{"only a BOM and line breaks", "\uFEFF\r\n\r\n", 0, ErrInvalidFile, FileErrEmpty, 0, "the file is empty; export the staff list with a header line such as Vorname;Nachname;E-Mail"},
		{"only a sep= line", "sep=;\r\n", 0, ErrInvalidFile, FileErrNoHeader, 0, "the file has no header line; the first line must name the columns, e.g. Vorname;Nachname;E-Mail"},
		{
			"missing required column", file("\n", "Vorname;Nachname;Mail privat;Telefon", "Eva;Kühn;eva@x.de;1"), 0, ErrInvalidFile, FileErrColumnsMissing, 1,
			`line 1: the header has no column for the e-mail address ("E-Mail" or "email"); headers found: "Vorname", "Nachname", "Mail privat", "Telefon"; rename the columns or add the missing ones`,
		},
		{
			"two missing required columns", "email,name\n", 0, ErrInvalidFile, FileErrColumnsMissing, 1,
			`line 1: the header has no column for the first name ("Vorname" or "first_name"); headers found: "email", "name"; rename the columns or add the missing ones`,
		},
		{
			"missing columns after a sep= line", "sep=;\nE-Mail\n", 0, ErrInvalidFile, FileErrColumnsMissing, 2,
			`line 2: the header has no column for the first name ("Vorname" or "first_name"), last name ("Nachname" or "last_name"); headers found: "E-Mail"; rename the columns or add the missing ones`,
		},
		{
			"no header at all", file("\n", "Eva;Kühn;eva@x.de", "Max;Mann;max@x.de"), 0, ErrInvalidFile, FileErrNoKnownColumns, 1,
			`line 1: no known column names in the header (found "Eva", "Kühn", "eva@x.de"); the first line must name the columns, e.g. Vorname;Nachname;E-Mail;Personalnummer;Organisationseinheit`,
		},
		{
			"broken quote in the header", "\"Vorname;Nachname\"x;E-Mail\n", 0, ErrInvalidFile, FileErrHeaderQuote, 1,
			`line 1: the header line has a misplaced quote mark ("); it should name the columns, e.g. Vorname;Nachname;E-Mail`,
		},
		{
			"the same column twice", "Vorname;Nachname;E-Mail;E-Mail-Adresse\n", 0, ErrInvalidFile, FileErrColumnTwice, 1,
			`line 1: columns 3 ("E-Mail") and 4 ("E-Mail-Adresse") both hold the e-mail address; delete or rename one of them`,
		},
		{
			`"Name" twice`, "Vorname;Name;E-Mail;Name\n", 0, ErrInvalidFile, FileErrColumnTwice, 1,
			`line 1: columns 2 ("Name") and 4 ("Name") both hold the last name; delete or rename one of them`,
		},
		{"over maxBytes", "Vorname;Nachname;E-Mail\n" + strings.Repeat("x", 2000), 1024, ErrTooLarge, FileErrTooLarge, 0, "the file is larger than the limit of 1 KB; split the staff list into smaller files"},
		{"over a limit in MB", strings.Repeat("x", 3<<20), 2 << 20, ErrTooLarge, FileErrTooLarge, 0, "the file is larger than the limit of 2 MB; split the staff list into smaller files"},
		{"over an odd limit", strings.Repeat("x", 1000), 999, ErrTooLarge, FileErrTooLarge, 0, "the file is larger than the limit of 999 bytes; split the staff list into smaller files"},
		{"Excel workbook", "PK\x03\x04\x14\x00\x06\x00", 0, ErrInvalidFile, FileErrXLSX, 0, `this is an Excel workbook (.xlsx) or another ZIP file, not a CSV file; in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
		{"old Excel workbook", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", 0, ErrInvalidFile, FileErrXLS, 0, `this is an old Excel workbook (.xls), not a CSV file; in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
		{"UTF-16", "\xFF\xFEV\x00o\x00", 0, ErrInvalidFile, FileErrUTF16, 0, `the file is saved as UTF-16 ("Unicode text"); in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
		{"binary", "Vorname\x00;Nachname", 0, ErrInvalidFile, FileErrBinary, 0, `the file is not a CSV text file (it contains zero bytes); in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
		{
			"UTF-8 and Windows-1252 mixed", "Vorname;Nachname;E-Mail\nJürgen;Kühn;j@x.de\nEva;M\xFCller;e@x.de\n", 0, ErrInvalidFile, FileErrMixedEncodings, 3,
			`line 3: the file mixes text encodings: this line is not UTF-8 while others are, so umlauts would come out garbled; in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`,
		},
		{
			"BOM but not UTF-8", "\uFEFFVorname;Nachname;E-Mail\nEva;M\xFCller;e@x.de\n", 0, ErrInvalidFile, FileErrMixedEncodings, 2,
			`line 2: the file mixes text encodings: this line is not UTF-8 while others are, so umlauts would come out garbled; in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse(strings.NewReader(tt.in), tt.maxBytes)
			if err == nil {
				t.Fatalf("no error; parsed %+v", p)
			}
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, tt.kind) {
				t.Fatalf("error %v (%T) is not a *FileError of kind %v", err, err, tt.kind)
			}
			if got := fe.Text(in(t, "en")); fe.Line != tt.line || fe.Code != tt.code || got != tt.message {
				t.Errorf("got line %d, %s, %q\nwant line %d, %s, %q", fe.Line, fe.Code, got, tt.line, tt.code, tt.message)
			}
			wellFormed(t, fe.Code, fe.Args, fe.Text(in(t, "de")))
		})
	}
}

func TestParseLimitIsInclusive(t *testing.T) {
	t.Parallel()
	in := file("\n", "Vorname;Nachname;E-Mail", "Eva;Kühn;eva@musterstadt.de")
	if _, err := Parse(strings.NewReader(in), int64(len(in))); err != nil {
		t.Fatalf("a file of exactly maxBytes: %v", err)
	}
	if _, err := Parse(strings.NewReader(in), int64(len(in)-1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over: %v", err)
	}
	// maxBytes <= 0 falls back to DefaultMaxBytes instead of refusing everything.
	if _, err := Parse(strings.NewReader(in), 0); err != nil {
		t.Fatalf("maxBytes 0: %v", err)
	}
	big := bytes.Repeat([]byte{' '}, DefaultMaxBytes+1)
	if _, err := Parse(bytes.NewReader(big), -1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over DefaultMaxBytes: %v", err)
	}
}

func TestParseReaderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	_, err := Parse(io.MultiReader(strings.NewReader("Vorname;"), iotest.ErrReader(boom)), 0)
	var fe *FileError
	if !errors.Is(err, boom) || errors.As(err, &fe) {
		t.Fatalf("got %v; want the reader's error, not a FileError", err)
	}
}
