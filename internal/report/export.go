package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Column headings of the compliance exports, for German Excel first.
var headings = map[string][]string{
	"de": {"Organisationseinheit", "Zugewiesen", "Abgeschlossen", "In Bearbeitung", "Überfällig", "Quote (%)", "Unterdrückt (zu kleine Gruppe)"},
	"en": {"Org unit", "Assigned", "Completed", "In progress", "Overdue", "Rate (%)", "Suppressed (group too small)"},
}

var words = map[string]map[string]string{
	"de": {"total": "Gesamt", "none": "(ohne Organisationseinheit)", "yes": "ja", "no": "nein"},
	"en": {"total": "Total", "none": "(no org unit)", "yes": "yes", "no": "no"},
}

// table turns the report into rows of cells; suppressed groups show no numbers in any format.
func table(rep Compliance, lang string) [][]string {
	if _, ok := headings[lang]; !ok {
		lang = "de"
	}
	w := words[lang]
	line := func(name string, r Row) []string {
		if r.Suppressed {
			return []string{name, "", "", "", "", "", w["yes"]}
		}
		return []string{name, strconv.Itoa(r.Assigned), strconv.Itoa(r.Completed), strconv.Itoa(r.InProgress),
			strconv.Itoa(r.Overdue), strconv.Itoa(r.Rate()), w["no"]}
	}
	out := [][]string{headings[lang]}
	for _, r := range rep.Rows {
		name := safeCell(r.OrgUnit) // unit names come from HR's files: no formulas in Excel
		if name == "" {
			name = w["none"]
		}
		out = append(out, line(name, r))
	}
	return append(out, line(w["total"], rep.Total))
}

// WriteCSV writes the table as CSV the way German Excel opens it directly (see excelCSV).
func WriteCSV(w io.Writer, rep Compliance, lang string, sep rune) error {
	return writeCSVRows(w, table(rep, lang), sep)
}

// excelCSV starts a CSV file the way German Excel opens it directly: UTF-8 with a byte order
// mark, sep between fields (';', or ',' on request), CRLF line ends. Every CSV export starts
// here.
func excelCSV(w io.Writer, sep rune) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.UseCRLF = true
	return cw, nil
}

// writeCSVRows writes a table made whole beforehand as an Excel CSV file.
func writeCSVRows(w io.Writer, rows [][]string, sep rune) error {
	cw, err := excelCSV(w, sep)
	if err != nil {
		return err
	}
	return cw.WriteAll(rows) // flushes
}

// WriteXLSX writes the table as an Excel workbook with the streaming writer, numbers as
// numbers.
func WriteXLSX(w io.Writer, rep Compliance, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Compliance"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, row := range table(rep, lang) {
		cells := make([]any, len(row))
		for j, v := range row {
			if n, err := strconv.Atoi(v); err == nil && i > 0 && j > 0 {
				cells[j] = n
			} else {
				cells[j] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
