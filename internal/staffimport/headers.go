package staffimport

import (
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// column is one field Parse understands.
type column int

const (
	colEmployeeNumber column = iota
	colFirstName
	colLastName
	colEmail
	colOrgUnit
	numColumns
)

// columnNames are the canonical names reported in Parsed.Columns and Problem.Field; they are
// the JSON names the rest of Wachsam uses for a user's fields.
var columnNames = [numColumns]string{"employee_number", "first_name", "last_name", "email", "org_unit"}

// required are the columns a file must have: without them nobody can log in or be addressed.
var required = []column{colFirstName, colLastName, colEmail}

// aliases maps a folded header (see foldHeader) to its column. German first, because that is
// what municipal HR systems and German Excel write; then the English equivalents.
var aliases = map[string]column{
	"personalnummer": colEmployeeNumber, "personalnr": colEmployeeNumber, "persnr": colEmployeeNumber,
	"employeeid": colEmployeeNumber, "employeenumber": colEmployeeNumber, "employeeno": colEmployeeNumber,

	"vorname": colFirstName, "firstname": colFirstName, "givenname": colFirstName,

	"nachname": colLastName, "familienname": colLastName, "lastname": colLastName, "surname": colLastName,

	"email": colEmail, "emailadresse": colEmail, "mail": colEmail, "mailadresse": colEmail,
	"emailaddress": colEmail,

	"organisationseinheit": colOrgUnit, "oe": colOrgUnit, "abteilung": colOrgUnit,
	"orgunit": colOrgUnit, "organisationalunit": colOrgUnit, "department": colOrgUnit,
}

// weakAliases mean a column only when no alias above claims it. Many German exports call the
// last name just "Name", but next to a "Nachname" column "Name" is more likely the full name.
var weakAliases = map[string]column{"name": colLastName}

// foldHeader makes header matching case-, accent-, space- and punctuation-insensitive:
// "E-Mail-Adresse", "e_mail adresse" and "E-MAIL-ADRESSE*" all become "emailadresse".
func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'ß':
			b.WriteString("ss")
		case unicode.IsLetter(r) || unicode.IsDigit(r): // drops the combining accents NFD split off
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func knownHeader(h string) bool {
	f := foldHeader(h)
	_, strong := aliases[f]
	_, weak := weakAliases[f]
	return strong || weak
}

// header is the first record of the file and the delimiter that splits it best.
type header struct {
	delim  rune
	fields []string
	line   int
	known  int // how many fields are known column names
}

// delimiters Parse tries, in order of preference on a tie: German Excel writes ';'.
var delimiters = []rune{';', ',', '\t'}

// readHeader reads the first record with every delimiter (or only with want, from a "sep="
// line) and keeps the one that yields the most known column names.
func readHeader(text string, want rune, lineOffset int) (header, error) {
	tries := delimiters
	if want != 0 {
		tries = []rune{want}
	}
	var best, widest header
	var firstErr error
	for _, d := range tries {
		cr := newCSVReader(text, d)
		rec, err := cr.Read()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		h := header{delim: d, fields: append([]string(nil), rec...)}
		h.line, _ = cr.FieldPos(0)
		h.line += lineOffset
		for _, f := range rec {
			if knownHeader(f) {
				h.known++
			}
		}
		if h.known > best.known {
			best = h
		}
		if len(h.fields) > len(widest.fields) {
			widest = h
		}
	}
	if best.known > 0 {
		return best, nil
	}
	if widest.fields == nil {
		var pe *csv.ParseError
		if errors.As(firstErr, &pe) {
			return header{}, fileError(pe.StartLine+lineOffset, FileErrHeaderQuote)
		}
		return header{}, fileError(0, FileErrNoHeader)
	}
	return header{}, fileError(widest.line, FileErrNoKnownColumns, quoteList(widest.fields))
}

// layout says where each column is in a record.
type layout struct {
	pos     [numColumns]int    // field index of each column; -1 if the file does not have it
	header  [numColumns]string // the file's own header text, to name the column in messages
	width   int                // fields per record
	columns []string           // canonical names, in file order
	ignored []string           // unknown headers, in file order
}

// newLayout maps the header fields to columns. Two headers meaning the same column are an
// error rather than a guess, because picking the wrong one would import wrong addresses.
func newLayout(fields []string, line int) (*layout, error) {
	l := &layout{width: len(fields)}
	for i := range l.pos {
		l.pos[i] = -1
	}
	var weak [numColumns][]int
	for i, f := range fields {
		folded := foldHeader(f)
		if c, ok := aliases[folded]; ok {
			if prev := l.pos[c]; prev >= 0 {
				return nil, duplicateColumn(line, c, fields, prev, i)
			}
			l.pos[c] = i
		} else if c, ok := weakAliases[folded]; ok {
			weak[c] = append(weak[c], i)
		}
	}
	for c, idx := range weak {
		switch {
		case len(idx) == 0 || l.pos[c] >= 0: // claimed by a strong header: ignored below
		case len(idx) == 1:
			l.pos[c] = idx[0]
		default:
			return nil, duplicateColumn(line, column(c), fields, idx[0], idx[1])
		}
	}

	var missing List
	for _, c := range required {
		if l.pos[c] < 0 {
			missing = append(missing, c.example())
		}
	}
	if missing != nil {
		return nil, fileError(line, FileErrColumnsMissing, missing, quoteList(fields))
	}

	used := make([]bool, len(fields))
	for c, i := range l.pos {
		if i >= 0 {
			used[i] = true
			l.header[c] = strings.TrimSpace(fields[i])
		}
	}
	l.columns = []string{}
	l.ignored = []string{}
	for i, f := range fields {
		f = strings.TrimSpace(f)
		switch {
		case used[i]:
			l.columns = append(l.columns, columnNames[l.columnAt(i)])
		case f != "": // an unnamed column (Excel's trailing ";") is nothing to mention
			l.ignored = append(l.ignored, f)
		}
	}
	return l, nil
}

// exampleHeaders are suggested in messages: the German header and the English one.
var exampleHeaders = [numColumns][2]string{{"Personalnummer", "employee_id"}, {"Vorname", "first_name"}, {"Nachname", "last_name"}, {"E-Mail", "email"}, {"Organisationseinheit", "org_unit"}}

// example names a column with the headers that would do, such as `first name ("Vorname" or
// "first_name")`, for the message about a missing column.
func (c column) example() Phrase {
	return Phrase{"column_example", []any{c.word(), strconv.Quote(exampleHeaders[c][0]), strconv.Quote(exampleHeaders[c][1])}}
}

func (l *layout) columnAt(i int) column {
	for c, p := range l.pos {
		if p == i {
			return column(c)
		}
	}
	return -1
}

func duplicateColumn(line int, c column, fields []string, a, b int) error {
	return fileError(line, FileErrColumnTwice, a+1, show(fields[a]), b+1, show(fields[b]), c.word())
}

// quoteList shows header texts in a message, at most 20 so a garbage header stays readable: a
// string, or with more a Phrase that adds how many more there are.
func quoteList(fields []string) any {
	const max = 20
	parts := make([]string, 0, min(len(fields), max))
	for i, f := range fields {
		if i == max {
			break
		}
		parts = append(parts, show(strings.TrimSpace(f)))
	}
	s := strings.Join(parts, ", ")
	if len(fields) > max {
		return Phrase{"more_headers", []any{s, len(fields) - max}}
	}
	return s
}

// noColumn marks a problem with a line as a whole.
const noColumn column = -1

// word names the column inside a problem's sentence, in the reader's language.
func (c column) word() Word { return Word(columnNames[c]) }
