package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// takeQuiz starts an attempt as the token's user and submits the answers to the questions
// it was served.
func takeQuiz(t *testing.T, e *testenv.Env, token string, answers map[string][]string) {
	t.Helper()
	var a struct {
		ID        string
		Questions []struct{ ID string }
	}
	e.Do("POST", "/api/v1/courses/basis/attempts", token, nil).JSON(t, &a)
	served := map[string][]string{}
	for _, q := range a.Questions {
		served[q.ID] = answers[q.ID]
	}
	if r := e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", token, map[string]any{"answers": served}); r.StatusCode != 200 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
}

type statsJSON struct {
	Version        string   `json:"version"`
	Suppressed     bool     `json:"suppressed"`
	MinGroupSize   int      `json:"min_group_size"`
	Attempts       *int     `json:"attempts"`
	Learners       *int     `json:"learners"`
	Passed         *int     `json:"passed"`
	PassRate       *int     `json:"pass_rate"`
	MedianScore    *float64 `json:"median_score"`
	AverageSeconds *int     `json:"average_seconds"`
	Questions      []struct {
		ID           string `json:"id"`
		Title        string `json:"title"`
		Type         string `json:"type"`
		Suppressed   bool   `json:"suppressed"`
		Served       *int   `json:"served"`
		Learners     *int   `json:"learners"`
		Correct      *int   `json:"correct"`
		CorrectRate  *int   `json:"correct_rate"`
		WrongOptions []struct {
			ID         string `json:"id"`
			Text       string `json:"text"`
			Chosen     int    `json:"chosen"`
			ChosenRate int    `json:"chosen_rate"`
		} `json:"wrong_options"`
	} `json:"questions"`
}

func stats(t *testing.T, e *testenv.Env, token, query string) statsJSON {
	t.Helper()
	r := e.Do("GET", "/api/v1/reports/courses/basis/statistics"+query, token, nil)
	if r.StatusCode != 200 {
		t.Fatalf("statistics%s: %d %s", query, r.StatusCode, r.Body)
	}
	var s statsJSON
	r.JSON(t, &s)
	if s.Suppressed && (s.Attempts != nil || s.Learners != nil || s.PassRate != nil || s.MedianScore != nil || len(s.Questions) > 0 || strings.Contains(r.Body, `"attempts"`)) {
		t.Errorf("a suppressed answer carries numbers: %s", r.Body)
	}
	return s
}

func csvOf(t *testing.T, e *testenv.Env, token, query string) string {
	t.Helper()
	r := e.Do("GET", "/api/v1/reports/courses/basis/statistics.csv"+query, token, nil)
	if r.StatusCode != 200 || !strings.HasPrefix(r.Body, "\ufeff") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv%s: %d %s", query, r.StatusCode, r.Body)
	}
	return r.Body
}

func TestCourseStatisticsAndTheirSuppression(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		right := e.CorrectAnswers("basis") // verdacht-melden: b, merkmale: a b, passwort: b
		wrong := map[string][]string{"verdacht-melden": {"c"}, "merkmale": {"a", "b"}, "passwort": {"a"}}
		learners := make([]string, 7)
		for i := range learners {
			learners[i] = e.Token(e.User(&ten, fmt.Sprintf("l%d@a.example", i), "", model.RoleLearner).Email)
		}

		// Four people: below the minimum group size of 5, nothing is computed.
		for _, tok := range learners[:4] {
			takeQuiz(t, e, tok, right)
		}
		if s := stats(t, e, hr, ""); !s.Suppressed || s.MinGroupSize != 5 {
			t.Errorf("4 people: %+v", s)
		}
		body := csvOf(t, e, hr, "")
		if !strings.Contains(body, "Unterdrückt (zu kleine Gruppe);ja") || strings.Contains(body, "Versuche") || strings.Contains(body, "passwort") {
			t.Errorf("suppressed CSV:\n%s", body)
		}

		// A fifth person fails once (two wrong answers), then passes.
		takeQuiz(t, e, learners[4], wrong)
		takeQuiz(t, e, learners[4], right)
		s := stats(t, e, hr, "")
		if s.Suppressed || *s.Attempts != 6 || *s.Learners != 5 || *s.Passed != 5 || *s.PassRate != 83 || *s.MedianScore != 100 || *s.AverageSeconds < 0 {
			t.Fatalf("statistics: %+v", s)
		}
		if len(s.Questions) != 3 || s.Questions[0].ID != "verdacht-melden" || s.Questions[2].ID != "passwort" {
			t.Fatalf("questions: %+v", s.Questions)
		}
		q := s.Questions[2]
		if q.Suppressed || *q.Served != 6 || *q.Learners != 5 || *q.Correct != 5 || *q.CorrectRate != 83 || q.Type != "single" ||
			q.Title != "Darf die IT nach Ihrem Passwort fragen?" || len(q.WrongOptions) != 1 ||
			q.WrongOptions[0].ID != "a" || q.WrongOptions[0].Text != "Ja." || q.WrongOptions[0].Chosen != 1 || q.WrongOptions[0].ChosenRate != 16 {
			t.Errorf("passwort: %+v", q)
		}
		// The most often chosen wrong option first.
		if w := s.Questions[0].WrongOptions; len(w) != 2 || w[0].ID != "c" || w[0].Chosen != 1 || w[1].ID != "a" || w[1].Chosen != 0 {
			t.Errorf("verdacht-melden: %+v", w)
		}
		if m := s.Questions[1]; *m.Correct != 6 || len(m.WrongOptions) != 1 || m.WrongOptions[0].Chosen != 0 || m.Type != "multiple" {
			t.Errorf("merkmale: %+v", m)
		}
		body = csvOf(t, e, hr, "?sep=,&lang=en")
		for _, want := range []string{"Submitted attempts,6", "People,5", "Pass rate (%),83", "passwort,Darf die IT nach Ihrem Passwort fragen?,no,,,,,a,Ja.,1,16", "passwort,Darf die IT nach Ihrem Passwort fragen?,no,6,5,5,83"} {
			if !strings.Contains(body, want) {
				t.Errorf("CSV lacks %q:\n%s", want, body)
			}
		}

		// A new version, taken by two people. All versions together: 7 people, shown. The new
		// version alone: 2, suppressed. The old one alone has 5, but showing it would give
		// away the new version's two as "all minus old", so it is suppressed as well.
		var before struct{ Version string }
		e.Do("GET", "/api/v1/courses/basis", hr, nil).JSON(t, &before)
		changed := testenv.CourseTree(map[string]string{"basis/02-weiter.md": "---\ntitle: Ganz neu\n---\n\nNeu.\n"})
		if rep, err := e.Srv.Catalog.Sync(context.Background(), changed, catalog.Source{Kind: "dir"}); err != nil || !rep.OK {
			t.Fatalf("sync: %v %+v", err, rep)
		}
		var after struct{ Version string }
		e.Do("GET", "/api/v1/courses/basis", learners[5], nil).JSON(t, &after)
		if after.Version == before.Version || before.Version == "" {
			t.Fatalf("versions %q, %q", before.Version, after.Version)
		}
		takeQuiz(t, e, learners[5], right)
		takeQuiz(t, e, learners[6], wrong)
		if s := stats(t, e, hr, ""); s.Suppressed || *s.Learners != 7 || *s.Attempts != 8 {
			t.Errorf("all versions: %+v", s)
		}
		if s := stats(t, e, hr, "?version="+after.Version); !s.Suppressed || s.Version != after.Version {
			t.Errorf("new version (2 people): %+v", s)
		}
		if s := stats(t, e, hr, "?version="+before.Version); !s.Suppressed {
			t.Errorf("old version shown although all minus it gives the new version's 2 people away: %+v", s)
		}
		if r := e.Do("GET", "/api/v1/reports/courses/basis/statistics?version=nichtda", hr, nil); r.StatusCode != 404 {
			t.Errorf("unknown version: %d", r.StatusCode)
		}
		// Three more on the new version: now each version holds 5, and both are shown.
		for i := range 3 {
			takeQuiz(t, e, e.Token(e.User(&ten, fmt.Sprintf("neu%d@a.example", i), "", model.RoleLearner).Email), right)
		}
		if s := stats(t, e, hr, "?version="+after.Version); s.Suppressed || *s.Learners != 5 || *s.Attempts != 5 || *s.Passed != 4 {
			t.Errorf("new version (5 people): %+v", s)
		}
		if s := stats(t, e, hr, "?version="+before.Version); s.Suppressed || *s.Learners != 5 || *s.Attempts != 6 {
			t.Errorf("old version (5 people): %+v", s)
		}

		// Learners and other municipalities see nothing; drafts and unknown courses are 404.
		if r := e.Do("GET", "/api/v1/reports/courses/basis/statistics", learners[0], nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		for _, slug := range []string{"entwurf", "nichtda"} {
			if r := e.Do("GET", "/api/v1/reports/courses/"+slug+"/statistics", hr, nil); r.StatusCode != 404 {
				t.Errorf("%s: %d", slug, r.StatusCode)
			}
		}
		other := e.Tenant("b")
		hrB := e.Token(e.User(&other, "hr@b.example", "", model.RoleHR).Email)
		if s := stats(t, e, hrB, ""); !s.Suppressed {
			t.Errorf("b sees a's attempts: %+v", s)
		}
	})
}

// With questions drawn from a pool, a question shown to fewer people than the minimum group
// size is suppressed even when the course as a whole is shown.
func TestQuestionsShownToSmallGroupsAreSuppressed(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		quiz := string(testenv.CourseTree(nil)["basis/quiz.md"].Data)
		quiz = strings.Replace(quiz, "pass_mark: 60", "pass_mark: 60\ndraw: 1", 1)
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(map[string]string{"basis/quiz.md": quiz}))
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		for i := range 6 {
			takeQuiz(t, e, e.Token(e.User(&ten, fmt.Sprintf("l%d@a.example", i), "", model.RoleLearner).Email), e.CorrectAnswers("basis"))
		}
		// Six attempts of one question each over three questions: at least one question was
		// shown to fewer than five people, whichever were drawn.
		s := stats(t, e, hr, "")
		if s.Suppressed || *s.Learners != 6 {
			t.Fatalf("course: %+v", s)
		}
		hidden := 0
		for _, q := range s.Questions {
			switch {
			case q.Suppressed:
				hidden++
				if q.Served != nil || q.Correct != nil || q.WrongOptions != nil || q.Title == "" {
					t.Errorf("suppressed question carries numbers: %+v", q)
				}
			case *q.Learners < 5:
				t.Errorf("question shown to %d people: %+v", *q.Learners, q)
			}
		}
		// Questions nobody was shown are not listed. When two or three were shown, one of them
		// went to at most three people and must be suppressed. (All six may draw the same
		// question, about once in 250 runs: then it is the only one listed, shown to six.)
		if hidden == 0 && len(s.Questions) > 1 {
			t.Errorf("no question suppressed: %+v", s.Questions)
		}
	})
}
