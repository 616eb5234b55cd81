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
