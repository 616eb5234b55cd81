package web

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/schedule"
	"github.com/wachsam/wachsam/internal/store"
)

// assignmentForm is the create form as the user filled it in, so that an error shows it again.
type assignmentForm struct {
	Course, Target, OrgUnit, Email string
	DueKind, DueInDays, DueDate    string
	// Recurrence: RecKind "none", "months" (every RecMonths months after the last completion)
	// or "yearly" (every year by the day and month of RecDate, picked with a date input).
	RecKind, RecMonths, RecDate string
}

type assignmentRow struct {
	store.Assignment
	CourseTitle    string
	RecurrenceText string // "" = once
}

type assignmentsData struct {
	Rows     []assignmentRow
	Courses  []courseLink
	OrgUnits []string
	Form     assignmentForm
	Errors   map[string]string // field → message key
}

func (w *Web) assignmentsView(c *fiber.Ctx, scope store.Scope, form assignmentForm, errs map[string]string) (*View, error) {
	rows, err := w.store.ListAssignments(c.UserContext(), scope)
	if err != nil {
		return nil, err
	}
	units, err := w.orgUnitPaths(c, scope)
	if err != nil {
		return nil, err
	}
	v := w.pageView(c, nil)
	d := assignmentsData{Form: form, Errors: errs, OrgUnits: units}
	for _, r := range rows {
		d.Rows = append(d.Rows, assignmentRow{Assignment: r, CourseTitle: w.courseTitle(c, r.CourseSlug), RecurrenceText: recurrenceText(v, r.Recurrence)})
	}
	for _, e := range w.courses.List(false) {
		d.Courses = append(d.Courses, courseLink{Slug: e.Course.Slug, Title: w.courseTitle(c, e.Course.Slug), Selected: e.Course.Slug == form.Course})
	}
	slices.SortFunc(d.Courses, func(a, b courseLink) int { return strings.Compare(a.Title, b.Title) })
	v.Data = d
	return v, nil
}

// recurrenceText says in words when a course is due again: "every 12 months" or "every year
// by 15 January"; what cannot be read is shown as stored.
func recurrenceText(v *View, stored string) string {
	r, err := schedule.Parse(stored)
	switch {
	case stored == "":
		return ""
	case err != nil:
		return stored
	case r.Fixed():
		day := time.Date(2028, r.Month, r.Day, 12, 0, 0, 0, model.Berlin) // 2028: 29 February exists
		if v.Lang == "en" {
			return v.T("assign.rec_yearly_on", day.Format("2 January"))
		}
		return v.T("assign.rec_yearly_on", day.Format("02.01."))
	case r.Every.Days == 0:
		return v.T("assign.rec_months_every", r.Every.Months)
	default:
		return v.T("assign.rec_every", r.String())
	}
}

// assignmentsPage lists the current assignments with a button to end each, and the form to
// make a course mandatory.
func (w *Web) assignmentsPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v, err := w.assignmentsView(c, scope, assignmentForm{Target: "tenant", DueKind: "days", DueInDays: "30", RecKind: "none", RecMonths: "12"}, nil)
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "created":
		v.Notice = "assign.created"
	case "ended":
		v.Notice = "assign.ended"
	}
	return w.renderUser(c, fiber.StatusOK, "admin_assignments", "assign.title", v)
}

// createAssignment reads the form into an assignment.Request; package assignment checks it like
// the API's. Each problem is shown at its field with what to fix.
func (w *Web) createAssignment(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	f := assignmentForm{Course: c.FormValue("course"), Target: c.FormValue("target"), OrgUnit: strings.TrimSpace(c.FormValue("org_unit")),
		Email: strings.TrimSpace(c.FormValue("email")), DueKind: c.FormValue("due_kind"), DueInDays: strings.TrimSpace(c.FormValue("due_in_days")),
		DueDate: strings.TrimSpace(c.FormValue("due_date")), RecKind: c.FormValue("rec_kind"), RecMonths: strings.TrimSpace(c.FormValue("rec_months")),
		RecDate: strings.TrimSpace(c.FormValue("rec_date"))}
	errs := map[string]string{}
	req := assignment.Request{Course: f.Course}
	recField := "" // the form field a recurrence problem belongs to
	switch f.RecKind {
	case "months":
		recField = "rec_months"
		if n, err := strconv.Atoi(f.RecMonths); err != nil || n < 1 || n > 120 {
			errs[recField] = "assign.err.rec_months"
		} else {
			req.Recurrence = strconv.Itoa(n) + "mo"
		}
	case "yearly":
		recField = "rec_date"
		if d, err := time.Parse(time.DateOnly, f.RecDate); err != nil {
			errs[recField] = "assign.err.rec_date"
		} else {
			req.Recurrence = d.Format("yearly:01-02") // the year of the picked date does not matter
		}
	default:
		f.RecKind = "none"
	}
	switch f.Target {
	case "unit":
		if f.OrgUnit == "" {
			errs["org_unit"] = "assign.err.org_unit_missing"
		}
		req.OrgUnit = &f.OrgUnit
	case "person":
		id, err := w.userByEmail(c, scope, f.Email)
		if err != nil {
			if !errors.Is(err, model.ErrNotFound) {
				return err
			}
			errs["email"] = "assign.err.email"
		}
		req.UserID = id
	default:
		f.Target = "tenant"
	}
	switch f.DueKind {
	case "date":
		if f.DueDate == "" {
			errs["due_date"] = "assign.err.due_date"
		}
		req.DueDate = f.DueDate
	default:
		f.DueKind = "days"
		n, err := strconv.Atoi(f.DueInDays)
		if err != nil {
			errs["due_in_days"] = "assign.err.due_in_days"
		}
		req.DueInDays = &n
	}
	if len(errs) == 0 {
		_, err = w.assignments.Create(c.UserContext(), scope, httpx.MustPrincipal(c), req)
		var ve *model.ValidationError
		switch {
		case err == nil:
			return c.Redirect("/admin/assignments?done=created", fiber.StatusSeeOther)
		case errors.As(err, &ve):
			for field := range ve.Fields {
				if field == "recurrence" && recField != "" {
					errs[recField] = "assign.err." + recField
					continue
				}
				errs[field] = "assign.err." + field
			}
		default:
			return err
		}
	}
	v, err := w.assignmentsView(c, scope, f, errs)
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_assignments", "assign.title", v)
}

// userByEmail finds a person of the municipality by e-mail address (exactly, any case).
func (w *Web) userByEmail(c *fiber.Ctx, scope store.Scope, email string) (string, error) {
	if email == "" {
		return "", model.ErrNotFound
	}
	u, err := w.store.UserByEmail(c.UserContext(), scope, email)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// endAssignment ends one assignment of the municipality (another's is 404).
func (w *Web) endAssignment(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	if _, err := w.assignments.End(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/admin/assignments?done=ended", fiber.StatusSeeOther)
}
