package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// Exemptions and manual completions: hr and admin of the municipality record them (operators
// do not — these are decisions about people). Package assignment checks, stores and audits
// them; these handlers only translate JSON, as the admin pages translate forms.

type exemptionJSON struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	UserName  string     `json:"user_name"`
	Course    string     `json:"course"`
	Reason    string     `json:"reason"`
	CreatedBy string     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
}

func exemptionOf(e store.Exemption) exemptionJSON {
	return exemptionJSON{ID: e.ID, UserID: e.UserID, UserName: e.UserName, Course: e.CourseSlug, Reason: e.Reason,
		CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt, RevokedAt: e.RevokedAt, RevokedBy: e.RevokedBy}
}

type manualCompletionJSON struct {
	ID          string     `json:"id"`
	UserID      string     `json:"user_id"`
	UserName    string     `json:"user_name"`
	Course      string     `json:"course"`
	CompletedOn string     `json:"completed_on"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
	Note        string     `json:"note"`
	RecordedBy  string     `json:"recorded_by,omitempty"`
	RecordedAt  time.Time  `json:"recorded_at"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	RevokedBy   string     `json:"revoked_by,omitempty"`
}

func manualCompletionOf(m store.ManualCompletion) manualCompletionJSON {
	return manualCompletionJSON{ID: m.ID, UserID: m.UserID, UserName: m.UserName, Course: m.CourseSlug,
		CompletedOn: m.CompletedAt.In(model.Berlin).Format(time.DateOnly), ValidUntil: m.ValidUntil, Note: m.Note,
		RecordedBy: m.RecordedBy, RecordedAt: m.RecordedAt, RevokedAt: m.RevokedAt, RevokedBy: m.RevokedBy}
}

type exemptionBody struct {
	UserID string `json:"user_id"`
	Course string `json:"course"`
	Reason string `json:"reason"`
}

// createExemption releases one person from one mandatory course, with the reason; package
// assignment checks, stores and audits it (as for the admin pages).
func (a *API) createExemption(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in exemptionBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	created, err := a.Assignments.Exempt(c.UserContext(), scope, httpx.MustPrincipal(c),
		assignment.ExemptionRequest{UserID: in.UserID, Course: in.Course, Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(exemptionOf(created))
}

// listExemptions lists the municipality's exemptions with names and reasons: a named list, so
// it is refused while named lists are off (report.NamedListsAllowed) and every answer is
// audited as report.exemptions, like the list across courses.
func (a *API) listExemptions(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	rows, err := a.Reports.Exemptions(c.UserContext(), t, "")
	if err != nil {
		return err
	}
	if err := a.auditNamedList(c, t, report.AuditExemptionList, len(rows)); err != nil {
		return err
	}
	out := make([]exemptionJSON, len(rows))
	for i, r := range rows {
		out[i] = exemptionOf(r)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// revokeExemption makes the course mandatory for the person again; the exemption stays on record.
func (a *API) revokeExemption(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if _, err := a.Assignments.RevokeExemption(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type manualCompletionBody struct {
	UserID      string `json:"user_id"`
	Course      string `json:"course"`
	CompletedOn string `json:"completed_on"`
	Note        string `json:"note"`
}

// createManualCompletion records that a person did a course in person: the day, a note, and
// the caller as the recording person. It lapses like a certificate issued that day.
func (a *API) createManualCompletion(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in manualCompletionBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	created, err := a.Assignments.RecordCompletion(c.UserContext(), scope, httpx.MustPrincipal(c),
		assignment.CompletionRequest{UserID: in.UserID, Course: in.Course, CompletedOn: in.CompletedOn, Note: in.Note})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(manualCompletionOf(created))
}

// listManualCompletions lists the municipality's manual completions with names and notes, under
// the same rules as listExemptions; audited as report.manual_completions.
func (a *API) listManualCompletions(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	rows, err := a.Reports.ManualCompletions(c.UserContext(), t, "")
	if err != nil {
		return err
	}
	if err := a.auditNamedList(c, t, report.AuditCompletionList, len(rows)); err != nil {
		return err
	}
	out := make([]manualCompletionJSON, len(rows))
	for i, r := range rows {
		out[i] = manualCompletionOf(r)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// auditNamedList writes that the caller was handed one of the lists of exemptions or manual
// completions across courses, with how many entries it held; it is written before the answer,
// so that no list goes out unrecorded.
func (a *API) auditNamedList(c *fiber.Ctx, t model.Tenant, action string, entries int) error {
	return a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, action, "", map[string]string{"entries": strconv.Itoa(entries)})
}

// revokeManualCompletion withdraws a completion recorded in error; it stays on record.
func (a *API) revokeManualCompletion(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if _, err := a.Assignments.RevokeCompletion(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
