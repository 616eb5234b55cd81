package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"github.com/wachsam/wachsam/internal/app"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// run executes a CLI command with the given stdin and returns exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := app.Run(context.Background(), args, app.IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

// useDatabase points the CLI at a fresh database of dialect through the environment.
func useDatabase(t *testing.T, dialect string) {
	t.Setenv("WACHSAM_DATA_DIR", t.TempDir())
	t.Setenv("WACHSAM_DATABASE_URL", testenv.DatabaseURL(t, dialect))
	t.Setenv("WACHSAM_TOKEN_KEY", auth.GenerateKey())
	t.Setenv("WACHSAM_LOG_LEVEL", "error")
}

func TestTenantAndUserCommands(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		useDatabase(t, dialect)
		if code, out, errOut := run(t, "", "migrate"); code != 0 || !strings.Contains(out, "up to date") {
			t.Fatalf("migrate: %d %s %s", code, out, errOut)
		}
		if code, out, _ := run(t, "", "tenant", "create", "--slug", "musterstadt", "--name", "Stadt Musterstadt"); code != 0 || !strings.Contains(out, "musterstadt") {
			t.Fatalf("tenant create: %d %s", code, out)
		}
		code, _, errOut := run(t, "", "tenant", "create", "--slug", "musterstadt", "--name", "Nochmal")
		if code != 1 || !strings.Contains(errOut, "exists already") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("duplicate tenant: %d %q", code, errOut)
		}
		// With a password from stdin the user can sign in at once.
		code, out, errOut := run(t, "ein sicheres Passwort\n", "user", "create", "--tenant", "musterstadt", "--email", "anna@musterstadt.example",
			"--name", "Anna Becker", "--role", "learner,hr", "--org-unit", "Fachbereich 1/Bürgeramt", "--password-stdin")
		if code != 0 || !strings.Contains(out, "learner,hr") || strings.Contains(out, "set-password") {
			t.Fatalf("user create: %d %s %s", code, out, errOut)
		}
		// Without one, a single-use link is printed.
		code, out, _ = run(t, "", "user", "create", "--tenant", "musterstadt", "--email", "ben@musterstadt.example", "--name", "Ben")
		if code != 0 || !strings.Contains(out, "/set-password?token=") {
			t.Errorf("user create without password: %d %s", code, out)
		}
		code, out, _ = run(t, "", "user", "create", "--email", "op@wachsam.example", "--name", "Op", "--role", "operator")
		if code != 0 {
			t.Errorf("operator create: %d %s", code, out)
		}
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"user", "create", "--email", "x@y.example", "--name", "X"}, "--tenant is required"},
			{[]string{"user", "create", "--tenant", "nowhere", "--email", "x@y.example", "--name", "X"}, "no municipality with the slug"},
			{[]string{"user", "create", "--tenant", "musterstadt", "--email", "x@y.example", "--name", "X", "--role", "boss"}, "unknown role"},
			{[]string{"user", "create", "--tenant", "musterstadt", "--email", "kaputt", "--name", "X"}, "e-mail address"},
			{[]string{"user", "create", "--tenant", "musterstadt", "--email", "anna@musterstadt.example", "--name", "X"}, "exists already"},
			{[]string{"user", "import"}, "usage: wachsam user import"},
			{[]string{"frobnicate"}, "unknown command"},
		} {
			code, _, errOut := run(t, "", c.args...)
			if code != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("%v: %d %q, want %q", c.args, code, errOut, c.want)
			}
		}
		if code, _, errOut := run(t, "", "user", "create", "--tenant", "musterstadt", "--email", "c@musterstadt.example", "--name", "C", "--password-stdin"); code != 1 || !strings.Contains(errOut, "standard input is empty") {
			t.Errorf("empty stdin: %d %q", code, errOut)
		}
		if code, _, errOut := run(t, "kurz", "user", "create", "--tenant", "musterstadt", "--email", "d@musterstadt.example", "--name", "D", "--password-stdin"); code != 1 || !strings.Contains(errOut, "at least 10") {
			t.Errorf("short password: %d %q", code, errOut)
		}
	})
}

func TestBadConfigurationExplainsItself(t *testing.T) {
	t.Setenv("WACHSAM_DATABASE_URL", "postgres://nowhere/db")
	t.Setenv("WACHSAM_TOKEN_KEY", "")
	code, _, errOut := run(t, "", "migrate")
	if code != 1 || !strings.Contains(errOut, "WACHSAM_TOKEN_KEY") {
		t.Errorf("%d %q", code, errOut)
	}
}

func TestDemoSeedsOnceAndRefusesRealData(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		cfg := testenv.Config(t, dialect, nil)
		st, err := app.OpenStore(ctx, cfg, testenv.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		srv, err := app.NewServer(context.Background(), cfg, st, testenv.Logger(t), app.ServerOptions{Argon2: &testenv.CheapArgon2})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(ctx); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := app.SeedDemo(ctx, srv, &out); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"admin@musterstadt.example", "personal@musterstadt.example", "betrieb@wachsam.example", app.DemoPassword} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("demo output lacks %q", want)
			}
		}
		// A second run finds its own demo data and changes nothing.
		if err := app.SeedDemo(ctx, srv, &bytes.Buffer{}); err != nil {
			t.Fatalf("second demo run: %v", err)
		}
		users, _, _ := st.ListUsers(ctx, store.AllTenants(), store.UserFilter{})
		if len(users) != 7+36 { // the people with logins, the staff without

			t.Errorf("%d users after two demo runs", len(users))
		}
		if _, _, err := srv.Identity.Login(ctx, "personal@musterstadt.example", app.DemoPassword, "127.0.0.1"); err != nil {
			t.Errorf("demo login: %v", err)
		}
		// The demo comes with progress: a certificate and a course half done.
		anna, _, _ := st.Credentials(ctx, "anna.becker@musterstadt.example")
		if certs, err := st.UserCertificates(ctx, anna.ID); err != nil || len(certs) != 1 {
			t.Errorf("demo certificate: %d, %v", len(certs), err)
		}
		// HR's pages have something to show: a mandatory course with a visible total, hidden
		// small groups, and question statistics above the minimum group size.
		demo, _ := st.TenantBySlug(ctx, "musterstadt")
		reports := report.New(st, srv.Catalog)
		rep, err := reports.Compliance(ctx, demo, "phishing-erkennen")
		hidden := 0
		for _, r := range rep.Rows {
			if r.Suppressed {
				hidden++
			}
		}
		if err != nil || rep.Total.Suppressed || rep.Total.Completed == 0 || hidden == 0 || hidden == len(rep.Rows) {
			t.Errorf("demo compliance: %+v, %v", rep, err)
		}
		if stats, err := reports.Statistics(ctx, demo, report.StatisticsQuery{Course: "phishing-erkennen"}); err != nil || stats.Suppressed {
			t.Errorf("demo statistics: %+v, %v", stats, err)
		}
		// Real municipalities: refuse.
		real := model.Tenant{Slug: "echt", Name: "Echt", Settings: model.DefaultSettings()}
		st.CreateTenant(ctx, &real)
		if err := app.SeedDemo(ctx, srv, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "refuses") {
			t.Errorf("demo on real data: %v", err)
		}
	})
}

// Serve finishes requests in flight when it is told to stop (SIGTERM cancels the context).
func TestServeShutsDownGracefully(t *testing.T) {
	srv := testenv.Server(t, "sqlite", nil)
	slowStarted := make(chan struct{})
	srv.App.Get("/test/slow", func(c *fiber.Ctx) error {
		close(slowStarted)
		time.Sleep(500 * time.Millisecond)
		return c.SendString("finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- app.Serve(ctx, srv, ln) }()
	waitFor(t, "http://"+addr+"/healthz")

	result := make(chan string)
	go func() {
		res, err := http.Get("http://" + addr + "/test/slow")
		if err != nil {
			result <- err.Error()
			return
		}
		defer res.Body.Close()
		b := new(bytes.Buffer)
		b.ReadFrom(res.Body)
		result <- b.String()
	}()
	<-slowStarted
	cancel()
	if got := <-result; got != "finished" {
		t.Errorf("in-flight request: %q", got)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

// Without a configured key, the embedded database mode generates one and keeps it.
func TestServeGeneratesATokenKeyForTheEmbeddedDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WACHSAM_DATA_DIR", dir)
	t.Setenv("WACHSAM_TOKEN_KEY", "")
	t.Setenv("WACHSAM_DATABASE_URL", "")
	t.Setenv("WACHSAM_LOG_LEVEL", "error")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- app.Run(ctx, []string{"serve", "--addr", addr}, app.IO{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	}()
	waitFor(t, "http://"+addr+"/readyz")
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
	key, err := os.ReadFile(filepath.Join(dir, "token.key"))
	if err != nil || len(strings.TrimSpace(string(key))) != 44 {
		t.Errorf("token key: %q %v", key, err)
	}
	if info, err := os.Stat(filepath.Join(dir, "token.key")); err == nil && info.Mode().Perm() != 0o600 {
		t.Errorf("token key mode %v", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(dir, "wachsam.db")); err != nil {
		t.Errorf("no SQLite database in the data dir: %v", err)
	}
}

func waitFor(t *testing.T, url string) {
	t.Helper()
	for range 100 {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal(fmt.Sprintf("server at %s did not start", url))
}

func TestUserImportCommand(t *testing.T) {
	useDatabase(t, "sqlite")
	run(t, "", "tenant", "create", "--slug", "musterstadt", "--name", "Stadt Musterstadt")
	dir := t.TempDir()
	good := filepath.Join(dir, "staff.csv")
	os.WriteFile(good, []byte("employee_id,first_name,last_name,email,org_unit\n7,Lena,Fischer,lena@musterstadt.example,Kämmerei\n"), 0o600)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("E-Mail;Vorname;Nachname\nkaputt;A;B\nok@musterstadt.example;C;D\n"), 0o600)

	code, out, errOut := run(t, "", "user", "import", "--tenant", "musterstadt", good, "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run") || !strings.Contains(out, "1 to create") || !strings.Contains(out, "1 org units to create (check their spelling):\n  Kämmerei\n") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	if code, out, _ = run(t, "", "user", "import", "--tenant", "musterstadt", good); code != 0 || !strings.Contains(out, "1 created") || !strings.Contains(out, "1 org units created:\n  Kämmerei\n") {
		t.Fatalf("import: %d %s", code, out)
	}
	if code, out, _ = run(t, "", "user", "import", "--tenant", "musterstadt", good); code != 0 || !strings.Contains(out, "0 created, 0 updated, 1 unchanged") {
		t.Errorf("second import: %d %s", code, out)
	}
	code, out, errOut = run(t, "", "user", "import", "--tenant", "musterstadt", bad)
	// The problem in English with its line, as before problems had codes.
	if code != 1 || !strings.Contains(errOut, "line 2: \"kaputt\" is not an e-mail address; write it like anna.schmidt@musterstadt.de\n") || !strings.Contains(out, "nothing written") {
		t.Errorf("invalid row: %d %q %q", code, out, errOut)
	}
	// The counts are of lines: one line with two bad values is one invalid row of one.
	twice := filepath.Join(dir, "twice-bad.csv")
	os.WriteFile(twice, []byte("E-Mail;Vorname;Nachname\nkaputt;;B\n"), 0o600)
	code, out, errOut = run(t, "", "user", "import", "--tenant", "musterstadt", twice)
	if code != 1 || strings.Count(errOut, "line 2: ") != 2 || !strings.Contains(out, ": 1 rows, 0 to create, 0 to update, 0 unchanged, 1 invalid\n") {
		t.Errorf("a line with two problems: %d %q %q", code, out, errOut)
	}
	// Lena's own line is invalid: she is not "not in the file", and --deactivate-missing would
	// not deactivate her while a line is invalid.
	lena := filepath.Join(dir, "lena.csv")
	os.WriteFile(lena, []byte("E-Mail;Vorname;Nachname\nlena@musterstadt.example;;Fischer\n"), 0o600)
	code, out, _ = run(t, "", "user", "import", "--tenant", "musterstadt", lena)
	if want := "1 learners without a valid line in the file (also those whose line is invalid; --deactivate-missing needs a file without invalid lines):\n  lena@musterstadt.example\n"; code != 1 || !strings.Contains(out, want) {
		t.Errorf("a learner whose line is invalid: %d %q", code, out)
	}
	if code, out, _ = run(t, "", "user", "import", "--tenant", "musterstadt", lena, "--deactivate-missing"); code != 1 ||
		!strings.Contains(out, "1 learners without a valid line in the file, NOT deactivated because the file has invalid rows:\n") {
		t.Errorf("a learner whose line is invalid, with --deactivate-missing: %d %q", code, out)
	}
	if code, _, errOut = run(t, "", "user", "import", "--tenant", "musterstadt", filepath.Join(dir, "missing.csv")); code != 1 || !strings.Contains(errOut, "cannot open") {
		t.Errorf("missing file: %d %q", code, errOut)
	}
	// A file that cannot be imported at all: the reason in English, with its line where it has
	// one, as before file errors had codes.
	for name, c := range map[string]struct{ content, message string }{
		"staff.xlsx": {"PK\x03\x04\x14\x00\x06\x00", `this is an Excel workbook (.xlsx) or another ZIP file, not a CSV file; in Excel choose "Save as" and the file type "CSV UTF-8 (durch Trennzeichen getrennt)"`},
		"twice.csv":  {"Vorname;Nachname;E-Mail;Mail\n", `line 1: columns 3 ("E-Mail") and 4 ("Mail") both hold the e-mail address; delete or rename one of them`},
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(c.content), 0o600)
		if code, out, errOut = run(t, "", "user", "import", "--tenant", "musterstadt", path); code != 1 || out != "" || !strings.HasSuffix(errOut, "wachsam: "+path+": "+c.message+"\n") {
			t.Errorf("%s: %d %q %q", name, code, out, errOut)
		}
	}
}

// dev seed makes a municipality with staff in org units, every course assigned to everybody,
// and a mix of completed, started and untouched courses, whose obligations are in place.
func TestDevSeed(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		useDatabase(t, dialect)
		if code, _, errOut := run(t, "", "dev", "seed", "--tenant", "s"); code != 0 {
			t.Fatalf("seed with defaults: %d %s", code, errOut)
		}
		if code, _, errOut := run(t, "", "dev", "seed", "--users", "5"); code != 1 || !strings.Contains(errOut, "usage") {
			t.Errorf("without --tenant: %d %s", code, errOut)
		}
		if code, _, errOut := run(t, "", "dev", "seed", "--tenant", "t", "--courses", "99"); code != 1 || !strings.Contains(errOut, "WACHSAM_COURSES_DIR") {
			t.Errorf("too many courses: %d %s", code, errOut)
		}
		code, out, errOut := run(t, "", "dev", "seed", "--tenant", "klein", "--users", "200", "--courses", "2", "--unit-size", "20")
		if code != 0 || !strings.Contains(out, "200 people in 10 org units") {
			t.Fatalf("seed: %d %s %s", code, out, errOut)
		}
		ctx := context.Background()
		url := os.Getenv("WACHSAM_DATABASE_URL")
		var st *store.Store
		var err error
		if dialect == "sqlite" {
			st, err = store.OpenSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
		} else {
			st, err = store.OpenPostgres(ctx, url, 0)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ten, err := st.TenantBySlug(ctx, "klein")
		if err != nil {
			t.Fatal(err)
		}
		counts, err := st.ObligationCounts(ctx, ten.ID, nil, st.Now())
		if err != nil {
			t.Fatal(err)
		}
		var total store.ObligationCount
		for _, c := range counts {
			total.Assigned += c.Assigned
			total.Completed += c.Completed
			total.InProgress += c.InProgress
			total.Overdue += c.Overdue
		}
		if total.Assigned != 400 || total.Completed < 100 || total.InProgress == 0 || total.Overdue == 0 {
			t.Errorf("seeded obligations: %+v", total)
		}
	})
}

// The obligations table has no foreign keys (it is derived): operators can check that every row
// points to what it names, and rebuild it from its inputs.
func TestObligationsCheckAndRebuild(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		useDatabase(t, dialect)
		if code, _, errOut := run(t, "", "dev", "seed", "--tenant", "klein", "--users", "20", "--courses", "2", "--unit-size", "5"); code != 0 {
			t.Fatalf("seed: %d %s", code, errOut)
		}
		if code, out, _ := run(t, "", "obligations", "check"); code != 0 || !strings.Contains(out, "consistent") {
			t.Fatalf("check of a sound table: %d %s", code, out)
		}
		// Break it the way a bug would: one person's rows name an assignment that does not exist.
		dbURL := os.Getenv("WACHSAM_DATABASE_URL")
		driver, dsn := "pgx", dbURL
		if dialect == "sqlite" {
			driver, dsn = "sqlite", strings.TrimPrefix(dbURL, "sqlite:")
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("UPDATE obligations SET assignment_id = '01000000-0000-7000-8000-000000000000' WHERE user_id = (SELECT user_id FROM obligations ORDER BY user_id LIMIT 1)"); err != nil {
			t.Fatal(err)
		}
		if code, out, _ := run(t, "", "obligations", "check"); code != 1 || !strings.Contains(out, "2 obligations point to") {
			t.Fatalf("check of a broken table: %d %s", code, out)
		}
		if code, out, errOut := run(t, "", "obligations", "rebuild", "--tenant", "nirgendwo"); code != 1 || !strings.Contains(errOut, `no municipality with the slug "nirgendwo"`) {
			t.Errorf("unknown municipality: %d %s %s", code, out, errOut)
		}
		if code, out, errOut := run(t, "", "obligations", "rebuild"); code != 0 || !strings.Contains(out, "removed 2 obligations") || !strings.Contains(out, "rebuilt the obligations of klein") {
			t.Fatalf("rebuild: %d %s %s", code, out, errOut)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM obligations").Scan(&n); err != nil || n != 40 {
			t.Errorf("after the rebuild: %d obligations (%v), want 40", n, err)
		}
		if code, out, _ := run(t, "", "obligations", "check"); code != 0 {
			t.Errorf("check after the rebuild: %d %s", code, out)
		}
	})
}
