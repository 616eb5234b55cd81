package staffimport

import (
	"errors"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wachsam/wachsam/internal/model"
)

// Limits on a row's fields.
const (
	MaxNameLength           = 100 // first and last name each, in characters
	MaxEmployeeNumberLength = 64  // the limit identity applies to model.User.EmployeeNumber
	// maxFullNameLength is identity's limit on model.User.Name, which Row.Name fills: two
	// names of 100 characters plus the space would not fit.
	maxFullNameLength = 200
)

// MaxProblems is how many problems Parse lists. Beyond it, a final Problem with Line 0 says
// how many more there are: a file that bad has a systematic fault (wrong column, wrong file),
// and listing millions of messages would cost more memory than the file itself.
const MaxProblems = 10_000

// excelNumber matches what Excel makes of a long Personalnummer it took for a number:
// "123456789012" comes back as "1,23457E+11" and the real number is lost.
var excelNumber = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE]\+[0-9]+$`)

// checker validates records one by one and remembers e-mail addresses and employee numbers to
// find duplicates within the file.
type checker struct {
	lay      *layout
	emails   map[string]int // e-mail → line of its first occurrence
	numbers  map[string]int // employee number → line of its first occurrence
	rows     []Row
	problems []Problem // at most MaxProblems
	found    int       // problems found, listed or not; a row is valid if it adds none
}

func newChecker(lay *layout, lines int) *checker {
	c := &checker{
		lay:      lay,
		emails:   make(map[string]int, lines),
		rows:     make([]Row, 0, lines),
		problems: []Problem{},
	}
	if lay.pos[colEmployeeNumber] >= 0 {
		c.numbers = make(map[string]int, lines)
	}
	return c
}

// check validates one record of the right width. A valid one becomes a Row; an invalid one
// gets one Problem per bad field, so HR can fix the line in one go.
func (c *checker) check(rec []string, line int) {
	before := c.found
	row := Row{
		Line:      line,
		FirstName: c.name(rec, colFirstName, line),
		LastName:  c.name(rec, colLastName, line),
	}
	if c.found == before {
		if n := utf8.RuneCountInString(row.Name()); n > maxFullNameLength {
			c.fail(line, colLastName, CodeFullNameTooLong, n, maxFullNameLength)
		}
	}
	row.Email = c.email(rec, line)
	row.EmployeeNumber = c.employeeNumber(rec, line)
	row.OrgUnit = c.orgUnit(rec, line)
	if c.found == before {
		c.rows = append(c.rows, row)
	}
}

// fail records a problem with one field of a line.
func (c *checker) fail(line int, col column, code string, args ...any) {
	if c.full() {
		return // do not even keep the arguments
	}
	c.add(problem(line, col, code, args...))
}

// failLine records a problem with a line as a whole.
func (c *checker) failLine(line int, code string, args ...any) {
	c.fail(line, noColumn, code, args...)
}

// full reports whether MaxProblems are listed already. If so it counts the problem the caller
// is about to drop, so that finish can say how many there were.
func (c *checker) full() bool {
	if len(c.problems) < MaxProblems {
		return false
	}
	c.found++
	return true
}

func (c *checker) add(p Problem) {
	c.found++
	if len(c.problems) < MaxProblems {
		c.problems = append(c.problems, p)
	}
}

// finish returns the listed problems and, if some were left out, says how many.
func (c *checker) finish() []Problem {
	if more := c.found - len(c.problems); more > 0 {
		c.problems = append(c.problems, problem(0, noColumn, CodeMoreProblems, more))
	}
	return c.problems
}

// field returns the trimmed value of col, or "" if the file has no such column.
func (c *checker) field(rec []string, col column) string {
	if i := c.lay.pos[col]; i >= 0 {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

func (c *checker) name(rec []string, col column, line int) string {
	s := collapseSpace(c.field(rec, col))
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		c.fail(line, col, CodeNameMissing, col.word(), show(c.lay.header[col]))
	case n > MaxNameLength:
		c.fail(line, col, CodeNameTooLong, col.word(), n, MaxNameLength)
	default:
		c.checkRunes(s, line, col)
	}
	return s
}

// email applies the same rule as identity.CheckEmail, so every address accepted here is
// accepted when the user is created.
func (c *checker) email(rec []string, line int) string {
	e := strings.ToLower(c.field(rec, colEmail))
	if e == "" {
		c.fail(line, colEmail, CodeEmailMissing, show(c.lay.header[colEmail]))
		return ""
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		c.fail(line, colEmail, CodeEmailInvalid, show(e))
		return e
	}
	if !c.checkRunes(e, line, colEmail) { // net/mail accepts any non-ASCII, U+FFFD included
		return e
	}
	if first, dup := c.emails[e]; dup {
		c.fail(line, colEmail, CodeEmailDuplicate, e, first)
	} else {
		c.emails[e] = line
	}
	return e
}

func (c *checker) employeeNumber(rec []string, line int) string {
	n := collapseSpace(c.field(rec, colEmployeeNumber))
	if n == "" {
		return ""
	}
	switch l := utf8.RuneCountInString(n); {
	case l > MaxEmployeeNumberLength:
		c.fail(line, colEmployeeNumber, CodeNumberTooLong, l, MaxEmployeeNumberLength)
		return n
	case strings.IndexByte(n, '+') >= 0 && excelNumber.MatchString(n): // the cheap test first
		c.fail(line, colEmployeeNumber, CodeNumberRounded, show(n))
		return n
	case !c.checkRunes(n, line, colEmployeeNumber):
		return n
	}
	if first, dup := c.numbers[n]; dup {
		c.fail(line, colEmployeeNumber, CodeNumberDuplicate, show(n), first)
	} else {
		c.numbers[n] = line
	}
	return n
}

func (c *checker) orgUnit(rec []string, line int) string {
	s := c.field(rec, colOrgUnit)
	if s == "" || !c.checkRunes(s, line, colOrgUnit) {
		return ""
	}
	// The model's rules for a path, checked here part by part so that each broken rule gets
	// its own message key; the model only says what is wrong in English.
	for _, part := range strings.Split(s, "/") {
		part = collapseSpace(part)
		switch n := utf8.RuneCountInString(part); {
		case n == 0:
			c.fail(line, colOrgUnit, CodeOrgUnitEmptyPart, show(s))
			return ""
		case n > model.MaxOrgUnitNameLength:
			c.fail(line, colOrgUnit, CodeOrgUnitPartLong, strconv.Quote(string([]rune(part)[:40])+"…"), model.MaxOrgUnitNameLength)
			return ""
		}
	}
	path, err := model.NormalizeOrgUnitPath(s)
	if err != nil { // a rule the loop above does not know yet: the model's English reason
		reason := err.Error()
		var ve *model.ValidationError
		if errors.As(err, &ve) && ve.Fields["org_unit"] != "" {
			reason = ve.Fields["org_unit"]
		}
		c.fail(line, colOrgUnit, CodeOrgUnitInvalid, reason)
		return ""
	}
	return path
}

// checkRunes rejects control characters other than white space (which every field has
// collapsed or trimmed) and U+FFFD. The latter is what the five bytes
// Windows-1252 does not define decode to, so it usually means a file in another code page
// (DOS exports in CP850 put "ü" at such a byte).
func (c *checker) checkRunes(s string, line int, col column) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			c.fail(line, col, CodeUnreadableChar, col.word(), show(s))
			return false
		case unicode.IsControl(r) && !unicode.IsSpace(r):
			c.fail(line, col, CodeControlChar, col.word(), show(s), codePoint(r))
			return false
		}
	}
	return true
}

// collapseSpace trims s and turns runs of white space (including line breaks inside quoted
// values and Excel's non-breaking spaces) into one space, as identity does for names. The
// common all-ASCII, single-spaced case returns s without allocating.
func collapseSpace(s string) string {
	prevSpace := true // so that a leading space counts as a run
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (prevSpace || r != ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	if prevSpace && s != "" { // a trailing space
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

// show quotes a value for a message, shortened so one huge field cannot bloat the report;
// strconv.Quote keeps umlauts and escapes control characters.
func show(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
