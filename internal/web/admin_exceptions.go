package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// Exemptions and manual completions of one mandatory course: who is released from it and why,
// who did it in person and when. The pages read forms into the requests of package assignment,
// which checks, stores and audits them exactly as for the API; a person is named by e-mail
// address here (the API takes the user id), typed in, so the forms need no list of people.
// Both lists show revoked entries too, because they are evidence. They name people and their
// reasons, so they are named lists: shown only where the municipality allows named lists
// (report.NamedListsAllowed, the rule every named list asks) and each view written to the audit
// log as report.exemptions or report.manual_completions. While named lists are off the page
// says so, lists nobody, and the form keeps working: recording is an act, audited on its own.

// exceptionRow is an exemption or a manual completion as the lists show it.
type exceptionRow struct {
	ID, Person, Text string
	By               string     // who decided or recorded it
	At               time.Time  // when
	Day              *time.Time // manual completion: the day of the training
	ValidUntil       *time.Time // manual completion: when it lapses; nil = never
	RevokedAt        *time.Time
	RevokedBy        string
}

// exceptionForm is the create form as the user filled it in, so that an error shows it again.
type exceptionForm struct {
	Email, Reason, CompletedOn, Note string
	RevokeEmail                      string // the revoke-by-address form
}

type exceptionsData struct {
	Slug, Title     string
	Off             bool // the municipality does not allow named lists: no entries shown
	Active, Revoked []exceptionRow
	Form            exceptionForm
	Errors          map[string]string // field → message key
	Today           string            // the latest day a training can have taken place (YYYY-MM-DD)
	MaxText         int
	RevokedByEmail  string // the answer of the revoke-by-address form: what was revoked
}

// exceptionCourse is the published course of the URL (404 otherwise) and the municipality.
func (w *Web) exceptionCourse(c *fiber.Ctx) (string, model.Tenant, store.Scope, error) {
	t, scope, err := w.adminTenant(c)
	if err != nil {
		return "", model.Tenant{}, store.Scope{}, err
	}
	slug := c.Params("slug")
	if _, err := w.courses.Get(slug, false); err != nil {
		return "", model.Tenant{}, store.Scope{}, model.ErrNotFound
	}
	return slug, t, scope, nil
}

// names resolves the ids of the people who decided or revoked to names; someone who is not
// (or no longer) in the municipality shows as "–".
func (w *Web) names(c *fiber.Ctx, scope store.Scope, ids ...string) map[string]string {
	out := map[string]string{"": "–"}
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		out[id] = "–"
		if u, err := w.store.UserByID(c.UserContext(), scope, id); err == nil {
			out[id] = u.Name
		}
	}
	return out
}

// exceptionsView is the course's page of exemptions or manual completions with the form (as
// filled in, with its problems). Showing the list is a view of a named list: audited here, so
// that the page after a refused form is recorded too; nothing is read or audited while named
// lists are off.
func (w *Web) exceptionsView(c *fiber.Ctx, t model.Tenant, scope store.Scope, slug string, exemptions bool, form exceptionForm, errs map[string]string) (*View, error) {
	d := exceptionsData{Slug: slug, Title: w.courseTitle(c, slug), Form: form, Errors: errs, MaxText: assignment.MaxText,
		Today: w.store.Now().In(model.Berlin).Format(time.DateOnly)}
	v := w.pageView(c, &d)
	if exemptions {
		v.Title = v.T("exc.exemptions_title", d.Title)
	} else {
		v.Title = v.T("exc.completions_title", d.Title)
	}
	var rows []exceptionRow
	var ids []string
	action := report.AuditExemptionList
	if exemptions {
		list, err := w.reports.Exemptions(c.UserContext(), t, slug)
		if errors.Is(err, model.ErrForbidden) {
			d.Off = true
			return v, nil
		} else if err != nil {
			return nil, err
		}
		for _, e := range list {
			rows = append(rows, exceptionRow{ID: e.ID, Person: e.UserName, Text: e.Reason, By: e.CreatedBy, At: e.CreatedAt, RevokedAt: e.RevokedAt, RevokedBy: e.RevokedBy})
			ids = append(ids, e.CreatedBy, e.RevokedBy)
		}
	} else {
		action = report.AuditCompletionList
		list, err := w.reports.ManualCompletions(c.UserContext(), t, slug)
		if errors.Is(err, model.ErrForbidden) {
			d.Off = true
			return v, nil
		} else if err != nil {
			return nil, err
		}
		for _, m := range list {
			day := m.CompletedAt
			rows = append(rows, exceptionRow{ID: m.ID, Person: m.UserName, Text: m.Note, By: m.RecordedBy, At: m.RecordedAt, Day: &day,
				ValidUntil: m.ValidUntil, RevokedAt: m.RevokedAt, RevokedBy: m.RevokedBy})
			ids = append(ids, m.RecordedBy, m.RevokedBy)
		}
	}
	details := map[string]string{"entries": strconv.Itoa(len(rows)), "via": "page"}
	if err := w.identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, action, slug, details); err != nil {
		return nil, err
	}
	names := w.names(c, scope, ids...)
	for _, r := range rows {
		r.By, r.RevokedBy = names[r.By], names[r.RevokedBy]
		if r.RevokedAt == nil {
			d.Active = append(d.Active, r)
		} else {
			d.Revoked = append(d.Revoked, r)
		}
	}
	return v, nil
}

func (w *Web) exemptionsPage(c *fiber.Ctx) error   { return w.exceptionsPage(c, true) }
func (w *Web) completionsPage(c *fiber.Ctx) error  { return w.exceptionsPage(c, false) }
func (w *Web) createExemption(c *fiber.Ctx) error  { return w.createException(c, true) }
func (w *Web) createCompletion(c *fiber.Ctx) error { return w.createException(c, false) }

func exceptionsTemplate(exemptions bool) string {
	if exemptions {
		return "admin_exemptions"
	}
	return "admin_completions"
}

// exceptionsPage lists the course's exemptions or manual completions with the form to add one.
func (w *Web) exceptionsPage(c *fiber.Ctx, exemptions bool) error {
	slug, t, scope, err := w.exceptionCourse(c)
	if err != nil {
		return err
	}
	v, err := w.exceptionsView(c, t, scope, slug, exemptions, exceptionForm{}, nil)
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "created":
		v.Notice = "exc.created"
	case "revoked":
		v.Notice = "exc.revoked"
	}
	return w.renderUser(c, fiber.StatusOK, exceptionsTemplate(exemptions), "", v)
}

// exceptionPerson is the person of the municipality a form names by the address typed in, or
// the message key saying why there is none (no address given, or nobody here has it); err
// only when the store fails.
func (w *Web) exceptionPerson(c *fiber.Ctx, scope store.Scope, email string) (userID, problem string, err error) {
	userID, err = w.userByEmail(c, scope, email)
	switch {
	case errors.Is(err, model.ErrNotFound) && email == "":
		return "", "exc.err.email_missing", nil
	case errors.Is(err, model.ErrNotFound):
		return "", "assign.err.email", nil
	}
	return userID, "", err
}

// createException reads the form into package assignment's request; each problem is shown at
// its field with what to fix.
func (w *Web) createException(c *fiber.Ctx, exemptions bool) error {
	slug, t, scope, err := w.exceptionCourse(c)
	if err != nil {
		return err
	}
	f := exceptionForm{Email: strings.TrimSpace(c.FormValue("email")), Reason: c.FormValue("reason"),
		CompletedOn: strings.TrimSpace(c.FormValue("completed_on")), Note: c.FormValue("note")}
	errs := map[string]string{}
	userID, problem, err := w.exceptionPerson(c, scope, f.Email)
	if err != nil {
		return err
	}
	if problem != "" {
		errs["email"] = problem
	}
	p := httpx.MustPrincipal(c)
	if exemptions {
		_, err = w.assignments.Exempt(c.UserContext(), scope, p, assignment.ExemptionRequest{UserID: userID, Course: slug, Reason: f.Reason})
	} else {
		_, err = w.assignments.RecordCompletion(c.UserContext(), scope, p,
			assignment.CompletionRequest{UserID: userID, Course: slug, CompletedOn: f.CompletedOn, Note: f.Note})
	}
	var ve *model.ValidationError
	switch {
	case err == nil && len(errs) == 0:
		return c.Redirect(exceptionsPath(slug, exemptions)+"?done=created", fiber.StatusSeeOther)
	case err == nil: // only the e-mail was wrong, and the request named nobody: nothing was stored
	case errors.As(err, &ve):
		for field := range ve.Fields {
			switch field {
			case "user_id":
				if errs["email"] == "" {
					errs["email"] = "assign.err.email"
				}
			case "completed_on":
				errs[field] = "exc.err.completed_on"
				if day, err := time.ParseInLocation(time.DateOnly, f.CompletedOn, model.Berlin); err == nil && day.After(w.store.Now()) {
					errs[field] = "exc.err.completed_on_future" // a readable date, so it was refused for lying ahead
				}
			case "reason", "note":
				errs[field] = "exc.err." + field
			default:
				errs[field] = "exc.err.other"
			}
		}
	case errors.Is(err, model.ErrConflict): // an active exemption of this person exists already
		errs["email"] = "exc.err.already_exempt"
		if report.NamedListsAllowed(t) != nil {
			errs["email"] = "exc.err.already_exempt_off" // the page cannot show the exemption to revoke
		}
	default:
		return err
	}
	v, err := w.exceptionsView(c, t, scope, slug, exemptions, f, errs)
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, exceptionsTemplate(exemptions), "", v)
}

func exceptionsPath(slug string, exemptions bool) string {
	if exemptions {
		return "/admin/reports/" + url.PathEscape(slug) + "/exemptions"
	}
	return "/admin/reports/" + url.PathEscape(slug) + "/completions"
}

func (w *Web) revokeExemption(c *fiber.Ctx) error  { return w.revokeException(c, true) }
func (w *Web) revokeCompletion(c *fiber.Ctx) error { return w.revokeException(c, false) }

// revokeException revokes one entry of the course and municipality: another municipality's,
// or one of another course, is 404 like a missing one.
func (w *Web) revokeException(c *fiber.Ctx, exemptions bool) error {
	slug, _, scope, err := w.exceptionCourse(c)
	if err != nil {
		return err
	}
	id, p := c.Params("id"), httpx.MustPrincipal(c)
	if exemptions {
		if e, err := w.store.ExemptionByID(c.UserContext(), scope, id); err != nil {
			return err
		} else if e.CourseSlug != slug {
			return model.ErrNotFound
		}
		_, err = w.assignments.RevokeExemption(c.UserContext(), scope, p, id)
	} else {
		if m, err := w.store.ManualCompletionByID(c.UserContext(), scope, id); err != nil {
			return err
		} else if m.CourseSlug != slug {
			return model.ErrNotFound
		}
		_, err = w.assignments.RevokeCompletion(c.UserContext(), scope, p, id)
	}
	if err != nil {
		return err
	}
	if c.FormValue("back") == "list" { // revoked from the list across courses: back there
		return c.Redirect(exemptionListPath+"?done=revoked", fiber.StatusSeeOther)
	}
	return c.Redirect(exceptionsPath(slug, exemptions)+"?done=revoked", fiber.StatusSeeOther)
}

func (w *Web) revokeExemptionByEmail(c *fiber.Ctx) error  { return w.revokeExceptionByEmail(c, true) }
func (w *Web) revokeCompletionByEmail(c *fiber.Ctx) error { return w.revokeExceptionByEmail(c, false) }

// revokeExceptionByEmail revokes by the person's address what the course's page cannot offer a
// button for while named lists are off: the person's active exemption from the course, or the
// in-person training of theirs recorded last (see assignment.RevokeLatestCompletionOf). It
// names nobody the user did not type: the answer gives the address typed, the dates of the
// entry revoked and, for trainings, how many more stay active; never a reason or a note. The
// rules are those of revoking by id: hr and admins of the municipality, audited.
func (w *Web) revokeExceptionByEmail(c *fiber.Ctx, exemptions bool) error {
	slug, t, scope, err := w.exceptionCourse(c)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(c.FormValue("revoke_email"))
	errs := map[string]string{}
	userID, problem, err := w.exceptionPerson(c, scope, email)
	if err != nil {
		return err
	}
	if problem != "" {
		errs["revoke_email"] = problem
	}
	var done func(v *View) string
	if len(errs) == 0 {
		p := httpx.MustPrincipal(c)
		if exemptions {
			ex, err := w.assignments.RevokeExemptionOf(c.UserContext(), scope, p, userID, slug)
			switch {
			case errors.Is(err, model.ErrNotFound):
				errs["revoke_email"] = "exc.err.nothing_exemptions"
			case err != nil:
				return err
			default:
				done = func(v *View) string { return v.T("exc.revoked_exemption_of", email, v.Date(ex.CreatedAt)) }
			}
		} else {
			m, left, err := w.assignments.RevokeLatestCompletionOf(c.UserContext(), scope, p, userID, slug)
			switch {
			case errors.Is(err, model.ErrNotFound):
				errs["revoke_email"] = "exc.err.nothing_completions"
			case err != nil:
				return err
			default:
				done = func(v *View) string {
					s := v.T("exc.revoked_completion_of", email, v.Date(m.CompletedAt), v.Date(m.RecordedAt))
					if left > 0 {
						s += " " + v.T("exc.completions_left", left)
					}
					return s
				}
			}
		}
	}
	form := exceptionForm{}
	if len(errs) > 0 {
		form.RevokeEmail = email // shown again to correct; after success the field is empty
	}
	v, err := w.exceptionsView(c, t, scope, slug, exemptions, form, errs)
	if err != nil {
		return err
	}
	if done != nil {
		v.Data.(*exceptionsData).RevokedByEmail = done(v)
		return w.renderUser(c, fiber.StatusOK, exceptionsTemplate(exemptions), "", v)
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, exceptionsTemplate(exemptions), "", v)
}

// activeExceptions counts the course's exemptions and manual completions not revoked.
func (w *Web) activeExceptions(c *fiber.Ctx, scope store.Scope, slug string) (exemptions, completions int, err error) {
	e, err := w.courses.Get(slug, false)
	if err != nil {
		return 0, 0, err
	}
	if exemptions, err = w.store.CountActiveExemptions(c.UserContext(), scope, e.CourseID); err != nil {
		return 0, 0, err
	}
	completions, err = w.store.CountActiveManualCompletions(c.UserContext(), scope, e.CourseID)
	return exemptions, completions, err
}
