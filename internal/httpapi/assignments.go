package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/store"
)

type assignmentJSON struct {
	ID         string     `json:"id"`
	Course     string     `json:"course"`
	OrgUnit    *string    `json:"org_unit"` // null = the whole municipality (or one user)
	UserID     string     `json:"user_id,omitempty"`
	UserName   string     `json:"user_name,omitempty"`
	DueInDays  *int       `json:"due_in_days,omitempty"`
	DueDate    *time.Time `json:"due_date,omitempty"`
	Recurrence string     `json:"recurrence,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

func assignmentOf(a store.Assignment) assignmentJSON {
	out := assignmentJSON{ID: a.ID, Course: a.CourseSlug, UserID: a.UserID, UserName: a.UserName, DueInDays: a.DueInDays,
		DueDate: a.DueDate, Recurrence: a.Recurrence, CreatedAt: a.CreatedAt}
	if a.OrgUnitPath != "" {
		out.OrgUnit = &a.OrgUnitPath
	}
	return out
}

type assignmentBody struct {
	Course     string  `json:"course"`
	OrgUnit    *string `json:"org_unit"`
	UserID     string  `json:"user_id"`
	DueInDays  *int    `json:"due_in_days"`
	DueDate    string  `json:"due_date"`
	Recurrence string  `json:"recurrence"`
}

// createAssignment makes a course mandatory for the municipality, an org unit (sub-units
// included) or one person; package assignment checks and stores it.
func (a *API) createAssignment(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in assignmentBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	created, err := a.Assignments.Create(c.UserContext(), scope, httpx.MustPrincipal(c), assignment.Request{Course: in.Course,
		OrgUnit: in.OrgUnit, UserID: in.UserID, DueInDays: in.DueInDays, DueDate: in.DueDate, Recurrence: in.Recurrence})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(assignmentOf(created))
}

func (a *API) listAssignments(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	rows, err := a.Store.ListAssignments(c.UserContext(), scope)
	if err != nil {
		return err
	}
	out := make([]assignmentJSON, len(rows))
	for i, r := range rows {
		out[i] = assignmentOf(r)
	}
	return c.JSON(out)
}

// endAssignment stops an assignment; it stays on record.
func (a *API) endAssignment(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if _, err := a.Assignments.End(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type myAssignmentJSON struct {
	Course     courseRef  `json:"course"`
	DueAt      time.Time  `json:"due_at"`
	Status     string     `json:"status"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	Renewal    bool       `json:"renewal"`
}

// myAssignments lists the caller's mandatory courses, overdue first.
func (a *API) myAssignments(c *fiber.Ctx) error {
	list, err := a.Learning.Assigned(c.UserContext(), httpx.MustPrincipal(c))
	if err != nil {
		return err
	}
	out := make([]myAssignmentJSON, len(list))
	for i, ac := range list {
		crs := ac.Progress.Course
		lang := language(c, crs)
		out[i] = myAssignmentJSON{Course: courseRef{Slug: crs.Slug, Title: crs.TextFor(lang).Title, Version: crs.ContentHash},
			DueAt: ac.DueAt, Status: ac.Status, ValidUntil: ac.ValidUntil, Renewal: ac.Renewal}
	}
	return c.JSON(out)
}
