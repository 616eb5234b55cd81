package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

var (
	optionInput = regexp.MustCompile(`name="(q-[a-z0-9-]+)" id="[^"]+" value="([a-z]+)"`)
	attemptPath = regexp.MustCompile(`^/attempts/([0-9a-f-]{36})$`)
)

// A learner takes a whole course through the pages, without JavaScript: lessons, a failed and
// a passed quiz, the certificate, its verification.
func TestLearnerJourneyThroughThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)
		b := newBrowser(t, e)
		b.login("anna@a.example", testenv.Password)

		home := b.do("GET", "/", nil)
		if !strings.Contains(home.Body, "Weitere Kurse") || !strings.Contains(home.Body, `href="/courses/basis"`) || strings.Contains(home.Body, "/courses/entwurf") {
			t.Fatalf("dashboard:\n%s", home.Body)
		}
		crs := b.do("GET", "/courses/basis", nil)
		if crs.StatusCode != 200 || !strings.Contains(crs.Body, "Kurs beginnen") || !strings.Contains(crs.Body, "3 Fragen, bestanden ab 60") {
			t.Fatalf("course page: %d\n%s", crs.StatusCode, crs.Body)
		}

		// Lessons: the lesson page, then "complete" moves on to the next lesson.
		lesson := b.do("GET", "/courses/basis/lessons/start", nil)
		if lesson.StatusCode != 200 || !strings.Contains(lesson.Body, "Der Anfang") || !strings.Contains(lesson.Body, `src="/media/basis/`) ||
			!strings.Contains(lesson.Body, "Lektion 1 von 2") || !strings.Contains(lesson.Body, `hreflang="en"`) {
			t.Fatalf("lesson page: %d\n%s", lesson.StatusCode, lesson.Body)
		}
		r := b.do("POST", "/courses/basis/lessons/start/complete", url.Values{"_csrf": {b.csrf(lesson)}})
		if r.StatusCode != 303 || r.Header.Get("Location") != "/courses/basis/lessons/weiter" {
			t.Fatalf("complete: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		english := b.do("GET", "/courses/basis/lessons/start?lang=en", nil)
		if !strings.Contains(english.Body, "The beginning") || !strings.Contains(english.Body, `lang="en"`) {
			t.Errorf("English lesson:\n%s", english.Body)
		}
		lesson = b.do("GET", "/courses/basis/lessons/weiter?lang=de", nil) // ?lang is remembered; switch back
		if r := b.do("POST", "/courses/basis/lessons/weiter/complete", url.Values{"_csrf": {b.csrf(lesson)}}); r.Header.Get("Location") != "/courses/basis" {
			t.Fatalf("last lesson leads to %s", r.Header.Get("Location"))
		}
		crs = b.do("GET", "/courses/basis", nil)
		if !strings.Contains(crs.Body, "Test starten") || strings.Count(crs.Body, "✓") != 2 {
			t.Fatalf("course page after the lessons:\n%s", crs.Body)
		}

		takeQuiz := func(page string, right bool) testenv.Response {
			r := b.do("POST", "/courses/basis/quiz", url.Values{"_csrf": {b.csrf(testenv.Response{Body: page})}})
			m := attemptPath.FindStringSubmatch(r.Header.Get("Location"))
			if r.StatusCode != 303 || m == nil {
				t.Fatalf("start quiz: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			quiz := b.do("GET", m[0], nil)
			if strings.Contains(quiz.Body, "Nur eine Meldung warnt alle") || strings.Contains(quiz.Body, "bestätigt dem Absender") {
				t.Fatal("quiz page shows explanations or feedback before submission")
			}
			key := e.CorrectAnswers("basis")
			form := url.Values{"_csrf": {b.csrf(quiz)}}
			for _, o := range optionInput.FindAllStringSubmatch(quiz.Body, -1) {
				qid := strings.TrimPrefix(o[1], "q-")
				isRight := false
				for _, id := range key[qid] {
					isRight = isRight || id == o[2]
				}
				if isRight == right && (right || form.Get(o[1]) == "") {
					form.Add(o[1], o[2])
				}
			}
			// Save first (the no-JavaScript path), then submit.
			if r := b.do("POST", m[0]+"/save", form); r.StatusCode != 303 || r.Header.Get("Location") != m[0]+"?saved=1" {
				t.Fatalf("save: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			saved := b.do("GET", m[0]+"?saved=1", nil)
			if !strings.Contains(saved.Body, "gespeichert") || !strings.Contains(saved.Body, " checked") {
				t.Fatalf("saved answers not shown:\n%s", saved.Body)
			}
			if r := b.do("POST", m[0]+"/submit", form); r.StatusCode != 303 {
				t.Fatalf("submit: %d", r.StatusCode)
			}
			// A double submission lands on the same result and changes nothing.
			if r := b.do("POST", m[0]+"/submit", form); r.StatusCode != 303 {
				t.Fatalf("second submit: %d", r.StatusCode)
			}
			return b.do("GET", m[0], nil)
		}
		failed := takeQuiz(crs.Body, false)
		if !strings.Contains(failed.Body, "Leider nicht bestanden") || !strings.Contains(failed.Body, "Nur eine Meldung warnt alle") || !strings.Contains(failed.Body, "Test wiederholen") {
			t.Fatalf("failed result page:\n%s", failed.Body)
		}
		passed := takeQuiz(failed.Body, true)
		if !strings.Contains(passed.Body, "Bestanden!") || !strings.Contains(passed.Body, "Glückwunsch") {
			t.Fatalf("passed result page:\n%s", passed.Body)
		}

		certs := b.do("GET", "/certificates", nil)
		m := regexp.MustCompile(`href="/certificates/([0-9a-f-]{36})/pdf"`).FindStringSubmatch(certs.Body)
		code := regexp.MustCompile(`href="/verify/([a-z2-7]{32})"`).FindStringSubmatch(certs.Body)
		if m == nil || code == nil || !strings.Contains(certs.Body, "Gültig") {
			t.Fatalf("certificates page:\n%s", certs.Body)
		}
		pdf := b.do("GET", "/certificates/"+m[1]+"/pdf", nil)
		if pdf.StatusCode != 200 || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Errorf("pdf: %d", pdf.StatusCode)
		}
		home = b.do("GET", "/", nil)
		if !strings.Contains(home.Body, "Abgeschlossen") || !strings.Contains(home.Body, "gültig bis") {
			t.Errorf("dashboard after completion:\n%s", home.Body)
		}

		// Verification is public.
		anon := newBrowser(t, e)
		v := anon.do("GET", "/verify/"+code[1], nil)
		if v.StatusCode != 200 || !strings.Contains(v.Body, "Dieses Zertifikat ist gültig.") || !strings.Contains(v.Body, "anna") {
			t.Errorf("verify page: %d\n%s", v.StatusCode, v.Body)
		}
		if v := anon.do("GET", "/verify?code="+strings.ToUpper(code[1][:4])+"-"+code[1][4:], nil); v.StatusCode != 200 {
			t.Errorf("verify form with a grouped code: %d", v.StatusCode)
		}
		if v := anon.do("GET", "/verify/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nil); v.StatusCode != 404 || !strings.Contains(v.Body, "kein Zertifikat") {
			t.Errorf("unknown code: %d", v.StatusCode)
		}
		// Another learner cannot open Anna's attempt or certificate.
		e.User(&ten, "ben@a.example", "", model.RoleLearner)
		ben := newBrowser(t, e)
		ben.login("ben@a.example", testenv.Password)
		if r := ben.do("GET", "/certificates/"+m[1]+"/pdf", nil); r.StatusCode != 404 {
			t.Errorf("other learner's certificate: %d", r.StatusCode)
		}
	})
}

// Mandatory courses come first on the dashboard, overdue before open, with their due dates.
func TestDashboardShowsMandatoryTrainingOverdueFirst(t *testing.T) {
	tree := testenv.CourseTree(map[string]string{
		"zweiter/course.md":  "---\ntitle: Zweiter Kurs\nsummary: Noch einer.\nlanguage: de\n---\n\nText.\n",
		"zweiter/01-eins.md": "---\ntitle: Eins\n---\n\nText.\n",
	})
	e := testenv.WithCourses(t, "sqlite", nil, tree)
	ten := e.Tenant("a")
	hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
	e.User(&ten, "anna@a.example", "Bürgeramt", model.RoleLearner)
	e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 14})
	e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "zweiter", "org_unit": "Bürgeramt", "due_date": "2020-01-15"})
	b := newBrowser(t, e)
	b.login("anna@a.example", testenv.Password)
	home := b.do("GET", "/", nil)
	body := home.Body
	iAssigned, iOverdue, iOpen, iMore := strings.Index(body, "Pflichtschulungen"), strings.Index(body, "Überfällig"), strings.Index(body, ">Offen<"), strings.Index(body, "Weitere Kurse")
	if iAssigned < 0 || iOverdue < iAssigned || iOpen < iOverdue || !strings.Contains(body, "fällig am 15.01.2020") {
		t.Fatalf("dashboard:\n%s", body)
	}
	if iMore >= 0 {
		t.Errorf("assigned courses are listed again under further courses")
	}

	// Done, and eleven months on: the certificate is about to expire, so the dashboard asks for
	// the renewal by the expiry, with a button. An exemption shows as such.
	e.PassCourse(e.Token("anna@a.example"), "basis")
	var users []model.User
	e.Do("GET", "/api/v1/admin/users?q=anna", hr, nil).JSON(t, &users)
	e.Do("POST", "/api/v1/admin/exemptions", hr, map[string]any{"user_id": users[0].ID, "course": "zweiter", "reason": "Ausbilderin"})
	e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 11, 0) })
	body = b.do("GET", "/", nil).Body
	expiry := time.Now().In(model.Berlin).AddDate(1, 0, 0).Format("02.01.2006")
	if !strings.Contains(body, "Erneuern bis "+expiry) || !strings.Contains(body, "Jetzt erneuern") || !strings.Contains(body, "Befreit") {
		t.Errorf("renewal and exemption on the dashboard:\n%s", body)
	}
}

// The privacy page tells, from the live settings, what is stored and who sees it; the data
// download works with the browser session.
func TestPrivacyPageAndDataDownload(t *testing.T) {
	e := testenv.WithCourses(t, "sqlite", nil, testenv.CourseTree(nil))
	ten := e.Tenant("a")
	admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
	e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"min_group_size": 7, "named_reports": false}})
	e.User(&ten, "anna@a.example", "", model.RoleLearner)
	anon := newBrowser(t, e)
	if r := anon.do("GET", "/datenschutz", nil); r.StatusCode != 200 || !strings.Contains(r.Body, "ab 5 Personen") {
		t.Errorf("anonymous privacy page: %d", r.StatusCode)
	}
	if r := anon.do("GET", "/barrierefreiheit", nil); r.StatusCode != 200 || !strings.Contains(r.Body, "WCAG 2.1") {
		t.Errorf("accessibility statement: %d", r.StatusCode)
	}
	b := newBrowser(t, e)
	b.login("anna@a.example", testenv.Password)
	page := b.do("GET", "/datenschutz", nil)
	if !strings.Contains(page.Body, "ab 7 Personen") || !strings.Contains(page.Body, "abgeschaltet") || !strings.Contains(page.Body, `href="/my-data"`) {
		t.Errorf("privacy page with the municipality's settings:\n%s", page.Body)
	}
	data := b.do("GET", "/my-data", nil)
	if data.StatusCode != 200 || !strings.Contains(data.Body, `"email":"anna@a.example"`) || !strings.Contains(data.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("data download: %d %s", data.StatusCode, data.Body)
	}
	if r := anon.do("GET", "/my-data", nil); r.StatusCode != 303 {
		t.Errorf("anonymous data download: %d", r.StatusCode)
	}
}

// The lesson page is rendered once per situation and shared (see pageCache); each learner
// still sees their own name (escaped), their own working CSRF token and their own progress.
func TestSharedLessonPageIsPersonal(t *testing.T) {
	e := testenv.WithCourses(t, "sqlite", nil, testenv.CourseTree(nil))
	ten := e.Tenant("a")
	admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
	bert := e.User(&ten, "bert@a.example", "", model.RoleLearner)
	if r := e.Do("PATCH", "/api/v1/admin/users/"+bert.ID, admin, map[string]any{"name": `Bert <b>&"Co"</b>`}); r.StatusCode != 200 {
		t.Fatalf("rename: %d %s", r.StatusCode, r.Body)
	}
	e.User(&ten, "anna@a.example", "", model.RoleLearner)
	anna, b := newBrowser(t, e), newBrowser(t, e)
	anna.login("anna@a.example", testenv.Password)
	b.login("bert@a.example", testenv.Password)

	const path = "/courses/basis/lessons/start"
	pa1, pb1 := anna.do("GET", path, nil), b.do("GET", path, nil)
	pa2, pb2 := anna.do("GET", path, nil), b.do("GET", path, nil) // from the cache
	for _, p := range []testenv.Response{pa1, pb1, pa2, pb2} {
		if p.StatusCode != 200 || !strings.Contains(p.Body, "Der Anfang") || !strings.Contains(p.Body, "Stadt a") || strings.Contains(p.Body, "wslot") {
			t.Fatalf("lesson page: %d\n%s", p.StatusCode, p.Body)
		}
	}
	if !strings.Contains(pa2.Body, "Angemeldet als anna") || strings.Contains(pa2.Body, "Bert") {
		t.Errorf("Anna's page shows another name:\n%s", pa2.Body)
	}
	if !strings.Contains(pb2.Body, "Bert &lt;b&gt;&amp;&#34;Co&#34;&lt;/b&gt;") || strings.Contains(pb2.Body, "<b>&") {
		t.Errorf("Bert's name is not escaped:\n%s", pb2.Body)
	}
	if anna.csrf(pa2) == b.csrf(pb2) {
		t.Error("two learners got the same CSRF token")
	}
	if pa1.Body != pa2.Body {
		t.Error("the same learner got two different pages for the same state")
	}
	// Each CSRF token works for its own session; Bert's progress does not show on Anna's page.
	if r := b.do("POST", path+"/complete", url.Values{"_csrf": {b.csrf(pb2)}}); r.StatusCode != 303 {
		t.Fatalf("complete with the shared page's token: %d", r.StatusCode)
	}
	if p := b.do("GET", path, nil); !strings.Contains(p.Body, "Diese Lektion haben Sie abgeschlossen") {
		t.Errorf("Bert's page after completing:\n%s", p.Body)
	}
	if p := anna.do("GET", path, nil); strings.Contains(p.Body, "Diese Lektion haben Sie abgeschlossen") {
		t.Errorf("Anna's page shows Bert's progress:\n%s", p.Body)
	}
	// An administrator reading the same lesson gets the link to the admin pages; learners don't.
	adm := newBrowser(t, e)
	adm.login("admin@a.example", testenv.Password)
	if p := adm.do("GET", path, nil); p.StatusCode != 200 || !strings.Contains(p.Body, `href="/admin"`) {
		t.Errorf("admin's lesson page: %d\n%s", p.StatusCode, p.Body)
	}
	if p := anna.do("GET", path, nil); strings.Contains(p.Body, `href="/admin"`) {
		t.Errorf("a learner's lesson page links the admin pages:\n%s", p.Body)
	}
}
