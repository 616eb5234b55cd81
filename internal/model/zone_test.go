package model

import (
	"testing"
	"time"
)

// A due date is the day in Berlin, not in UTC: 23:30 UTC on 14 January is already the 15th.
func TestDayIsTheDayInBerlin(t *testing.T) {
	at := time.Date(2027, 1, 14, 23, 30, 0, 0, time.UTC)
	if got := Day(at, "de"); got != "15.01.2027" {
		t.Errorf("de: %s", got)
	}
	if got := Day(at, "en"); got != "15 January 2027" {
		t.Errorf("en: %s", got)
	}
}
