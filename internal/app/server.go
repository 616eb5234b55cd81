package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/coursegit"
	"github.com/wachsam/wachsam/internal/httpapi"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/mail"
	"github.com/wachsam/wachsam/internal/notify"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/web"
)

// Server is the wired application: store, domain services and the Fiber app.
type Server struct {
	Config   *config.Config
	Store    *store.Store
	Identity *identity.Service
	Catalog  *catalog.Catalog
	Courses  catalog.Tree
	Learning *learning.Service
	Notify   *notify.Notifier
	// Assignments makes courses mandatory (API, pages and the demo).
	Assignments *assignment.Service
	App         *fiber.App
	Log         *slog.Logger

	gitRepo *coursegit.Repo
	poller  *coursegit.Poller
}

// ServerOptions tune NewServer for tests.
type ServerOptions struct {
	// Argon2 overrides the password-hashing cost (tests use a cheap one).
	Argon2 *auth.Argon2Params
	// Courses replaces the configured course tree (tests use small ones).
	Courses catalog.Tree
}

// OpenStore connects to the configured database and applies pending migrations.
func OpenStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	var (
		st  *store.Store
		err error
	)
	if cfg.UsesPostgres() {
		st, err = store.OpenPostgres(ctx, cfg.DatabaseURL, cfg.DatabaseMaxConns)
	} else {
		st, err = store.OpenSQLite(ctx, cfg.SQLitePath())
	}
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "dialect", st.Dialect(), "migrations", strings.Join(applied, ", "))
	}
	if err := notify.Migrate(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// NewServer wires everything for cfg on an open store. It starts nothing: Start does.
func NewServer(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger, opts ServerOptions) (*Server, error) {
	params := auth.DefaultArgon2
	if opts.Argon2 != nil {
		params = *opts.Argon2
	}
	messages, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		return nil, err
	}
	id, err := newIdentity(cfg, log, st, params, messages)
	if err != nil {
		return nil, err
	}
	mediaStore, err := newMediaStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	srv := &Server{Config: cfg, Store: st, Identity: id, Log: log, Catalog: catalog.New(st, mediaStore, log)}
	if err := srv.Catalog.Restore(ctx); err != nil {
		return nil, err
	}
	if srv.Courses = opts.Courses; srv.Courses == nil {
		if srv.Courses, srv.gitRepo, err = courseTree(cfg); err != nil {
			return nil, err
		}
	}
	srv.Learning = learning.New(st, srv.Catalog)
	cursors, err := pagecursor.New(id.DeriveKey("page cursors"))
	if err != nil {
		return nil, err
	}
	if srv.Notify, err = newNotifier(cfg, srv, log); err != nil {
		return nil, err
	}
	reports := report.New(st, srv.Catalog)
	assignments := assignment.New(st, srv.Catalog, id)
	srv.Assignments = assignments
	api := &httpapi.API{Assignments: assignments, Cursors: cursors, Store: st, Identity: id, Catalog: srv.Catalog, SyncCourses: srv.SyncCourses, WebhookSecret: cfg.CoursesGit.WebhookSecret,
		WebhookBranch: cfg.CoursesGit.Branch, TriggerGitSync: srv.triggerGitSync, Learning: srv.Learning,
		RenderCertificate: srv.renderCertificate, BaseURL: cfg.BaseURL.String(), MaxImportBytes: cfg.MaxImportBytes,
		Reports: reports, Notify: srv.Notify, Log: log}
	pages, err := newWeb(cfg, srv, messages, api.ExportMyData, reports, assignments, cursors)
	if err != nil {
		return nil, err
	}
	app := httpx.NewApp(httpx.Options{
		Log: log, BodyLimit: cfg.MaxBodyBytes, TLS: cfg.TLS(), TrustedProxies: cfg.TrustedProxies,
		LargeBodyLimit: cfg.MaxImportBytes, LargeBody: func(path string) bool { return path == "/api/v1/admin/users/import" || web.IsUpload(path) },
		HTMLError:    pages.ErrorPage,
		IsAPI:        func(path string) bool { return strings.HasPrefix(path, "/api/") },
		LongDownload: func(p string) bool { return httpapi.LongDownload(p) || web.LongDownload(p) },
	})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			log.Warn("not ready: database does not answer", "error", err.Error())
			return httpx.WriteProblem(c, httpx.Problem{Type: "about:blank", Title: "Service Unavailable", Status: fiber.StatusServiceUnavailable, Detail: "The database does not answer."})
		}
		return c.SendString("ready")
	})
	if srv.gitRepo != nil {
		srv.poller = coursegit.NewPoller(srv.gitRepo, cfg.CoursesGit.Interval, srv.syncGitCommit, func(err error) {
			log.Error("course repository update failed; the previous catalogue stays live", "error", err.Error())
		})
	}
	api.Register(app)
	pages.Register(app)
	app.Use("/api", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	srv.App = app
	return srv, nil
}

// newNotifier wires e-mail: SMTP when configured, else a Notifier that queues nothing and
// says so (invitations then fall back to links shown to the admin).
func newNotifier(cfg *config.Config, srv *Server, log *slog.Logger) (*notify.Notifier, error) {
	sub, err := fs.Sub(frontend.Mail, "mail")
	if err != nil {
		return nil, err
	}
	templates, err := mail.LoadTemplates(sub, nil)
	if err != nil {
		return nil, err
	}
	o := notify.Options{
		Store: srv.Store, Identity: srv.Identity, Catalog: srv.Catalog, Templates: templates,
		BaseURL: cfg.BaseURL, PerMinute: cfg.SMTP.PerMinute, Logger: log, PollInterval: cfg.JobPollInterval,
		ScanInterval: cfg.ReminderScanInterval,
	}
	if cfg.SMTP.Enabled() {
		from, err := netmail.ParseAddress(cfg.SMTP.From)
		if err != nil {
			return nil, err
		}
		o.From = *from
		o.Sender = &mail.SMTP{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, TLS: cfg.SMTP.TLS, HeloName: cfg.BaseURL.Hostname()}
	}
	return notify.New(o)
}

// newIdentity wires sign-in and user management; the CLI uses it without the rest.
func newIdentity(cfg *config.Config, log *slog.Logger, st *store.Store, params auth.Argon2Params, messages *i18n.Catalog) (*identity.Service, error) {
	keys, err := keyring(cfg, log)
	if err != nil {
		return nil, err
	}
	return identity.New(identity.Options{
		Store: st, Hasher: auth.NewHasher(params), Keys: keys,
		AccessTTL: cfg.AccessTokenTTL, RefreshTTL: cfg.RefreshTokenTTL,
		LoginLimitPerIP: cfg.LoginLimitPerIP, LoginLimitPerUser: cfg.LoginLimitPerUser, LoginLimitWindow: cfg.LoginLimitWindow,
		BaseURL: cfg.BaseURL, Messages: messages,
	}), nil
}

// keyring loads the token-signing keys. Without a configured key (allowed only with the
// embedded SQLite database, see config) one is generated once and kept in the data dir, so
// sessions survive restarts.
func keyring(cfg *config.Config, log *slog.Logger) (*auth.Keyring, error) {
	key := cfg.TokenKey
	if key == "" {
		path := filepath.Join(cfg.DataDir, "token.key")
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			key = strings.TrimSpace(string(b))
		case errors.Is(err, os.ErrNotExist):
			key = auth.GenerateKey()
			if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
				return nil, fmt.Errorf("create data dir: %w", err)
			}
			if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("store generated token key: %w", err)
			}
			log.Info("generated a token-signing key", "path", path)
		default:
			return nil, fmt.Errorf("read token key: %w", err)
		}
	}
	return auth.NewKeyring(key, cfg.PreviousTokenKeys...)
}
