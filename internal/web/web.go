package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// Cookie names. The access cookie lives as long as the token; the refresh cookie as long as the
// session. Both are HttpOnly, so page scripts never see tokens.
const (
	accessCookie  = "wachsam_at"
	refreshCookie = "wachsam_rt"
	langCookie    = "wachsam_lang"
	csrfCookie    = "wachsam_csrf"
)

const csrfContextKey = "csrf_token"

// Web holds the pages' dependencies.
type Web struct {
	store    *store.Store
	identity *identity.Service
	catalog  *i18n.Catalog
	courses  *catalog.Catalog
	learning *learning.Service
	// renderPDF makes a certificate's PDF (shared with the API).
	renderPDF func(ctx context.Context, c store.Certificate, lang string) ([]byte, error)
	// exportData sends the signed-in user's data (the API's handler, shared).
	exportData fiber.Handler
	refreshTTL time.Duration
	mail       bool
	// The admin pages' services and the preview store of staff lists.
	reports        *report.Service
	assignments    *assignment.Service
	maxImportBytes int
	pending        *pendingImports
	keySecrets     *secretsShownOnce
	cursors        *pagecursor.Codec
	invite         func(ctx context.Context, tx *store.Store, tenantID string, userIDs ...string) error
	tpl            *templates
	pages          *pageCache
	static         fs.FS
	tls            bool
	log            *slog.Logger
}

// Options configure the pages.
type Options struct {
	Store    *store.Store
	Identity *identity.Service
	Frontend fs.FS // templates/ and i18n/
	Static   fs.FS // served under /static/
	Catalog  *i18n.Catalog
	Courses  *catalog.Catalog
	Learning *learning.Service
	// RenderPDF makes a certificate's PDF.
	RenderPDF func(ctx context.Context, c store.Certificate, lang string) ([]byte, error)
	// ExportData sends the signed-in user's personal data as JSON.
	ExportData fiber.Handler
	RefreshTTL time.Duration
	// Mail says whether e-mail is configured (the privacy page lists mails only then).
	Mail bool
	// Reports and Assignments serve the admin pages (without them there are none).
	Reports     *report.Service
	Assignments *assignment.Service
	// MaxImportBytes bounds an uploaded staff list.
	MaxImportBytes int
	// Invite queues invitation mails for the people an import creates (identity.ImportOptions);
	// nil when e-mail is not configured, and the import page then does not offer it.
	Invite func(ctx context.Context, tx *store.Store, tenantID string, userIDs ...string) error
	// Cursors seal the people list's page cursors (the API's codec).
	Cursors *pagecursor.Codec
	TLS     bool
	Log     *slog.Logger
}

// New parses the templates once.
func New(o Options) (*Web, error) {
	tpl, err := parseTemplates(o.Frontend)
	if err != nil {
		return nil, err
	}
	maxImport := o.MaxImportBytes
	if maxImport <= 0 {
		maxImport = 16 << 20
	}
	return &Web{store: o.Store, identity: o.Identity, catalog: o.Catalog, courses: o.Courses, learning: o.Learning, renderPDF: o.RenderPDF, exportData: o.ExportData, refreshTTL: o.RefreshTTL, mail: o.Mail, tpl: tpl, pages: newPageCache(), static: o.Static, tls: o.TLS, log: o.Log,
		reports: o.Reports, assignments: o.Assignments, maxImportBytes: maxImport, pending: newPendingImports(4 * maxImport), keySecrets: newSecretsShownOnce(o.Store.Now), invite: o.Invite, cursors: o.Cursors}, nil
}

// Register mounts the pages on app.
func (w *Web) Register(app *fiber.App) {
	app.Use("/static", func(c *fiber.Ctx) error {
		// Static files are versioned with the binary; an hour of caching is safe and fast.
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Next()
	}, filesystem.New(filesystem.Config{Root: http.FS(w.static)}))

	app.Get("/media/:slug/:key", w.session, w.sessionOrBearer, w.courseMedia)

	pages := app.Group("", w.csrf(), w.session)
	pages.Get("/login", w.loginPage)
	pages.Post("/login", w.loginSubmit)
	pages.Post("/logout", w.logout)
	pages.Get("/set-password", w.setPasswordPage)
	pages.Post("/set-password", w.setPasswordSubmit)
	pages.Get("/datenschutz", w.privacyPage)
	pages.Get("/barrierefreiheit", w.accessibilityPage)
	if w.exportData != nil {
		pages.Get("/my-data", w.requireLogin, w.exportData)
	}
	pages.Get("/verify", w.verifyPage)
	pages.Get("/verify/:code", w.verifyPage)

	// requireLogin goes on each route, not on a group: a Fiber group's middleware would also
	// run for every unknown path (and the API's) and turn their 404s into redirects.
	pages.Get("/", w.requireLogin, w.home)
	pages.Get("/courses/:slug", w.requireLogin, w.coursePage)
	pages.Get("/courses/:slug/lessons/:lesson", w.requireLogin, w.lessonPage)
	pages.Post("/courses/:slug/lessons/:lesson/complete", w.requireLogin, w.completeLesson)
	pages.Post("/courses/:slug/quiz", w.requireLogin, w.startQuiz)
	pages.Get("/attempts/:id", w.requireLogin, w.attemptPage)
	pages.Post("/attempts/:id/save", w.requireLogin, w.saveAnswers)
	pages.Post("/attempts/:id/submit", w.requireLogin, w.submitAttempt)
	pages.Get("/certificates", w.requireLogin, w.certificatesPage)
	pages.Get("/certificates/:id/pdf", w.requireLogin, w.certificatePDF)
	w.registerAdmin(pages)
}

// csrf protects every form with a token bound to a cookie (Fiber's double-submit middleware).
func (w *Web) csrf() fiber.Handler {
	return csrf.New(csrf.Config{
		KeyLookup:      "form:_csrf",
		CookieName:     csrfCookie,
		CookieSameSite: "Lax",
		CookieSecure:   w.tls,
		CookieHTTPOnly: true,
		Expiration:     4 * time.Hour,
		KeyGenerator:   utils.UUIDv4,
		ContextKey:     csrfContextKey,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return httpx.ErrCSRF
		},
	})
}

// session reads the signed-in user from the access cookie. When it has expired, a page
// navigation (GET) spends the refresh cookie for a new pair. Only navigations refresh: parallel
// sub-requests racing to spend the same refresh token would look like token theft.
func (w *Web) session(c *fiber.Ctx) error {
	if tok := c.Cookies(accessCookie); tok != "" {
		if p, err := w.identity.Authenticate(tok); err == nil {
			httpx.SetPrincipal(c, p)
			return c.Next()
		}
	}
	if rt := c.Cookies(refreshCookie); rt != "" && c.Method() == fiber.MethodGet {
		t, err := w.identity.Refresh(c.UserContext(), rt)
		if errors.Is(err, identity.ErrRefreshRaced) {
			// Another tab renewed the session a moment ago and its response carries the new
			// cookies; keep them rather than clearing.
			return c.Next()
		}
		if err != nil {
			w.clearSession(c)
			return c.Next()
		}
		w.setSession(c, t)
		if p, err := w.identity.Authenticate(t.AccessToken); err == nil {
			httpx.SetPrincipal(c, p)
		}
	}
	return c.Next()
}

func (w *Web) requireLogin(c *fiber.Ctx) error {
	if _, ok := httpx.PrincipalOf(c); ok {
		return c.Next()
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

func (w *Web) setSession(c *fiber.Ctx, t identity.Tokens) {
	w.cookie(c, accessCookie, t.AccessToken, t.AccessExpires)
	w.cookie(c, refreshCookie, t.RefreshToken, t.RefreshExpires)
}

func (w *Web) clearSession(c *fiber.Ctx) {
	w.cookie(c, accessCookie, "", time.Unix(1, 0))
	w.cookie(c, refreshCookie, "", time.Unix(1, 0))
}

func (w *Web) cookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", Expires: expires, HTTPOnly: true, Secure: w.tls, SameSite: fiber.CookieSameSiteLaxMode})
}

// language picks the page language: ?lang= (remembered in a cookie), the cookie, the signed-in
// user's setting, the browser's Accept-Language, the municipality's default, German.
func (w *Web) language(c *fiber.Ctx) string {
	if l, ok := c.Locals("lang").(string); ok {
		return l
	}
	var candidates []string
	if q := c.Query("lang"); w.catalog.Has(q) {
		candidates = append(candidates, q)
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: q, Path: "/", Expires: time.Now().AddDate(1, 0, 0), HTTPOnly: true, Secure: w.tls, SameSite: fiber.CookieSameSiteLaxMode})
	}
	candidates = append(candidates, c.Cookies(langCookie))
	fallback := i18n.Default
	if p, ok := httpx.PrincipalOf(c); ok {
		candidates = append(candidates, p.Language)
		if t, ok := w.tenantOf(c, p.TenantID); ok {
			fallback = t.Settings.DefaultLanguage
		}
	}
	l := w.catalog.Negotiate(c.Get(fiber.HeaderAcceptLanguage), fallback, candidates...)
	c.Locals("lang", l)
	return l
}

// ErrorPage renders an error for browser routes (the httpx error handler calls it).
func (w *Web) ErrorPage(c *fiber.Ctx, p httpx.Problem) error {
	msg := "error.generic"
	switch p.Status {
	case 403:
		msg = "error.403"
		if p.Type == httpx.TypeCSRF {
			msg = "error.csrf"
		}
	case 404:
		msg = "error.404"
	case 429:
		msg = "error.429"
	case 500, 503:
		msg = "error.500"
	}
	data := map[string]string{"Message": msg, "RequestID": p.RequestID}
	if p.Code == codeBadCursor {
		data["Message"], data["Back"], data["BackLabel"] = "error.cursor", firstPage(c), "error.cursor_back"
	}
	v := &View{Data: data}
	// A signed-in user stays signed in on the error page too: the header keeps their
	// navigation and the sign-out button, instead of looking as if the error had signed them
	// out. If even that fails (the error may be the database), the page goes without it.
	if pr, ok := httpx.PrincipalOf(c); ok && !pr.IsAPIKey() {
		if user, tenant, err := w.principalUser(c, pr); err == nil {
			v.User, v.Tenant, v.TenantAdmin = user, tenant, pr.Has(model.RoleAdmin)
		}
	}
	if err := w.render(c, p.Status, "error", "error.title", v); err != nil {
		return c.Status(p.Status).SendString(p.Title)
	}
	return nil
}

// codeBadCursor marks a refused page cursor (openCursor), so that the error page can say what
// happened and lead back to the list's first page instead of a bare "could not be processed".
const codeBadCursor = "bad_cursor"

// openCursor reads ?cursor= of a paged list as a sort key of n parts sealed for binding; nil
// without a cursor. One that was changed, or sealed for other filters, another list or another
// municipality, is a 400 that the error page explains (codeBadCursor).
func (w *Web) openCursor(c *fiber.Ctx, binding string, n int) ([]string, error) {
	cur := c.Query("cursor")
	if cur == "" {
		return nil, nil
	}
	key, err := w.cursors.Open(cur, binding, n)
	if err != nil {
		return nil, httpx.WithCode(codeBadCursor, err)
	}
	return key, nil
}

// firstPage is the current list's first page with the same filters: this URL without its cursor.
func firstPage(c *fiber.Ctx) string {
	q := url.Values{}
	for k, v := range c.Queries() {
		if k != "cursor" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return c.Path()
	}
	return c.Path() + "?" + q.Encode()
}

// safeNext keeps a post-login redirect on this site: a local path, never "//host" or a URL.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

// principalUser is the signed-in user for display: the name from the access token (so a
// rename shows once the token is refreshed, within the access-token lifetime), and the
// municipality's name. Tokens issued before names were carried make it look the user up.
func (w *Web) principalUser(c *fiber.Ctx, p auth.Principal) (*ViewUser, string, error) {
	name := p.Name
	if name == "" {
		u, err := w.store.UserByID(c.UserContext(), store.AllTenants(), p.UserID)
		if err != nil {
			return nil, "", err
		}
		name = u.Name
	}
	tenant := ""
	if t, ok := w.tenantOf(c, p.TenantID); ok {
		tenant = t.Name
	}
	return &ViewUser{Name: name, Admin: isAdmin(p)}, tenant, nil
}

// tenantOf looks the tenant up once per request (the header and the language both need it),
// from the store's short-lived tenant cache (store.CachedTenant).
func (w *Web) tenantOf(c *fiber.Ctx, id string) (model.Tenant, bool) {
	if id == "" {
		return model.Tenant{}, false
	}
	if t, ok := c.Locals("tenant").(model.Tenant); ok && t.ID == id {
		return t, true
	}
	t, err := w.store.CachedTenant(c.UserContext(), id)
	if err != nil {
		return model.Tenant{}, false
	}
	c.Locals("tenant", t)
	return t, true
}
