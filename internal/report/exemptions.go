package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// ExemptionQuery selects a page of the list of exemptions and manual completions across the
// municipality's courses.
type ExemptionQuery struct {
	Course  string // slug; "" = every course
	Kind    string // store.KindExemption, store.KindManualCompletion; "" = both
	State   string // "active", "revoked"; "" or "all" = both
	OrgUnit string // the person's org unit, sub-units included; "" = everyone
	Limit   int    // 1 to 1000; 0 = 100
	// AfterAt and AfterID are the last entry's key on the previous page (store's Key).
	AfterAt time.Time
	AfterID string
}

// ExemptionStates are the values of ExemptionQuery.State, "" aside.
var ExemptionStates = []string{"all", "active", "revoked"}

// ExemptionsAndCompletions is the list of who is exempt from which mandatory course and who
// did one in person, with the reasons, notes and who decided: named data about mandatory
// training, so it follows the named list's rules (LearnersPage). Only where the municipality
// allows named lists; who may ask (hr, admin, API keys with reports:named, never operators)
// is decided by the caller, which also writes the audit entry. A bad filter is a
// model.ValidationError naming the parameter; a course that neither is published nor has
// entries is model.ErrNotFound.
func (s *Service) ExemptionsAndCompletions(ctx context.Context, tenant model.Tenant, q ExemptionQuery) ([]store.ExemptionOrCompletion, bool, error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return nil, false, err
	}
	f := store.ExemptionListFilter{Kind: q.Kind, Course: q.Course, OrgUnit: q.OrgUnit, Limit: q.Limit, AfterAt: q.AfterAt, AfterID: q.AfterID}
	switch q.Kind {
	case "", store.KindExemption, store.KindManualCompletion:
	default:
		return nil, false, model.Invalid("kind", "must be "+store.KindExemption+" or "+store.KindManualCompletion)
	}
	switch q.State {
	case "", "all":
	case "active", "revoked":
		revoked := q.State == "revoked"
		f.Revoked = &revoked
	default:
		return nil, false, model.Invalid("state", "must be active, revoked or all")
	}
	if q.Limit < 0 || q.Limit > 1000 {
		return nil, false, model.Invalid("limit", "must be a number from 1 to 1000")
	}
	if q.OrgUnit != "" {
		if _, err := model.NormalizeOrgUnitPath(q.OrgUnit); err != nil {
			return nil, false, model.Invalid("org_unit", "is not an org unit path (units separated by /, none of them empty)")
		}
	}
	scope := store.TenantScope(tenant.ID)
	if q.Course != "" {
		// Entries of a course archived since stay findable; a slug that names nothing is an
		// error rather than an empty list, which would look like "no one is exempt".
		if _, err := s.catalog.Get(q.Course, false); err != nil {
			slugs, err := s.store.ExemptionCourses(ctx, scope)
			if err != nil {
				return nil, false, err
			}
			if !slices.Contains(slugs, q.Course) {
				return nil, false, &model.DetailedError{Kind: model.ErrNotFound, Detail: fmt.Sprintf("There is no course %q.", q.Course)}
			}
		}
	}
	return s.store.ListExemptionsAndCompletions(ctx, scope, f)
}

// ExemptionKey is an entry's place in the list as a page cursor keeps it: when it was recorded
// (to the nanosecond, in UTC) and its id.
func ExemptionKey(e store.ExemptionOrCompletion) []string {
	at, id := e.Key()
	return []string{at.UTC().Format(time.RFC3339Nano), id}
}

// StartAfter makes the query's page start after a key made by ExemptionKey.
func (q *ExemptionQuery) StartAfter(key []string) error {
	if len(key) != 2 {
		return model.Invalid("cursor", "does not name an entry of this list")
	}
	at, err := time.Parse(time.RFC3339Nano, key[0])
	if err != nil {
		return model.Invalid("cursor", "does not name an entry of this list")
	}
	q.AfterAt, q.AfterID = at, key[1]
	return nil
}
