package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// obligationsCheck is the operator's consistency check of the obligations table, which has no
// foreign keys because it is derived (see store.DanglingObligations): exit 1 when any row
// points to a person, course, org unit or assignment that does not exist.
func obligationsCheck(ctx context.Context, args []string, io IO) error {
	if len(args) > 0 {
		return errors.New("`wachsam obligations check` takes no arguments")
	}
	return withStore(ctx, io, func(_ *config.Config, st *store.Store, _ *slog.Logger) error {
		n, err := st.DanglingObligations(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(io.Stdout, "%d obligations point to a municipality, person, course, org unit or assignment that does not exist; `wachsam obligations rebuild` recomputes them\n", n)
			return exitError{1}
		}
		fmt.Fprintln(io.Stdout, "obligations are consistent: every row points to what it names")
		return nil
	})
}

// obligationsRebuild recomputes obligations from their inputs (assignments, people,
// certificates, enrolments, exemptions, manual completions): a repair. Without --tenant it
// rebuilds every municipality and first removes rows that point nowhere. Each municipality is
// one transaction under its obligations lock, so a running server waits and goes on.
func obligationsRebuild(ctx context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("obligations rebuild", flag.ContinueOnError)
	slug := fs.String("tenant", "", "slug of one municipality (default: all)")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return errors.New("usage: wachsam obligations rebuild [--tenant S]")
	}
	return withStore(ctx, io, func(_ *config.Config, st *store.Store, _ *slog.Logger) error {
		var tenants []model.Tenant
		if *slug != "" {
			t, err := st.TenantBySlug(ctx, *slug)
			if errors.Is(err, model.ErrNotFound) {
				return fmt.Errorf("no municipality with the slug %q", *slug)
			} else if err != nil {
				return err
			}
			tenants = []model.Tenant{t}
		} else {
			removed, err := st.DeleteDanglingObligations(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(io.Stdout, "removed %d obligations that pointed nowhere\n", removed)
			if tenants, err = st.ListTenants(ctx); err != nil {
				return err
			}
		}
		for _, t := range tenants {
			started := time.Now()
			if err := st.RebuildObligations(ctx, t.ID); err != nil {
				return fmt.Errorf("rebuild the obligations of %s: %w", t.Slug, err)
			}
			fmt.Fprintf(io.Stdout, "rebuilt the obligations of %s (%s)\n", t.Slug, time.Since(started).Round(time.Millisecond))
		}
		return nil
	})
}
