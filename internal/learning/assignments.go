package learning

import (
	"context"
	"slices"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/store"
)

// Statuses of mandatory training, as the learner and HR see them.
const (
	DueOpen       = "open"
	DueInProgress = "in_progress"
	DueOverdue    = "overdue"
	DueCompleted  = "completed"
)

// AssignedCourse is a mandatory course of the learner with its due date.
type AssignedCourse struct {
	Assignment store.Assignment
	Progress   *Progress
	DueAt      time.Time
	Status     string
	ValidUntil *time.Time // while completed: until when the certificate (or the recurrence) holds
}

// DueDate is when an assignment is due for a user: its fixed date, or N days after the
// assignment — or after the user joined, for people who came later.
func DueDate(a store.Assignment, userCreated time.Time) time.Time {
	if a.DueDate != nil {
		return *a.DueDate
	}
	base := a.CreatedAt
	if userCreated.After(base) {
		base = userCreated
	}
	days := 0
	if a.DueInDays != nil {
		days = *a.DueInDays
	}
	return base.AddDate(0, 0, days)
}

// Assigned returns the learner's mandatory courses, overdue first, then by due date.
func (s *Service) Assigned(ctx context.Context, p auth.Principal) ([]AssignedCourse, error) {
	if p.TenantID == "" {
		return nil, nil
	}
	user, err := s.store.UserByID(ctx, store.TenantScope(p.TenantID), p.UserID)
	if err != nil {
		return nil, err
	}
	assignments, err := s.store.AssignmentsFor(ctx, user)
	if err != nil {
		return nil, err
	}
	entries := map[string]*catalog.Entry{}
	for _, e := range s.catalog.List(false) {
		entries[e.CourseID] = e
	}
	// The newest certificate per course counts, whichever enrolment earned it: a learner who
	// starts renewing early keeps the valid certificate until it expires.
	certs, err := s.store.UserCertificates(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	latest := map[string]*store.Certificate{}
	for i := len(certs) - 1; i >= 0; i-- { // newest first in the list: the last write wins
		latest[certs[i].CourseID] = &certs[i]
	}
	now := s.store.Now()
	byCourse := map[string]*AssignedCourse{}
	var order []string
	for _, a := range assignments {
		entry, ok := entries[a.CourseID]
		if !ok {
			continue // archived or a draft: nothing a learner can take
		}
		due := DueDate(a, user.CreatedAt)
		if prev, seen := byCourse[a.CourseID]; seen {
			if due.Before(prev.DueAt) { // several assignments of one course: the earliest counts
				prev.Assignment, prev.DueAt = a, due
			}
			continue
		}
		pr, err := s.progress(ctx, p, entry)
		if err != nil {
			return nil, err
		}
		byCourse[a.CourseID] = &AssignedCourse{Assignment: a, Progress: pr, DueAt: due}
		order = append(order, a.CourseID)
	}
	out := make([]AssignedCourse, 0, len(order))
	for _, id := range order {
		ac := byCourse[id]
		ac.Status, ac.DueAt, ac.ValidUntil = DueStatus(latest[id], ac.Progress.Status() == InProgress, ac.Assignment, ac.DueAt, now)
		out = append(out, *ac)
	}
	rank := map[string]int{DueOverdue: 0, DueInProgress: 1, DueOpen: 1, DueCompleted: 2}
	slices.SortStableFunc(out, func(a, b AssignedCourse) int {
		if r := rank[a.Status] - rank[b.Status]; r != 0 {
			return r
		}
		return a.DueAt.Compare(b.DueAt)
	})
	return out, nil
}

// DueStatus decides where a learner stands with one mandatory course — the one rule that the
// learner's page and HR's reports share. cert is the learner's latest certificate of the
// course (nil if none); inProgress whether they are working on it. A certificate settles the
// course until it expires (or, for courses without validity, until the assignment's
// recurrence comes round); then it is due again from that day.
func DueStatus(cert *store.Certificate, inProgress bool, a store.Assignment, due, now time.Time) (string, time.Time, *time.Time) {
	if c := cert; c != nil && c.RevokedAt == nil {
		renewal := c.ExpiresAt
		if renewal == nil && a.Recurrence != "" {
			if v, err := course.ParseValidity(a.Recurrence); err == nil && !v.IsZero() {
				r := v.AddTo(c.IssuedAt)
				renewal = &r
			}
		}
		if renewal == nil || now.Before(*renewal) {
			return DueCompleted, due, renewal
		}
		if renewal.After(due) {
			due = *renewal
		}
	}
	switch {
	case now.After(due):
		return DueOverdue, due, nil
	case inProgress:
		return DueInProgress, due, nil
	}
	return DueOpen, due, nil
}
