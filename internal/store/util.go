package store

import (
	"database/sql"
	"errors"
	"fmt"

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
