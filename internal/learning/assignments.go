package learning

import (
	"context"
	"slices"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/schedule"
	"github.com/wachsam/wachsam/internal/store"
)

// Statuses of mandatory training, as the learner and HR see them (the store derives them from
// the obligations table; see store.ObligationStatus).
const (
	DueOpen       = store.ObligationOpen
	DueInProgress = store.ObligationInProgress
	DueOverdue    = store.ObligationOverdue
	DueCompleted  = store.ObligationCompleted
	DueExempt     = store.ObligationExempt
)

// AssignedCourse is a mandatory course of the learner with its due date.
type AssignedCourse struct {
	Progress *Progress
	// DueAt is when the course is due: the assignment's date, or after a completion the date it
	// is due again.
	DueAt       time.Time
	Status      string
	CompletedAt *time.Time // while completed: when
	ValidUntil  *time.Time // while completed: until when the completion counts
	// Renewal: completed, but the completion lapses within RenewalWindow — the learner should
	// take the course again by DueAt, and may start now.
	Renewal bool
}

// DueDate is when an assignment is due for a user: its fixed date, or N days after the
// assignment — or after the user joined, for people who came later.
func DueDate(a store.Assignment, userCreated time.Time) time.Time {
	return schedule.FirstDue(a.DueDate, a.DueInDays, a.CreatedAt, userCreated)
}

// renewalOpen reports whether a completed obligation is in its renewal window: the completion
// lapses within RenewalWindow and the course is due again right then (an expiring certificate
// or "N months"). A yearly deadline instead starts a new round when the old one ends, and a
// completion before that would count for the old round again.
func renewalOpen(o store.Obligation, now time.Time) bool {
	return o.Status == DueCompleted && o.ValidUntil != nil && o.ValidUntil.Equal(o.DueAt) && now.Add(RenewalWindow).After(*o.ValidUntil)
}

// Assigned returns the learner's mandatory courses — overdue first, then what is open or due
// for renewal by due date, then what is done, then exemptions — read from the obligations the
// store maintains, so the learner sees exactly what HR's reports count.
func (s *Service) Assigned(ctx context.Context, p auth.Principal) ([]AssignedCourse, error) {
	if p.TenantID == "" {
		return nil, nil
	}
	now := s.store.Now()
	obligations, err := s.store.UserObligations(ctx, p.UserID, now)
	if err != nil {
		return nil, err
	}
	entries := map[string]*catalog.Entry{}
	for _, e := range s.catalog.List(false) {
		entries[e.CourseID] = e
	}
	out := make([]AssignedCourse, 0, len(obligations))
	for _, o := range obligations {
		entry, ok := entries[o.CourseID]
		if !ok {
			continue // archived or a draft: nothing a learner can take
		}
		pr, err := s.progress(ctx, p, entry)
		if err != nil {
			return nil, err
		}
		ac := AssignedCourse{Progress: pr, DueAt: o.DueAt, Status: o.Status, Renewal: renewalOpen(o, now)}
		if o.Status == DueCompleted {
			ac.CompletedAt, ac.ValidUntil = o.CompletedAt, o.ValidUntil
		}
		out = append(out, ac)
	}
	rank := func(a AssignedCourse) int {
		switch {
		case a.Status == DueOverdue:
			return 0
		case a.Status == DueOpen || a.Status == DueInProgress || a.Renewal:
			return 1
		case a.Status == DueCompleted:
			return 2
		}
		return 3
	}
	slices.SortStableFunc(out, func(a, b AssignedCourse) int {
		if r := rank(a) - rank(b); r != 0 {
			return r
		}
		return a.DueAt.Compare(b.DueAt)
	})
	return out, nil
}

// mandatoryRetake reports whether a mandatory course the learner completed may be taken
// again now: its completion no longer counts (a recurrence came round for a course whose
// certificate never expires, or a yearly deadline passed), or it is in its renewal window.
func (s *Service) mandatoryRetake(ctx context.Context, p auth.Principal, courseID string) (bool, error) {
	if p.TenantID == "" {
		return false, nil
	}
	now := s.store.Now()
	obligations, err := s.store.UserObligations(ctx, p.UserID, now)
	if err != nil {
		return false, err
	}
	for _, o := range obligations {
		if o.CourseID == courseID {
			return o.Status == DueOpen || o.Status == DueOverdue || o.Status == DueInProgress || renewalOpen(o, now), nil
		}
	}
	return false, nil
}
