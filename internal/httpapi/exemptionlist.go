package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// exemptionEntryJSON is one exemption or manual completion in the list across courses.
type exemptionEntryJSON struct {
	ID             string     `json:"id"`
	Kind           string     `json:"kind"` // exemption, manual_completion
	UserID         string     `json:"user_id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	EmployeeNumber string     `json:"employee_number,omitempty"`
	OrgUnit        string     `json:"org_unit"`
	Course         string     `json:"course"`
	Reason         string     `json:"reason,omitempty"`       // exemption
	Note           string     `json:"note,omitempty"`         // manual completion
	CompletedOn    string     `json:"completed_on,omitempty"` // manual completion: the day, in Berlin
	ValidUntil     *time.Time `json:"valid_until,omitempty"`  // manual completion
	RecordedBy     string     `json:"recorded_by,omitempty"`
	RecordedByName string     `json:"recorded_by_name,omitempty"`
	RecordedAt     time.Time  `json:"recorded_at"`
	Active         bool       `json:"active"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
	RevokedBy      string     `json:"revoked_by,omitempty"`
	RevokedByName  string     `json:"revoked_by_name,omitempty"`
}

func exemptionEntryOf(e store.ExemptionOrCompletion) exemptionEntryJSON {
	out := exemptionEntryJSON{ID: e.ID, Kind: e.Kind, UserID: e.UserID, Name: e.UserName, Email: e.UserEmail, EmployeeNumber: e.EmployeeNumber,
		OrgUnit: e.OrgUnitPath, Course: e.CourseSlug, RecordedBy: e.RecordedBy, RecordedByName: e.RecordedByName, RecordedAt: e.RecordedAt,
		Active: e.RevokedAt == nil, RevokedAt: e.RevokedAt, RevokedBy: e.RevokedBy, RevokedByName: e.RevokedByName}
	if e.Kind == store.KindExemption {
		out.Reason = e.Text
	} else {
		out.Note, out.ValidUntil = e.Text, e.ValidUntil
		if e.CompletedAt != nil {
			out.CompletedOn = e.CompletedAt.In(model.Berlin).Format(time.DateOnly)
		}
	}
	return out
}

// exemptionsReport is the list of exemptions and manual completions across the municipality's
// courses, newest first, for evidence: named data, so the named list's rules hold (hr, admin
// and API keys with reports:named; the municipality's named_reports switch; every call
// audited, with the key as actor when a key calls). Filters: ?course=, ?kind=, ?state=,
// ?org_unit= (sub-units included); pages of ?limit= (100 by default) with a cursor (paging.go).
func (a *API) exemptionsReport(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	q := report.ExemptionQuery{Course: c.Query("course"), Kind: c.Query("kind"), State: c.Query("state"), OrgUnit: c.Query("org_unit")}
	if q.State == "" {
		q.State = "all"
	}
	if q.Limit, err = pageLimit(c, 100, 1000); err != nil {
		return err
	}
	binding := pagecursor.Binding("exemptions", t.ID, q.Course, q.Kind, q.State, q.OrgUnit)
	after, err := a.openCursor(c, binding, 2)
	if err != nil {
		return err
	}
	if after != nil {
		if err := q.StartAfter(after); err != nil {
			return err
		}
	}
	list, more, err := a.Reports.ExemptionsAndCompletions(c.UserContext(), t, q)
	if err != nil {
		return err
	}
	details := map[string]string{"kind": q.Kind, "state": q.State, "entries": strconv.Itoa(len(list))}
	if q.OrgUnit != "" {
		details["org_unit"] = q.OrgUnit
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditExemptions, q.Course, details); err != nil {
		return err
	}
	out := make([]exemptionEntryJSON, len(list))
	for i, e := range list {
		out[i] = exemptionEntryOf(e)
	}
	if more {
		a.announceNext(c, binding, report.ExemptionKey(list[len(list)-1])...)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
