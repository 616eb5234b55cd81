package httpapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/schedule"
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
// included) or one person.
func (a *API) createAssignment(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if scope.All() {
		return model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	var in assignmentBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	asg := store.Assignment{Recurrence: strings.TrimSpace(in.Recurrence), CreatedBy: httpx.MustPrincipal(c).UserID}
	v := &model.ValidationError{}
	if entry, err := a.Catalog.Get(in.Course, false); err != nil {
		v.Add("course", "there is no published course \""+in.Course+"\"")
	} else {
		asg.CourseID = entry.CourseID
	}
	switch {
	case in.DueInDays != nil && in.DueDate != "":
		v.Add("due_in_days", "give either due_in_days or due_date, not both")
	case in.DueInDays != nil:
		if *in.DueInDays < 0 || *in.DueInDays > 3650 {
			v.Add("due_in_days", "must be between 0 and 3650")
		}
		asg.DueInDays = in.DueInDays
	case in.DueDate != "":
		d, err := time.ParseInLocation("2006-01-02", in.DueDate, model.Berlin)
		if err != nil {
			v.Add("due_date", "must be a date like 2027-01-15")
		} else {
			end := d.Add(24*time.Hour - time.Second) // due at the end of that day
			asg.DueDate = &end
		}
	default:
		v.Add("due_in_days", "give due_in_days (days after assignment or joining) or due_date")
	}
	if r, err := schedule.Parse(asg.Recurrence); err != nil {
		v.Add("recurrence", schedule.Problem)
	} else {
		asg.Recurrence = r.String() // one spelling: "1y" is stored as "12mo", "Yearly:01-15" as "yearly:01-15"
	}
	if in.OrgUnit != nil && in.UserID != "" {
		v.Add("org_unit", "assign to an org unit or to one user, not both")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	if in.OrgUnit != nil && strings.TrimSpace(*in.OrgUnit) != "" {
		unit, err := a.Store.OrgUnitByPath(c.UserContext(), scope, *in.OrgUnit)
		if err != nil {
			return model.Invalid("org_unit", "there is no org unit \""+*in.OrgUnit+"\"; create it first or check the spelling")
		}
		asg.OrgUnitID = unit.ID
	}
	if in.UserID != "" {
		u, err := a.Store.UserByID(c.UserContext(), scope, in.UserID)
		if err != nil {
			return model.Invalid("user_id", "there is no such user in this municipality")
		}
		asg.UserID = u.ID
	}
	if err := a.Store.CreateAssignment(c.UserContext(), scope, &asg); err != nil {
		return err
	}
	created, err := a.Store.AssignmentByID(c.UserContext(), scope, asg.ID)
	if err != nil {
		return err
	}
	target := "whole municipality"
	if created.OrgUnitPath != "" {
		target = created.OrgUnitPath
	} else if created.UserName != "" {
		target = created.UserName
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), scope.TenantID(), "assignment.create", created.CourseSlug+" → "+target, nil); err != nil {
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
	asg, err := a.Store.AssignmentByID(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	if err := a.Store.EndAssignment(c.UserContext(), scope, asg.ID); err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), asg.TenantID, "assignment.end", asg.CourseSlug, nil); err != nil {
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
