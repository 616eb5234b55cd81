package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
)

func berlin(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, model.Berlin).UTC()
}

func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, model.Berlin).UTC()
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"": "", "12mo": "12mo", "1y": "12mo", "365d": "365d", "yearly:01-15": "yearly:01-15", " Yearly:02-29 ": "yearly:02-29"} {
		r, err := Parse(in)
		if err != nil || r.String() != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, r.String(), err, want)
		}
	}
	for in, hint := range map[string]string{
		"jährlich": "yearly:01-15", "yearly:1-15": "yearly:MM-DD", "yearly:13-01": "yearly:MM-DD", "yearly:02-30": "no day 30",
		"yearly:04-31": "no day 31", "yearly:": "yearly:MM-DD", "0mo": "positive",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), hint) {
			t.Errorf("Parse(%q) = %v; want an error mentioning %q", in, err, hint)
		}
	}
}

// A completion counts for the first deadline at or after it; the next one is a year later.
func TestFixedDateJustBeforeAndAfter(t *testing.T) {
	r, _ := Parse("yearly:01-15")
	cases := []struct {
		done           time.Time
		valid, nextDue time.Time
	}{
		{berlin(2027, 1, 14, 16, 0), endOf(2027, 1, 15), endOf(2028, 1, 15)},  // the day before: counts for this year's
		{berlin(2027, 1, 15, 23, 30), endOf(2027, 1, 15), endOf(2028, 1, 15)}, // on the day, late in the evening
		{berlin(2027, 1, 16, 0, 5), endOf(2028, 1, 15), endOf(2029, 1, 15)},   // the day after: counts for next year's
		{berlin(2026, 12, 1, 9, 0), endOf(2027, 1, 15), endOf(2028, 1, 15)},   // in December for the coming January
	}
	for _, c := range cases {
		valid, next := Renewal(r, c.done, nil)
		if !valid.Equal(c.valid) || !next.Equal(c.nextDue) {
			t.Errorf("done %s: valid until %s, due %s; want %s, %s", c.done, valid, next, c.valid, c.nextDue)
		}
	}
}

// 29 February is 28 February in common years, and comes back in leap years.
func TestFixedDateLeapYears(t *testing.T) {
	r, _ := Parse("yearly:02-29")
	valid, next := Renewal(r, berlin(2028, 2, 29, 10, 0), nil)
	if !valid.Equal(endOf(2028, 2, 29)) || !next.Equal(endOf(2029, 2, 28)) {
		t.Errorf("leap day: %s, %s", valid, next)
	}
	valid, next = Renewal(r, berlin(2031, 3, 1, 10, 0), nil)
	if !valid.Equal(endOf(2032, 2, 29)) || !next.Equal(endOf(2033, 2, 28)) {
		t.Errorf("after 28 February 2031: %s, %s", valid, next)
	}
	if got := r.CycleEnd(berlin(2029, 2, 28, 23, 0)); !got.Equal(endOf(2029, 2, 28)) {
		t.Errorf("on 28 February of a common year: %s", got)
	}
}

// Months are added by calendar and clamped to the end of the month.
func TestMonthsAtMonthEnds(t *testing.T) {
	r, _ := Parse("1mo")
	for done, want := range map[time.Time]time.Time{
		berlin(2027, 1, 31, 10, 0): berlin(2027, 2, 28, 10, 0),
		berlin(2028, 1, 31, 10, 0): berlin(2028, 2, 29, 10, 0), // leap year
		berlin(2027, 3, 31, 10, 0): berlin(2027, 4, 30, 10, 0),
	} {
		valid, next := Renewal(r, done, nil)
		if !valid.Equal(want) || !next.Equal(want) {
			t.Errorf("%s + 1mo = %s, %s; want %s", done, valid, next, want)
		}
	}
	y, _ := Parse("12mo")
	if valid, _ := Renewal(y, berlin(2028, 2, 29, 10, 0), nil); !valid.Equal(berlin(2029, 2, 28, 10, 0)) {
		t.Errorf("29 February + 12mo = %s", valid)
	}
}

// Whatever comes first wins: an expiring certificate cuts a longer recurrence short.
func TestEarliestWins(t *testing.T) {
	done := berlin(2027, 3, 1, 10, 0)
	exp := done.AddDate(0, 6, 0)
	r, _ := Parse("12mo")
	if v, n := Renewal(r, done, &exp); !v.Equal(exp) || !n.Equal(exp) {
		t.Errorf("certificate first: %s %s", v, n)
	}
	if v, n := Renewal(Recurrence{}, done, nil); v != nil || n != nil {
		t.Errorf("no expiry, no recurrence: %v %v", v, n)
	}
	fixed, _ := Parse("yearly:01-15")
	longExp := done.AddDate(2, 0, 0)
	if v, n := Renewal(fixed, done, &longExp); !v.Equal(endOf(2028, 1, 15)) || !n.Equal(endOf(2029, 1, 15)) {
		t.Errorf("fixed date with a long certificate: %s %s", v, n)
	}
}

func TestFirstDue(t *testing.T) {
	assigned := time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)
	days := 30
	if got := FirstDue(nil, &days, assigned, assigned.AddDate(0, 0, -100)); !got.Equal(assigned.AddDate(0, 0, 30)) {
		t.Errorf("existing staff: %s", got)
	}
	joined := assigned.AddDate(0, 2, 0)
	if got := FirstDue(nil, &days, assigned, joined); !got.Equal(joined.AddDate(0, 0, 30)) {
		t.Errorf("later joiner: %s", got)
	}
	fixed := endOf(2027, 3, 1)
	if got := FirstDue(&fixed, nil, assigned, joined); !got.Equal(fixed) {
		t.Errorf("fixed date: %s", got)
	}
}
