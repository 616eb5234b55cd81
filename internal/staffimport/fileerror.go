package staffimport

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors a *FileError unwraps to, for callers that map them to HTTP statuses.
var (
	ErrTooLarge    = errors.New("staffimport: file too large")
	ErrInvalidFile = errors.New("staffimport: file cannot be imported")
)

// FileError says why a whole file cannot be imported, and what to do about it.
//
// Like a Problem it carries no finished sentence: its text is the catalogue entry
// "import.file_error.<Code>" (frontend/i18n), filled with Args, so the upload page can show it
// in German or English and the API and the command line in English (see Text). Code is stable:
// integrations see it. Error only names the code, for logs; whoever shows the error to a person
// writes it with Text.
type FileError struct {
	Line int    // 0 when the problem is not tied to one line
	Code string // one of the FileErr… constants
	Args []any  // the text's parameters in order, as for Problem: numbers, strings, Words, Phrases and Lists
	kind error
}

// File error codes. Each is a catalogue entry "import.file_error.<code>" in every language; a
// test renders all of them. The comments list the parameters.
const (
	FileErrTooLarge          = "too_large"           // the limit, as a Phrase (see sizePhrase)
	FileErrEmpty             = "empty"               // no args
	FileErrXLSX              = "xlsx"                // no args
	FileErrXLS               = "xls"                 // no args
	FileErrUTF16             = "utf16"               // no args
	FileErrBinary            = "binary"              // no args
	FileErrMixedEncodings    = "mixed_encodings"     // no args (Line is the first line that is not UTF-8)
	FileErrNotWindows1252    = "not_windows_1252"    // no args; a fallback decode never takes
	FileErrTooManyDelimiters = "too_many_delimiters" // the limit
	FileErrHeaderQuote       = "header_quote"        // no args
	FileErrNoHeader          = "no_header"           // no args
	FileErrNoKnownColumns    = "no_known_columns"    // the headers found (see quoteList)
	FileErrColumnsMissing    = "columns_missing"     // List of Phrase "column_example", the headers found
	FileErrColumnTwice       = "column_twice"        // position, quoted header, position, quoted header, column Word
	FileErrHeaderUnreadable  = "header_unreadable"   // the reader's error (English)
	FileErrUnreadable        = "unreadable"          // the reader's error (English)
)

// Error names the kind and the code, for logs; it is not a sentence for people (see Text).
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%v (%s, line %d)", e.kind, e.Code, e.Line)
	}
	return fmt.Sprintf("%v (%s)", e.kind, e.Code)
}

// Unwrap returns ErrTooLarge or ErrInvalidFile.
func (e *FileError) Unwrap() error { return e.kind }

// Text is the error as a person reads it: "line N: " (when it has a line) and what is wrong and
// what to do, through translate, as for Problem.Text. In English it is what the API and the
// command line report.
func (e *FileError) Text(translate func(key string, args ...any) string) string {
	return atLine(translate, e.Line, translate("import.file_error."+e.Code, localise(translate, e.Args)...))
}

func fileError(line int, code string, args ...any) *FileError {
	return &FileError{Line: line, Code: code, Args: args, kind: ErrInvalidFile}
}

// sizePhrase names a size limit as people write it: whole megabytes or kilobytes where it is
// one, else megabytes to one decimal with the exact bytes, or just bytes below a megabyte.
func sizePhrase(n int64) Phrase {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return Phrase{"size_mb", []any{n >> 20}}
	case n >= 1<<20:
		// The decimal mark is the language's, so the number goes in as its two halves.
		whole, tenth, _ := strings.Cut(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".")
		return Phrase{"size_mb_fraction", []any{whole, tenth, n}}
	case n >= 1<<10 && n%(1<<10) == 0:
		return Phrase{"size_kb", []any{n >> 10}}
	default:
		return Phrase{"size_bytes", []any{n}}
	}
}
