package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/app"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// suite is one server and one browser, shared by the subtests of TestBrowser.
type suite struct {
	t      *testing.T
	env    *testenv.Env
	base   string // http://127.0.0.1:PORT
	tenant model.Tenant
	admin  string // an admin's API token
	msgs   *i18n.Catalog

	axe      string // axe.min.js
	shots    string // screenshot directory
	pdftext  string // pdftotext, if installed
	browser  context.Context
	deadline time.Time
}

// enabled tells whether the suite should run, and fails (not skips) in CI or when asked for
// but Chromium or axe-core is missing.
func enabled(t *testing.T) (chromium, axePath string) {
	t.Helper()
	if os.Getenv("WACHSAM_E2E") != "1" && os.Getenv("CI") != "true" {
		t.Skip("browser tests are off; run them with WACHSAM_E2E=1 WACHSAM_AXE_JS=…/axe-core/axe.min.js (see the package doc)")
	}
	chromium = os.Getenv("WACHSAM_CHROMIUM")
	if chromium == "" {
		for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		t.Fatal("no Chromium found: install Debian's chromium (apt-get install -y chromium) or set WACHSAM_CHROMIUM")
	}
	axePath = os.Getenv("WACHSAM_AXE_JS")
	if axePath == "" {
		t.Fatal("WACHSAM_AXE_JS is not set: npm install --prefix DIR axe-core@4 and set it to DIR/node_modules/axe-core/axe.min.js")
	}
	return chromium, axePath
}

func newSuite(t *testing.T) *suite {
	chromium, axePath := enabled(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("read axe-core from WACHSAM_AXE_JS: %v", err)
	}
	s := &suite{t: t, axe: string(axe), deadline: time.Now().Add(5 * time.Minute)}
	if d, ok := t.Deadline(); ok && d.Before(s.deadline) {
		s.deadline = d.Add(-5 * time.Second)
	}
	s.shots = os.Getenv("WACHSAM_E2E_SCREENSHOTS")
	if s.shots == "" {
		s.shots = t.TempDir()
	} else if err := os.MkdirAll(s.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := exec.LookPath("pdftotext"); err == nil {
		s.pdftext = p
	}
	if s.msgs, err = i18n.Load(frontend.Messages, "i18n"); err != nil {
		t.Fatal(err)
	}
	s.startServer()
	s.startBrowser(chromium)
	return s
}

// startServer runs the real server with the embedded starter library on a loopback port; the
// base URL is that port, so links in certificates and e-mails point here.
func (s *suite) startServer() {
	t := s.t
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.base = "http://" + ln.Addr().String()
	srv := testenv.ServerWith(t, "sqlite", map[string]string{"WACHSAM_BASE_URL": s.base}, app.ServerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, srv, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	s.env = &testenv.Env{T: t, Srv: srv}
	s.tenant = s.env.Tenant("musterstadt")
	admin := s.env.User(&s.tenant, "admin@musterstadt.example", "", model.RoleAdmin)
	s.admin = s.env.Token(admin.Email)
	// Mandatory training for everybody, one of it overdue, so the dashboards show that
	// section in every state the checks visit.
	for _, body := range []map[string]any{
		{"course": "phishing-erkennen", "due_in_days": 30},
		{"course": "ransomware-notfall", "due_date": "2020-01-15"},
	} {
		if r := s.env.Do("POST", "/api/v1/admin/assignments", s.admin, body); r.StatusCode != 201 {
			t.Fatalf("assign %v: %d %s", body["course"], r.StatusCode, r.Body)
		}
	}
}

func (s *suite) startBrowser(chromium string) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(s.t.TempDir()),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		// Without these Chromium calls Google at start and waits for it.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		// A German office PC: the pages negotiate their language from this.
		chromedp.Flag("lang", "de-DE"),
		chromedp.Flag("accept-lang", "de-DE,de"),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	s.t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser and binds its life to ctx: no timeout on this one.
	if err := chromedp.Do(ctx); err != nil {
		s.t.Fatalf("start Chromium: %v", err)
	}
	s.browser = ctx
}

// learner creates a learner with a real name (the test user helper derives names from e-mails)
// and a language ("" = the municipality's).
func (s *suite) learner(email, name, lang string) {
	s.t.Helper()
	in := identity.UserInput{Email: &email, Name: &name, Roles: []model.Role{model.RoleLearner}, Password: testenv.Password}
	if lang != "" {
		in.Language = &lang
	}
	operator := auth.Principal{Roles: []model.Role{model.RoleOperator}}
	if _, _, err := s.env.Srv.Identity.CreateUser(context.Background(), store.TenantScope(s.tenant.ID), operator, in); err != nil {
		s.t.Fatalf("create learner %s: %v", email, err)
	}
}

// completeLessons marks every lesson of a course done through the API.
func (s *suite) completeLessons(t *testing.T, token, slug string) {
	t.Helper()
	for _, l := range s.course(t, slug).Lessons {
		if r := s.env.Do("POST", "/api/v1/courses/"+slug+"/lessons/"+l.Slug+"/complete", token, nil); r.StatusCode != 204 {
			t.Fatalf("complete %s: %d %s", l.Slug, r.StatusCode, r.Body)
		}
	}
}

// key is the answer key of a course's quiz: question id → correct option ids. Only the test
// reads it; the browser never sees it.
type key map[string][]string

func (k key) correct(q, o string) bool {
	for _, id := range k[q] {
		if id == o {
			return true
		}
	}
	return false
}

// tab is one browser tab in a browser context of its own (its own cookies). It records every
// request and every script error or console error of its pages.
type tab struct {
	t   *testing.T
	s   *suite
	ctx context.Context

	mu       sync.Mutex
	requests []string
	problems []string
	expected map[string]bool // URLs whose error status is the point of the test
}

func (s *suite) newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	ctx, cancelTime := context.WithDeadline(ctx, s.deadline)
	tb := &tab{t: t, s: s, ctx: ctx, expected: map[string]bool{}}
	t.Cleanup(func() {
		tb.checkRequests()
		tb.checkProblems()
		cancelTime()
		cancel()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("script error at %s:%d: %s", d.URL, d.LineNumber, text))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			tb.problems = append(tb.problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level == cdplog.EntryLevelError && !tb.expected[e.URL] {
			tb.problems = append(tb.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	}
}

// checkRequests fails on any request to a host other than the test server: no fonts, scripts,
// images or trackers from elsewhere.
func (tb *tab) checkRequests() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	base, _ := url.Parse(tb.s.base)
	seen := map[string]bool{}
	for _, raw := range tb.requests {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			tb.t.Errorf("request to an unparsable URL %q", raw)
		case u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about":
		case u.Hostname() != "127.0.0.1" || u.Host != base.Host:
			if !seen[raw] {
				tb.t.Errorf("request to another host: %s", raw)
				seen[raw] = true
			}
		}
	}
	tb.t.Logf("%d requests, all to %s", len(tb.requests), base.Host)
}

func (tb *tab) checkProblems() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("%s", p)
	}
	tb.problems = nil
}

// expectStatus marks a URL whose error status is expected (the 404 page), so that the
// browser's "failed to load" log entry for it is no problem.
func (tb *tab) expectStatus(u string) {
	tb.mu.Lock()
	tb.expected[u] = true
	tb.mu.Unlock()
}

// actionTimeout bounds one step, so that a click that leads nowhere fails instead of hanging.
const actionTimeout = 30 * time.Second

// do runs actions and fails the test on an error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v (page %s)", what, err, tb.location())
	}
}

// load runs actions that navigate (a link, a form) and waits for the new page; it fails on an
// HTTP error unless want says otherwise.
func (tb *tab) load(what string, want int, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tb.t.Fatalf("%s: %v (page %s)", what, err, tb.location())
	}
	if res == nil {
		tb.t.Fatalf("%s: no page loaded", what)
	}
	if int(res.Status) != want {
		tb.t.Fatalf("%s: status %d, want %d (%s)", what, res.Status, want, res.URL)
	}
}

// open navigates to path (relative to the server) and expects 200.
func (tb *tab) open(path string) { tb.t.Helper(); tb.openStatus(path, 200) }

func (tb *tab) openStatus(path string, want int) {
	tb.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = tb.s.base + path
	}
	if want >= 400 {
		tb.expectStatus(u)
	}
	tb.load("open "+path, want, chromedp.Navigate(u))
}

// click clicks the element and waits for the page it leads to.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.load("click "+sel, 200, chromedp.Click(chromedp.CSS(sel)))
}

// submitRefused sends the form that sel selects with its submit button and expects the answer
// to have status want (a form that comes back with what to fix); the error status of the
// form's address is expected, so the browser's log entry for it is no problem.
func (tb *tab) submitRefused(what string, want int, sel string) {
	tb.t.Helper()
	tb.expectStatus(eval[string](tb, `document.querySelector(`+strconv.Quote(sel)+`).action`))
	tb.load(what, want, chromedp.Click(chromedp.CSS(sel+" button[type=submit]")))
}

func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	l, _ := chromedp.Run(ctx, chromedp.Location())
	return l
}

// path is the current page's path and query.
func (tb *tab) path() string {
	u, err := url.Parse(tb.location())
	if err != nil {
		return ""
	}
	return u.RequestURI()
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v (page %s)", sel, err, tb.location())
	}
	return strings.Join(strings.Fields(s), " ")
}

func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute(){return ""}}).getAttribute(%q) || ""`, sel, name))
}

// eval runs JavaScript in the page (DevTools evaluation, which the page's CSP does not limit)
// and decodes its value.
func eval[T any](tb *tab, js string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		tb.t.Fatalf("evaluate %.80q: %v (page %s)", js, err, tb.location())
	}
	return v
}

func (tb *tab) contains(sel, want string) {
	tb.t.Helper()
	if got := tb.text(sel); !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
		tb.t.Fatalf("%s on %s reads %q, want it to contain %q", sel, tb.path(), got, want)
	}
}

// cookies returns the tab's cookies for the server, for fetching a download outside the browser.
func (tb *tab) cookies() []*http.Cookie {
	tb.t.Helper()
	res, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.s.base + "/"}})
	if err != nil {
		tb.t.Fatal(err)
	}
	var out []*http.Cookie
	for _, c := range res.Cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

// fetch GETs path with the tab's cookies.
func (tb *tab) fetch(path string) (*http.Response, []byte) {
	tb.t.Helper()
	req, err := http.NewRequestWithContext(tb.ctx, "GET", tb.s.base+path, nil)
	if err != nil {
		tb.t.Fatal(err)
	}
	for _, c := range tb.cookies() {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.t.Fatal(err)
	}
	return res, body
}

// focus describes document.activeElement.
type focus struct {
	Tag, Type, Name, Value, ID, Class, Text, Href string
	Checked                                       bool
	FocusVisible                                  bool
	OutlineStyle                                  string
	OutlineWidth                                  float64
	OutlineColor                                  string
	BoxShadow                                     string
	InView                                        bool
}

func (f focus) String() string {
	s := strings.ToLower(f.Tag)
	if f.ID != "" {
		s += "#" + f.ID
	}
	if f.Type != "" {
		s += "[type=" + f.Type + "]"
	}
	if f.Name != "" {
		s += "[name=" + f.Name + "][value=" + f.Value + "]"
	}
	if f.Href != "" {
		s += "[href=" + f.Href + "]"
	}
	if f.Text != "" {
		s += " " + strconvQuote(f.Text)
	}
	return s
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

const focusJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {Tag: "BODY"};
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return {Tag: el.tagName, Type: el.getAttribute("type") || "", Name: el.name || "", Value: el.value || "",
    ID: el.id || "", Class: typeof el.className === "string" ? el.className : "",
    Text: (el.innerText || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 60),
    Href: el.getAttribute("href") || "", Checked: !!el.checked, FocusVisible: el.matches(":focus-visible"),
    OutlineStyle: s.outlineStyle, OutlineWidth: parseFloat(s.outlineWidth) || 0, OutlineColor: s.outlineColor,
    BoxShadow: s.boxShadow,
    InView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth && r.width > 0 && r.height > 0};
})()`

// focused returns the focused element and fails when its focus is not visible: WCAG 2.4.7
// wants a visible indicator, here at least a 2 px outline (or a box shadow) and on screen.
func (tb *tab) focused() focus {
	tb.t.Helper()
	f := eval[focus](tb, focusJS)
	if f.Tag == "BODY" {
		return f
	}
	visible := (f.OutlineStyle != "none" && f.OutlineWidth >= 2) || (f.BoxShadow != "" && f.BoxShadow != "none")
	if !f.FocusVisible || !visible {
		tb.t.Errorf("focus on %s is not visible on %s (:focus-visible %v, outline %s %.0fpx, box-shadow %s)",
			f, tb.path(), f.FocusVisible, f.OutlineStyle, f.OutlineWidth, f.BoxShadow)
	}
	if !f.InView {
		tb.t.Errorf("focused %s is outside the viewport on %s", f, tb.path())
	}
	return f
}

// press sends keys (chromedp's kb notation: "\t" Tab, "\r" Enter, " " Space, kb.ArrowDown …).
func (tb *tab) press(keys string, opts ...chromedp.KeyOption) {
	tb.t.Helper()
	tb.do("press "+strconvQuote(keys), chromedp.KeyEvent(keys, opts...))
}

// viewport sets the window's CSS size.
func (tb *tab) viewport(w, h int64) {
	tb.t.Helper()
	tb.do("viewport", chromedp.EmulateViewport(w, h))
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// reflows checks that the page, in a window as wide as the viewport now is, does not scroll
// sideways (at 360 px: WCAG 1.4.10).
func (tb *tab) reflows() {
	tb.t.Helper()
	w := eval[int](tb, `innerWidth`)
	sw := eval[int](tb, `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`)
	if sw > w {
		wide := eval[[]string](tb, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.trim().replace(/\s+/g, ".") : "") + " right=" + Math.round(e.getBoundingClientRect().right) + " " + JSON.stringify((e.innerText || "").slice(0, 40)))`)
		tb.t.Errorf("%s scrolls sideways at %d px: scrollWidth %d; too wide: %s", tb.path(), w, sw, strings.Join(wide, ", "))
	}
}

// screenshots saves the page at 1280, 800 and 360 px and checks that at 800 and 360 px nothing
// scrolls sideways: 360 is a phone (and 1280 px zoomed to 400 %), 800 a tablet or a window
// zoomed to 160 %, between the pages' narrow layout and the full width their tables need.
func (tb *tab) screenshots(name string) {
	tb.t.Helper()
	name = unsafeName.ReplaceAllString(name, "_")
	for _, w := range []int64{1280, 800, 360} {
		tb.viewport(w, 800)
		if w < 1280 {
			tb.reflows()
		}
		png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			tb.t.Fatalf("screenshot: %v", err)
		}
		file := filepath.Join(tb.s.shots, fmt.Sprintf("%s-%d.png", name, w))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
	tb.viewport(1280, 900)
}

// violation is one failed axe rule.
type violation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct {
		Target  []any
		HTML    string
		Summary string
	}
}

// axeJS runs axe-core's WCAG 2.0/2.1 A and AA rules on the whole document.
const axeJS = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help, HelpURL: v.helpUrl,
    Nodes: v.nodes.map(n => ({Target: n.target, HTML: n.html.slice(0, 200), Summary: n.failureSummary || ""}))})))`

// runAxe injects axe-core when the page has none yet and returns its violations.
func (tb *tab) runAxe() []violation {
	tb.t.Helper()
	if !eval[bool](tb, `typeof axe !== "undefined"`) {
		eval[chromedp.Void](tb, tb.s.axe+"\n;void 0")
	}
	return eval[[]violation](tb, axeJS, chromedp.EvalAwaitPromise)
}

// axeOnly fails on serious and critical violations and logs the rest.
func (tb *tab) axeOnly() {
	tb.t.Helper()
	page := tb.path()
	for _, v := range tb.runAxe() {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("\n      %v %s\n        %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n        ")))
		}
		msg := fmt.Sprintf("axe %s [%s] on %s: %s (%s)%s", v.ID, v.Impact, page, v.Help, v.HelpURL, strings.Join(nodes, ""))
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Error(msg)
		} else {
			tb.t.Log(msg)
		}
	}
}

// audit checks the current page: axe (no serious or critical violation), <html lang>, one h1,
// a skip link that reaches main, and a label for every form control. Then it takes screenshots.
func (tb *tab) audit(name string) {
	tb.t.Helper()
	page := tb.path()
	tb.axeOnly()

	type structure struct {
		Lang, Title string
		H1          int
		SkipHref    string
		SkipFirst   bool
		MainExists  bool
		Unlabelled  []string
		Duplicates  []string
		Markup      string
	}
	st := eval[structure](tb, `(() => {
	  const skip = document.querySelector("a.skip-link");
	  const focusables = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])")];
	  const unlabelled = [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")].filter(el => {
	    if (el.tagName === "BUTTON") return !(el.innerText.trim() || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
	    return !(el.labels && el.labels.length && [...el.labels].some(l => l.innerText.trim())) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby");
	  }).map(el => el.outerHTML.slice(0, 120));
	  const ids = {}; document.querySelectorAll("[id]").forEach(e => ids[e.id] = (ids[e.id] || 0) + 1);
	  return {Lang: document.documentElement.lang, Title: document.title, H1: [...document.querySelectorAll("h1")].filter(h => h.checkVisibility()).length,
	    Markup: (/<\/?(p|code|strong|em|a|ul|ol|li|br|img)( [^>]*)?>/.exec(document.querySelector("main").innerText) || [""])[0],
	    SkipHref: skip ? skip.getAttribute("href") : "", SkipFirst: focusables[0] === skip,
	    MainExists: !!document.querySelector("main#main"), Unlabelled: unlabelled,
	    Duplicates: Object.keys(ids).filter(k => ids[k] > 1)};
	})()`)
	if st.Lang == "" {
		tb.t.Errorf("%s: <html> has no lang", page)
	}
	if strings.TrimSpace(st.Title) == "" {
		tb.t.Errorf("%s: no <title>", page)
	}
	if st.H1 != 1 {
		tb.t.Errorf("%s: %d rendered h1 elements, want exactly one", page, st.H1)
	}
	if st.Markup != "" {
		tb.t.Errorf("%s shows HTML markup as text (e.g. %q): the view's HTML field is a string, which html/template escapes; pass it through a func that returns template.HTML", page, st.Markup)
	}
	if st.SkipHref != "#main" || !st.SkipFirst || !st.MainExists {
		tb.t.Errorf("%s: skip link %q (first focusable: %v) to main#main (exists: %v)", page, st.SkipHref, st.SkipFirst, st.MainExists)
	}
	for _, u := range st.Unlabelled {
		tb.t.Errorf("%s: form control without a label: %s", page, u)
	}
	if len(st.Duplicates) > 0 {
		tb.t.Errorf("%s: duplicate ids %v", page, st.Duplicates)
	}
	tb.skipLink()
	tb.screenshots(name)
}

// skipLink checks with the keyboard that the first Tab on a fresh page reaches the skip link,
// that it shows, and that Enter moves focus to the main content.
func (tb *tab) skipLink() {
	tb.t.Helper()
	// The page is as it loaded: the first Tab must reach the skip link (an autofocus elsewhere
	// would skip it, and the heading and introduction with it).
	eval[chromedp.Void](tb, `window.scrollTo(0, 0); void 0`)
	tb.press("\t")
	f := tb.focused()
	if f.Href != "#main" {
		tb.t.Errorf("%s: the first Tab focuses %s, want the skip link", tb.path(), f)
		return
	}
	tb.press("\r")
	if got := eval[string](tb, `document.activeElement ? document.activeElement.id : ""`); got != "main" {
		tb.t.Errorf("%s: after the skip link, focus is on %q, want main", tb.path(), got)
	}
	// Leave the page as it was, without the #main fragment and focus.
	eval[chromedp.Void](tb, `history.replaceState(null, "", location.pathname + location.search); document.activeElement.blur(); window.scrollTo(0, 0); void 0`)
}

// axeCanary proves that axe runs and reports: it breaks the page on purpose (an image without
// alt text, grey on grey text, an unlabelled field) and wants those rules to fail.
func (tb *tab) axeCanary() {
	tb.t.Helper()
	eval[chromedp.Void](tb, `(() => {
	  const d = document.createElement("div"); d.id = "axe-canary";
	  d.innerHTML = '<img src="/static/favicon.svg"><p>kaum lesbar</p><input type="text">';
	  const p = d.querySelector("p"); p.style.color = "#aaa"; p.style.background = "#bbb"; // CSSOM: the CSP allows it
	  document.querySelector("main").append(d);
	})(); void 0`)
	found := map[string]bool{}
	for _, v := range tb.runAxe() {
		found[v.ID] = true
	}
	eval[chromedp.Void](tb, `document.getElementById("axe-canary").remove(); void 0`)
	for _, rule := range []string{"image-alt", "color-contrast", "label"} {
		if !found[rule] {
			tb.t.Errorf("axe did not report the planted %s violation; is axe-core working? (found %v)", rule, found)
		}
	}
}

// axRoles returns the roles that Chromium's accessibility tree gives the elements that sel
// matches (what a screen reader gets), e.g. to see that a restyled table is still a table.
func (tb *tab) axRoles(sel string) []string {
	tb.t.Helper()
	n := eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
	var roles []string
	for i := range n {
		obj := eval[*runtime.RemoteObject](tb, fmt.Sprintf(`document.querySelectorAll(%q)[%d]`, sel, i))
		res, err := chromedp.Call(tb.ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: obj.ObjectID, FetchRelatives: new(false)})
		if err != nil {
			tb.t.Fatalf("accessibility tree of %s: %v", sel, err)
		}
		role := "?"
		for _, node := range res.Nodes {
			if node.Role != nil && !node.Ignored {
				var r string
				_ = json.Unmarshal(node.Role.Value, &r)
				role = r
				break
			}
		}
		roles = append(roles, role)
	}
	return roles
}

// tablesKeepRoles fails when CSS for small screens has turned a table into something that
// screen readers no longer read as a table (display: block on table parts can do that).
func (tb *tab) tablesKeepRoles(table string) {
	tb.t.Helper()
	want := map[string]string{table: "table", table + " tr": "row", table + " td": "cell"}
	for sel, role := range want {
		for i, got := range tb.axRoles(sel) {
			if !strings.EqualFold(got, role) {
				tb.t.Errorf("%s: %s #%d has the role %q at %d px, want %q", tb.path(), sel, i+1, got, eval[int](tb, `innerWidth`), role)
				break
			}
		}
	}
}

// snapshot saves what the window shows now (not the whole page), e.g. to look at a focus ring.
func (tb *tab) snapshot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(tb.s.shots, unsafeName.ReplaceAllString(name, "_")+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
