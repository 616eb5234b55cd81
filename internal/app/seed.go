package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/wachsam/wachsam/internal/certificate"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// devSeed fills a municipality with made-up staff and history for benchmarks and trying
// things out: N learners in org units of two levels, the first M published courses assigned
// to everybody (half of them due already), and a mix of progress per course — about 60 %
// completed at some point in the last 14 months (so some certificates have expired), 15 % in
// progress, the rest not started. The same --random value gives the same data.
func devSeed(ctx context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("dev seed", flag.ContinueOnError)
	slug := fs.String("tenant", "", "slug of the municipality (created if missing)")
	users := fs.Int("users", 1000, "learners to create")
	courses := fs.Int("courses", 5, "published courses to assign to everybody")
	unitsPer := fs.Int("unit-size", 50, "about how many people per org unit")
	seed := fs.Uint64("random", 1, "seed of the random choices")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || *slug == "" || *users < 1 || *courses < 1 || *unitsPer < 1 {
		return errors.New("usage: wachsam dev seed --tenant S --users N --courses M [--unit-size K] [--random R]")
	}
	return withStore(ctx, io, func(cfg *config.Config, st *store.Store, log *slog.Logger) error {
		srv, err := NewServer(ctx, cfg, st, log, ServerOptions{})
		if err != nil {
			return err
		}
		if _, err := srv.SyncCourses(ctx); err != nil {
			return err
		}
		entries := srv.Catalog.List(false)
		if len(entries) < *courses {
			return fmt.Errorf("only %d published courses are loaded; point WACHSAM_COURSES_DIR at a tree with at least %d", len(entries), *courses)
		}
		entries = entries[:*courses]
		started := time.Now()

		t, err := st.TenantBySlug(ctx, *slug)
		if errors.Is(err, model.ErrNotFound) {
			t, err = srv.Identity.CreateTenant(ctx, cliActor, identity.TenantInput{Slug: *slug, Name: "Stadt " + *slug})
		}
		if err != nil {
			return err
		}
		scope := store.TenantScope(t.ID)
		rnd := rand.New(rand.NewPCG(*seed, 0x5eed))

		// Org units: ten departments, each with its share of teams.
		teams := max(1, *users / *unitsPer)
		unitIDs := make([]string, teams)
		for i := range teams {
			u, err := st.EnsureOrgUnit(ctx, scope, fmt.Sprintf("Fachbereich %d/Team %d", i%10+1, i+1))
			if err != nil {
				return err
			}
			unitIDs[i] = u.ID
		}
		staff := make([]*store.StaffRecord, *users)
		for i := range staff {
			staff[i] = &store.StaffRecord{Email: fmt.Sprintf("person-%d@%s.example", i+1, *slug), Name: fmt.Sprintf("Person %06d", i+1),
				EmployeeNumber: fmt.Sprintf("S%07d", i+1), OrgUnitID: unitIDs[rnd.IntN(teams)]}
		}
		if err := st.InTx(ctx, func(tx *store.Store) error { return tx.InsertStaff(ctx, t.ID, staff) }); err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "%d people in %d org units (%s)\n", len(staff), teams, time.Since(started).Round(time.Millisecond))

		now := st.Now()
		for ci, entry := range entries {
			var enrolments []store.Enrolment
			var certs []store.Certificate
			title := entry.Course.TextFor(entry.Course.DefaultLanguage).Title
			for _, p := range staff {
				r := rnd.Float64()
				if r >= 0.75 {
					continue // not started
				}
				e := store.Enrolment{ID: store.NewID(), TenantID: t.ID, UserID: p.ID, CourseID: entry.CourseID, VersionID: entry.VersionID}
				e.StartedAt = now.Add(-time.Duration(rnd.IntN(420*24)) * time.Hour)
				e.LastActivityAt = e.StartedAt
				if r < 0.6 {
					done := e.StartedAt.Add(time.Duration(rnd.IntN(72)) * time.Hour)
					e.CompletedAt, e.LastActivityAt = &done, done
					c := store.Certificate{TenantID: t.ID, UserID: p.ID, CourseID: entry.CourseID, VersionID: entry.VersionID, EnrolmentID: e.ID,
						Code: certificate.NewCode(), HolderName: p.Name, CourseTitle: title, Municipality: t.Name, IssuedAt: done}
					if !entry.Course.Validity.IsZero() {
						exp := entry.Course.Validity.AddTo(done)
						c.ExpiresAt = &exp
					}
					certs = append(certs, c)
				}
				enrolments = append(enrolments, e)
			}
			if err := st.InsertLearningHistory(ctx, enrolments, certs); err != nil {
				return err
			}
			a := store.Assignment{CourseID: entry.CourseID, Recurrence: "12mo"}
			if ci%2 == 0 {
				due := now.AddDate(0, 0, -14) // due two weeks ago: whoever has not finished is overdue
				a.DueDate = &due
			} else {
				days := 90
				a.DueInDays = &days
			}
			if err := st.CreateAssignment(ctx, scope, &a); err != nil {
				return err
			}
			fmt.Fprintf(io.Stdout, "course %s: %d enrolments, %d certificates, assigned to everybody (%s)\n",
				entry.Course.Slug, len(enrolments), len(certs), time.Since(started).Round(time.Millisecond))
		}
		return nil
	})
}
