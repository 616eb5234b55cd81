package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// errNoCopy says COPY is not available: SQLite, or a Store outside a transaction.
var errNoCopy = errors.New("store: COPY needs PostgreSQL and a transaction")

// copyFrom writes rows into table with PostgreSQL's COPY protocol, inside the Store's
// transaction: the bulk writes of a staff import (users, roles, obligations of new people)
// go as one stream each instead of hundreds of multi-row INSERTs that bun spells out as SQL
// text. It returns errNoCopy where COPY is not available, and the caller inserts instead.
// Values must be what pgx encodes for the column's type: strings for text, pgtype.UUID for uuid
// (copyUUID), time.Time, bool; nil for NULL.
func (s *Store) copyFrom(ctx context.Context, table string, columns []string, rows [][]any) error {
	if s.conn == nil {
		return errNoCopy
	}
	if len(rows) == 0 {
		return nil
	}
	return s.conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return errNoCopy
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
}

// copyUUID turns an id into what COPY's binary format takes for a uuid column ("" is NULL).
// pgx would accept the string too, but only after failing to encode it and formatting that
// error for every value: most of the CPU time of a 100,000-person import with five courses
// (6.2 s of Go CPU time with strings, 1.4 s with pgtype.UUID; see docs/benchmarks.md).
func copyUUID(id string) (any, error) {
	if id == "" {
		return nil, nil
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("store: %q is not a uuid: %w", id, err)
	}
	// pgtype.UUID, not uuid.UUID: pgx would take uuid.UUID's driver.Valuer, a string again.
	return pgtype.UUID{Bytes: u, Valid: true}, nil
}

// copyUUIDs is copyUUID for each of ids, stopping at the first error.
func copyUUIDs(ids ...string) ([]any, error) {
	out := make([]any, len(ids))
	for i, id := range ids {
		var err error
		if out[i], err = copyUUID(id); err != nil {
			return nil, err
		}
	}
	return out, nil
}
