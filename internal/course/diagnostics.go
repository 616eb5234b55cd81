package course

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity tells whether a Diagnostic keeps a course out of the catalogue.
type Severity int

const (
	// SeverityError marks a problem that keeps the course from loading.
	SeverityError Severity = iota
	// SeverityWarning marks a problem worth fixing that does not stop the course
	// from loading (for example a missing translation, where the default language is used).
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// MarshalText makes a Severity appear as "error" or "warning" in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText accepts "error" and "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = SeverityError
	case "warning":
		*s = SeverityWarning
	default:
		return fmt.Errorf("course: unknown severity %q", b)
	}
	return nil
}

// Diagnostic is one problem found while loading a course tree.
//
// Path is relative to the tree root and slash-separated. Line and Col are
// 1-based; Col counts characters (not bytes). Col is 0 when the problem
// concerns a whole line or file; Line is 0 only when there is no file to
// point into (a missing course.md, a badly named directory).
type Diagnostic struct {
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// String formats the diagnostic the way compilers do, so editors and CI
// annotations can jump to it: "path:line:col: message", with "warning: "
// before the message of a warning. Zero line or column parts are left out.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Path)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	if d.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// HasErrors reports whether any diagnostic is an error (warnings do not count).
func HasErrors(diags []Diagnostic) bool {
	return slices.ContainsFunc(diags, func(d Diagnostic) bool { return d.Severity == SeverityError })
}

// WriteDiagnostics writes diags to w as "text" (one String per line) or as
// "json" (an array of {path,line,col,severity,message}; an empty array when
// there is nothing to report).
func WriteDiagnostics(w io.Writer, diags []Diagnostic, format string) error {
	switch format {
	case "text", "":
		for _, d := range diags {
			if _, err := fmt.Fprintln(w, d.String()); err != nil {
				return err
			}
		}
		return nil
	case "json":
		if diags == nil {
			diags = []Diagnostic{} // "[]", not "null": consumers iterate without a nil check
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(diags)
	default:
		return fmt.Errorf("course: unknown diagnostics format %q (want text or json)", format)
	}
}

// sortDiagnostics orders diagnostics by file and position so that output is
// stable from run to run and reads top to bottom.
func sortDiagnostics(diags []Diagnostic) {
	slices.SortStableFunc(diags, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
		)
	})
}

// pos is a position in a file: 1-based line and character column (0 = unknown).
type pos struct{ line, col int }

// fileStart is the position used for problems that concern a whole file.
var fileStart = pos{line: 1}

// reporter collects diagnostics. Loading never stops at the first problem, so
// every check reports here and carries on.
type reporter struct {
	diags  []Diagnostic
	errors int
}

func (r *reporter) add(sev Severity, path string, p pos, format string, args ...any) {
	if sev == SeverityError {
		r.errors++
	}
	r.diags = append(r.diags, Diagnostic{
		Path: path, Line: p.line, Col: p.col, Severity: sev,
		Message: fmt.Sprintf(format, args...),
	})
}

func (r *reporter) errorf(path string, p pos, format string, args ...any) {
	r.add(SeverityError, path, p, format, args...)
}

func (r *reporter) warnf(path string, p pos, format string, args ...any) {
	r.add(SeverityWarning, path, p, format, args...)
}
