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
}

// Expiring lists who must renew soon: the people whose completion of a mandatory course (all
// courses when slug is "") stops counting within the next days, soonest first. It is a named
// list, under the same rules as Learners.
func (s *Service) Expiring(ctx context.Context, tenant model.Tenant, slug string, days int) ([]ExpiringEntry, error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return nil, err
	}
	if days < 1 || days > 366 {
		return nil, model.Invalid("days", "must be a number of days from 1 to 366")
	}
	courseID := ""
	if slug != "" {
		entry, err := s.catalog.Get(slug, false)
		if err != nil {
			return nil, err
		}
		courseID = entry.CourseID
	}
	now := s.store.Now()
	rows, err := s.store.ObligationsExpiringBetween(ctx, store.TenantScope(tenant.ID), courseID, now, now.Add(time.Duration(days)*24*time.Hour), now)
	if err != nil {
		return nil, err
	}
	out := make([]ExpiringEntry, 0, len(rows))
	for _, o := range rows {
		out = append(out, ExpiringEntry{Course: o.CourseSlug, Standing: Standing{UserID: o.UserID, Name: o.UserName, Email: o.UserEmail,
			EmployeeNumber: o.EmployeeNumber, OrgUnit: o.OrgUnitPath, Status: o.Status, DueAt: o.DueAt, CompletedAt: o.CompletedAt, ValidUntil: o.ValidUntil}})
	}
	return out, nil
}
