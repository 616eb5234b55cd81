package course

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Validity is how long a certificate for a course stays valid after it is
// issued. The zero Validity means the certificate never expires.
type Validity struct {
	Months, Days int
}

// ParseValidity reads the validity syntax of course.md: a positive number
// followed by a unit, "y" (years), "mo" (months) or "d" (days), for example
// "12mo", "24mo", "365d" or "2y". Parts may be combined ("1y6mo").
func ParseValidity(s string) (Validity, error) {
	var v Validity
	rest := strings.TrimSpace(s)
	if rest == "" {
		return v, errors.New("empty validity")
	}
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return Validity{}, fmt.Errorf("%q: expected a number followed by y, mo or d (e.g. 12mo)", s)
		}
		// Cap the digits so absurd values fail cleanly instead of overflowing.
		if i > 5 {
			return Validity{}, fmt.Errorf("%q: number too large", s)
		}
		n, _ := strconv.Atoi(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "mo"):
			v.Months += n
			rest = rest[2:]
		case strings.HasPrefix(rest, "y"):
			v.Months += 12 * n
			rest = rest[1:]
		case strings.HasPrefix(rest, "d"):
			v.Days += n
			rest = rest[1:]
		default:
			return Validity{}, fmt.Errorf("%q: unit must be y, mo or d (e.g. 12mo, 365d, 2y)", s)
		}
	}
	if v.IsZero() {
		return Validity{}, fmt.Errorf("%q: validity must be positive (leave the key out for no expiry)", s)
	}
	return v, nil
}

// IsZero reports whether v means "no expiry".
func (v Validity) IsZero() bool { return v.Months == 0 && v.Days == 0 }

// String returns v in the syntax ParseValidity reads ("" for no expiry).
func (v Validity) String() string {
	var b strings.Builder
	if v.Months != 0 {
		fmt.Fprintf(&b, "%dmo", v.Months)
	}
	if v.Days != 0 {
		fmt.Fprintf(&b, "%dd", v.Days)
	}
	return b.String()
}

// AddTo returns the expiry of a certificate issued at t. Months are added by
// calendar and clamped to the end of the target month, so a certificate issued
// on 31 January with 1mo expires on the last day of February rather than
// spilling into March as time.AddDate would. Days are added afterwards.
// The zero Validity returns t unchanged.
func (v Validity) AddTo(t time.Time) time.Time {
	if v.Months != 0 {
		y, m, d := t.Date()
		first := time.Date(y, m+time.Month(v.Months), 1, 0, 0, 0, 0, t.Location())
		last := first.AddDate(0, 1, -1).Day()
		d = min(d, last)
		hh, mm, ss := t.Clock()
		t = time.Date(first.Year(), first.Month(), d, hh, mm, ss, t.Nanosecond(), t.Location())
	}
	if v.Days != 0 {
		t = t.AddDate(0, 0, v.Days)
	}
	return t
}
