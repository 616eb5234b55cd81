package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/learning"

	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// DemoPassword is the password of every demo user. The demo is for trying Wachsam on one's
// own machine; --demo refuses to touch a database with real municipalities.
const DemoPassword = "wachsam-demo"

type demoUser struct {
	email, name, orgUnit, employee string
	roles                          []model.Role
}

var demoUsers = []demoUser{
	{"admin@musterstadt.example", "Petra Schulz", "Hauptamt/IT", "1001", []model.Role{model.RoleAdmin, model.RoleLearner}},
	{"personal@musterstadt.example", "Jonas Weber", "Hauptamt/Personal", "1002", []model.Role{model.RoleHR, model.RoleLearner}},
	{"anna.becker@musterstadt.example", "Anna Becker", "Fachbereich 1/Bürgeramt", "2001", []model.Role{model.RoleLearner}},
	{"mehmet.yilmaz@musterstadt.example", "Mehmet Yılmaz", "Fachbereich 1/Bürgeramt", "2002", []model.Role{model.RoleLearner}},
	{"lena.fischer@musterstadt.example", "Lena Fischer", "Fachbereich 2/Kämmerei", "2003", []model.Role{model.RoleLearner}},
	{"tobias.krueger@musterstadt.example", "Tobias Krüger", "Fachbereich 3/Bauhof", "2004", []model.Role{model.RoleLearner}},
}

var demoOperator = demoUser{"betrieb@wachsam.example", "Sabine Betrieb", "", "", []model.Role{model.RoleOperator}}

// SeedDemo creates the municipality "Musterstadt" with users of each role on an empty
// database, or finds it from an earlier demo run, and prints how to sign in. It refuses to run
// on a database that holds real municipalities.
func SeedDemo(ctx context.Context, srv *Server, out io.Writer) error {
	demo, real, err := srv.Store.CountTenants(ctx)
	if err != nil {
		return err
	}
	if real > 0 {
		return fmt.Errorf("--demo refuses to run: the database holds %d municipalities that are not demo data; "+
			"start without --demo, or point WACHSAM_DATA_DIR / WACHSAM_DATABASE_URL at an empty database", real)
	}
	if demo == 0 {
		if err := createDemo(ctx, srv); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		if err := demoProgress(ctx, srv); err != nil {
			return fmt.Errorf("seed demo progress: %w", err)
		}
	}
	fmt.Fprintf(out, "\nWachsam demo: open %s and sign in as one of these users (password %q):\n\n", srv.Config.BaseURL, DemoPassword)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  E-MAIL\tNAME\tROLES")
	for _, u := range append([]demoUser{demoOperator}, demoUsers...) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.email, u.name, model.JoinRoles(u.roles))
	}
	tw.Flush()
	fmt.Fprintln(out)
	return nil
}

func createDemo(ctx context.Context, srv *Server) error {
	return srv.Store.InTx(ctx, func(tx *store.Store) error {
		id := srv.Identity.WithStore(tx)
		t, err := id.CreateTenant(ctx, cliActor, identity.TenantInput{Slug: "musterstadt", Name: "Stadt Musterstadt", Demo: true})
		if err != nil {
			return err
		}
		scope := store.TenantScope(t.ID)
		create := func(u demoUser, scope store.Scope) error {
			in := identity.UserInput{Email: &u.email, Name: &u.name, Roles: u.roles, Password: DemoPassword}
			if u.orgUnit != "" {
				in.OrgUnit, in.EmployeeNumber = &u.orgUnit, &u.employee
			}
			_, _, err := id.CreateUser(ctx, scope, cliActor, in)
			return err
		}
		for _, u := range demoUsers {
			if err := create(u, scope); err != nil {
				return err
			}
		}
		return create(demoOperator, store.Scope{})
	})
}

// demoProgress gives the demo some history: one learner with a certificate, one half-way
// through a course, so the pages show every state. Courses missing from the library are
// skipped (an operator's own WACHSAM_COURSES_DIR may not have them).
func demoProgress(ctx context.Context, srv *Server) error {
	learner := func(email string) (auth.Principal, error) {
		u, _, err := srv.Store.Credentials(ctx, email)
		return auth.Principal{UserID: u.ID, TenantID: u.TenantID, Roles: u.Roles, Language: u.Language}, err
	}
	anna, err := learner("anna.becker@musterstadt.example")
	if err != nil {
		return err
	}
	if entry, err := srv.Catalog.Get("phishing-erkennen", false); err == nil {
		for _, l := range entry.Course.Lessons {
			if _, err := srv.Learning.CompleteLesson(ctx, anna, entry.Course.Slug, l.Slug); err != nil {
				return err
			}
		}
		if q := entry.Course.Quiz; q != nil {
			v, _, err := srv.Learning.StartAttempt(ctx, anna, entry.Course.Slug, nil)
			if err != nil {
				return err
			}
			answers := learning.Answers{}
			for _, question := range v.Questions {
				answers[question.ID] = q.Question(question.ID).CorrectIDs()
			}
			if _, err := srv.Learning.Submit(ctx, anna, v.ID, answers, nil); err != nil {
				return err
			}
		}
	}
	mehmet, err := learner("mehmet.yilmaz@musterstadt.example")
	if err != nil {
		return err
	}
	if entry, err := srv.Catalog.Get("passwoerter-mfa", false); err == nil {
		for _, l := range entry.Course.Lessons[:min(2, len(entry.Course.Lessons))] {
			if _, err := srv.Learning.CompleteLesson(ctx, mehmet, entry.Course.Slug, l.Slug); err != nil {
				return err
			}
		}
	}
	return nil
}
