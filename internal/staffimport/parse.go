// Package staffimport reads the staff lists HR exports from their HR systems, usually through
// Excel, as CSV files. It only parses and validates: every usable person becomes a Row, every
// unusable line a Problem with its line number and what to fix. Writing users to the database
// is the caller's job.
package staffimport

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// DefaultMaxBytes is the size limit Parse applies when the caller passes maxBytes <= 0. A list
// of 100,000 people is about 8 MB.
const DefaultMaxBytes = 16 << 20

// Row is one valid staff member from the file.
type Row struct {
	Line           int    // 1-based physical line the record starts on (the header is usually line 1)
	EmployeeNumber string // Personalnummer, trimmed; "" if the column is absent or empty
	FirstName      string // trimmed, runs of white space collapsed
	LastName       string // trimmed, runs of white space collapsed
	Email          string // trimmed and lowercased
	OrgUnit        string // normalised path such as "Fachbereich 1/Bürgeramt"; "" = none
}

// Name is the display name Wachsam stores for the person: "First Last".
func (r Row) Name() string { return r.FirstName + " " + r.LastName }

// Parsed is what Parse found in a file.
type Parsed struct {
	Rows      []Row     // valid people, in file order
	Problems  []Problem // invalid lines, in file order
	Delimiter rune      // ';', ',' or '\t' as detected
	Encoding  string    // EncodingUTF8, EncodingUTF8BOM or EncodingWindows1252
	Columns   []string  // canonical names of the recognised columns, in file order
	Ignored   []string  // headers of columns Parse does not know, in file order; not an error
}

// Parse reads a whole CSV staff list of at most maxBytes bytes (maxBytes <= 0 means
// DefaultMaxBytes).
//
// Bad rows never make it fail: they become Problems (at most MaxProblems are listed) and the
// valid rows are still returned. It returns a *FileError only for a file that cannot be
// imported at all: too large, empty, not a CSV text file (a workbook, UTF-16, binary), mixed
// text encodings, no recognisable header, a required column missing or given twice, or a line
// with thousands of delimiters. If reading r fails, it returns that error, wrapped.
func Parse(r io.Reader, maxBytes int64) (*Parsed, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := readLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	text, encoding, err := decode(data)
	if err != nil {
		return nil, err
	}
	text = normaliseLineEnds(text)
	if strings.TrimSpace(text) == "" {
		return nil, fileError(0, FileErrEmpty)
	}
	text, lineOffset, sepDelim := stripSepLine(text)
	if err := checkWidth(text, lineOffset); err != nil {
		return nil, err
	}

	hdr, err := readHeader(text, sepDelim, lineOffset)
	if err != nil {
		return nil, err
	}
	lay, err := newLayout(hdr.fields, hdr.line)
	if err != nil {
		return nil, err
	}

	// Sizing by the number of lines saves the map and slice regrowth that dominates a large
	// file; the cap keeps a file of nothing but line breaks from reserving gigabytes.
	c := newChecker(lay, min(strings.Count(text, "\n")+1, 1<<17))

	cr := newCSVReader(text, hdr.delim)
	if _, err := cr.Read(); err != nil { // the header again; readHeader has read it before
		return nil, fileError(hdr.line, FileErrHeaderUnreadable, err.Error())
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fileError(0, FileErrUnreadable, err.Error())
			}
			// encoding/csv skips the rest of the broken record and carries on with the next line,
			// so one stray quote costs only the lines it swallowed.
			if !c.full() {
				c.add(quoteProblem(pe, lineOffset, quoteAt(text, cr.InputOffset(), pe.Column)))
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		line += lineOffset
		if blank(rec) {
			continue
		}
		if len(rec) != lay.width {
			c.failLine(line, CodeFieldCount, len(rec), lay.width, delimName(hdr.delim))
			continue
		}
		c.check(rec, line)
	}
	return &Parsed{
		Rows:      c.rows,
		Problems:  c.finish(),
		Delimiter: hdr.delim,
		Encoding:  encoding,
		Columns:   lay.columns,
		Ignored:   lay.ignored,
	}, nil
}

// readLimited reads all of r, but never more than maxBytes+1 bytes, so an oversized upload
// costs at most the limit in memory.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	limit := maxBytes
	if limit < math.MaxInt64 {
		limit++
	}
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("staffimport: reading the file: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, &FileError{Code: FileErrTooLarge, Args: []any{sizePhrase(maxBytes)}, kind: ErrTooLarge}
	}
	return data, nil
}

// maxSeparators bounds the delimiters on one line. encoding/csv spends some 40 bytes per
// field, so a 16 MB line of ";" would cost gigabytes; a staff list needs one per column.
const maxSeparators = 10_000

// checkWidth refuses lines with more than maxSeparators of any candidate delimiter together,
// before any CSV parsing (delimiter detection included) can blow up.
func checkWidth(text string, lineOffset int) error {
	line, n := 1, 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			line, n = line+1, 0
		case ';', ',', '\t':
			if n++; n > maxSeparators {
				return fileError(line+lineOffset, FileErrTooManyDelimiters, maxSeparators)
			}
		}
	}
	return nil
}

// normaliseLineEnds turns the lone CRs of old Mac exports into LFs; encoding/csv only knows LF
// and CRLF and would otherwise read the whole file as one line.
func normaliseLineEnds(text string) string {
	if !strings.Contains(text, "\n") && strings.Contains(text, "\r") {
		return strings.ReplaceAll(text, "\r", "\n")
	}
	return text
}

// stripSepLine removes the "sep=;" line Excel understands as a delimiter hint. It returns the
// rest of the text, how many lines were removed (so line numbers stay those of the file) and
// the hinted delimiter, or 0.
func stripSepLine(text string) (string, int, rune) {
	first, rest, found := strings.Cut(text, "\n")
	first = strings.TrimSuffix(first, "\r")
	if !found || len(first) != len("sep=;") || !strings.EqualFold(first[:4], "sep=") {
		return text, 0, 0
	}
	for _, d := range delimiters {
		if rune(first[4]) == d {
			return rest, 1, d
		}
	}
	return text, 0, 0
}

func newCSVReader(text string, delim rune) *csv.Reader {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // a wrong count is reported per line, with our own message
	cr.ReuseRecord = true   // the fields are strings and survive; only the slice is reused
	return cr
}

// blank reports whether a record holds nothing but white space, such as the ";;;;" lines
// Excel writes for formatted but empty rows.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// quoteProblem explains a CSV syntax error. It is reported on the line where the record
// starts, because that is where a quote was opened or misplaced. closedQuote says whether the
// error points at a quote mark (see quoteAt).
func quoteProblem(pe *csv.ParseError, lineOffset int, closedQuote bool) Problem {
	start, at := pe.StartLine+lineOffset, pe.Line+lineOffset
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote) && start == at:
		return problem(start, noColumn, CodeQuoteBare)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return problem(start, noColumn, CodeQuoteBareLines, start, at)
	case errors.Is(pe.Err, csv.ErrQuote) && !closedQuote:
		// encoding/csv reports both a quote followed by text and the end of the file inside a
		// quoted value as ErrQuote; only in the first case does Column point at a quote mark.
		if start == at {
			return problem(start, noColumn, CodeQuoteUnclosed)
		}
		return problem(start, noColumn, CodeQuoteUnclosedToEOF, at)
	case errors.Is(pe.Err, csv.ErrQuote) && start == at:
		return problem(start, noColumn, CodeQuoteBadClose)
	case errors.Is(pe.Err, csv.ErrQuote):
		return problem(start, noColumn, CodeQuoteBadCloseLines, start, at)
	default:
		return problem(start, noColumn, CodeCSVUnreadable, pe.Err.Error())
	}
}

// quoteAt reports whether col (1-based, in bytes) of the line that ends at end is a quote
// mark. Parse calls it right after a csv.ParseError, when the reader has consumed the line the
// error is on, so that line ends at InputOffset.
func quoteAt(text string, end int64, col int) bool {
	e := int(min(end, int64(len(text))))
	start := 0
	if e > 0 {
		start = strings.LastIndexByte(text[:e-1], '\n') + 1 // e-1: the line's own line break
	}
	off := start + col - 1
	return col >= 1 && off < e && text[off] == '"'
}

// delimName names a delimiter in a message: quoted, or the word for tab.
func delimName(d rune) any {
	if d == '\t' {
		return WordTab
	}
	return `"` + string(d) + `"`
}
