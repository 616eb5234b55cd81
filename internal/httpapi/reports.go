package httpapi

import (
	"bytes"
	"io"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
)

// reportTenant is the one municipality a report is about.
func (a *API) reportTenant(c *fiber.Ctx) (model.Tenant, error) {
	if c.Query("course") == "" {
		if _, err := httpx.ScopeOf(c, a.Store); err != nil {
			return model.Tenant{}, err // another tenant's ?tenant= is 404 before anything else
		}
		return model.Tenant{}, model.Invalid("course", "name the course with ?course=<slug>")
	}
	return a.ownTenant(c)
}

type complianceRowJSON struct {
	OrgUnit    string `json:"org_unit"`
	Assigned   *int   `json:"assigned,omitempty"`
	Completed  *int   `json:"completed,omitempty"`
	InProgress *int   `json:"in_progress,omitempty"`
	Overdue    *int   `json:"overdue,omitempty"`
	Rate       *int   `json:"rate,omitempty"`
	Suppressed bool   `json:"suppressed"`
}

func rowJSON(r report.Row) complianceRowJSON {
	out := complianceRowJSON{OrgUnit: r.OrgUnit, Suppressed: r.Suppressed}
	if !r.Suppressed { // a suppressed group carries no counts at all
		rate := r.Rate()
		out.Assigned, out.Completed, out.InProgress, out.Overdue, out.Rate = &r.Assigned, &r.Completed, &r.InProgress, &r.Overdue, &rate
	}
	return out
}

func (a *API) compliance(c *fiber.Ctx) (report.Compliance, error) {
	t, err := a.reportTenant(c)
	if err != nil {
		return report.Compliance{}, err
	}
	return a.Reports.Compliance(c.UserContext(), t, c.Query("course"))
}

// complianceReport answers the compliance table per org unit; groups below the municipality's
// minimum size are suppressed.
func (a *API) complianceReport(c *fiber.Ctx) error {
	rep, err := a.compliance(c)
	if err != nil {
		return err
	}
	rows := make([]complianceRowJSON, len(rep.Rows))
	for i, r := range rep.Rows {
		rows[i] = rowJSON(r)
	}
	return c.JSON(fiber.Map{"course": rep.Course, "course_title": rep.CourseTitle, "min_group_size": rep.MinGroupSize,
		"rows": rows, "total": rowJSON(rep.Total), "generated_at": rep.GeneratedAt})
}

func exportLang(c *fiber.Ctx) string {
	if c.Query("lang", httpx.MustPrincipal(c).Language) == "en" {
		return "en"
	}
	return "de"
}

// csvSeparator is ';', as German Excel opens CSV files, or ',' with ?sep=,.
func csvSeparator(c *fiber.Ctx) rune {
	if c.Query("sep") == "," {
		return ','
	}
	return ';'
}

// Content types of the downloads.
const (
	typeCSV  = "text/csv; charset=utf-8"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typePDF  = "application/pdf"
)

// sendFile answers with a download called name (a slug-based name: safe in the header) that
// write makes; small reports are made whole first, so a failure is still an error answer.
func sendFile(c *fiber.Ctx, contentType, name string, write func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Send(buf.Bytes())
}

func (a *API) complianceCSV(c *fiber.Ctx) error {
	rep, err := a.compliance(c)
	if err != nil {
		return err
	}
	return sendFile(c, typeCSV, "compliance-"+rep.Course+".csv", func(w io.Writer) error {
		return report.WriteCSV(w, rep, exportLang(c), csvSeparator(c))
	})
}

func (a *API) complianceXLSX(c *fiber.Ctx) error {
	rep, err := a.compliance(c)
	if err != nil {
		return err
	}
	return sendFile(c, typeXLSX, "compliance-"+rep.Course+".xlsx", func(w io.Writer) error { return report.WriteXLSX(w, rep, exportLang(c)) })
}

// compliancePDF is the same table as an A4 summary with a bar per org unit, for files and
// meetings of the staff council.
func (a *API) compliancePDF(c *fiber.Ctx) error {
	t, err := a.reportTenant(c)
	if err != nil {
		return err
	}
	rep, err := a.Reports.Compliance(c.UserContext(), t, c.Query("course"))
	if err != nil {
		return err
	}
	return sendFile(c, typePDF, "compliance-"+rep.Course+".pdf", func(w io.Writer) error { return report.WritePDF(w, rep, t.Name, exportLang(c)) })
}

type learnerJSON struct {
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	EmployeeNumber string     `json:"employee_number,omitempty"`
	OrgUnit        string     `json:"org_unit"`
	Status         string     `json:"status"`
	DueAt          time.Time  `json:"due_at"`
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	ValidUntil     *time.Time `json:"valid_until,omitempty"`
}

// learnersReport is the named list: hr, admin and API keys with reports:named only, about
// mandatory training only, each call written to the audit log (with the key as actor when a
// key calls). Without ?limit= it is the whole list, as it always was; with it, one page (see
// paging.go). ?org_unit= narrows it to a unit and its sub-units.
func (a *API) learnersReport(c *fiber.Ctx) error {
	t, err := a.reportTenant(c)
	if err != nil {
		return err
	}
	q := report.LearnerQuery{Course: c.Query("course"), Status: c.Query("status"), OrgUnit: c.Query("org_unit")}
	if q.Limit, err = pageLimit(c, 0, 1000); err != nil {
		return err
	}
	binding := pagecursor.Binding("learners", t.ID, q.Course, q.Status, q.OrgUnit)
	after, err := a.openCursor(c, binding, 3)
	if err != nil {
		return err
	}
	if after != nil {
		q.After = &report.LearnerKey{OrgUnit: after[0], Name: after[1], UserID: after[2]}
	}
	list, more, err := a.Reports.LearnersPage(c.UserContext(), t, q)
	if err != nil {
		return err
	}
	details := map[string]string{"status": q.Status, "people": strconv.Itoa(len(list))}
	if q.OrgUnit != "" {
		details["org_unit"] = q.OrgUnit
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditLearners, q.Course, details); err != nil {
		return err
	}
	names := map[string]string{"open": "not_started", "in_progress": "in_progress", "overdue": "overdue", "completed": "completed"}
	out := make([]learnerJSON, len(list))
	for i, s := range list {
		out[i] = learnerJSON{Name: s.Name, Email: s.Email, EmployeeNumber: s.EmployeeNumber, OrgUnit: s.OrgUnit, Status: names[s.Status],
			DueAt: s.DueAt, CompletedAt: s.CompletedAt, ValidUntil: s.ValidUntil}
	}
	if more {
		k := list[len(list)-1].Key()
		a.announceNext(c, binding, k.OrgUnit, k.Name, k.UserID)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

type tenantComplianceJSON struct {
	Tenant string `json:"tenant"`
	Name   string `json:"name"`
	complianceRowJSON
}

// operatorCompliance gives the operator each municipality's totals for a course — aggregates
// only, small municipalities suppressed.
func (a *API) operatorCompliance(c *fiber.Ctx) error {
	if c.Query("course") == "" {
		return model.Invalid("course", "name the course with ?course=<slug>")
	}
	rows, err := a.Reports.AcrossTenants(c.UserContext(), c.Query("course"))
	if err != nil {
		return err
	}
	out := make([]tenantComplianceJSON, len(rows))
	for i, r := range rows {
		row := rowJSON(r.Row)
		row.OrgUnit = ""
		out[i] = tenantComplianceJSON{Tenant: r.Tenant, Name: r.Name, complianceRowJSON: row}
	}
	return c.JSON(fiber.Map{"course": c.Query("course"), "tenants": out})
}
