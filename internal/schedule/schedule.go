// Package schedule holds the calendar rules of mandatory training: when an assignment is first
// due, how long a completion counts, and when the course is due again — either N months after
// the last completion ("12mo") or every year by a fixed date ("yearly:01-15"). Pure functions
// over time values; the store applies them when it maintains obligations, and the learner's
// pages and HR's reports read the results.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/model"
)

// Recurrence says when a completed mandatory course is due again. The zero value means never
// (only an expiring certificate brings it round again).
type Recurrence struct {
	// Every is a period after the last completion ("12mo", "2y", "365d"); months are added by
	// calendar and clamped to the month's end (31 January + 1 month = the last day of February).
	Every course.Validity
	// Month and Day (both non-zero) make a fixed yearly deadline instead: the course must be
	// done every year by the end of that day (Europe/Berlin). 29 February falls on 28 February
	// in years without it.
	Month time.Month
	Day   int
}

// Problem is the message for a recurrence that cannot be read: what to write instead.
const Problem = `must be a period after the last completion like "12mo", "2y" or "365d", or a fixed yearly deadline like "yearly:01-15" (month-day)`

// Parse reads a recurrence: "" (none), a period ("12mo", "24mo", "1y6mo", "365d") or
// "yearly:MM-DD".
func Parse(s string) (Recurrence, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Recurrence{}, nil
	}
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "yearly:"); ok {
		mm, dd, ok := strings.Cut(rest, "-")
		m, errM := strconv.Atoi(mm)
		d, errD := strconv.Atoi(dd)
		if !ok || len(mm) != 2 || len(dd) != 2 || errM != nil || errD != nil || m < 1 || m > 12 {
			return Recurrence{}, fmt.Errorf("%q: write the yearly deadline as yearly:MM-DD, e.g. yearly:01-15", s)
		}
		if d < 1 || d > daysIn(time.Month(m), 2028) { // 2028 is a leap year: 02-29 is allowed
			return Recurrence{}, fmt.Errorf("%q: %s has no day %d", s, time.Month(m), d)
		}
		return Recurrence{Month: time.Month(m), Day: d}, nil
	}
	v, err := course.ParseValidity(s)
	if err != nil {
		return Recurrence{}, fmt.Errorf("%w, or a yearly deadline like yearly:01-15", err)
	}
	return Recurrence{Every: v}, nil
}

// IsZero reports whether r means "no recurrence".
func (r Recurrence) IsZero() bool { return r.Every.IsZero() && !r.Fixed() }

// Fixed reports whether r is a yearly deadline.
func (r Recurrence) Fixed() bool { return r.Month != 0 && r.Day != 0 }

// String returns r in the syntax Parse reads.
func (r Recurrence) String() string {
	if r.Fixed() {
		return fmt.Sprintf("yearly:%02d-%02d", int(r.Month), r.Day)
	}
	return r.Every.String()
}

// Deadline is the fixed deadline in year y: the end of that day in Berlin (as due dates given
// by date are), on 28 February for 29 February in a common year.
func (r Recurrence) Deadline(y int) time.Time {
	d := min(r.Day, daysIn(r.Month, y))
	return time.Date(y, r.Month, d, 23, 59, 59, 0, model.Berlin).UTC()
}

// CycleEnd is the first fixed deadline at or after t: the deadline a completion at t counts
// for. A completion on 14 January counts for 15 January of the same year; one on 16 January
// already counts for next year's.
func (r Recurrence) CycleEnd(t time.Time) time.Time {
	y := t.In(model.Berlin).Year()
	if d := r.Deadline(y); !d.Before(t) {
		return d
	}
	return r.Deadline(y + 1)
}

// FirstDue is when an assignment is first due for a person: its fixed date, or N days after
// the assignment was made — or after the person joined, for people who came later.
func FirstDue(dueDate *time.Time, dueInDays *int, assignedAt, joinedAt time.Time) time.Time {
	if dueDate != nil {
		return *dueDate
	}
	base := assignedAt
	if joinedAt.After(base) {
		base = joinedAt
	}
	days := 0
	if dueInDays != nil {
		days = *dueInDays
	}
	return base.AddDate(0, 0, days)
}

// Renewal says how long a completion at completedAt counts and when the course is due again,
// given the assignment's recurrence and the certificate's expiry (nil: none). validUntil is
// when the completion stops counting (nil: never); nextDue when the course must be done again
// (nil: never). Whatever comes first wins:
//   - an expiring certificate: valid and due again at its expiry;
//   - "N months": valid and due again N months after completion;
//   - "yearly:MM-DD": the completion counts for the first deadline at or after it, so it is
//     valid until that deadline, and the next one (a year later) is when it is due again.
func Renewal(r Recurrence, completedAt time.Time, certExpires *time.Time) (validUntil, nextDue *time.Time) {
	earliest := func(cur *time.Time, t time.Time) *time.Time {
		if cur == nil || t.Before(*cur) {
			return &t
		}
		return cur
	}
	if certExpires != nil {
		validUntil, nextDue = earliest(validUntil, *certExpires), earliest(nextDue, *certExpires)
	}
	switch {
	case r.Fixed():
		end := r.CycleEnd(completedAt)
		validUntil = earliest(validUntil, end)
		nextDue = earliest(nextDue, r.Deadline(end.In(model.Berlin).Year()+1))
	case !r.Every.IsZero():
		t := r.Every.AddTo(completedAt.In(model.Berlin)).UTC() // month ends as the calendar on the wall has them
		validUntil, nextDue = earliest(validUntil, t), earliest(nextDue, t)
	}
	return validUntil, nextDue
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
