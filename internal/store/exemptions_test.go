package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// The course report's counts of active exemptions and manual completions: one course's, not
// revoked, inside the scope.
func TestActiveExemptionsAndManualCompletionsAreCounted(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		st := e.Srv.Store
		a, b := e.Tenant("a"), e.Tenant("b")
		p1, p2, p3 := e.User(&a, "p1@a.example", ""), e.User(&a, "p2@a.example", ""), e.User(&a, "p3@a.example", "")
		q1 := e.User(&b, "q1@b.example", "")
		course := func(slug string) string {
			entry, err := e.Srv.Catalog.Get(slug, true)
			if err != nil {
				t.Fatal(err)
			}
			return entry.CourseID
		}
		basis, other := course("basis"), course("entwurf")
		exempt := func(ten model.Tenant, u model.User, courseID string, revoke bool) {
			t.Helper()
			ex := store.Exemption{UserID: u.ID, CourseID: courseID, Reason: "Elternzeit"}
			if err := st.CreateExemption(ctx, store.TenantScope(ten.ID), &ex); err != nil {
				t.Fatal(err)
			}
			if revoke {
				if _, err := st.RevokeExemption(ctx, store.TenantScope(ten.ID), ex.ID, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		complete := func(ten model.Tenant, u model.User, courseID string, revoke bool) {
			t.Helper()
			mc := store.ManualCompletion{UserID: u.ID, CourseID: courseID, CompletedAt: time.Now().UTC().AddDate(0, -1, 0), Note: "Präsenzschulung"}
			if err := st.CreateManualCompletion(ctx, store.TenantScope(ten.ID), &mc); err != nil {
				t.Fatal(err)
			}
			if revoke {
				if _, err := st.RevokeManualCompletion(ctx, store.TenantScope(ten.ID), mc.ID, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		exempt(a, p1, basis, false)
		exempt(a, p2, basis, true)
		exempt(a, p3, basis, false)
		exempt(a, p1, other, false)
		exempt(b, q1, basis, false)
		complete(a, p1, basis, false)
		complete(a, p1, basis, true)
		complete(a, p2, basis, false)
		complete(a, p3, other, false)
		complete(b, q1, basis, false)

		for _, c := range []struct {
			name                    string
			scope                   store.Scope
			courseID                string
			exemptions, completions int
		}{
			{"a, basis", store.TenantScope(a.ID), basis, 2, 2},
			{"a, other course", store.TenantScope(a.ID), other, 1, 1},
			{"b, basis", store.TenantScope(b.ID), basis, 1, 1},
			{"every tenant, basis", store.AllTenants(), basis, 3, 3},
			{"no tenant", store.Scope{}, basis, 0, 0},
		} {
			ex, err := st.CountActiveExemptions(ctx, c.scope, c.courseID)
			if err != nil {
				t.Fatal(err)
			}
			mc, err := st.CountActiveManualCompletions(ctx, c.scope, c.courseID)
			if err != nil {
				t.Fatal(err)
			}
			if ex != c.exemptions || mc != c.completions {
				t.Errorf("%s: %d exemptions and %d manual completions, want %d and %d", c.name, ex, mc, c.exemptions, c.completions)
			}
		}
		if _, err := st.CountActiveExemptions(ctx, store.TenantScope(a.ID), "not-an-id"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("malformed course id: %v", err)
		}
		if _, err := st.CountActiveManualCompletions(ctx, store.TenantScope(a.ID), "not-an-id"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("malformed course id: %v", err)
		}
	})
}
