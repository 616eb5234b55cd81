package report_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// setup: unit "Fachbereich 1" with six learners (three done, one working), "Fachbereich 2"
// with two (one done), and the whole municipality assigned the course.
func setup(t *testing.T, dialect string) (*testenv.Env, string, model.Tenant) {
	e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
	ten := e.Tenant("a")
	hr := e.Token(e.User(&ten, "hr@a.example", "Personal", model.RoleHR).Email)
	if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 30}); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	for i := range 6 {
		u := e.User(&ten, fmt.Sprintf("fb1-%d@a.example", i), "Fachbereich 1/Team", model.RoleLearner)
		switch {
		case i < 3:
			e.PassCourse(e.Token(u.Email), "basis")
		case i == 3:
			e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", e.Token(u.Email), nil)
		}
	}
	for i := range 2 {
		u := e.User(&ten, fmt.Sprintf("fb2-%d@a.example", i), "Fachbereich 2", model.RoleLearner)
		if i == 0 {
			e.PassCourse(e.Token(u.Email), "basis")
		}
	}
	// Fachbereich 3 is big enough on its own, but the small groups above add up to only
	// three people, so it is hidden as well: otherwise their numbers follow from the total.
	for i := range 5 {
		e.User(&ten, fmt.Sprintf("fb3-%d@a.example", i), "Fachbereich 3", model.RoleLearner)
	}
	return e, hr, ten
}

func TestComplianceSuppressesSmallGroupsInEveryFormat(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, hr, _ := setup(t, dialect)
		r := e.Do("GET", "/api/v1/reports/compliance?course=basis", hr, nil)
		var rep struct {
			MinGroupSize int              `json:"min_group_size"`
			Rows         []map[string]any `json:"rows"`
			Total        map[string]any   `json:"total"`
		}
		r.JSON(t, &rep)
		if r.StatusCode != 200 || rep.MinGroupSize != 5 || len(rep.Rows) != 4 {
			t.Fatalf("report: %d %s", r.StatusCode, r.Body)
		}
		byUnit := map[string]map[string]any{}
		for _, row := range rep.Rows {
			byUnit[row["org_unit"].(string)] = row
		}
		fb1 := byUnit["Fachbereich 1/Team"]
		if fb1["suppressed"] != false || fb1["assigned"] != 6.0 || fb1["completed"] != 3.0 || fb1["in_progress"] != 1.0 || fb1["overdue"] != 0.0 || fb1["rate"] != 50.0 {
			t.Errorf("Fachbereich 1: %v", fb1)
		}
		for _, small := range []string{"Fachbereich 2", "Personal", "Fachbereich 3"} {
			row := byUnit[small]
			if row["suppressed"] != true || len(row) != 2 {
				t.Errorf("%s must carry no counts: %v", small, row)
			}
		}
		if rep.Total["assigned"] != 14.0 || rep.Total["completed"] != 4.0 {
			t.Errorf("total: %v", rep.Total)
		}

		csv := e.Do("GET", "/api/v1/reports/compliance.csv?course=basis", hr, nil)
		if !strings.HasPrefix(csv.Body, "\ufeffOrganisationseinheit;Zugewiesen;") || !strings.Contains(csv.Body, "Fachbereich 1/Team;6;3;1;0;50;nein\r\n") ||
			!strings.Contains(csv.Body, "Fachbereich 2;;;;;;ja\r\n") || !strings.Contains(csv.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("csv:\n%q", csv.Body)
		}
		if comma := e.Do("GET", "/api/v1/reports/compliance.csv?course=basis&sep=,&lang=en", hr, nil); !strings.Contains(comma.Body, "Fachbereich 2,,,,,,yes") {
			t.Errorf("comma csv:\n%q", comma.Body)
		}

		x := e.Do("GET", "/api/v1/reports/compliance.xlsx?course=basis", hr, nil)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatalf("xlsx: %v", err)
		}
		rows, _ := f.GetRows("Compliance")
		found := false
		for _, row := range rows {
			if len(row) > 0 && row[0] == "Fachbereich 2" {
				found = true
				for _, cell := range row[1:6] {
					if cell != "" {
						t.Errorf("xlsx shows a suppressed count: %v", row)
					}
				}
			}
			if len(row) > 1 && row[0] == "Fachbereich 1/Team" && row[1] != "6" {
				t.Errorf("xlsx row: %v", row)
			}
		}
		if !found {
			t.Errorf("xlsx rows: %v", rows)
		}

		pdf := e.Do("GET", "/api/v1/reports/compliance.pdf?course=basis", hr, nil)
		if pdf.StatusCode != 200 || !strings.HasPrefix(pdf.Body, "%PDF-") || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", pdf.StatusCode, pdf.Header)
		}
		if text := pdfText(t, pdf.Body); text != "" {
			// Both rows must be there: a layout that moved them would otherwise check nothing.
			seenSuppressed, seenTeam := false, false
			for _, line := range strings.Split(text, "\n") {
				if rest, ok := strings.CutPrefix(line, "Fachbereich 2"); ok {
					seenSuppressed = true
					if strings.TrimSpace(rest) != "zu kleine Gruppe" {
						t.Errorf("pdf shows a suppressed group's numbers: %q", line)
					}
				}
				if rest, ok := strings.CutPrefix(line, "Fachbereich 1/Team"); ok {
					seenTeam = true
					if strings.Join(strings.Fields(rest), " ") != "6 3 1 0 50" {
						t.Errorf("pdf row: %q", line)
					}
				}
			}
			if !seenSuppressed || !seenTeam {
				t.Errorf("pdf rows of Fachbereich 2 (%v) and Fachbereich 1/Team (%v) not found:\n%s", seenSuppressed, seenTeam, text)
			}
			if !strings.Contains(text, "Stadt ") || !strings.Contains(text, "Mindestgruppengröße") {
				t.Errorf("pdf text:\n%s", text)
			}
		}

		// Forty days on, the open ones are overdue.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 0, 40) })
		e.Do("GET", "/api/v1/reports/compliance?course=basis", hr, nil).JSON(t, &rep)
		for _, row := range rep.Rows {
			if row["org_unit"] == "Fachbereich 1/Team" && row["overdue"] != 3.0 {
				t.Errorf("overdue after the due date: %v", row)
			}
		}
	})
}

func TestNamedListsAreLimitedAndAudited(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, hr, ten := setup(t, dialect)
		var list []map[string]any
		r := e.Do("GET", "/api/v1/reports/learners?course=basis&status=completed", hr, nil)
		r.JSON(t, &list)
		if r.StatusCode != 200 || len(list) != 4 || list[0]["status"] != "completed" || list[0]["email"] == nil {
			t.Fatalf("named list: %d %s", r.StatusCode, r.Body)
		}
		admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
		var audit []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		found := false
		for _, a := range audit {
			found = found || (a.Action == "report.learners" && a.Details["people"] == "4")
		}
		if !found {
			t.Error("named list not audited")
		}
		learner := e.Token("fb1-0@a.example")
		op := e.Token(e.User(nil, "op@x.example", "", model.RoleOperator).Email)
		if r := e.Do("GET", "/api/v1/reports/learners?course=basis", learner, nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/api/v1/reports/learners?course=basis&tenant=a", op, nil); r.StatusCode != 403 {
			t.Errorf("operator: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/api/v1/reports/compliance?course=basis&tenant=a", op, nil); r.StatusCode != 200 {
			t.Errorf("operator aggregate: %d", r.StatusCode)
		}
		// Across municipalities: totals only; a small municipality is suppressed; no names.
		small := e.Tenant("klein")
		e.User(&small, "eine@klein.example", "", model.RoleLearner)
		r = e.Do("GET", "/api/v1/operator/reports/compliance?course=basis", op, nil)
		var across struct {
			Tenants []map[string]any `json:"tenants"`
		}
		r.JSON(t, &across)
		if r.StatusCode != 200 || len(across.Tenants) != 2 || strings.Contains(r.Body, "@") {
			t.Fatalf("operator overview: %d %s", r.StatusCode, r.Body)
		}
		for _, row := range across.Tenants {
			if row["tenant"] == "a" && row["assigned"] != 15.0 {
				t.Errorf("tenant a: %v", row)
			}
			if row["tenant"] == "klein" && row["suppressed"] != true {
				t.Errorf("small municipality not suppressed: %v", row)
			}
		}
		if r := e.Do("GET", "/api/v1/reports/learners?course=basis&status=kaputt", hr, nil); r.StatusCode != 422 {
			t.Errorf("bad status: %d", r.StatusCode)
		}
		// The municipality can switch named lists off entirely.
		e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}})
		if r := e.Do("GET", "/api/v1/reports/learners?course=basis", hr, nil); r.StatusCode != 403 || !strings.Contains(r.Body, "switched off") {
			t.Errorf("named lists off: %d %s", r.StatusCode, r.Body)
		}
	})
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils, which CI installs), one table
// row per line; "" when the tool is missing outside CI.
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing; CI installs poppler-utils")
		}
		t.Log("pdftotext not installed: the PDF's text is not checked")
		return ""
	}
	cmd := exec.Command(bin, "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
