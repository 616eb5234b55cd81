package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// boundQuery is SQL for the hot paths (lesson page, quiz submission), sent with real bind
// parameters instead of bun's inlined values.
//
// bun writes every value into the SQL text, so each user's statement is a new string: pgx
// prepares it afresh (a Parse/Describe round trip before the execution) and its statement
// cache never hits once more than a few users are active. With bind parameters one prepared
// statement serves every user. Written with `?`; the PostgreSQL form numbers them `$1, $2, …`.
type boundQuery struct {
	sqlite, pg string
}

// bound prepares q for both dialects. q must not contain `?` other than as placeholders.
func bound(q string) boundQuery {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return boundQuery{sqlite: q, pg: b.String()}
}

// sqlRunner is what database/sql's DB and Tx share.
type sqlRunner interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// runner returns the database/sql handle under the store: the pool, or the transaction.
func (s *Store) runner() sqlRunner {
	if tx, ok := s.db.(bun.Tx); ok {
		return tx.Tx
	}
	return s.root.DB
}

func (s *Store) text(q boundQuery) string {
	if s.Dialect() == "pg" {
		return q.pg
	}
	return q.sqlite
}

// queryBound runs q and calls row once per result row; scan fills bun models (struct
// pointers) from the current row, so times and nulls are read as bun reads them.
func (s *Store) queryBound(ctx context.Context, q boundQuery, args []any, row func(scan func(dest ...any) error) error) error {
	rows, err := s.runner().QueryContext(ctx, s.text(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	scan := func(dest ...any) error { return s.root.ScanRow(ctx, rows, dest...) }
	for rows.Next() {
		if err := row(scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// execBound runs q and returns the number of rows it changed.
func (s *Store) execBound(ctx context.Context, q boundQuery, args ...any) (int64, error) {
	res, err := s.runner().ExecContext(ctx, s.text(q), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
