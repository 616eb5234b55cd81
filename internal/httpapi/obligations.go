package httpapi

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Exemptions and manual completions: hr and admin of the municipality record them (operators
// do not — these are decisions about people), each is audited, and both stay on record when
// revoked. The store updates the person's obligation in the same transaction, so the reports
// count them at once: an exempt person leaves the denominator, a manual completion counts as
// completed until it lapses like a certificate issued that day.

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

// tenantScope is the one municipality an exemption or manual completion belongs to.
func (a *API) tenantScope(c *fiber.Ctx) (store.Scope, error) {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err == nil && scope.All() {
		err = model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	return scope, err
}

// personAndCourse checks the user id and course slug of a request body.
func (a *API) personAndCourse(c *fiber.Ctx, scope store.Scope, v *model.ValidationError, userID, slug string) (model.User, string) {
	var user model.User
	var courseID string
	if userID == "" {
		v.Add("user_id", "name the person with user_id (the id from /api/v1/admin/users)")
	} else if u, err := a.Store.UserByID(c.UserContext(), scope, userID); err != nil {
		v.Add("user_id", "there is no such user in this municipality")
	} else {
		user = u
	}
	if entry, err := a.Catalog.Get(slug, false); err != nil {
		v.Add("course", "there is no published course \""+slug+"\"")
	} else {
		courseID = entry.CourseID
	}
	return user, courseID
}

func checkText(v *model.ValidationError, field, text, what string) string {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		v.Add(field, "give "+what)
	case utf8.RuneCountInString(text) > 1000:
		v.Add(field, "must be at most 1000 characters")
	}
	return text
}

type exemptionBody struct {
	UserID string `json:"user_id"`
	Course string `json:"course"`
	Reason string `json:"reason"`
}

// createExemption releases one person from one mandatory course, with the reason.
func (a *API) createExemption(c *fiber.Ctx) error {
	scope, err := a.tenantScope(c)
	if err != nil {
		return err
	}
	var in exemptionBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	v := &model.ValidationError{}
	user, courseID := a.personAndCourse(c, scope, v, in.UserID, in.Course)
	reason := checkText(v, "reason", in.Reason, "the reason for the exemption (it is kept as evidence)")
	if err := v.OrNil(); err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	ex := store.Exemption{UserID: user.ID, CourseID: courseID, Reason: reason, CreatedBy: p.UserID}
	if err := a.Store.CreateExemption(c.UserContext(), scope, &ex); err != nil {
		return err
	}
	created, err := a.Store.ExemptionByID(c.UserContext(), scope, ex.ID)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), p, created.TenantID, "exemption.create", created.CourseSlug+" → "+user.Name,
		map[string]string{"user_id": user.ID, "reason": reason}); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(exemptionOf(created))
}

func (a *API) listExemptions(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	rows, err := a.Store.ListExemptions(c.UserContext(), scope)
	if err != nil {
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
	p := httpx.MustPrincipal(c)
	ex, err := a.Store.RevokeExemption(c.UserContext(), scope, c.Params("id"), p.UserID)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), p, ex.TenantID, "exemption.revoke", ex.CourseSlug+" → "+ex.UserName,
		map[string]string{"user_id": ex.UserID, "exemption_id": ex.ID}); err != nil {
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
	scope, err := a.tenantScope(c)
	if err != nil {
		return err
	}
	var in manualCompletionBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	v := &model.ValidationError{}
	user, courseID := a.personAndCourse(c, scope, v, in.UserID, in.Course)
	note := checkText(v, "note", in.Note, "a note: which training, where, by whom")
	day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.CompletedOn), model.Berlin)
	switch {
	case err != nil:
		v.Add("completed_on", "must be the day of the training, like 2027-03-01")
	case day.After(a.Store.Now()):
		v.Add("completed_on", "lies in the future; record a training once it has taken place")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	m := store.ManualCompletion{UserID: user.ID, CourseID: courseID, CompletedAt: day.UTC(), Note: note, RecordedBy: httpx.MustPrincipal(c).UserID}
	if entry, err := a.Catalog.Get(in.Course, false); err == nil && !entry.Course.Validity.IsZero() {
		until := entry.Course.Validity.AddTo(day).UTC() // as a certificate issued that day would
		m.ValidUntil = &until
	}
	if err := a.Store.CreateManualCompletion(c.UserContext(), scope, &m); err != nil {
		return err
	}
	created, err := a.Store.ManualCompletionByID(c.UserContext(), scope, m.ID)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), created.TenantID, "completion.manual", created.CourseSlug+" → "+user.Name,
		map[string]string{"user_id": user.ID, "completed_on": in.CompletedOn, "note": note}); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(manualCompletionOf(created))
}

func (a *API) listManualCompletions(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	rows, err := a.Store.ListManualCompletions(c.UserContext(), scope)
	if err != nil {
		return err
	}
	out := make([]manualCompletionJSON, len(rows))
	for i, r := range rows {
		out[i] = manualCompletionOf(r)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// revokeManualCompletion withdraws a completion recorded in error; it stays on record.
func (a *API) revokeManualCompletion(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	m, err := a.Store.RevokeManualCompletion(c.UserContext(), scope, c.Params("id"), p.UserID)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), p, m.TenantID, "completion.manual_revoke", m.CourseSlug+" → "+m.UserName,
		map[string]string{"user_id": m.UserID, "manual_completion_id": m.ID}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
