package staffimport

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// Every kind of file error, with parameters that cannot be mistaken for the text around them,
// as TestEveryProblemReadsInGermanAndEnglish does for the problems of single lines: each must
// read in both languages, show each of its parameters, and keep its English wording (which the
// API and the command line report, byte for byte as before file errors had codes).
func TestEveryFileErrorReadsInGermanAndEnglish(t *testing.T) {
	t.Parallel()
	const saveAs = `in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`
	manyHeaders := make([]string, 23)
	for i := range manyHeaders {
		manyHeaders[i] = "Spalte " + strconv.Itoa(i+1)
	}
	tooLarge := func(n int64) *FileError {
		return &FileError{Code: FileErrTooLarge, Args: []any{sizePhrase(n)}, kind: ErrTooLarge}
	}
	tests := []struct {
		e      *FileError
		params []string // how each parameter must appear in both languages
		en, de string   // the text in English, and a phrase of the German one
	}{
		{tooLarge(16 << 20), []string{"16 MB"},
			"the file is larger than the limit of 16 MB; split the staff list into smaller files", "größer als die Grenze von 16 MB"},
		{tooLarge(1536 << 10), []string{"1572864"},
			"the file is larger than the limit of 1.5 MB (1572864 bytes); split the staff list into smaller files", "größer als die Grenze von 1,5 MB (1572864 Byte)"},
		{tooLarge(2 << 10), []string{"2 KB"},
			"the file is larger than the limit of 2 KB; split the staff list into smaller files", "Grenze von 2 KB"},
		{tooLarge(999), []string{"999"},
			"the file is larger than the limit of 999 bytes; split the staff list into smaller files", "Grenze von 999 Byte"},
		{fileError(0, FileErrEmpty), nil,
			"the file is empty; export the staff list with a header line such as Vorname;Nachname;E-Mail", "Die Datei ist leer"},
		{fileError(0, FileErrXLSX), nil,
			"this is an Excel workbook (.xlsx) or another ZIP file, not a CSV file; " + saveAs, "Excel-Arbeitsmappe (.xlsx)"},
		{fileError(0, FileErrXLS), nil,
			"this is an old Excel workbook (.xls), not a CSV file; " + saveAs, "alte Excel-Arbeitsmappe (.xls)"},
		{fileError(0, FileErrUTF16), nil,
			`the file is saved as UTF-16 ("Unicode text"); ` + saveAs, "als UTF-16 („Unicode-Text“) gespeichert"},
		{fileError(0, FileErrBinary), nil,
			"the file is not a CSV text file (it contains zero bytes); " + saveAs, "keine CSV-Textdatei"},
		{fileError(3, FileErrMixedEncodings), nil,
			"line 3: the file mixes text encodings: this line is not UTF-8 while others are, so umlauts would come out garbled; " + saveAs,
			"mischt Zeichenkodierungen"},
		{fileError(0, FileErrNotWindows1252), nil,
			"the file cannot be decoded as Windows-1252; " + saveAs, "nicht als Windows-1252 gelesen"},
		{fileError(3, FileErrTooManyDelimiters, maxSeparators), []string{"10000"},
			"line 3: has more than 10000 delimiters (;, comma or tab), but a staff list needs only one per column; check that this is the right file",
			"mehr als 10000 Trennzeichen"},
		{fileError(1, FileErrHeaderQuote), nil,
			`line 1: the header line has a misplaced quote mark ("); it should name the columns, e.g. Vorname;Nachname;E-Mail`,
			"falsch gesetztes Anführungszeichen"},
		{fileError(0, FileErrNoHeader), nil,
			"the file has no header line; the first line must name the columns, e.g. Vorname;Nachname;E-Mail", "keine Kopfzeile"},
		{fileError(1, FileErrNoKnownColumns, quoteList([]string{"Eva", " Kühn "})), []string{`"Eva", "Kühn"`},
			`line 1: no known column names in the header (found "Eva", "Kühn"); the first line must name the columns, e.g. Vorname;Nachname;E-Mail;Personalnummer;Organisationseinheit`,
			"keine bekannten Spaltennamen"},
		{fileError(1, FileErrNoKnownColumns, quoteList(manyHeaders)), []string{`"Spalte 1", "Spalte 2"`, `"Spalte 20"`},
			`line 1: no known column names in the header (found "Spalte 1", "Spalte 2", "Spalte 3", "Spalte 4", "Spalte 5", "Spalte 6", "Spalte 7", "Spalte 8", "Spalte 9", "Spalte 10", "Spalte 11", "Spalte 12", "Spalte 13", "Spalte 14", "Spalte 15", "Spalte 16", "Spalte 17", "Spalte 18", "Spalte 19", "Spalte 20" and 3 more); the first line must name the columns, e.g. Vorname;Nachname;E-Mail;Personalnummer;Organisationseinheit`,
			`"Spalte 20" und 3 weitere`},
		{fileError(2, FileErrColumnsMissing, List{colFirstName.example(), colEmail.example()}, quoteList([]string{"Name", "Mail privat"})),
			[]string{`("Vorname"`, `"first_name")`, `("E-Mail"`, `"email")`, `"Name", "Mail privat"`},
			`line 2: the header has no column for the first name ("Vorname" or "first_name"), e-mail address ("E-Mail" or "email"); headers found: "Name", "Mail privat"; rename the columns or add the missing ones`,
			`fehlt eine Spalte für: Vorname ("Vorname" oder "first_name"), E-Mail-Adresse ("E-Mail" oder "email")`},
		{fileError(1, FileErrColumnTwice, 3, `"E-Mail"`, 4, `"Mail"`, colEmail.word()), []string{`3 ("E-Mail")`, `4 ("Mail")`},
			`line 1: columns 3 ("E-Mail") and 4 ("Mail") both hold the e-mail address; delete or rename one of them`,
			"enthalten beide das Feld E-Mail-Adresse"},
		{fileError(1, FileErrHeaderUnreadable, "extraneous data"), []string{"extraneous data"},
			"line 1: the header line cannot be read: extraneous data", "Kopfzeile kann nicht gelesen werden"},
		{fileError(0, FileErrUnreadable, "extraneous data"), []string{"extraneous data"},
			"the file cannot be read as CSV: extraneous data", "nicht als CSV gelesen"},
	}
	// Which catalogue entries the table reaches, nested ones (phrases, words) included.
	used := map[string]bool{}
	reading := func(lang string) func(key string, args ...any) string {
		translate := in(t, lang)
		return func(key string, args ...any) string {
			used[key] = true
			return translate(key, args...)
		}
	}
	for _, tt := range tests {
		en, de := tt.e.Text(reading("en")), tt.e.Text(reading("de"))
		wellFormed(t, tt.e.Code, tt.e.Args, en)
		wellFormed(t, tt.e.Code, tt.e.Args, de)
		if en != tt.en {
			t.Errorf("%s in English:\n got %s\nwant %s", tt.e.Code, en, tt.en)
		}
		if !strings.Contains(de, tt.de) || de == en {
			t.Errorf("%s in German: %s", tt.e.Code, de)
		}
		for _, s := range tt.params {
			if !strings.Contains(en, s) || !strings.Contains(de, s) {
				t.Errorf("%s does not show %q:\n%s\n%s", tt.e.Code, s, en, de)
			}
		}
		// A German reader gets the line in German too, and nothing of the English words.
		if tt.e.Line > 0 && !strings.HasPrefix(de, "Zeile "+strconv.Itoa(tt.e.Line)+": ") {
			t.Errorf("%s with its line in German: %q", tt.e.Code, de)
		}
		for _, english := range []string{"line ", " or ", " and ", " bytes", "the ", "e-mail"} {
			if strings.Contains(de, english) {
				t.Errorf("%s in German has %q: %s", tt.e.Code, english, de)
			}
		}
		// The English text is for people; the error itself names the code, for logs.
		if err := error(tt.e); !strings.Contains(err.Error(), tt.e.Code) || !errors.Is(err, tt.e.kind) {
			t.Errorf("%s as an error: %v", tt.e.Code, err)
		}
	}
	// The table covers every file error and every phrase: a catalogue entry without a case here
	// fails, and so does a case without an entry (in), so a new code needs both.
	for _, key := range messages(t).Keys("en") {
		if strings.HasPrefix(key, "import.file_error.") || strings.HasPrefix(key, "import.phrase.") {
			if !used[key] {
				t.Errorf("%s is not in the table", key)
			}
		}
	}
}

// The upload page and the API get the code and the line from Parse itself, for every way a
// header can be broken, and the long list of a garbage header stays short in both languages.
func TestFileErrorOfAGarbageHeader(t *testing.T) {
	t.Parallel()
	header := strings.Repeat("x;", 24) + "x\n"
	_, err := Parse(strings.NewReader("sep=;\n"+header), 0)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Code != FileErrNoKnownColumns || fe.Line != 2 {
		t.Fatalf("got %v", err)
	}
	if en := fe.Text(in(t, "en")); !strings.HasPrefix(en, "line 2: ") || !strings.Contains(en, `"x", "x" and 5 more)`) {
		t.Errorf("English: %s", en)
	}
	if de := fe.Text(in(t, "de")); !strings.HasPrefix(de, "Zeile 2: ") || !strings.Contains(de, `"x", "x" und 5 weitere)`) {
		t.Errorf("German: %s", de)
	}
}
