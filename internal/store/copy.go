package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// errNoCopy says COPY is not available: SQLite, or a Store outside a transaction.
var errNoCopy = errors.New("store: COPY needs PostgreSQL and a transaction")

// copyFrom writes rows into table with PostgreSQL's COPY protocol, inside the Store's
// transaction: the bulk writes of a staff import (users, roles, obligations of new people)
// go as one stream each instead of hundreds of multi-row INSERTs that bun spells out as SQL
// text. It returns errNoCopy where COPY is not available, and the caller inserts instead.
// Values must be what pgx encodes for the column's type: strings for text, uuid.UUID (or
// [16]byte) for uuid, time.Time, bool; nil for NULL.
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
