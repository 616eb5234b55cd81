package report

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// ExportQuery selects the named export: every mandatory course of the municipality, or one.
type ExportQuery struct {
	Course  string // slug; "" = every mandatory course
	Status  string // not_started, in_progress, completed, overdue; "" = all
	OrgUnit string // path; its sub-units are included; "" = everyone
}

// LearnerExport is a checked named export, ready to be written. It is made before anything is
// sent, so that a refusal (named lists switched off, an unknown course, a bad filter) is still
// an ordinary error answer; writing then streams the rows from the database to the writer.
type LearnerExport struct {
	store  *store.Store
	filter store.LearnerExportFilter
	titles map[string]func(lang string) string // course id → its title in a language
}

// statusFromAPI turns the API's status names into the store's; statusWords names the store's
// statuses in the export's languages.
var (
	statusFromAPI = map[string]string{"not_started": store.ObligationOpen, "in_progress": store.ObligationInProgress,
		"completed": store.ObligationCompleted, "overdue": store.ObligationOverdue}
	statusWords = map[string]map[string]string{
		"de": {store.ObligationOpen: "nicht begonnen", store.ObligationInProgress: "in Bearbeitung",
			store.ObligationCompleted: "abgeschlossen", store.ObligationOverdue: "überfällig"},
		"en": {store.ObligationOpen: "not started", store.ObligationInProgress: "in progress",
			store.ObligationCompleted: "completed", store.ObligationOverdue: "overdue"},
	}
	learnerHeadings = map[string][]string{
		"de": {"Name", "E-Mail", "Personalnummer", "Organisationseinheit", "Kurs", "Kurstitel", "Status", "Fällig am", "Abgeschlossen am", "Gültig bis"},
		"en": {"Name", "E-mail", "Employee number", "Org unit", "Course", "Course title", "Status", "Due", "Completed", "Valid until"},
	}
)

// LearnerExport checks a request for the named export under the same rules as the named list
// (LearnersPage): only where the municipality allows named lists, only about mandatory training.
// Who may ask is decided by the caller (hr, admin, API keys with reports:named).
func (s *Service) LearnerExport(ctx context.Context, tenant model.Tenant, q ExportQuery) (*LearnerExport, error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return nil, err
	}
	f := store.LearnerExportFilter{TenantID: tenant.ID}
	if q.Status != "" {
		var ok bool
		if f.Status, ok = statusFromAPI[q.Status]; !ok {
			return nil, model.Invalid("status", "must be not_started, in_progress, completed or overdue")
		}
	}
	if q.OrgUnit != "" {
		unit, err := model.NormalizeOrgUnitPath(q.OrgUnit)
		if err != nil {
			return nil, err
		}
		f.OrgUnit = unit
	}
	if q.Course != "" {
		entry, err := s.catalog.Get(q.Course, false)
		if err != nil {
			return nil, err
		}
		f.CourseID = entry.CourseID
	}
	titles := map[string]func(string) string{}
	for _, e := range s.catalog.List(true) {
		c := e.Course
		titles[e.CourseID] = func(lang string) string { return c.TextFor(lang).Title }
	}
	return &LearnerExport{store: s.store, filter: f, titles: titles}, nil
}

// exportLine turns the rows into the cells of one line, in the export's language; the
// completion shows only while it counts, as in the named list.
type exportLine struct {
	lang   string
	titles map[string]string // course id → title, filled as courses turn up
	e      *LearnerExport
}

func newExportLine(e *LearnerExport, lang string) *exportLine {
	if _, ok := learnerHeadings[lang]; !ok {
		lang = "de"
	}
	return &exportLine{lang: lang, titles: map[string]string{}, e: e}
}

func (l *exportLine) title(r *store.LearnerExportRow) string {
	t, ok := l.titles[r.CourseID]
	if !ok {
		t = r.CourseSlug // an archived course keeps its obligations but leaves the catalogue
		if fn := l.e.titles[r.CourseID]; fn != nil {
			t = fn(l.lang)
		}
		l.titles[r.CourseID] = t
	}
	return t
}

// completion returns the completion date and the end of its validity when the course
// counts as done (zero times otherwise).
func completion(r *store.LearnerExportRow) (done, until time.Time) {
	if r.Status != store.ObligationCompleted {
		return time.Time{}, time.Time{}
	}
	return r.CompletedAt, r.ValidUntil
}

// day is the calendar day of t in Berlin, the zone of every date HR sees.
func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.In(model.Berlin).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// appendDay appends the Berlin date of t as YYYY-MM-DD (German Excel reads it as a date), or
// nothing for a zero time.
func appendDay(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return day(t).AppendFormat(b, time.DateOnly)
}

// safeCell keeps a spreadsheet from reading text as a formula: names and org units come from
// HR files, and a cell starting with =, +, -, @ or a control character would be evaluated when
// the CSV is opened (OWASP "CSV injection"). Such text gets a leading apostrophe.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes the export as CSV the way German Excel opens it directly (UTF-8 with a byte
// order mark, ';' between fields, ',' on request), one line per person and course, and
// returns the number of lines after the heading. w should be buffered; nothing is held back
// beyond the csv writer's own buffer.
func (e *LearnerExport) WriteCSV(ctx context.Context, w io.Writer, lang string, sep rune) (int, error) {
	cw, err := excelCSV(w, sep)
	if err != nil {
		return 0, err
	}
	line := newExportLine(e, lang)
	if err := cw.Write(learnerHeadings[line.lang]); err != nil {
		return 0, err
	}
	words := statusWords[line.lang]
	rec := make([]string, 10)
	var dates [32]byte
	n := 0
	err = e.store.EachLearnerObligation(ctx, e.filter, e.store.Now(), func(r *store.LearnerExportRow) error {
		done, until := completion(r)
		// The three dates share one small array: one string conversion per line, not three.
		b := appendDay(dates[:0], r.DueAt)
		i1 := len(b)
		b = appendDay(b, done)
		i2 := len(b)
		b = appendDay(b, until)
		s := string(b)
		rec[0], rec[1], rec[2], rec[3] = safeCell(r.Name), r.Email, safeCell(r.EmployeeNumber), safeCell(r.OrgUnit)
		rec[4], rec[5], rec[6] = r.CourseSlug, safeCell(line.title(r)), words[r.Status]
		rec[7], rec[8], rec[9] = s[:i1], s[i1:i2], s[i2:]
		n++
		return cw.Write(rec)
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// xlsxMaxRows is Excel's limit of rows per sheet; longer exports continue on further sheets,
// each with the heading again. A variable only so that a test can lower it.
var xlsxMaxRows = 1_048_576

// WriteXLSX writes the export as an Excel workbook with excelize's streaming writer: rows go
// to a temporary file (excelize keeps at most 16 MB in memory), dates are real dates, and the
// zip is written straight to w instead of into a buffer. Excel's row limit is respected by
// starting another sheet. It returns the number of rows after the headings.
func (e *LearnerExport) WriteXLSX(ctx context.Context, w io.Writer, lang string) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	line := newExportLine(e, lang)
	words := statusWords[line.lang]
	sheetName := map[string]string{"de": "Lernende", "en": "Learners"}[line.lang]
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // the short date of the reader's locale
	if err != nil {
		return 0, err
	}
	var (
		sw    *excelize.StreamWriter
		sheet int
		row   int // rows on the current sheet, heading included
	)
	newSheet := func() error {
		if sw != nil {
			if err := sw.Flush(); err != nil {
				return err
			}
		}
		sheet++
		name := sheetName
		if sheet == 1 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else {
			name = fmt.Sprintf("%s %d", sheetName, sheet)
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		var err error
		if sw, err = f.NewStreamWriter(name); err != nil {
			return err
		}
		for col, width := range []float64{28, 32, 16, 36, 20, 32, 16, 12, 16, 12} {
			if err := sw.SetColWidth(col+1, col+1, width); err != nil {
				return err
			}
		}
		heading := make([]any, len(learnerHeadings[line.lang]))
		for i, h := range learnerHeadings[line.lang] {
			heading[i] = h
		}
		row = 1
		return sw.SetRow("A1", heading, excelize.RowOpts{})
	}
	if err := newSheet(); err != nil {
		return 0, err
	}
	dateCell := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: dateStyle, Value: day(t)}
	}
	n := 0
	cells := make([]any, 10)
	err = e.store.EachLearnerObligation(ctx, e.filter, e.store.Now(), func(r *store.LearnerExportRow) error {
		if row == xlsxMaxRows {
			if err := newSheet(); err != nil {
				return err
			}
		}
		row++
		n++
		done, until := completion(r)
		cells[0], cells[1], cells[2], cells[3] = r.Name, r.Email, r.EmployeeNumber, r.OrgUnit
		cells[4], cells[5], cells[6] = r.CourseSlug, line.title(r), words[r.Status]
		cells[7], cells[8], cells[9] = dateCell(r.DueAt), dateCell(done), dateCell(until)
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	// excelize.File.WriteTo would assemble the whole zip in a bytes.Buffer first; its zip
	// writer hook lets the archive go to w as it is made.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err = f.WriteToBuffer()
	return n, err
}
