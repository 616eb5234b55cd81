package staffimport

import (
	"fmt"
	"strings"

	"github.com/wachsam/wachsam/internal/model"
)

// Problem is one reason a line cannot be imported. A line can have several.
//
// It carries no finished sentence: its text is the catalogue entry "import.problem.<Code>"
// (frontend/i18n), filled with Args, so the admin page can show it in German or English and
// the API and the command line in English (see Text). Code is stable: integrations see it.
type Problem struct {
	Line  int    `json:"line"`            // physical line where the record starts; 0 only for the "more problems" summary
	Field string `json:"field,omitempty"` // canonical column (see Columns), or "" when the whole line is unusable
	Code  string `json:"code"`            // one of the Code… constants
	Args  []any  `json:"-"`               // the text's parameters in order: numbers, strings (values as the file has them, quoted where the text needs it) and Words
}

// Word is a parameter that is itself a term of the reader's language, such as a column's name
// inside a sentence ("the first name is missing"): catalogue entry "import.word.<Word>".
type Word string

// Phrase is a parameter that is itself a piece of text with parameters of its own, such as a
// size ("16 MB", "999 bytes") or "… and 3 more": catalogue entry "import.phrase.<Key>".
type Phrase struct {
	Key  string
	Args []any
}

// List is a parameter made of several, each written as a parameter is (Words and Phrases in the
// reader's language), separated by ", ".
type List []any

// Words used as parameters.
const (
	WordTab Word = "tab" // the tab delimiter; the others are shown as themselves
)

// Problem codes. Each is a catalogue entry "import.problem.<code>" in every language; a test
// renders all of them. The comments list the parameters.
const (
	CodeQuoteBare          = "quote_bare"            // no args
	CodeQuoteBareLines     = "quote_bare_lines"      // first line, line of the quote mark
	CodeQuoteUnclosed      = "quote_unclosed"        // no args
	CodeQuoteUnclosedToEOF = "quote_unclosed_to_end" // last line of the file
	CodeQuoteBadClose      = "quote_bad_close"       // no args
	CodeQuoteBadCloseLines = "quote_bad_close_lines" // first line, last line read
	CodeCSVUnreadable      = "csv_unreadable"        // the reader's error (English)
	CodeFieldCount         = "field_count"           // values, columns, delimiter (quoted string or WordTab)

	CodeNameMissing      = "name_missing"              // column Word, header as quoted in the file
	CodeNameTooLong      = "name_too_long"             // column Word, length, maximum
	CodeFullNameTooLong  = "full_name_too_long"        // length, maximum
	CodeEmailMissing     = "email_missing"             // header as quoted in the file
	CodeEmailInvalid     = "email_invalid"             // quoted value
	CodeEmailDuplicate   = "email_duplicate"           // address, line of its first occurrence
	CodeNumberTooLong    = "employee_number_too_long"  // length, maximum
	CodeNumberRounded    = "employee_number_rounded"   // quoted value
	CodeNumberDuplicate  = "employee_number_duplicate" // quoted value, line of its first occurrence
	CodeOrgUnitEmptyPart = "org_unit_empty_part"       // quoted value
	CodeOrgUnitPartLong  = "org_unit_part_too_long"    // quoted beginning of the part, maximum
	CodeOrgUnitInvalid   = "org_unit_invalid"          // the model's reason (English); a fallback the checks above leave unused
	CodeUnreadableChar   = "unreadable_character"      // column Word, quoted value
	CodeControlChar      = "control_character"         // column Word, quoted value, code point such as "U+0001"
	CodeMoreProblems     = "more_problems"             // how many more (Line 0)
)

// The problems of matching rows with the people already stored, which identity finds: they
// are listed here so that every kind of problem is in one place and in one test.
const (
	CodeEmailElsewhere           = "email_elsewhere"             // address
	CodeEmailOtherEmployeeNumber = "email_other_employee_number" // address, stored number, the row's number
	CodeEmailOtherPerson         = "email_other_person"          // address
	CodeAnonymised               = "anonymised"                  // no args
	CodeRolesAdminOnly           = "roles_admin_only"            // stored address, roles (see Roles)
	CodePersonDuplicate          = "person_duplicate"            // stored address, line of the row that named the person first
)

// Roles names an account's roles as a parameter, in the reader's language ("Administration,
// Lernende Person"), not as the codes the API and the audit log use ("admin,learner"):
// catalogue entries "import.word.role_<role>".
func Roles(roles []model.Role) List {
	out := make(List, len(roles))
	for i, r := range roles {
		out[i] = Word("role_" + string(r))
	}
	return out
}

// Text is the problem as the API and the command line report it: "line N: " and the reason.
// translate looks up a catalogue entry in one language, as i18n.Catalog.T does once the
// language is fixed.
func (p Problem) Text(translate func(key string, args ...any) string) string {
	return atLine(translate, p.Line, p.Reason(translate))
}

// Reason is the problem without its line number, for a page that shows the line beside it.
func (p Problem) Reason(translate func(key string, args ...any) string) string {
	return translate("import.problem."+p.Code, localise(translate, p.Args)...)
}

// atLine puts "line N: " before a reason, in the reader's language; line 0 stands for none.
func atLine(translate func(key string, args ...any) string, line int, reason string) string {
	if line == 0 {
		return reason
	}
	return translate("import.problem_at_line", line, reason)
}

// localise writes the Words, Phrases and Lists among a text's parameters in the reader's
// language; everything else (numbers, values from the file) stays as it is.
func localise(translate func(key string, args ...any) string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = localiseArg(translate, a)
	}
	return out
}

func localiseArg(translate func(key string, args ...any) string, a any) any {
	switch a := a.(type) {
	case Word:
		return translate("import.word." + string(a))
	case Phrase:
		return translate("import.phrase."+a.Key, localise(translate, a.Args)...)
	case List:
		parts := make([]string, len(a))
		for i, x := range a {
			parts[i] = fmt.Sprint(localiseArg(translate, x))
		}
		return strings.Join(parts, ", ")
	}
	return a
}

// problem builds a Problem; it exists so that call sites read like the sentence they stand for.
func problem(line int, col column, code string, args ...any) Problem {
	p := Problem{Line: line, Code: code, Args: args}
	if col >= 0 {
		p.Field = columnNames[col]
	}
	return p
}

// codePoint writes a rune as messages name it, such as "U+0001".
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }
