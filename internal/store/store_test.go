package store_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
	"github.com/wachsam/wachsam/migrations"
)

// Both dialects must carry the same migrations, or one database silently lacks a change.
func TestDialectsHaveTheSameMigrations(t *testing.T) {
	names := func(fsys fs.FS) []string {
		files, err := fs.Glob(fsys, "*.sql")
		if err != nil || len(files) == 0 {
			t.Fatalf("no migrations: %v", err)
		}
		return files
	}
	pg, lite := names(migrations.Postgres()), names(migrations.SQLite())
	if !slices.Equal(pg, lite) {
		t.Fatalf("migrations differ:\npostgres %v\nsqlite   %v", pg, lite)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		st := testenv.Store(t, dialect)
		applied, err := st.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
	})
}

func TestTenantsAndScopes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		st := testenv.Store(t, dialect)
		a := model.Tenant{Slug: "a", Name: "A", Settings: model.DefaultSettings()}
		b := model.Tenant{Slug: "b", Name: "B", Settings: model.DefaultSettings()}
		for _, ten := range []*model.Tenant{&a, &b} {
			if err := st.CreateTenant(ctx, ten); err != nil {
				t.Fatal(err)
			}
		}
		dup := model.Tenant{Slug: "a", Name: "again", Settings: model.DefaultSettings()}
		if err := st.CreateTenant(ctx, &dup); !errors.Is(err, model.ErrConflict) {
			t.Errorf("duplicate slug: %v", err)
		}
		u := model.User{TenantID: a.ID, Email: "X@A.example", Name: "X", Roles: []model.Role{model.RoleLearner}}
		if err := st.CreateUser(ctx, &u, ""); err != nil {
			t.Fatal(err)
		}
		if u.Email != "x@a.example" || !u.Active || u.HasPassword {
			t.Errorf("created %+v", u)
		}
		if _, err := st.UserByID(ctx, store.TenantScope(b.ID), u.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("user of a in scope b: %v", err)
		}
		if _, err := st.UserByID(ctx, store.Scope{}, u.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("zero scope must match nothing: %v", err)
		}
		if _, err := st.UserByID(ctx, store.AllTenants(), u.ID); err != nil {
			t.Errorf("operator scope: %v", err)
		}
		if _, err := st.EnsureOrgUnit(ctx, store.AllTenants(), "X"); err == nil {
			t.Error("org unit created without a tenant")
		}
		demo, real, err := st.CountTenants(ctx)
		if err != nil || demo != 0 || real != 2 {
			t.Errorf("CountTenants = %d, %d, %v", demo, real, err)
		}
	})
}

func TestPasswordTokensExpireAndWorkOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		st := testenv.Store(t, dialect)
		ten := model.Tenant{Slug: "a", Name: "A", Settings: model.DefaultSettings()}
		st.CreateTenant(ctx, &ten)
		u := model.User{TenantID: ten.ID, Email: "x@a.example", Name: "X", Roles: []model.Role{model.RoleLearner}}
		st.CreateUser(ctx, &u, "")
		now := time.Now().UTC()
		if err := st.StorePasswordToken(ctx, u.ID, "h1", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		st.StorePasswordToken(ctx, u.ID, "h2", now.Add(time.Hour))
		if _, err := st.UsePasswordToken(ctx, "h1", "hash"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UsePasswordToken(ctx, "h1", "hash"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second use: %v", err)
		}
		// Setting a password spends the user's other open links too.
		if _, err := st.UsePasswordToken(ctx, "h2", "hash"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("other link after use: %v", err)
		}
		st.StorePasswordToken(ctx, u.ID, "h3", now.Add(time.Hour))
		st.SetClock(func() time.Time { return now.Add(2 * time.Hour) })
		if _, err := st.UsePasswordToken(ctx, "h3", "hash"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("expired link: %v", err)
		}
	})
}

func TestExpiredRefreshTokenIsInvalid(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		st := testenv.Store(t, dialect)
		u := model.User{Email: "op@x.example", Name: "Op", Roles: []model.Role{model.RoleOperator}}
		st.CreateUser(ctx, &u, "")
		now := time.Now().UTC()
		st.StoreRefreshToken(ctx, u.ID, "", "r1", now.Add(time.Hour))
		st.SetClock(func() time.Time { return now.Add(2 * time.Hour) })
		if _, outcome, err := st.RotateRefreshToken(ctx, "r1", "r2", now.Add(3*time.Hour)); err != nil || outcome != store.RefreshInvalid {
			t.Errorf("expired: outcome %v, err %v", outcome, err)
		}
		if _, outcome, _ := st.RotateRefreshToken(ctx, "unknown", "r3", now); outcome != store.RefreshInvalid {
			t.Errorf("unknown: outcome %v", outcome)
		}
	})
}

func TestInTxRollsBack(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		st := testenv.Store(t, dialect)
		boom := errors.New("boom")
		err := st.InTx(ctx, func(tx *store.Store) error {
			ten := model.Tenant{Slug: "a", Name: "A", Settings: model.DefaultSettings()}
			if err := tx.CreateTenant(ctx, &ten); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if ts, _ := st.ListTenants(ctx); len(ts) != 0 {
			t.Errorf("rolled-back tenant is stored: %+v", ts)
		}
	})
}
