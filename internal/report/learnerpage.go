package report

import (
	"context"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// LearnerKey is a person's place in the named list: org unit, name, then user id, so that
// the order is total and a page cursor names one exact position.
type LearnerKey = store.LearnerListKey

// Key is the standing's place in the named list.
func (st Standing) Key() LearnerKey {
	return LearnerKey{OrgUnit: st.OrgUnit, Name: st.Name, UserID: st.UserID}
}

// LearnerQuery selects the named list of one course, or a page of it.
type LearnerQuery struct {
	Course   string
	Status   string // not_started, in_progress, completed, overdue; "" = all
	OrgUnit  string // path; its sub-units are included; "" = everyone
	Expiring int    // days: only people whose completion stops counting within them; 0 = no such limit
	Limit    int    // 0 = the whole list
	After    *LearnerKey
}

// LearnersPage is the named list of one course's standings, for the roles the staff council
// allows — as evidence that mandatory training was done, nothing more — narrowed by q and cut
// into pages after a key; more says whether another page follows. The database filters, sorts
// and cuts, so a page costs a page however large the municipality is.
func (s *Service) LearnersPage(ctx context.Context, tenant model.Tenant, q LearnerQuery) (page []Standing, more bool, err error) {
	f, err := s.learnerFilter(tenant, q)
	if err != nil {
		return nil, false, err
	}
	rows, more, err := s.store.LearnerList(ctx, f, s.store.Now())
	if err != nil {
		return nil, false, err
	}
	page = make([]Standing, len(rows))
	for i, o := range rows {
		page[i] = Standing{UserID: o.UserID, Name: o.UserName, Email: o.UserEmail, EmployeeNumber: o.EmployeeNumber, OrgUnit: o.OrgUnitPath,
			Status: o.Status, DueAt: o.DueAt}
		if o.Status == store.ObligationCompleted {
			page[i].CompletedAt, page[i].ValidUntil = o.CompletedAt, o.ValidUntil
		}
	}
	return page, more, nil
}

// CountLearners is how many people the whole list q selects holds, for "n people" above a page.
func (s *Service) CountLearners(ctx context.Context, tenant model.Tenant, q LearnerQuery) (int, error) {
	f, err := s.learnerFilter(tenant, q)
	if err != nil {
		return 0, err
	}
	return s.store.CountLearnerList(ctx, f, s.store.Now())
}

// learnerFilter checks q under the named-list rules and turns it into the store's filter.
func (s *Service) learnerFilter(tenant model.Tenant, q LearnerQuery) (store.LearnerListFilter, error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return store.LearnerListFilter{}, err
	}
	status, ok := statusFromAPI[q.Status]
	if !ok && q.Status != "" {
		return store.LearnerListFilter{}, model.Invalid("status", "must be not_started, in_progress, completed or overdue")
	}
	if q.Expiring < 0 {
		return store.LearnerListFilter{}, model.Invalid("expiring", "must be a number of days from 1 up")
	}
	entry, err := s.catalog.Get(q.Course, false)
	if err != nil {
		return store.LearnerListFilter{}, err
	}
	f := store.LearnerListFilter{TenantID: tenant.ID, CourseID: entry.CourseID, Status: status, After: q.After, Limit: q.Limit}
	if q.OrgUnit != "" {
		if f.OrgUnit, err = model.NormalizeOrgUnitPath(q.OrgUnit); err != nil {
			return store.LearnerListFilter{}, err
		}
	}
	if q.Expiring > 0 {
		// Completed people only, counted on the store's clock like Expiring.
		by := s.store.Now().Add(time.Duration(q.Expiring) * 24 * time.Hour)
		f.Status, f.ValidUntilBy = store.ObligationCompleted, &by
	}
	return f, nil
}
