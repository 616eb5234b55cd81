package report_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/report"
)

// Course titles, questions and options come from the authors' Markdown; in the statistics CSV
// none of them may start a cell that Excel would evaluate as a formula.
func TestStatisticsCSVCellsCannotBecomeFormulas(t *testing.T) {
	st := report.CourseStatistics{Course: "basis", CourseTitle: "=HYPERLINK(\"http://evil\")", Version: "@v1", MinGroupSize: 5,
		Attempts: 6, Learners: 6, Passed: 3, MedianScore: 50, AverageSeconds: 90,
		Questions: []report.QuestionStatistics{
			{ID: "q1", Title: "+SUM(1;2)", Served: 6, Learners: 6, Correct: 3, WrongOptions: []report.OptionStatistics{
				{ID: "a", Text: "-2+3", Chosen: 2, Served: 6}, {ID: "b", Text: "\tcmd", Chosen: 1, Served: 6}, {ID: "c", Text: "\r=1", Chosen: 0, Served: 6},
			}},
			{ID: "q2", Title: "Harmlos", Served: 6, Learners: 6, Correct: 6},
		}}
	var buf bytes.Buffer
	if err := report.WriteStatisticsCSV(&buf, st, "de", ';'); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The csv writer drops a lone CR (UseCRLF), so "\r=1" would arrive as "=1" unguarded.
	var cells []string
	for _, row := range rows {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q would be a formula", c)
			}
		}
		cells = append(cells, row...)
	}
	for _, want := range []string{"'=HYPERLINK(\"http://evil\") (basis)", "'@v1", "'+SUM(1;2)", "'-2+3", "'\tcmd", "'=1", "Harmlos", "50", "90"} {
		if !slices.Contains(cells, want) {
			t.Errorf("no cell %q in\n%s", want, buf.String())
		}
	}
}
