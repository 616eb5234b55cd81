package model

import (
	"time"
	_ "time/tzdata" // the zone must load on hosts (containers) without a time zone database
)

// Berlin is the time zone of the municipalities Wachsam serves: dates on pages and
// certificates, and "due at the end of the day", are theirs, not the server's.
var Berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Day formats t as a date in Berlin the way readers of lang expect: "15.01.2027" in German,
// "15 January 2027" in English. Pages and e-mails write dates through it.
func Day(t time.Time, lang string) string {
	t = t.In(Berlin)
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return t.Format("02.01.2006")
}
