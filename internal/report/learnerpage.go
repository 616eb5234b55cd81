package report

import (
	"context"
	"slices"
	"strings"

	"github.com/wachsam/wachsam/internal/model"
)

// LearnerKey is a person's place in the named list: org unit, name, then user id, so that
// the order is total and a page cursor names one exact position.
type LearnerKey struct {
	OrgUnit, Name, UserID string
}

// Key is the standing's place in the named list.
func (st Standing) Key() LearnerKey { return LearnerKey{st.OrgUnit, st.Name, st.UserID} }

func (k LearnerKey) compare(o LearnerKey) int {
	if c := strings.Compare(k.OrgUnit, o.OrgUnit); c != 0 {
		return c
	}
	if c := strings.Compare(k.Name, o.Name); c != 0 {
		return c
	}
	return strings.Compare(k.UserID, o.UserID)
}

// LearnerQuery selects a page of the named list.
type LearnerQuery struct {
	Course  string
	Status  string // not_started, in_progress, completed, overdue; "" = all
	OrgUnit string // path; its sub-units are included; "" = everyone
	Limit   int    // 0 = the whole list
	After   *LearnerKey
}

// LearnersPage is the named list (Learners, with its rules) narrowed to an org unit and cut
// into pages after a key; more says whether another page follows.
func (s *Service) LearnersPage(ctx context.Context, tenant model.Tenant, q LearnerQuery) (page []Standing, more bool, err error) {
	unit := ""
	if q.OrgUnit != "" {
		if unit, err = model.NormalizeOrgUnitPath(q.OrgUnit); err != nil {
			return nil, false, err
		}
	}
	list, err := s.Learners(ctx, tenant, q.Course, q.Status)
	if err != nil {
		return nil, false, err
	}
	slices.SortStableFunc(list, func(a, b Standing) int { return a.Key().compare(b.Key()) })
	for _, st := range list {
		if unit != "" && st.OrgUnit != unit && !strings.HasPrefix(st.OrgUnit, unit+"/") {
			continue
		}
		if q.After != nil && st.Key().compare(*q.After) <= 0 {
			continue
		}
		if q.Limit > 0 && len(page) == q.Limit {
			return page, true, nil
		}
		page = append(page, st)
	}
	return page, false, nil
}
