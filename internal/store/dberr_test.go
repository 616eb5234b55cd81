package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wachsam/wachsam/internal/model"
)

// Two writers crossing (two imports of the same people in opposite order deadlock on
// PostgreSQL) or a row deleted under a write are conflicts that tell the user to try again,
// not a bare 500.
func TestDBErrTurnsRacesIntoConflicts(t *testing.T) {
	for code, want := range map[string]string{"40P01": "try again", "40001": "try again", "23503": "removed meanwhile", "23505": ""} {
		err := dbErr("import staff", fmt.Errorf("copy: %w", &pgconn.PgError{Code: code}))
		if !errors.Is(err, model.ErrConflict) {
			t.Errorf("%s: %v is no conflict", code, err)
		}
		var d *model.DetailedError
		if want != "" && (!errors.As(err, &d) || !strings.Contains(d.Detail, want)) {
			t.Errorf("%s: %v does not say %q", code, err, want)
		}
	}
	if err := dbErr("x", &pgconn.PgError{Code: "XX000"}); errors.Is(err, model.ErrConflict) {
		t.Errorf("an internal error became a conflict: %v", err)
	}
}
