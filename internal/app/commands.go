package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"runtime/debug"
	"strings"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// cliActor stands for the person at the terminal: shell access to the server is operator access.
var cliActor = auth.Principal{Roles: []model.Role{model.RoleOperator}}

func serve(ctx context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "seed the demo municipality on an empty database")
	addr := fs.String("addr", "", "listen address (overrides WACHSAM_ADDR)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if *addr != "" {
		if err := cfg.SetAddr(*addr); err != nil {
			return err
		}
	}
	log := newLogger(io.Stderr, cfg.LogLevel)
	applyMemoryLimit(cfg, log)
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := NewServer(ctx, cfg, st, log, ServerOptions{})
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		return err
	}
	if *demo {
		if err := SeedDemo(ctx, srv, io.Stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (%v); choose another address with WACHSAM_ADDR or --addr", cfg.Addr, errors.Unwrap(err))
	}
	return Serve(ctx, srv, ln)
}

// Serve answers requests on ln until ctx ends (SIGTERM or Ctrl-C), then stops accepting new
// connections and lets requests in flight finish, up to the configured shutdown timeout.
func Serve(ctx context.Context, srv *Server, ln net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- srv.App.Listener(ln) }()
	srv.Log.Info("wachsam is serving", "addr", ln.Addr().String(), "base_url", srv.Config.BaseURL.String(), "database", srv.Store.Dialect())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	srv.Log.Info("shutting down", "timeout", srv.Config.ShutdownTimeout.String())
	if err := srv.App.ShutdownWithTimeout(srv.Config.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// Sends in progress finish; queued mails wait in the database for the next start.
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), srv.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Notify.Stop(stopCtx); err != nil {
		return fmt.Errorf("shutdown: job queue: %w", err)
	}
	srv.Log.Info("stopped")
	return nil
}

// withStore runs fn with the configured, migrated database.
func withStore(ctx context.Context, io IO, fn func(cfg *config.Config, st *store.Store, log *slog.Logger) error) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := newLogger(io.Stderr, cfg.LogLevel)
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cfg, st, log)
}

func migrateCmd(ctx context.Context, args []string, io IO) error {
	if len(args) > 0 {
		return fmt.Errorf("`wachsam migrate` takes no arguments")
	}
	return withStore(ctx, io, func(_ *config.Config, st *store.Store, _ *slog.Logger) error {
		fmt.Fprintf(io.Stdout, "database schema is up to date (%s)\n", st.Dialect())
		return nil
	})
}

func identityFor(cfg *config.Config, st *store.Store, log *slog.Logger) (*identity.Service, error) {
	messages, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		return nil, err
	}
	return newIdentity(cfg, log, st, auth.DefaultArgon2, messages)
}

func tenantCreate(ctx context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("tenant create", flag.ContinueOnError)
	slug := fs.String("slug", "", "short name used in URLs, e.g. musterstadt")
	name := fs.String("name", "", "the municipality's name, e.g. \"Stadt Musterstadt\"")
	lang := fs.String("language", "de", "default language of its users (de or en)")
	minGroup := fs.Int("min-group-size", 5, "smallest group a report may show")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q; use --slug and --name", rest[0])
	}
	if *slug == "" || *name == "" {
		return errors.New("`wachsam tenant create` needs --slug and --name")
	}
	return withStore(ctx, io, func(cfg *config.Config, st *store.Store, log *slog.Logger) error {
		id, err := identityFor(cfg, st, log)
		if err != nil {
			return err
		}
		settings := model.DefaultSettings()
		settings.DefaultLanguage, settings.MinGroupSize = *lang, *minGroup
		t, err := id.CreateTenant(ctx, cliActor, identity.TenantInput{Slug: *slug, Name: *name, Settings: &settings})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(io.Stdout, "created municipality %q (%s)\n", t.Name, t.Slug)
		return nil
	})
}

func userCreate(ctx context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	tenant := fs.String("tenant", "", "slug of the municipality (not for operators)")
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "learner", "learner, hr, admin or operator; several separated by commas")
	orgUnit := fs.String("org-unit", "", "org unit path, e.g. \"Fachbereich 1/Bürgeramt\"")
	employee := fs.String("employee-number", "", "employee number (Personalnummer)")
	lang := fs.String("language", "", "de or en (default: the municipality's)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q", rest[0])
	}
	if *email == "" || *name == "" {
		return errors.New("`wachsam user create` needs --email and --name")
	}
	var roles []model.Role
	for _, r := range strings.Split(*role, ",") {
		parsed, ok := model.ParseRole(strings.TrimSpace(r))
		if !ok {
			return fmt.Errorf("unknown role %q; use learner, hr, admin or operator", r)
		}
		roles = append(roles, parsed)
	}
	password := ""
	if *pwStdin {
		b, err := readAllLimited(io.Stdin, auth.MaxPasswordLength+2)
		if err != nil {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
		if password == "" {
			return errors.New("--password-stdin was given but standard input is empty")
		}
	}
	return withStore(ctx, io, func(cfg *config.Config, st *store.Store, log *slog.Logger) error {
		id, err := identityFor(cfg, st, log)
		if err != nil {
			return err
		}
		scope := store.Scope{}
		isOperator := len(roles) == 1 && roles[0] == model.RoleOperator
		switch {
		case !isOperator && *tenant == "":
			return errors.New("--tenant is required for tenant roles (learner, hr, admin)")
		case isOperator && *tenant != "":
			return errors.New("operators belong to no municipality; leave out --tenant")
		case *tenant != "":
			t, err := st.TenantBySlug(ctx, *tenant)
			if errors.Is(err, model.ErrNotFound) {
				return fmt.Errorf("there is no municipality with the slug %q; create it with `wachsam tenant create`", *tenant)
			} else if err != nil {
				return err
			}
			scope = store.TenantScope(t.ID)
		}
		in := identity.UserInput{Email: email, Name: name, Roles: roles, Password: password}
		if *orgUnit != "" {
			in.OrgUnit = orgUnit
		}
		if *employee != "" {
			in.EmployeeNumber = employee
		}
		if *lang != "" {
			in.Language = lang
		}
		u, link, err := id.CreateUser(ctx, scope, cliActor, in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(io.Stdout, "created user %s (%s) with roles %s\n", u.Email, u.ID, model.JoinRoles(u.Roles))
		if link != "" {
			fmt.Fprintf(io.Stdout, "one-time link to set the password (valid 7 days):\n%s\n", link)
		}
		return nil
	})
}

func readAllLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("the password is longer than %d bytes", auth.MaxPasswordLength)
	}
	return b, nil
}

func courseValidate(_ context.Context, args []string, io IO) error {
	fs := flag.NewFlagSet("course validate", flag.ContinueOnError)
	format := fs.String("format", "text", "text or json")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("`wachsam course validate` needs exactly one directory: wachsam course validate DIR")
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format must be text or json, got %q", *format)
	}
	if info, err := os.Stat(rest[0]); err != nil || !info.IsDir() {
		return fmt.Errorf("%s is not a directory", rest[0])
	}
	_, diags := course.Load(os.DirFS(rest[0]), course.LoadOptions{})
	if err := course.WriteDiagnostics(io.Stdout, diags, *format); err != nil {
		return err
	}
	if course.HasErrors(diags) {
		return exitError{1}
	}
	return nil
}

func tokenKey(io IO) error {
	fmt.Fprintln(io.Stdout, auth.GenerateKey())
	return nil
}

// applyMemoryLimit sets the runtime's soft memory limit for the server (see
// config.DefaultMemoryLimit for why there is one by default).
func applyMemoryLimit(cfg *config.Config, log *slog.Logger) {
	switch {
	case cfg.MemoryLimit > 0:
		debug.SetMemoryLimit(cfg.MemoryLimit)
		log.Debug("memory limit", "bytes", cfg.MemoryLimit)
	case cfg.MemoryLimit == 0:
		debug.SetMemoryLimit(math.MaxInt64)
	default: // GOMEMLIMIT: the runtime read it at start
		log.Debug("memory limit from GOMEMLIMIT", "bytes", debug.SetMemoryLimit(-1))
	}
}
