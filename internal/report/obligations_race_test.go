package report_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// A person imported into an org unit while an assignment to that unit is being made owes the
// course, whichever transaction commits first. The race needs two connections, which only
// PostgreSQL has (SQLite runs one transaction at a time), so the test runs there.
func TestOrgUnitAssignmentMadeDuringAnImportReachesTheNewPeople(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		if dialect != "postgres" {
			continue // one connection: the transactions cannot overlap
		}
		ctx := context.Background()
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		st := e.Srv.Store
		scope := store.TenantScope(ten.ID)
		unit, err := st.EnsureOrgUnit(ctx, scope, "Amt")
		if err != nil {
			t.Fatal(err)
		}
		courses, err := st.PublishedCourses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var course string
		for _, c := range courses {
			if c.Slug == "basis" {
				course = c.CourseID
			}
		}

		// The import has written the person and their obligations and holds the tenant's
		// obligations lock, not yet committed; then the assignment to the unit is made.
		person := []*store.StaffRecord{{Email: "neu@a.example", Name: "Neu", OrgUnitID: unit.ID}}
		written, commit, imported := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			imported <- st.InTx(ctx, func(tx *store.Store) error {
				if err := tx.InsertStaff(ctx, ten.ID, person); err != nil {
					close(written)
					return err
				}
				close(written)
				<-commit
				return nil
			})
		}()
		<-written
		assigned := make(chan error, 1)
		days := 30
		go func() {
			assigned <- st.CreateAssignment(ctx, scope, &store.Assignment{CourseID: course, OrgUnitID: unit.ID, DueInDays: &days})
		}()
		// Commit the import once the assignment waits for the lock (or has finished without).
		db, err := sql.Open("pgx", os.Getenv(testenv.PostgresURLVar))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var done error
		finished := false
		for deadline := time.Now().Add(10 * time.Second); !finished; {
			var waiting int
			if err := db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
				AND classid = $1 AND objid = (hashtext($2)::bigint & 4294967295)::oid`, 0x6f626c, ten.ID).Scan(&waiting); err != nil {
				close(commit)
				t.Fatal(err)
			}
			if waiting > 0 {
				break
			}
			select {
			case done = <-assigned:
				finished = true
			case <-time.After(10 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				close(commit)
				t.Fatal("the assignment neither waited for the import nor finished")
			}
		}
		close(commit)
		if err := <-imported; err != nil {
			t.Fatal(err)
		}
		if !finished {
			done = <-assigned
		}
		if done != nil {
			t.Fatal(done)
		}
		obs, err := st.UserObligations(ctx, person[0].ID, st.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 1 || obs[0].CourseSlug != "basis" {
			t.Errorf("the person imported while the unit's assignment was made owes %+v, want the course basis", obs)
		}
	}
}
