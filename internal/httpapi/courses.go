package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
)

// seesDrafts: drafts are for the people who review content before learners get it.
func seesDrafts(c *fiber.Ctx) bool {
	p, _ := httpx.PrincipalOf(c)
	return p.HasAny(model.RoleAdmin, model.RoleOperator)
}

type courseSummary struct {
	Slug            string   `json:"slug"`
	Title           string   `json:"title"`
	Summary         string   `json:"summary"`
	Version         string   `json:"version"`
	Language        string   `json:"language"`
	Languages       []string `json:"languages"`
	DurationMinutes int      `json:"duration_minutes"`
	Validity        string   `json:"validity,omitempty"`
	Tags            []string `json:"tags"`
	Draft           bool     `json:"draft"`
	Lessons         int      `json:"lesson_count"`
	HasQuiz         bool     `json:"has_quiz"`
}

func summaryOf(e *catalog.Entry, lang string) courseSummary {
	crs := e.Course
	text := crs.TextFor(lang)
	tags := crs.Tags
	if tags == nil {
		tags = []string{}
	}
	return courseSummary{
		Slug: crs.Slug, Title: text.Title, Summary: text.Summary, Version: crs.ContentHash, Language: lang,
		Languages: crs.Languages, DurationMinutes: int(crs.Duration.Minutes()), Validity: crs.Validity.String(),
		Tags: tags, Draft: crs.Draft, Lessons: len(crs.Lessons), HasQuiz: crs.Quiz != nil,
	}
}

// language picks the content language for crs by the contract's rule.
func language(c *fiber.Ctx, crs *course.Course) string {
	return crs.PickLanguage(httpx.ContentLanguages(c, crs.DefaultLanguage)...)
}

func (a *API) listCourses(c *fiber.Ctx) error {
	entries := a.Catalog.List(seesDrafts(c))
	out := make([]courseSummary, len(entries))
	for i, e := range entries {
		out[i] = summaryOf(e, language(c, e.Course))
	}
	return c.JSON(out)
}

type lessonRef struct {
	Slug            string `json:"slug"`
	Title           string `json:"title"`
	Number          int    `json:"number"`
	DurationMinutes int    `json:"duration_minutes"`
	Completed       bool   `json:"completed"`
}

type quizInfo struct {
	Title         string `json:"title"`
	Questions     int    `json:"questions_per_attempt"`
	PassMark      int    `json:"pass_mark"`
	MaxAttempts   int    `json:"max_attempts"`
	QuestionsPool int    `json:"question_pool"`
}

type progressJSON struct {
	Status        string `json:"status"`
	Percent       int    `json:"percent"`
	QuizPassed    bool   `json:"quiz_passed"`
	AttemptsUsed  int    `json:"attempts_used"`
	AttemptsLeft  *int   `json:"attempts_left"`
	OpenAttempt   string `json:"open_attempt_id,omitempty"`
	CertificateID string `json:"certificate_id,omitempty"`
}

type courseDetail struct {
	courseSummary
	DescriptionHTML string       `json:"description_html"`
	Lessons         []lessonRef  `json:"lessons"`
	Quiz            *quizInfo    `json:"quiz"`
	Progress        progressJSON `json:"progress"`
}

func progressOf(pr *learning.Progress) progressJSON {
	out := progressJSON{Status: pr.Status(), Percent: pr.Percent(), QuizPassed: pr.QuizPassed(), AttemptsUsed: pr.SubmittedAttempts()}
	if left := pr.AttemptsLeft(); left >= 0 {
		out.AttemptsLeft = &left
	}
	if open := pr.OpenAttempt(); open != nil {
		out.OpenAttempt = open.ID
	}
	if pr.Certificate != nil {
		out.CertificateID = pr.Certificate.ID
	}
	return out
}

// getCourse shows the course as the learner has it: the version they are enrolled in (which
// may be older than the current one) with their progress.
func (a *API) getCourse(c *fiber.Ctx) error {
	pr, err := a.Learning.Progress(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"))
	if err != nil {
		return err
	}
	crs := pr.Course
	lang := language(c, crs)
	entry := *pr.Entry
	entry.Course = crs
	out := courseDetail{courseSummary: summaryOf(&entry, lang), DescriptionHTML: crs.TextFor(lang).DescriptionHTML, Lessons: []lessonRef{}, Progress: progressOf(pr)}
	for _, l := range crs.Lessons {
		out.Lessons = append(out.Lessons, lessonRef{Slug: l.Slug, Title: l.TextFor(lang).Title, Number: l.Number,
			DurationMinutes: int(l.Duration.Minutes()), Completed: pr.LessonDone(l.Slug)})
	}
	if q := crs.Quiz; q != nil {
		n := q.Draw
		if n == 0 || n > len(q.Questions) {
			n = len(q.Questions)
		}
		out.Quiz = &quizInfo{Title: q.TextFor(lang).Title, Questions: n, PassMark: q.PassMark, MaxAttempts: q.MaxAttempts, QuestionsPool: len(q.Questions)}
	}
	c.Set(fiber.HeaderContentLanguage, lang)
	return c.JSON(out)
}

type lessonResponse struct {
	Slug            string     `json:"slug"`
	Completed       bool       `json:"completed"`
	Title           string     `json:"title"`
	HTML            string     `json:"html"`
	Language        string     `json:"language"`
	Number          int        `json:"number"`
	DurationMinutes int        `json:"duration_minutes"`
	Course          courseRef  `json:"course"`
	Previous        *lessonRef `json:"previous"`
	Next            *lessonRef `json:"next"`
}

type courseRef struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Version string `json:"version"`
}

func (a *API) getLesson(c *fiber.Ctx) error {
	pr, err := a.Learning.Progress(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"))
	if err != nil {
		return err
	}
	crs := pr.Course
	idx := -1
	for i, l := range crs.Lessons {
		if l.Slug == c.Params("lesson") {
			idx = i
		}
	}
	if idx < 0 {
		return &model.DetailedError{Kind: model.ErrNotFound, Detail: "The course has no lesson \"" + c.Params("lesson") + "\"."}
	}
	lang := language(c, crs)
	l := crs.Lessons[idx]
	text := l.TextFor(lang)
	ref := func(i int) *lessonRef {
		if i < 0 || i >= len(crs.Lessons) {
			return nil
		}
		o := crs.Lessons[i]
		return &lessonRef{Slug: o.Slug, Title: o.TextFor(lang).Title, Number: o.Number, DurationMinutes: int(o.Duration.Minutes()), Completed: pr.LessonDone(o.Slug)}
	}
	c.Set(fiber.HeaderContentLanguage, lang)
	return c.JSON(lessonResponse{
		Slug: l.Slug, Completed: pr.LessonDone(l.Slug), Title: text.Title, HTML: text.HTML, Language: lang, Number: l.Number, DurationMinutes: int(l.Duration.Minutes()),
		Course:   courseRef{Slug: crs.Slug, Title: crs.TextFor(lang).Title, Version: crs.ContentHash},
		Previous: ref(idx - 1), Next: ref(idx + 1),
	})
}
