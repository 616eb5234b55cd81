package report

import (
	"context"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// ExpiringEntry is one person whose completion of a course ends soon.
type ExpiringEntry struct {
	Standing
	Course string // slug
	key    store.ExpiringKey
}

// ExpiringKey is an entry's place in the expiring list: when it ends, then person and course.
type ExpiringKey = store.ExpiringKey

// CursorKey is the entry's place in the expiring list as a page cursor keeps it: when it ends
// (to the nanosecond, in UTC), the person and the course.
func (e ExpiringEntry) CursorKey() []string {
	return []string{e.key.ValidUntil.UTC().Format(time.RFC3339Nano), e.key.UserID, e.key.CourseID}
}

// StartAfter makes the query's page start after a key made by CursorKey.
func (q *ExpiringQuery) StartAfter(key []string) error {
	if len(key) != 3 {
		return model.Invalid("cursor", "does not name an entry of this list")
	}
	at, err := time.Parse(time.RFC3339Nano, key[0])
	if err != nil {
		return model.Invalid("cursor", "does not name an entry of this list")
	}
	q.After = &ExpiringKey{ValidUntil: at, UserID: key[1], CourseID: key[2]}
	return nil
}

// ExpiringQuery selects the expiring list, or a page of it.
type ExpiringQuery struct {
	Course string // slug; "" = every mandatory course
	Days   int    // completions that stop counting within so many days, 1 to 366
	Limit  int    // 0 = the whole list
	After  *ExpiringKey
}

// Expiring lists who must renew soon: the people whose completion of a mandatory course stops
// counting within the next days, soonest first, cut into pages after a key; more says whether
// another page follows. It is a named list, under the same rules as LearnersPage.
func (s *Service) Expiring(ctx context.Context, tenant model.Tenant, q ExpiringQuery) (list []ExpiringEntry, more bool, err error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return nil, false, err
	}
	if q.Days < 1 || q.Days > 366 {
		return nil, false, model.Invalid("days", "must be a number of days from 1 to 366")
	}
	now := s.store.Now()
	f := store.ExpiringFilter{Scope: store.TenantScope(tenant.ID), From: now, To: now.Add(time.Duration(q.Days) * 24 * time.Hour),
		After: q.After, Limit: q.Limit}
	if q.Course != "" {
		entry, err := s.catalog.Get(q.Course, false)
		if err != nil {
			return nil, false, err
		}
		f.CourseID = entry.CourseID
	}
	rows, more, err := s.store.ExpiringList(ctx, f, now)
	if err != nil {
		return nil, false, err
	}
	list = make([]ExpiringEntry, len(rows))
	for i, o := range rows {
		list[i] = ExpiringEntry{Course: o.CourseSlug, key: o.ExpiringKey(), Standing: Standing{UserID: o.UserID, Name: o.UserName, Email: o.UserEmail,
			EmployeeNumber: o.EmployeeNumber, OrgUnit: o.OrgUnitPath, Status: o.Status, DueAt: o.DueAt, CompletedAt: o.CompletedAt, ValidUntil: o.ValidUntil}}
	}
	return list, more, nil
}
