package assignment

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Exemptions and manual completions are decisions about single people under an assignment:
// hr and admin of the municipality record them (operators do not), each is audited, and both
// stay on record when revoked. The store updates the person's obligation in the same
// transaction, so the reports count them at once: an exempt person leaves the denominator, a
// manual completion counts as completed until it lapses like a certificate issued that day.
//
// The API and the admin pages both call these methods; problems are reported per field under
// the names user_id, course, reason, completed_on and note.

// ExemptionRequest releases one person from one mandatory course.
type ExemptionRequest struct {
	UserID string
	Course string // slug of a published course
	Reason string // kept as evidence; required, at most 1000 characters
}

// CompletionRequest records a course done outside Wachsam (an in-person training).
type CompletionRequest struct {
	UserID      string
	Course      string
	CompletedOn string // YYYY-MM-DD, not in the future
	Note        string // which training, where, by whom; required, at most 1000 characters
}

// MaxText is the longest reason or note, in characters.
const MaxText = 1000

// oneTenant refuses a scope across municipalities: these records belong to one.
func oneTenant(scope store.Scope) error {
	if scope.All() {
		return model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	return nil
}

// personAndCourse checks the user id and course slug of a request.
func (s *Service) personAndCourse(ctx context.Context, scope store.Scope, v *model.ValidationError, userID, slug string) (model.User, string) {
	var user model.User
	var courseID string
	if userID == "" {
		v.Add("user_id", "name the person with user_id (the id from /api/v1/admin/users)")
	} else if u, err := s.store.UserByID(ctx, scope, userID); err != nil {
		v.Add("user_id", "there is no such user in this municipality")
	} else {
		user = u
	}
	if entry, err := s.catalog.Get(slug, false); err != nil {
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
	case utf8.RuneCountInString(text) > MaxText:
		v.Add(field, "must be at most 1000 characters")
	}
	return text
}

// Exempt releases one person from one mandatory course, with the reason, and writes
// exemption.create to the audit log. A second active exemption is a conflict.
func (s *Service) Exempt(ctx context.Context, scope store.Scope, actor auth.Principal, in ExemptionRequest) (store.Exemption, error) {
	if err := oneTenant(scope); err != nil {
		return store.Exemption{}, err
	}
	v := &model.ValidationError{}
	user, courseID := s.personAndCourse(ctx, scope, v, in.UserID, in.Course)
	reason := checkText(v, "reason", in.Reason, "the reason for the exemption (it is kept as evidence)")
	if err := v.OrNil(); err != nil {
		return store.Exemption{}, err
	}
	ex := store.Exemption{UserID: user.ID, CourseID: courseID, Reason: reason, CreatedBy: actor.UserID}
	var created store.Exemption
	err := s.inTx(ctx, func(tx *Service) error {
		if err := tx.store.CreateExemption(ctx, scope, &ex); err != nil {
			return err
		}
		var err error
		if created, err = tx.store.ExemptionByID(ctx, scope, ex.ID); err != nil {
			return err
		}
		return tx.identity.Audit(ctx, actor, created.TenantID, "exemption.create", created.CourseSlug+" → "+user.Name,
			map[string]string{"user_id": user.ID})
	})
	if err != nil {
		return store.Exemption{}, err
	}
	return created, nil
}

// RevokeExemption makes the course mandatory for the person again (the exemption stays on
// record) and writes exemption.revoke to the audit log. Another municipality's is not found.
func (s *Service) RevokeExemption(ctx context.Context, scope store.Scope, actor auth.Principal, id string) (store.Exemption, error) {
	var ex store.Exemption
	err := s.inTx(ctx, func(tx *Service) error { return tx.revokeExemption(ctx, scope, actor, id, "", &ex) })
	if err != nil {
		return store.Exemption{}, err
	}
	return ex, nil
}

// revokeExemption revokes and audits inside the caller's transaction; via, when not empty, is
// the audit detail found_by: how the entry was found when not by its id.
func (s *Service) revokeExemption(ctx context.Context, scope store.Scope, actor auth.Principal, id, via string, out *store.Exemption) error {
	ex, err := s.store.RevokeExemption(ctx, scope, id, actor.UserID)
	if err != nil {
		return err
	}
	*out = ex
	details := map[string]string{"user_id": ex.UserID, "exemption_id": ex.ID}
	if via != "" {
		details["found_by"] = via
	}
	return s.identity.Audit(ctx, actor, ex.TenantID, "exemption.revoke", ex.CourseSlug+" → "+ex.UserName, details)
}

// RevokeExemptionOf revokes the person's active exemption from the course, found by person and
// course rather than by id: while named lists are off no page lists exemptions, so HR names the
// person by the address they type and nothing else is shown to them. There is at most one
// active exemption per person and course. Audited like RevokeExemption (exemption.revoke), with
// found_by=person_and_course. None active is model.ErrNotFound, as is one revoked meanwhile by someone else.
func (s *Service) RevokeExemptionOf(ctx context.Context, scope store.Scope, actor auth.Principal, userID, slug string) (store.Exemption, error) {
	if err := oneTenant(scope); err != nil {
		return store.Exemption{}, err
	}
	var ex store.Exemption
	err := s.inTx(ctx, func(tx *Service) error {
		all, err := tx.store.PersonExemptions(ctx, scope, userID, slug)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(e store.Exemption) bool { return e.RevokedAt == nil })
		if i < 0 {
			return &model.DetailedError{Kind: model.ErrNotFound, Detail: "this person has no active exemption from the course"}
		}
		return tx.revokeExemption(ctx, scope, actor, all[i].ID, "person_and_course", &ex)
	})
	return ex, nothingLeft(err)
}

// RevokeLatestCompletionOf revokes the person's active manual completion of the course that
// was recorded last, and says how many others stay active. A person may have several (a
// training every year); revoking is meant for one recorded in error, which is usually the last
// one entered, and revoking all of them blind (no list is shown while named lists are off)
// could take away trainings that did happen. To revoke another, repeat. Audited like
// RevokeCompletion (completion.manual_revoke), with found_by=person_and_course; none active is
// model.ErrNotFound.
func (s *Service) RevokeLatestCompletionOf(ctx context.Context, scope store.Scope, actor auth.Principal, userID, slug string) (store.ManualCompletion, int, error) {
	if err := oneTenant(scope); err != nil {
		return store.ManualCompletion{}, 0, err
	}
	var m store.ManualCompletion
	left := 0
	err := s.inTx(ctx, func(tx *Service) error {
		all, err := tx.store.PersonManualCompletions(ctx, scope, userID, slug) // the latest recorded first
		if err != nil {
			return err
		}
		var active []store.ManualCompletion
		for _, c := range all {
			if c.RevokedAt == nil {
				active = append(active, c)
			}
		}
		if len(active) == 0 {
			return &model.DetailedError{Kind: model.ErrNotFound, Detail: "this person has no active manual completion of the course"}
		}
		left = len(active) - 1
		return tx.revokeCompletion(ctx, scope, actor, active[0].ID, "person_and_course", &m)
	})
	return m, left, nothingLeft(err)
}

// nothingLeft turns "revoked already" (someone else was quicker between the look-up and the
// update) into the not-found of there being nothing to revoke.
func nothingLeft(err error) error {
	if errors.Is(err, model.ErrConflict) {
		return &model.DetailedError{Kind: model.ErrNotFound, Detail: "nothing active is left to revoke"}
	}
	return err
}

// RecordCompletion records that a person did a course in person: the day, a note, and the
// actor as the recording person, and writes completion.manual to the audit log. It lapses like
// a certificate issued that day.
func (s *Service) RecordCompletion(ctx context.Context, scope store.Scope, actor auth.Principal, in CompletionRequest) (store.ManualCompletion, error) {
	if err := oneTenant(scope); err != nil {
		return store.ManualCompletion{}, err
	}
	v := &model.ValidationError{}
	user, courseID := s.personAndCourse(ctx, scope, v, in.UserID, in.Course)
	note := checkText(v, "note", in.Note, "a note: which training, where, by whom")
	completedOn := strings.TrimSpace(in.CompletedOn)
	day, err := time.ParseInLocation(time.DateOnly, completedOn, model.Berlin)
	switch {
	case err != nil:
		v.Add("completed_on", "must be the day of the training, like 2026-03-01")
	case day.After(s.store.Now()):
		v.Add("completed_on", "lies in the future; record a training once it has taken place")
	}
	if err := v.OrNil(); err != nil {
		return store.ManualCompletion{}, err
	}
	m := store.ManualCompletion{UserID: user.ID, CourseID: courseID, CompletedAt: day.UTC(), Note: note, RecordedBy: actor.UserID}
	if entry, err := s.catalog.Get(in.Course, false); err == nil && !entry.Course.Validity.IsZero() {
		until := entry.Course.Validity.AddTo(day).UTC() // as a certificate issued that day would
		m.ValidUntil = &until
	}
	var created store.ManualCompletion
	err = s.inTx(ctx, func(tx *Service) error {
		if err := tx.store.CreateManualCompletion(ctx, scope, &m); err != nil {
			return err
		}
		var err error
		if created, err = tx.store.ManualCompletionByID(ctx, scope, m.ID); err != nil {
			return err
		}
		return tx.identity.Audit(ctx, actor, created.TenantID, "completion.manual", created.CourseSlug+" → "+user.Name,
			map[string]string{"user_id": user.ID, "completed_on": completedOn})
	})
	if err != nil {
		return store.ManualCompletion{}, err
	}
	return created, nil
}

// RevokeCompletion withdraws a manual completion recorded in error (it stays on record) and
// writes completion.manual_revoke to the audit log. Another municipality's is not found.
func (s *Service) RevokeCompletion(ctx context.Context, scope store.Scope, actor auth.Principal, id string) (store.ManualCompletion, error) {
	var m store.ManualCompletion
	err := s.inTx(ctx, func(tx *Service) error { return tx.revokeCompletion(ctx, scope, actor, id, "", &m) })
	if err != nil {
		return store.ManualCompletion{}, err
	}
	return m, nil
}

// revokeCompletion revokes and audits inside the caller's transaction, like revokeExemption.
func (s *Service) revokeCompletion(ctx context.Context, scope store.Scope, actor auth.Principal, id, via string, out *store.ManualCompletion) error {
	m, err := s.store.RevokeManualCompletion(ctx, scope, id, actor.UserID)
	if err != nil {
		return err
	}
	*out = m
	details := map[string]string{"user_id": m.UserID, "manual_completion_id": m.ID}
	if via != "" {
		details["found_by"] = via
	}
	return s.identity.Audit(ctx, actor, m.TenantID, "completion.manual_revoke", m.CourseSlug+" → "+m.UserName, details)
}
