package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/wachsam/wachsam/internal/assignment"
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

// demoStaff fills the municipality with people who never sign in (no password), so that the
// admin pages have groups above the minimum group size to show, and some below it to hide.
var demoStaff = func() []demoUser {
	first := []string{"Julia", "Stefan", "Sabine", "Thomas", "Monika", "Andreas", "Claudia", "Michael", "Katrin", "Frank",
		"Birgit", "Jürgen", "Nicole", "Uwe", "Sandra", "Markus", "Petra", "Oliver", "Heike", "Ralf", "Ayşe", "Dariusz"}
	last := []string{"Schmidt", "Müller", "Wagner", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
		"Zimmermann", "Braun", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Maier", "Herrmann", "Demir", "Nowak"}
	units := []struct {
		path string
		n    int
	}{{"Hauptamt/Personal", 4}, {"Hauptamt/IT", 3}, {"Fachbereich 1/Bürgeramt", 8}, {"Fachbereich 1/Standesamt", 5},
		{"Fachbereich 2/Kämmerei", 6}, {"Fachbereich 3/Bauhof", 7}, {"Kita Sonnenschein", 3}}
	var out []demoUser
	i := 0
	for _, u := range units {
		for range u.n {
			f, l := first[i%len(first)], last[(i*7)%len(last)]
			out = append(out, demoUser{email: strings.ToLower(asciiFold(f) + "." + asciiFold(l) + strconv.Itoa(i) + "@musterstadt.example"),
				name: f + " " + l, orgUnit: u.path, employee: strconv.Itoa(3001 + i), roles: []model.Role{model.RoleLearner}})
			i++
		}
	}
	return out
}()

// asciiFold spells a name for an e-mail address.
func asciiFold(s string) string {
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ş", "s", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue").Replace(s)
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
		create := func(u demoUser, scope store.Scope, password bool) error {
			in := identity.UserInput{Email: &u.email, Name: &u.name, Roles: u.roles}
			if password {
				in.Password = DemoPassword
			}
			if u.orgUnit != "" {
				in.OrgUnit, in.EmployeeNumber = &u.orgUnit, &u.employee
			}
			_, _, err := id.CreateUser(ctx, scope, cliActor, in)
			return err
		}
		for _, u := range demoUsers {
			if err := create(u, scope, true); err != nil {
				return err
			}
		}
		for _, u := range demoStaff {
			if err := create(u, scope, false); err != nil {
				return err
			}
		}
		return create(demoOperator, store.Scope{}, true)
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
	return demoMandatory(ctx, srv, learner)
}

// demoMandatory makes two courses mandatory and gives the staff a realistic spread: phishing
// for everyone within 30 days (many done, some half-way, a few with a wrong answer or two), and
// passwords for Fachbereich 1 by a date that has passed (so some are overdue). HR's pages then
// show rates, drill-downs, hidden small groups and question statistics.
func demoMandatory(ctx context.Context, srv *Server, learner func(string) (auth.Principal, error)) error {
	hr, err := learner("personal@musterstadt.example")
	if err != nil {
		return err
	}
	scope := store.TenantScope(hr.TenantID)
	thirty, unit := 30, "Fachbereich 1"
	if _, err := srv.Catalog.Get("phishing-erkennen", false); err == nil {
		if _, err := srv.Assignments.Create(ctx, scope, hr, assignment.Request{Course: "phishing-erkennen", DueInDays: &thirty, Recurrence: "12mo"}); err != nil {
			return err
		}
	}
	if _, err := srv.Catalog.Get("passwoerter-mfa", false); err == nil {
		past := srv.Store.Now().In(model.Berlin).AddDate(0, 0, -3).Format("2006-01-02")
		if _, err := srv.Assignments.Create(ctx, scope, hr, assignment.Request{Course: "passwoerter-mfa", OrgUnit: &unit, DueDate: past}); err != nil {
			return err
		}
	}
	for i, u := range demoStaff {
		p, err := learner(u.email)
		if err != nil {
			return err
		}
		switch {
		case i%4 != 3: // three in four take the phishing course, some with a mistake
			if err := demoTakeCourse(ctx, srv, p, "phishing-erkennen", i%5 == 0); err != nil {
				return err
			}
		case i%8 == 3: // a few are half-way
			if err := demoTakeLessons(ctx, srv, p, "phishing-erkennen", 1); err != nil {
				return err
			}
		}
		if strings.HasPrefix(u.orgUnit, "Fachbereich 1/") && i%2 == 0 {
			if err := demoTakeCourse(ctx, srv, p, "passwoerter-mfa", false); err != nil {
				return err
			}
		}
	}
	return nil
}

func demoTakeLessons(ctx context.Context, srv *Server, p auth.Principal, slug string, n int) error {
	entry, err := srv.Catalog.Get(slug, false)
	if err != nil {
		return nil // not in this library
	}
	for _, l := range entry.Course.Lessons[:min(n, len(entry.Course.Lessons))] {
		if _, err := srv.Learning.CompleteLesson(ctx, p, slug, l.Slug); err != nil {
			return err
		}
	}
	return nil
}

// demoTakeCourse does every lesson and the quiz; with mistake, the first question is answered
// with a wrong option (the quiz may still be passed).
func demoTakeCourse(ctx context.Context, srv *Server, p auth.Principal, slug string, mistake bool) error {
	entry, err := srv.Catalog.Get(slug, false)
	if err != nil {
		return nil
	}
	if err := demoTakeLessons(ctx, srv, p, slug, len(entry.Course.Lessons)); err != nil {
		return err
	}
	q := entry.Course.Quiz
	if q == nil {
		return nil
	}
	v, _, err := srv.Learning.StartAttempt(ctx, p, slug, nil)
	if err != nil {
		return err
	}
	answers := learning.Answers{}
	for i, question := range v.Questions {
		right := q.Question(question.ID).CorrectIDs()
		answers[question.ID] = right
		if mistake && i == 0 {
			for _, o := range question.Options {
				if !slices.Contains(right, o.ID) {
					answers[question.ID] = []string{o.ID}
					break
				}
			}
		}
	}
	_, err = srv.Learning.Submit(ctx, p, v.ID, answers, nil)
	return err
}
