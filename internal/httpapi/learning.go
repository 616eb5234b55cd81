package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/learning"
)

// completeLesson marks a lesson done (204); completing the last step issues the certificate.
func (a *API) completeLesson(c *fiber.Ctx) error {
	if _, err := a.Learning.CompleteLesson(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"), c.Params("lesson")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type optionJSON struct {
	ID   string `json:"id"`
	HTML string `json:"html"`
}

type questionJSON struct {
	ID        string       `json:"id"`
	Type      string       `json:"type"`
	TitleHTML string       `json:"title_html"`
	StemHTML  string       `json:"stem_html"`
	Options   []optionJSON `json:"options"`
}

type attemptJSON struct {
	ID        string           `json:"id"`
	Number    int              `json:"number"`
	Course    string           `json:"course"`
	Language  string           `json:"language"`
	Questions []questionJSON   `json:"questions"`
	Answers   learning.Answers `json:"answers"`
	Submitted bool             `json:"submitted"`
	Result    *resultJSON      `json:"result,omitempty"`
}

type optionResultJSON struct {
	ID           string `json:"id"`
	HTML         string `json:"html"`
	Chosen       bool   `json:"chosen"`
	Correct      bool   `json:"correct"`
	FeedbackHTML string `json:"feedback_html,omitempty"`
}

type questionResultJSON struct {
	ID              string             `json:"id"`
	Type            string             `json:"type"`
	TitleHTML       string             `json:"title_html"`
	StemHTML        string             `json:"stem_html"`
	Correct         bool               `json:"correct"`
	Options         []optionResultJSON `json:"options"`
	ExplanationHTML string             `json:"explanation_html,omitempty"`
}

type resultJSON struct {
	Score          int                  `json:"score"`
	Passed         bool                 `json:"passed"`
	PassMark       int                  `json:"pass_mark"`
	Correct        int                  `json:"correct"`
	Total          int                  `json:"total"`
	AttemptsLeft   *int                 `json:"attempts_left"`
	CourseComplete bool                 `json:"course_completed"`
	CertificateID  string               `json:"certificate_id,omitempty"`
	Questions      []questionResultJSON `json:"questions"`
}

// attemptOf shapes an attempt for the API: before submission nothing in it tells which options
// are right (a test asserts this on the raw JSON).
func attemptOf(v *learning.AttemptView) attemptJSON {
	out := attemptJSON{ID: v.ID, Number: v.Number, Course: v.Course.Slug, Language: v.Language, Answers: v.Answers, Submitted: v.Submitted, Questions: []questionJSON{}}
	for _, q := range v.Questions {
		qj := questionJSON{ID: q.ID, Type: q.Type, TitleHTML: q.TitleHTML, StemHTML: q.StemHTML}
		for _, o := range q.Options {
			qj.Options = append(qj.Options, optionJSON(o))
		}
		out.Questions = append(out.Questions, qj)
	}
	if r := v.Result; r != nil {
		rj := &resultJSON{Score: r.Score, Passed: r.Passed, PassMark: r.PassMark, Correct: r.Correct, Total: r.Total, Questions: []questionResultJSON{}}
		if left := v.Progress.AttemptsLeft(); left >= 0 {
			rj.AttemptsLeft = &left
		}
		rj.CourseComplete = v.Progress.Status() == learning.Completed
		if v.Progress.Certificate != nil {
			rj.CertificateID = v.Progress.Certificate.ID
		}
		for _, q := range r.Questions {
			qj := questionResultJSON{ID: q.ID, Type: q.Type, TitleHTML: q.TitleHTML, StemHTML: q.StemHTML, Correct: q.Correct, ExplanationHTML: q.ExplanationHTML}
			for _, o := range q.Options {
				qj.Options = append(qj.Options, optionResultJSON(o))
			}
			rj.Questions = append(rj.Questions, qj)
		}
		out.Result = rj
	}
	return out
}

// startAttempt draws a new attempt (201), or returns the open one (200) so a reload resumes it.
func (a *API) startAttempt(c *fiber.Ctx) error {
	v, created, err := a.Learning.StartAttempt(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"), httpx.ContentLanguages(c, ""))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(attemptOf(v))
}

func (a *API) getAttempt(c *fiber.Ctx) error {
	v, err := a.Learning.Attempt(c.UserContext(), httpx.MustPrincipal(c), c.Params("id"), httpx.ContentLanguages(c, ""))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(attemptOf(v))
}

type answersBody struct {
	Answers learning.Answers `json:"answers"`
}

func (a *API) saveAnswers(c *fiber.Ctx) error {
	var in answersBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := a.Learning.SaveAnswers(c.UserContext(), httpx.MustPrincipal(c), c.Params("id"), in.Answers); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) submitAttempt(c *fiber.Ctx) error {
	var in answersBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := a.Learning.Submit(c.UserContext(), httpx.MustPrincipal(c), c.Params("id"), in.Answers, httpx.ContentLanguages(c, ""))
	if err != nil {
		return err
	}
	out := attemptOf(v)
	return c.JSON(out.Result)
}
