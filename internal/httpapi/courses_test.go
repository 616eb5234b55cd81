package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

type courseJSON struct {
	Slug            string   `json:"slug"`
	Title           string   `json:"title"`
	Summary         string   `json:"summary"`
	Version         string   `json:"version"`
	Language        string   `json:"language"`
	Draft           bool     `json:"draft"`
	Validity        string   `json:"validity"`
	Languages       []string `json:"languages"`
	DescriptionHTML string   `json:"description_html"`
	Lessons         []struct {
		Slug, Title string
	} `json:"lessons"`
	Quiz *struct {
		Questions int `json:"questions_per_attempt"`
		PassMark  int `json:"pass_mark"`
	} `json:"quiz"`
}

func TestCourseCatalogueAPI(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		learner := e.User(&ten, "l@a.example", "", model.RoleLearner)
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		ltok, atok := e.Token(learner.Email), e.Token(admin.Email)

		var list []courseJSON
		e.Do("GET", "/api/v1/courses", ltok, nil).JSON(t, &list)
		if len(list) != 1 || list[0].Slug != "basis" || list[0].Title != "Grundlagen" || list[0].Version == "" || list[0].Validity != "12mo" {
			t.Fatalf("learner's catalogue: %+v", list)
		}
		// Drafts are for admins and operators.
		e.Do("GET", "/api/v1/courses", atok, nil).JSON(t, &list)
		if len(list) != 2 || !list[1].Draft {
			t.Errorf("admin's catalogue: %+v", list)
		}
		if r := e.Do("GET", "/api/v1/courses/entwurf", ltok, nil); r.StatusCode != 404 {
			t.Errorf("draft for a learner: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/api/v1/courses/entwurf", atok, nil); r.StatusCode != 200 {
			t.Errorf("draft for an admin: %d", r.StatusCode)
		}

		var crs courseJSON
		e.Do("GET", "/api/v1/courses/basis", ltok, nil).JSON(t, &crs)
		if len(crs.Lessons) != 2 || crs.Lessons[0].Slug != "start" || crs.Quiz == nil || crs.Quiz.Questions != 3 || crs.Quiz.PassMark != 60 ||
			!strings.Contains(crs.DescriptionHTML, "Einführung") {
			t.Errorf("course: %+v", crs)
		}

		var lesson struct {
			Title, HTML, Language string
			Next                  *struct{ Slug string }
		}
		r := e.Do("GET", "/api/v1/courses/basis/lessons/start", ltok, nil)
		r.JSON(t, &lesson)
		if lesson.Title != "Der Anfang" || lesson.Language != "de" || lesson.Next == nil || lesson.Next.Slug != "weiter" {
			t.Fatalf("lesson: %s", r.Body)
		}
		if !strings.Contains(lesson.HTML, `src="/media/basis/`) || !strings.Contains(lesson.HTML, `href="/courses/basis/lessons/weiter"`) {
			t.Errorf("lesson links: %s", lesson.HTML)
		}
		if r := e.Do("GET", "/api/v1/courses/basis/lessons/nope", ltok, nil); r.StatusCode != 404 {
			t.Errorf("unknown lesson: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/api/v1/courses/nope", ltok, nil); r.StatusCode != 404 {
			t.Errorf("unknown course: %d", r.StatusCode)
		}
	})
}

// The content language follows the contract: ?lang, then the user's setting, then
// Accept-Language, then the course's default; a missing translation falls back.
func TestContentLanguage(t *testing.T) {
	e := testenv.WithCourses(t, "sqlite", nil, testenv.CourseTree(nil))
	ten := e.Tenant("a")
	de := e.User(&ten, "de@a.example", "", model.RoleLearner)
	lang := "en"
	en := e.User(&ten, "en@a.example", "", model.RoleLearner)
	if r := e.Do("PATCH", "/api/v1/admin/users/"+en.ID, e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email), map[string]any{"language": lang}); r.StatusCode != 200 {
		t.Fatal(r.Body)
	}
	detok, entok := e.Token(de.Email), e.Token(en.Email)
	withAccept := func(path, token, accept string) string {
		req := newRequest("GET", path, token, accept)
		res := e.Send(req)
		var c struct{ Title string }
		res.JSON(t, &c)
		return c.Title
	}
	title := func(path, token, _ string) string { return withAccept(path, token, "") }
	cases := []struct{ name, got, want string }{
		{"default", title("/api/v1/courses/basis", detok, ""), "Grundlagen"},
		{"?lang=en", title("/api/v1/courses/basis?lang=en", detok, ""), "Basics"},
		{"user setting en", title("/api/v1/courses/basis", entok, ""), "Basics"},
		{"?lang beats the setting", title("/api/v1/courses/basis?lang=de", entok, ""), "Grundlagen"},
		{"Accept-Language", withAccept("/api/v1/courses/basis", detok, "en-GB,en;q=0.8"), "Basics"},
		{"unavailable language", title("/api/v1/courses/basis?lang=fr", detok, ""), "Grundlagen"},
		{"lesson without translation", title("/api/v1/courses/basis/lessons/weiter?lang=en", detok, ""), "Es geht weiter"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
}

func newRequest(method, path, token, acceptLanguage string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	return req
}
