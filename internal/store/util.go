package store

import (
	"database/sql"
	"errors"
	"fmt"
	"github.com/google/uuid"

	"github.com/wachsam/wachsam/internal/model"
)

// expectOne turns "no row changed" into model.ErrNotFound.
func expectOne(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return dbErr(what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", what, model.ErrNotFound)
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }

// checkID refuses ids that are not UUIDs before they reach the database: PostgreSQL would
// reject them with an error, SQLite would find nothing. Either way the caller asked for
// something that does not exist.
func checkID(what, id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return fmt.Errorf("store: %s %q: %w", what, id, model.ErrNotFound)
	}
	return nil
}
