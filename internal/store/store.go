// Package store keeps Wachsam's data in PostgreSQL or SQLite through bun. It is the only
// package (with app and migrations) that knows SQL. Not-found becomes model.ErrNotFound and a
// unique-key clash model.ErrConflict, so callers never see a driver's error.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/migrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/migrations"
)

// Store is a handle on the database, or on one transaction of it (see InTx).
type Store struct {
	root    *bun.DB
	db      bun.IDB
	conn    *bun.Conn // on PostgreSQL inside InTx: the transaction's connection, for COPY (copy.go)
	now     func() time.Time
	tenants *tenantCache // shared by the transactions' Stores
}

// OpenPostgres connects to PostgreSQL at url.
//
// bun writes ids into the SQL text, so most statements are used once; pgx's default cache of
// 512 prepared statements per connection then holds about 90 MB of dead query buffers after
// a load peak (measured in bench/). 64 keeps the hot statements prepared and the memory flat.
// A statement_cache_capacity in the URL still wins.
//
// maxConns caps the pool (≤ 0: PostgresConns). Each connection is a PostgreSQL backend process;
// on a small machine that PostgreSQL shares with Wachsam, more of them than cores only queue
// for the CPU, and the requests behind them wait longest (bench/: with 2 cores, a pool of 8
// instead of 32 cut the lesson page's p99 from ~80 to ~20–40 ms at the same throughput, and
// quiz submissions stayed above half of pgbench's rate).
func OpenPostgres(ctx context.Context, url string, maxConns int) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: WACHSAM_DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	if !strings.Contains(url, "statement_cache_capacity") {
		cfg.StatementCacheCapacity = 64
	}
	sqldb := stdlib.OpenDB(*cfg)
	if maxConns <= 0 {
		maxConns = PostgresConns()
	}
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return open(ctx, bun.NewDB(sqldb, pgdialect.New()))
}

// PostgresConns is the default pool size: four connections per core the Go runtime uses
// (GOMAXPROCS), at least 8 and at most 32.
func PostgresConns() int { return min(max(4*runtime.GOMAXPROCS(0), 8), 32) }

// OpenSQLite opens (creating if needed) the SQLite database file at path.
//
// SQLite allows one writer at a time; a single connection makes that explicit and avoids
// SQLITE_BUSY inside the process, while WAL and the busy timeout let a second process (the CLI
// beside a running server) wait its turn instead of failing.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
		}
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	sqldb.SetMaxOpenConns(1)
	return open(ctx, bun.NewDB(sqldb, sqlitedialect.New()))
}

func open(ctx context.Context, db *bun.DB) (*Store, error) {
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &Store{root: db, db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, tenants: newTenantCache(TenantCacheTTL)}, nil
}

// Close releases the connection pool.
func (s *Store) Close() error { return s.root.Close() }

// Ping reports whether the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.root.PingContext(ctx) }

// Dialect names the database: "pg" or "sqlite".
func (s *Store) Dialect() string {
	if s.root.Dialect().Name() == dialect.PG {
		return "pg"
	}
	return "sqlite"
}

// MigrationsFS returns the migration files of the store's dialect.
func (s *Store) MigrationsFS() fs.FS {
	if s.Dialect() == "pg" {
		return migrations.Postgres()
	}
	return migrations.SQLite()
}

// Migrate applies every pending migration and returns the names it applied.
//
// On PostgreSQL, instances starting together queue on an advisory lock, which the server
// releases by itself if a process dies, so a crash never leaves a stale lock behind (bun's own
// lock table would). SQLite serves one instance, and each migration runs in a transaction.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(s.MigrationsFS()); err != nil {
		return nil, fmt.Errorf("store: discover migrations: %w", err)
	}
	if s.Dialect() == "pg" {
		conn, err := s.root.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: migrations: %w", err)
		}
		defer conn.Close()
		const lockKey = 0x77616368 // "wach"
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", lockKey); err != nil {
			return nil, fmt.Errorf("store: wait for the migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", lockKey) //nolint:errcheck // closing the session releases it too
	}
	m := migrate.NewMigrator(s.root, ms)
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("store: init migrations: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	var names []string
	backfill := false
	for _, mig := range group.Migrations {
		names = append(names, mig.Name+"_"+mig.Comment)
		backfill = backfill || mig.Name == obligationsMigration
	}
	if backfill { // the table is new: fill it from what is there (the rules are Go, not SQL)
		if err := s.RefreshAllObligations(ctx); err != nil {
			return names, fmt.Errorf("store: fill obligations: %w", err)
		}
	}
	return names, nil
}

// obligationsMigration adds the obligations table, which Migrate fills once afterwards.
const obligationsMigration = "20261127000005"

// InTx runs fn with a Store bound to one transaction; fn's error rolls it back.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	if _, inTx := s.db.(bun.Tx); inTx {
		return fn(s)
	}
	if s.Dialect() != "pg" {
		return s.root.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return fn(&Store{root: s.root, db: tx, now: s.now, tenants: s.tenants})
		})
	}
	// On PostgreSQL the transaction runs on a connection the Store holds, so that bulk writes
	// can use COPY on it (copyFrom) inside the same transaction.
	conn, err := s.root.Conn(ctx)
	if err != nil {
		return dbErr("begin", err)
	}
	defer conn.Close()
	return conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return fn(&Store{root: s.root, db: tx, conn: &conn, now: s.now, tenants: s.tenants})
	})
}

// SetClock replaces the clock (tests of expiry).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// dbErr maps driver errors to model errors and adds context. what says what was attempted.
func dbErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, model.ErrNotFound)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("store: %s: %w", what, model.ErrConflict)
	}
	switch pgCode(err) {
	case "40P01", "40001": // deadlock, serialization failure: two writers crossed; the next try passes
		return fmt.Errorf("store: %s: %w", what, errConcurrent)
	case "23503": // a row this write refers to was deleted by a transaction that committed first
		return fmt.Errorf("store: %s: %w", what, errGoneMeanwhile)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

var (
	errConcurrent    = model.Conflict("another change to the same data ran at the same time (for example a second import); nothing was written; try again")
	errGoneMeanwhile = model.Conflict("something this change refers to (an org unit, a course, a person) was removed meanwhile; nothing was written; reload and try again")
)

// pgCode is PostgreSQL's SQLSTATE of err, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func isUniqueViolation(err error) bool {
	if pgCode(err) == "23505" {
		return true
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// scanPage reads one page of q, which selects into rows: at most limit rows (0: all of them). It
// asks for one row more than it keeps, so that more says whether another page follows without a
// second query.
func scanPage[T any](ctx context.Context, q *bun.SelectQuery, rows *[]T, limit int) (more bool, err error) {
	if limit > 0 {
		q = q.Limit(int64(limit + 1))
	}
	if err := q.Scan(ctx); err != nil {
		return false, err
	}
	if limit > 0 && len(*rows) > limit {
		*rows = (*rows)[:limit]
		return true, nil
	}
	return false, nil
}

// subtreeOf matches an org unit path and everything below it without LIKE, so names holding
// '%' or '_' need no escaping.
func subtreeOf(column, path string) (string, []any) {
	prefix := path + "/"
	return "(" + column + " = ? OR substr(" + column + ", 1, ?) = ?)", []any{path, len([]rune(prefix)), prefix}
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }
