// Package testenv builds real Wachsam servers and stores for tests: SQLite in a temporary
// directory always, and PostgreSQL too when WACHSAM_TEST_DATABASE_URL names a server. Each
// PostgreSQL test gets its own schema, so tests run in parallel without seeing each other.
package testenv

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/wachsam/wachsam/internal/app"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/store"
)

// PostgresURLVar names the PostgreSQL server the tests may use.
const PostgresURLVar = "WACHSAM_TEST_DATABASE_URL"

// Dialects lists the databases to run a test on. In CI (CI=true) a missing PostgreSQL URL
// fails the test instead of silently testing SQLite only.
func Dialects(t testing.TB) []string {
	t.Helper()
	if os.Getenv(PostgresURLVar) != "" {
		return []string{"sqlite", "postgres"}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI is set but %s is not: the PostgreSQL suite must run in CI", PostgresURLVar)
	}
	return []string{"sqlite"}
}

// ForEachDialect runs fn as a subtest per dialect.
func ForEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// DatabaseURL returns a fresh, empty database for dialect: a SQLite file in a temp dir, or a new
// PostgreSQL schema that is dropped when the test ends.
func DatabaseURL(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		return "sqlite:" + t.TempDir() + "/wachsam.db"
	}
	base := os.Getenv(PostgresURLVar)
	schema := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema on %s: %v", PostgresURLVar, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Config returns a configuration for a test server on dialect's fresh database.
func Config(t testing.TB, dialect string, env map[string]string) *config.Config {
	t.Helper()
	vars := map[string]string{
		"WACHSAM_DATA_DIR":     t.TempDir(),
		"WACHSAM_DATABASE_URL": DatabaseURL(t, dialect),
		"WACHSAM_TOKEN_KEY":    auth.GenerateKey(),
		"WACHSAM_LOG_LEVEL":    "error",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(name string) (string, bool) { v, ok := vars[name]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// CheapArgon2 keeps password hashing fast in tests; production uses auth.DefaultArgon2.
var CheapArgon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// Store opens a migrated store on dialect's fresh database.
func Store(t testing.TB, dialect string) *store.Store {
	t.Helper()
	cfg := Config(t, dialect, nil)
	st, err := app.OpenStore(context.Background(), cfg, Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Server builds a complete server on dialect's fresh database. env overrides configuration.
func Server(t testing.TB, dialect string, env map[string]string) *app.Server {
	t.Helper()
	return ServerWith(t, dialect, env, app.ServerOptions{})
}

// ServerWith builds a server with options (such as a course tree); password hashing is cheap.
func ServerWith(t testing.TB, dialect string, env map[string]string, opts app.ServerOptions) *app.Server {
	t.Helper()
	cfg := Config(t, dialect, env)
	log := Logger(t)
	st, err := app.OpenStore(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts.Argon2 = &CheapArgon2
	srv, err := app.NewServer(context.Background(), cfg, st, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// Logger discards logs unless WACHSAM_TEST_LOG=1.
func Logger(t testing.TB) *slog.Logger {
	var w io.Writer = io.Discard
	if os.Getenv("WACHSAM_TEST_LOG") == "1" {
		w = os.Stderr
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// MediaBackends lists the media stores to run a test on: local disk always, S3 (MinIO) when
// WACHSAM_TEST_S3_ENDPOINT is set. In CI a missing S3 server fails instead of being skipped.
func MediaBackends(t testing.TB) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{"local": nil}
	endpoint := os.Getenv("WACHSAM_TEST_S3_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI is set but WACHSAM_TEST_S3_ENDPOINT is not: the S3 suite must run in CI")
		}
		return out
	}
	out["s3"] = map[string]string{
		"WACHSAM_S3_ENDPOINT":   endpoint,
		"WACHSAM_S3_BUCKET":     "wachsam-test-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16],
		"WACHSAM_S3_ACCESS_KEY": os.Getenv("WACHSAM_TEST_S3_ACCESS_KEY"),
		"WACHSAM_S3_SECRET_KEY": os.Getenv("WACHSAM_TEST_S3_SECRET_KEY"),
		"WACHSAM_S3_USE_SSL":    "false",
	}
	return out
}
