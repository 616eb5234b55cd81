package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/testenv"
)

// slug is the starter course the tests take: five lessons in German and English and a quiz
// that draws 8 shuffled questions, single and multiple choice.
const slug = "phishing-erkennen"

// TestBrowser runs the browser suite on one server and one Chromium; each subtest has its own
// learner and its own browser context (cookies).
func TestBrowser(t *testing.T) {
	start := time.Now()
	s := newSuite(t)
	t.Logf("server on %s, Chromium started in %s; screenshots in %s", s.base, time.Since(start).Round(time.Millisecond), s.shots)
	t.Run("Journey", s.journey("de"))
	t.Run("JourneyEnglish", s.journey("en"))
	t.Run("Keyboard", s.keyboard)
	t.Run("Accessibility", s.accessibility)
	t.Run("Library", s.library)
	t.Run("Admin", s.adminJourney)
	t.Logf("suite took %s", time.Since(start).Round(time.Millisecond))
}

func (s *suite) course(t *testing.T, slug string) *course.Course {
	t.Helper()
	e, err := s.env.Srv.Catalog.Get(slug, false)
	if err != nil {
		t.Fatal(err)
	}
	if e.Course.Quiz == nil || len(e.Course.Lessons) == 0 {
		t.Fatalf("course %s has no lessons or no quiz", slug)
	}
	return e.Course
}

func (s *suite) key(t *testing.T) key { t.Helper(); return key(s.env.CorrectAnswers(slug)) }

// login signs in with the mouse.
func (tb *tab) login(email string) {
	tb.t.Helper()
	tb.open("/")
	if !strings.HasPrefix(tb.path(), "/login") {
		tb.t.Fatalf("/ without a session shows %s, want the login page", tb.path())
	}
	tb.contains("h1", "Anmelden")
	tb.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testenv.Password))
	tb.click(`form[action="/login"] button[type=submit]`)
	if tb.path() != "/" {
		tb.t.Fatalf("after login: on %s, want the dashboard", tb.path())
	}
}

// question is a quiz question as the page shows it.
type question struct {
	ID      string
	Type    string // radio or checkbox
	Options []struct{ ID, Value string }
}

func (tb *tab) questions() []question {
	tb.t.Helper()
	qs := eval[[]question](tb, `[...document.querySelectorAll("#quiz fieldset.question")].map(f => {
	  const inputs = [...f.querySelectorAll("input")];
	  return {ID: inputs[0].name.replace(/^q-/, ""), Type: inputs[0].type, Options: inputs.map(i => ({ID: i.id, Value: i.value}))};
	})`)
	if len(qs) == 0 {
		tb.t.Fatalf("no questions on %s", tb.path())
	}
	return qs
}

// answerWithMouse clicks the labels of the right (or only wrong) options.
func (tb *tab) answerWithMouse(k key, right bool) {
	tb.t.Helper()
	for _, q := range tb.questions() {
		if len(k[q.ID]) == 0 {
			tb.t.Fatalf("question %q is not in the course's key", q.ID)
		}
		for _, o := range q.Options {
			if k.correct(q.ID, o.Value) == right {
				tb.do("choose "+o.ID, chromedp.Click(chromedp.CSS(fmt.Sprintf(`label[for=%q]`, o.ID))))
				if !eval[bool](tb, fmt.Sprintf(`document.getElementById(%q).checked`, o.ID)) {
					tb.t.Fatalf("clicking the label of %s did not check it", o.ID)
				}
				if !right {
					break // one wrong option is enough to get the question wrong
				}
			}
		}
	}
}

// journey: the whole way through a course with the mouse, a failed and a passed quiz, the
// certificate and its verification. In German, and for a learner whose language is English.
func (s *suite) journey(lang string) func(t *testing.T) {
	return func(t *testing.T) {
		msg := func(key string, args ...any) string { return s.msgs.T(lang, key, args...) }
		email, name := "juergen.mueller@musterstadt.example", "Jürgen Müller-Özdemir"
		if lang == "en" {
			email, name = "aylin.oezdemir@musterstadt.example", "Aylin Özdemir"
		}
		s.learner(email, name, lang)
		crs, k := s.course(t, slug), s.key(t)
		tb := s.newTab(t)
		tb.login(email)
		tb.contains("h1", msg("home.title"))
		if lang == "de" {
			tb.contains("h1", "Meine Kurse")
		}
		if got := tb.attr("html", "lang"); got != lang {
			t.Fatalf("after login the page language is %q, want the learner's %q", got, lang)
		}

		tb.click(fmt.Sprintf(`main h3 a[href="/courses/%s"]`, slug))
		tb.contains("h1", crs.TextFor(lang).Title)
		tb.contains("main a.button", msg("course.start"))
		tb.click("main a.button")
		for i, l := range crs.Lessons {
			if want := "/courses/" + slug + "/lessons/" + l.Slug; tb.path() != want {
				t.Fatalf("lesson %d: on %s, want %s", i+1, tb.path(), want)
			}
			tb.contains("main", msg("lesson.position", i+1, len(crs.Lessons)))
			tb.contains("#lesson-title", l.TextFor(lang).Title)
			if title := eval[string](tb, `document.title`); !strings.Contains(title, l.TextFor(lang).Title) || !strings.Contains(title, crs.TextFor(lang).Title) {
				t.Errorf("lesson page title %q names not both the lesson and the course", title)
			}
			tb.contains(".lesson-actions button.primary", msg("lesson.complete"))
			tb.click(".lesson-actions button.primary")
		}
		if tb.path() != "/courses/"+slug {
			t.Fatalf("after the last lesson: on %s, want the course page", tb.path())
		}
		tb.contains("main", msg("course.lessons_done_quiz_next"))

		tb.click(fmt.Sprintf(`form[action="/courses/%s/quiz"] button`, slug))
		if !strings.HasPrefix(tb.path(), "/attempts/") {
			t.Fatalf("starting the quiz leads to %s", tb.path())
		}
		tb.answerWithMouse(k, false)
		tb.click("#quiz button.primary:not([formaction])")
		tb.contains("h1", msg("result.title"))
		tb.contains(".result", msg("result.failed", 80))
		tb.contains(".result", msg("result.score", 0, 0, 8))

		tb.click(fmt.Sprintf(`form[action="/courses/%s/quiz"] button`, slug))
		tb.contains("button.primary:not([formaction])", msg("quiz.submit"))
		tb.answerWithMouse(k, true)
		tb.click("#quiz button.primary:not([formaction])")
		tb.contains(".result", msg("result.passed", 80))
		if title := eval[string](tb, `document.title`); !strings.HasPrefix(title, msg("result.title")) {
			t.Errorf("the result page's title %q does not tell it from the quiz page", title)
		}
		tb.contains(".result", msg("result.score", 100, 8, 8))
		if lang == "de" { // the words a German learner reads
			tb.contains("main", "Bestanden")
		}

		pdf := tb.attr(`main .notice a[href$="/pdf"]`, "href")
		if pdf == "" {
			t.Fatal("the result page offers no certificate download")
		}
		res, body := tb.fetch(pdf)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Fatalf("GET %s: %d %s %.20q", pdf, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if s.pdftext != "" {
			file := filepath.Join(t.TempDir(), "zertifikat.pdf")
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(s.pdftext, "-enc", "UTF-8", file, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range []string{name, s.base + "/verify/"} {
				if !strings.Contains(text, want) {
					t.Errorf("the certificate PDF does not contain %q:\n%s", want, text)
				}
			}
		} else {
			t.Log("pdftotext not installed; the PDF's text is not checked")
		}

		tb.click(`.site-nav a[href="/certificates"]`)
		tb.contains("h1", msg("certs.title"))
		tb.contains("tbody", msg("cert.status.valid"))
		tb.click(`main a[href^="/verify/"]`)
		tb.contains("h1", msg("verify.title"))
		tb.contains(".verdict-box", msg("verify.status.valid"))
		if lang == "de" {
			tb.contains(".verdict-box", "gültig")
		}
		tb.contains(".facts", name)
	}
}

// tabTo presses Tab until want matches the focused element, checking at every step that the
// focus is visible.
func (tb *tab) tabTo(what string, want func(focus) bool) focus {
	tb.t.Helper()
	var path []string
	for range 80 {
		tb.press(kb.Tab)
		f := tb.focused()
		if want(f) {
			return f
		}
		path = append(path, f.String())
	}
	tb.t.Fatalf("%s: Tab never reached it on %s; focus went %s", what, tb.path(), strings.Join(path, " → "))
	return focus{}
}

// keyboard: sign in, start and pass the quiz with Tab, arrow keys, Space and Enter only.
func (s *suite) keyboard(t *testing.T) {
	const email = "tastatur@musterstadt.example"
	s.learner(email, "Karla Tastatur", "")
	s.completeLessons(t, s.env.Token(email), slug)
	k := s.key(t)
	tb := s.newTab(t)

	tb.open("/login")
	tb.tabTo("e-mail field", func(f focus) bool { return f.ID == "email" })
	tb.press(email)
	tb.press(kb.Tab)
	if f := tb.focused(); f.ID != "password" {
		t.Fatalf("Tab from the e-mail field goes to %s, want the password", f)
	}
	tb.press(testenv.Password)
	tb.load("log in with Enter", 200, chromedp.KeyEvent(kb.Enter))
	tb.contains("h1", "Meine Kurse")

	tb.open("/courses/" + slug)
	tb.tabTo("start button", func(f focus) bool { return f.Tag == "BUTTON" && strings.Contains(f.Text, "Test starten") })
	tb.load("start the quiz with Enter", 200, chromedp.KeyEvent(kb.Enter))
	if !strings.HasPrefix(tb.path(), "/attempts/") {
		t.Fatalf("Enter on the start button leads to %s", tb.path())
	}

	qs := tb.questions()
	byName := map[string]question{}
	for _, q := range qs {
		byName["q-"+q.ID] = q
	}
	answered := map[string]bool{}
	var path []string
	for step := 0; ; step++ {
		if step > 150 {
			t.Fatalf("Tab never reached the submit button; focus went %s", strings.Join(path, " → "))
		}
		tb.press(kb.Tab)
		f := tb.focused()
		path = append(path, f.String())
		if f.Tag == "BUTTON" && strings.Contains(f.Class, "primary") && f.Text == "Test abgeben" {
			break
		}
		q, ok := byName[f.Name]
		if !ok || f.Tag != "INPUT" {
			continue
		}
		switch f.Type {
		case "radio":
			if answered[q.ID] {
				t.Fatalf("Tab came back into the radio group of %s", q.ID)
			}
			at, want := -1, -1
			for i, o := range q.Options {
				if o.ID == f.ID {
					at = i
				}
				if k.correct(q.ID, o.Value) {
					want = i
				}
			}
			switch {
			case at == want:
				tb.press(" ")
			case want > at:
				tb.press(strings.Repeat(kb.ArrowDown, want-at))
			default:
				tb.press(strings.Repeat(kb.ArrowUp, at-want))
			}
			if g := tb.focused(); g.ID != q.Options[want].ID || !g.Checked {
				t.Fatalf("question %s: arrow keys and Space left focus on %s (checked %v), want %s checked", q.ID, g, g.Checked, q.Options[want].ID)
			}
			answered[q.ID] = true
			if len(answered) == 1 {
				tb.snapshot("keyboard-focus-radio")
			}
		case "checkbox":
			if k.correct(q.ID, f.Value) {
				tb.press(" ")
				if g := tb.focused(); g.ID != f.ID || !g.Checked {
					t.Fatalf("Space on checkbox %s did not tick it", f.ID)
				}
			}
			answered[q.ID] = true
		}
	}
	for _, q := range qs {
		if !answered[q.ID] {
			t.Errorf("Tab skipped question %s; focus went %s", q.ID, strings.Join(path, " → "))
		}
	}
	tb.load("submit with Enter", 200, chromedp.KeyEvent(kb.Enter))
	tb.contains("h1", "Ihr Ergebnis")
	tb.contains(".result", "Bestanden")
	tb.contains(".result", "100 % richtig")
}

// accessibility: axe and the structural checks on every learner page, in German and English,
// at 1280, 800 and 360 px.
func (s *suite) accessibility(t *testing.T) {
	const email, name = "barrierefrei@musterstadt.example", "Beate Barrierefrei"
	crs, k := s.course(t, slug), s.key(t)
	var created struct {
		SetPasswordURL string `json:"set_password_url"`
	}
	r := s.env.Do("POST", "/api/v1/admin/users", s.admin, map[string]any{"email": email, "name": name, "roles": []string{"learner"}})
	if r.StatusCode != 201 {
		t.Fatalf("create user: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &created)
	if !strings.HasPrefix(created.SetPasswordURL, s.base+"/set-password?token=") {
		t.Fatalf("set-password link %q does not point at the test server %s", created.SetPasswordURL, s.base)
	}

	tb := s.newTab(t)
	tb.open(created.SetPasswordURL)
	tb.axeCanary()
	tb.contains("h1", "Passwort festlegen")
	tb.audit("set-password")
	tb.do("set the password",
		chromedp.SendKeys(chromedp.CSS("#password"), testenv.Password),
		chromedp.SendKeys(chromedp.CSS("#confirm"), testenv.Password))
	tb.click(`form[action="/set-password"] button[type=submit]`)
	tb.contains(".notice", "Passwort ist gespeichert")
	tb.audit("login")

	tb.do("log in wrongly", chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), "falsch-falsch"))
	tb.submitRefused("log in wrongly", 401, `form[action="/login"]`)
	tb.contains(".notice.error", "falsch")
	tb.audit("login-failed")
	if got := tb.attr("#email", "value"); got != email {
		t.Errorf("after a failed login the e-mail field holds %q, want %q kept", got, email)
	}
	tb.do("log in", chromedp.SendKeys(chromedp.CSS("#password"), testenv.Password))
	tb.click(`form[action="/login"] button[type=submit]`)
	tb.contains("h1", "Meine Kurse")
	tb.audit("home")

	tb.open("/courses/" + slug)
	tb.audit("course")
	first := "/courses/" + slug + "/lessons/" + crs.Lessons[0].Slug
	tb.open(first)
	tb.audit("lesson")
	// The lesson with the most media and markup, in both languages.
	for _, l := range crs.Lessons[1:] {
		tb.open("/courses/" + slug + "/lessons/" + l.Slug)
		tb.audit("lesson-" + l.Slug)
	}

	token := s.env.Token(email)
	s.completeLessons(t, token, slug)
	tb.open("/")
	tb.audit("home-in-progress")
	tb.open("/courses/" + slug)
	tb.audit("course-lessons-done")
	tb.click(fmt.Sprintf(`form[action="/courses/%s/quiz"] button`, slug))
	quiz := tb.path()
	tb.audit("quiz")
	tb.answerWithMouse(k, true)
	tb.click(`#quiz button[formaction]`) // "Antworten speichern" without script
	tb.contains(".notice.ok", "gespeichert")
	tb.audit("quiz-saved")

	// English: the interface and the course switch with ?lang=en (and stay, by cookie).
	tb.open(first + "?lang=en")
	tb.contains("html", "Lesson 1 of")
	tb.audit("en-lesson")
	tb.open(quiz + "?lang=en")
	tb.contains("button.primary:not([formaction])", "Submit")
	tb.audit("en-quiz")
	tb.open("/courses/" + slug)
	tb.audit("en-course")
	tb.open("/?lang=de")
	tb.contains("h1", "Meine Kurse")

	tb.open(quiz)
	tb.click("#quiz button.primary:not([formaction])")
	tb.contains(".result", "Bestanden")
	tb.audit("result")
	tb.open(tb.path() + "?lang=en")
	tb.audit("en-result")
	tb.open("/certificates?lang=de")
	tb.audit("certificates")
	tb.viewport(360, 800)
	tb.tablesKeepRoles("main table")
	tb.viewport(1280, 900)
	verify := tb.attr(`main a[href^="/verify/"]`, "href")
	tb.open(verify)
	tb.contains(".verdict-box", "gültig")
	tb.audit("verify")
	tb.openStatus("/verify/abcd-efgh-ijkl", 404)
	tb.audit("verify-unknown")
	tb.openStatus("/gibt-es-nicht", 404)
	tb.contains("h1", "Fehler")
	tb.audit("error-404")
	tb.openStatus("/courses/gibt-es-nicht", 404)
	tb.audit("error-404-course")
	tb.open("/datenschutz")
	tb.contains("h1", "Datenschutz")
	tb.audit("privacy")
	tb.open("/barrierefreiheit")
	tb.contains("h1", "Barrierefreiheit")
	tb.audit("accessibility-statement")
	tb.open("/datenschutz?lang=en")
	tb.audit("en-privacy")
	tb.open("/datenschutz?lang=de")
}

// library: every lesson of every starter course, in each of its languages, at 360 px and with
// axe: the pages are the same template, but the authors' Markdown (tables, images, code, long
// words) is what breaks layouts.
func (s *suite) library(t *testing.T) {
	const email = "bibliothek@musterstadt.example"
	s.learner(email, "Lena Bibliothek", "")
	tb := s.newTab(t)
	tb.login(email)
	tb.viewport(360, 800)
	pages := 0
	for _, e := range s.env.Srv.Catalog.List(false) {
		for _, lang := range e.Course.Languages {
			for _, l := range e.Course.Lessons {
				tb.open(fmt.Sprintf("/courses/%s/lessons/%s?lang=%s", e.Course.Slug, l.Slug, lang))
				tb.reflows()
				tb.tablesKeepRoles("main .prose table")
				tb.axeOnly()
				pages++
			}
		}
	}
	tb.open("/?lang=de")
	tb.viewport(1280, 900)
	t.Logf("%d lesson pages checked", pages)
}
