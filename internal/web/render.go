// Package web serves the server-rendered pages: login, logout, set-password and the learner's
// pages. They work without JavaScript, speak German and English, and use the same identity
// service and tokens as the API, kept in HttpOnly cookies.
package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/staffimport"
)

// funcs are the few helpers templates need beyond the built-ins.
var funcs = template.FuncMap{
	// courseHTML marks HTML that package course rendered (it refuses raw HTML in Markdown) as safe
	// to insert: the quiz views carry it as plain strings.
	"courseHTML": func(s string) template.HTML { return template.HTML(s) }, //nolint:gosec // rendered by package course
	"inc":        func(i int) int { return i + 1 },
	// dict passes several values to a shared template: (dict "Key" value …).
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
}

// templates holds one parsed template set per page, each joined with the layout. They are
// parsed once at start.
type templates struct {
	pages map[string]*template.Template
}

func parseTemplates(fsys fs.FS) (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}}
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Files starting with "_" hold shared pieces ({{define}}s) that every page may use.
	partials, err := fs.Glob(fsys, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if page == "layout" || strings.HasPrefix(page, "_") {
			continue
		}
		files := append([]string{"templates/layout.html"}, partials...)
		tpl, err := template.New(page).Funcs(funcs).ParseFS(fsys, append(files, name)...)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		t.pages[page] = tpl
	}
	return t, nil
}

// View is what every page template sees.
type View struct {
	Lang           string
	Title          string
	User           *ViewUser
	Tenant         string
	CSRF           string
	Notice         string // message key of a success notice
	Error          string // message key of an error
	OtherLanguages []LanguageLink
	Script         string // a page's own script under /static/js, if it has one
	// TenantAdmin: the signed-in person is an admin of their municipality, so the admin
	// navigation links the settings and the API keys (hr does not see them).
	TenantAdmin bool
	Data        any

	catalog *i18n.Catalog
}

// ViewUser is the signed-in user as pages show them.
type ViewUser struct {
	Name  string
	Admin bool // hr, admin or operator: the navigation links the admin pages
}

// LanguageLink switches the page to another language.
type LanguageLink struct {
	Code, Name, URL string
}

// T translates a message key into the page's language.
func (v *View) T(key string, args ...any) string { return v.catalog.T(v.Lang, key, args...) }

// tOr translates key where the catalogue has it, and is fallback otherwise: for keys made
// from stored words (audit actions, detail keys), where a word without an entry is shown as
// it is rather than as the key.
func (v *View) tOr(key, fallback string) string {
	if l := v.T(key); l != key {
		return l
	}
	return fallback
}

// Reason writes a staff import's problem in the page's language, without its line number
// (the table shows that beside it).
func (v *View) Reason(p staffimport.Problem) string { return sentence(p.Reason(v.T)) }

// sentence begins s with a capital letter: a staff-import reason stands on its own in the
// page's table, while the API's and the command line's English follow "line N: " in lower case.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// FileErrorText writes why a staff list cannot be imported at all in the page's language, with
// its line where it has one.
func (v *View) FileErrorText(e *staffimport.FileError) string { return e.Text(v.T) }

// Date formats a date the way readers of the page's language expect.
func (v *View) Date(t any) string {
	var tm time.Time
	switch x := t.(type) {
	case time.Time:
		tm = x
	case *time.Time:
		if x == nil {
			return ""
		}
		tm = *x
	default:
		return ""
	}
	return model.Day(tm, v.Lang)
}

// DateTime formats a moment with its time of day (Berlin), for logs such as the audit page.
func (v *View) DateTime(t time.Time) string {
	t = t.In(model.Berlin)
	if v.Lang == "en" {
		return t.Format("2 January 2006, 15:04")
	}
	return t.Format("02.01.2006, 15:04") + " Uhr"
}

// pageView is a page's View with its language set, for handlers that translate (titles,
// chart labels, messages) before the page renders.
func (w *Web) pageView(c *fiber.Ctx, data any) *View {
	return &View{Data: data, Lang: w.language(c), catalog: w.catalog}
}

// renderUser renders a page with the signed-in user (if any) in the header.
func (w *Web) renderUser(c *fiber.Ctx, status int, page, titleKey string, v *View) error {
	if p, ok := httpx.PrincipalOf(c); ok && v.User == nil {
		user, tenant, err := w.principalUser(c, p)
		if err != nil {
			return err
		}
		v.User, v.Tenant = user, tenant
		v.TenantAdmin = !p.IsAPIKey() && p.Has(model.RoleAdmin)
	}
	return w.render(c, status, page, titleKey, v)
}

// renderShared renders a signed-in page whose content is the same for everyone in the same
// situation, described by key (everything the page's own template shows except the CSRF token
// and the user's and municipality's names), through the page cache (see pageCache). The
// layout's own variables (interface language, URL, whether there is a municipality, and every
// field of ViewUser but the name, such as whether the navigation links the admin pages) are
// added to the key here; a new per-request part of the layout outside ViewUser must be added
// here too, as a key part or a slot.
func (w *Web) renderShared(c *fiber.Ctx, key, page string, v *View) error {
	p, ok := httpx.PrincipalOf(c)
	if !ok {
		return w.renderUser(c, fiber.StatusOK, page, "", v)
	}
	user, tenant, err := w.principalUser(c, p)
	if err != nil {
		return err
	}
	csrf, _ := c.Locals(csrfContextKey).(string)
	lang := w.language(c)
	shape := *user // everything the layout shows of the user but the name (which is a slot)
	shape.Name = ""
	key = page + "\x00" + lang + "\x00" + strconv.FormatBool(tenant != "") + "\x00" + fmt.Sprintf("%+v", shape) + "\x00" + c.OriginalURL() + "\x00" + key
	cp := w.pages.get(key)
	if cp == nil {
		shape.Name = w.pages.slot(slotName)
		v.Lang, v.CSRF, v.User = lang, w.pages.slot(slotCSRF), &shape
		if tenant != "" {
			v.Tenant = w.pages.slot(slotTenant)
		}
		b, err := w.execute(c, page, "", v)
		if err != nil {
			return err
		}
		cp = w.pages.put(key, b)
	}
	return w.send(c, fiber.StatusOK, lang, cp.fill(slotValues{csrf: csrf, name: user.Name, tenant: tenant}))
}

// render writes page with status.
func (w *Web) render(c *fiber.Ctx, status int, page, titleKey string, v *View) error {
	b, err := w.execute(c, page, titleKey, v)
	if err != nil {
		return err
	}
	return w.send(c, status, v.Lang, b)
}

func (w *Web) send(c *fiber.Ctx, status int, lang string, page []byte) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(page)
}

// execute runs page's template with the layout.
func (w *Web) execute(c *fiber.Ctx, page, titleKey string, v *View) ([]byte, error) {
	tpl, ok := w.tpl.pages[page]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", page)
	}
	v.catalog = w.catalog
	if v.Lang == "" {
		v.Lang = w.language(c)
	}
	if v.Title == "" {
		v.Title = v.T(titleKey)
	}
	if v.CSRF == "" {
		v.CSRF, _ = c.Locals(csrfContextKey).(string)
	}
	for _, l := range w.catalog.Languages() {
		if l != v.Lang {
			v.OtherLanguages = append(v.OtherLanguages, LanguageLink{Code: l, Name: w.catalog.T(l, "lang."+l), URL: withLang(c, l)})
		}
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// withLang is the current URL with ?lang= set, for the language switch.
func withLang(c *fiber.Ctx, lang string) string {
	q := url.Values{}
	for k, v := range c.Queries() {
		if k != "lang" {
			q.Set(k, v)
		}
	}
	q.Set("lang", lang)
	return c.Path() + "?" + q.Encode()
}
