package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/notify"
	"github.com/wachsam/wachsam/internal/staffimport"
	"github.com/wachsam/wachsam/internal/store"
)

func userImport(ctx context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("user import", flag.ContinueOnError)
	tenant := fs.String("tenant", "", "slug of the municipality")
	dryRun := fs.Bool("dry-run", false, "show what would change, change nothing")
	skipInvalid := fs.Bool("skip-invalid", false, "import the valid rows even if some are invalid")
	deactivate := fs.Bool("deactivate-missing", false, "deactivate learners who are not in the file")
	invite := fs.Bool("invite", false, "e-mail the people the import creates an invitation (needs WACHSAM_SMTP_HOST)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *tenant == "" || len(rest) != 1 {
		return errors.New("usage: wachsam user import --tenant S FILE [--dry-run] [--skip-invalid] [--deactivate-missing] [--invite]")
	}
	return withStore(ctx, io, func(cfg *config.Config, st *store.Store, log *slog.Logger) error {
		f, err := os.Open(rest[0])
		if err != nil {
			return fmt.Errorf("cannot open %s: %w", rest[0], errors.Unwrap(err))
		}
		defer f.Close()
		id, err := identityFor(cfg, st, log)
		if err != nil {
			return err
		}
		parsed, err := staffimport.Parse(f, int64(cfg.MaxImportBytes))
		if fe := (*staffimport.FileError)(nil); errors.As(err, &fe) {
			return fmt.Errorf("%s: %s", rest[0], id.ImportFileMessage(fe))
		}
		if err != nil {
			return fmt.Errorf("%s: %w", rest[0], err)
		}
		t, err := st.TenantBySlug(ctx, *tenant)
		if errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("there is no municipality with the slug %q", *tenant)
		} else if err != nil {
			return err
		}
		opts := identity.ImportOptions{DryRun: *dryRun, SkipInvalid: *skipInvalid, DeactivateMissing: *deactivate}
		if *invite {
			if !cfg.SMTP.Enabled() {
				return fmt.Errorf("--invite needs e-mail: %w", notify.ErrDisabled)
			}
			// Only queued here; the running server's workers send them.
			n, err := newNotifier(cfg, &Server{Store: st, Identity: id}, log)
			if err != nil {
				return err
			}
			opts.Invite = n.Invite
		}
		rep, err := id.ImportStaff(ctx, store.TenantScope(t.ID), cliActor, parsed, opts)
		if err != nil {
			return describe(err)
		}
		printImport(io, rep, *deactivate)
		if len(rep.Invalid) > 0 {
			return exitError{1}
		}
		return nil
	})
}

func printImport(io IO, rep identity.ImportReport, deactivate bool) {
	for _, p := range rep.Invalid {
		fmt.Fprintln(io.Stderr, p.Message)
	}
	verb := "imported"
	switch {
	case rep.DryRun:
		verb = "dry run, nothing written"
	case !rep.Written:
		verb = "nothing written because of invalid rows (use --skip-invalid to import the valid ones)"
	}
	// Every count is of lines, as on the preview page: a line with two bad values is one
	// invalid line, though it has two problems above.
	counts := "%s: %d rows, %d created, %d updated, %d unchanged, %d invalid\n"
	if !rep.Written { // what the valid rows would do
		counts = "%s: %d rows, %d to create, %d to update, %d unchanged, %d invalid\n"
	}
	fmt.Fprintf(io.Stdout, counts, verb, rep.Rows, rep.Created, rep.Updated, rep.Unchanged, rep.InvalidLines())
	if rep.Invited > 0 {
		fmt.Fprintf(io.Stdout, "%d invitations queued; the server sends them\n", rep.Invited)
	}
	if len(rep.NewOrgUnits) > 0 {
		what := "org units created"
		if !rep.Written {
			what = "org units to create (check their spelling)"
		}
		fmt.Fprintf(io.Stdout, "%d %s:\n", len(rep.NewOrgUnits), what)
		for _, path := range rep.NewOrgUnits {
			fmt.Fprintln(io.Stdout, "  "+path)
		}
	}
	if len(rep.Deactivated) > 0 {
		// With invalid lines the list holds the people of those lines too (which person a line
		// meant cannot be told), and nobody is deactivated.
		what := "not in the file (add --deactivate-missing to deactivate them)"
		switch {
		case rep.DeactivationDone:
			what = "deactivated"
		case deactivate && len(rep.Invalid) > 0:
			what = "without a valid line in the file, NOT deactivated because the file has invalid rows"
		case len(rep.Invalid) > 0:
			what = "without a valid line in the file (also those whose line is invalid; --deactivate-missing needs a file without invalid lines)"
		case deactivate:
			what = "would be deactivated"
		}
		fmt.Fprintf(io.Stdout, "%d learners %s:\n", len(rep.Deactivated), what)
		for _, e := range rep.Deactivated {
			fmt.Fprintln(io.Stdout, "  "+e)
		}
	}
}
