package web

import (
	"errors"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/certificate"
	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// contentLanguages is the order in which a page picks a course's language: ?lang=, the
// interface language already negotiated for the page (query, cookie, user, browser), the
// course's default.
func (w *Web) contentLanguages(c *fiber.Ctx) []string {
	return append([]string{c.Query("lang"), w.language(c)}, httpx.ContentLanguages(c, "")...)
}

// courseCard is one course on the dashboard.
type courseCard struct {
	Slug, Title, Summary string
	Lang                 string
	Status               string
	Percent              int
	Duration             int
	Certificate          *store.Certificate
	CertificateStatus    string
	// For mandatory courses:
	DueStatus  string
	DueAt      time.Time
	ValidUntil *time.Time
	Renewal    bool // completed, and due again soon: the learner may (and should) renew now
}

type dashboardData struct {
	Assigned, InProgress, Completed, Available []courseCard
}

func cardOf(pr *learning.Progress, langs []string) courseCard {
	lang := pr.Course.PickLanguage(langs...)
	card := courseCard{Slug: pr.Course.Slug, Title: pr.Course.TextFor(lang).Title, Summary: pr.Course.TextFor(lang).Summary, Lang: lang,
		Status: pr.Status(), Percent: pr.Percent(), Duration: int(pr.Course.Duration.Minutes()), Certificate: pr.Certificate}
	if pr.Certificate != nil {
		card.CertificateStatus = string(certificate.StatusAt(time.Now(), pr.Certificate.ExpiresAt, pr.Certificate.RevokedAt))
	}
	return card
}

func (w *Web) home(c *fiber.Ctx) error {
	p := httpx.MustPrincipal(c)
	all, err := w.learning.Dashboard(c.UserContext(), p)
	if err != nil {
		return err
	}
	assigned, err := w.learning.Assigned(c.UserContext(), p)
	if err != nil {
		return err
	}
	langs := w.contentLanguages(c)
	var d dashboardData
	mandatory := map[string]bool{}
	for _, ac := range assigned { // already ordered: overdue first, then by due date
		card := cardOf(ac.Progress, langs)
		card.DueStatus, card.DueAt, card.ValidUntil, card.Renewal = ac.Status, ac.DueAt, ac.ValidUntil, ac.Renewal
		d.Assigned = append(d.Assigned, card)
		mandatory[card.Slug] = true
	}
	for _, pr := range all {
		if mandatory[pr.Course.Slug] {
			continue
		}
		card := cardOf(pr, langs)
		switch pr.Status() {
		case learning.InProgress:
			d.InProgress = append(d.InProgress, card)
		case learning.Completed:
			d.Completed = append(d.Completed, card)
		default:
			d.Available = append(d.Available, card)
		}
	}
	return w.renderUser(c, fiber.StatusOK, "home", "home.title", &View{Data: d})
}

// lessonItem is one lesson on the course page.
type lessonItem struct {
	Slug, Title string
	Number      int
	Minutes     int
	Done        bool
}

type coursePageData struct {
	Slug, Title, Summary string
	Lang                 string
	Description          template.HTML
	Lessons              []lessonItem
	Status               string
	Percent              int
	Next                 *lessonItem
	HasQuiz              bool
	QuizTitle            string
	QuizQuestions        int
	PassMark             int
	QuizPassed           bool
	AttemptsUsed         int
	AttemptsLeft         int
	OpenAttempt          string
	LastAttempt          *store.Attempt
	Certificate          *store.Certificate
	Languages            []LanguageLink
}

func (w *Web) coursePage(c *fiber.Ctx) error {
	pr, err := w.learning.Progress(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"))
	if err != nil {
		return err
	}
	crs := pr.Course
	lang := crs.PickLanguage(w.contentLanguages(c)...)
	text := crs.TextFor(lang)
	d := coursePageData{Slug: crs.Slug, Title: text.Title, Summary: text.Summary, Lang: lang, Description: template.HTML(text.DescriptionHTML), //nolint:gosec // rendered by package course, which refuses raw HTML
		Status: pr.Status(), Percent: pr.Percent(), Certificate: pr.Certificate, AttemptsUsed: pr.SubmittedAttempts(),
		AttemptsLeft: pr.AttemptsLeft(), QuizPassed: pr.QuizPassed(), Languages: courseLanguageLinks(c, crs, lang, w)}
	for _, l := range crs.Lessons {
		item := lessonItem{Slug: l.Slug, Title: l.TextFor(lang).Title, Number: l.Number, Minutes: int(l.Duration.Minutes()), Done: pr.LessonDone(l.Slug)}
		d.Lessons = append(d.Lessons, item)
		if d.Next == nil && !item.Done {
			d.Next = &item
		}
	}
	if q := crs.Quiz; q != nil {
		d.HasQuiz, d.QuizTitle, d.PassMark = true, q.TextFor(lang).Title, q.PassMark
		d.QuizQuestions = len(q.Questions)
		if q.Draw > 0 && q.Draw < d.QuizQuestions {
			d.QuizQuestions = q.Draw
		}
		if open := pr.OpenAttempt(); open != nil {
			d.OpenAttempt = open.ID
		}
		for i := range pr.Attempts {
			if pr.Attempts[i].SubmittedAt != nil {
				d.LastAttempt = &pr.Attempts[i]
			}
		}
	}
	return w.renderUser(c, fiber.StatusOK, "course", "", &View{Title: text.Title, Data: d})
}

// courseLanguageLinks offers the course's other languages.
func courseLanguageLinks(c *fiber.Ctx, crs *course.Course, current string, w *Web) []LanguageLink {
	var out []LanguageLink
	for _, l := range crs.Languages {
		if l != current {
			out = append(out, LanguageLink{Code: l, Name: w.catalog.T(l, "lang."+l), URL: withLang(c, l)})
		}
	}
	return out
}

type lessonPageData struct {
	CourseSlug, CourseTitle string
	Slug, Title             string
	Lang                    string
	HTML                    template.HTML
	Number, Count           int
	Minutes                 int
	Done                    bool
	ReadOnly                bool
	Prev, Next              *lessonItem
	Languages               []LanguageLink
}

func (w *Web) lessonPage(c *fiber.Ctx) error {
	pr, l, err := w.learning.OpenLesson(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"), c.Params("lesson"))
	if err != nil {
		return err
	}
	crs := pr.Course
	lang := crs.PickLanguage(w.contentLanguages(c)...)
	text := l.TextFor(lang)
	d := lessonPageData{CourseSlug: crs.Slug, CourseTitle: crs.TextFor(lang).Title, Slug: l.Slug, Title: text.Title, Lang: lang,
		HTML: template.HTML(text.HTML), Count: len(crs.Lessons), Minutes: int(l.Duration.Minutes()), //nolint:gosec // rendered by package course, which refuses raw HTML
		Done: pr.LessonDone(l.Slug), ReadOnly: pr.Status() == learning.Completed, Languages: courseLanguageLinks(c, crs, lang, w)}
	for i, o := range crs.Lessons {
		if o.Slug != l.Slug {
			continue
		}
		d.Number = i + 1
		if i > 0 {
			p := crs.Lessons[i-1]
			d.Prev = &lessonItem{Slug: p.Slug, Title: p.TextFor(lang).Title}
		}
		if i+1 < len(crs.Lessons) {
			n := crs.Lessons[i+1]
			d.Next = &lessonItem{Slug: n.Slug, Title: n.TextFor(lang).Title}
		}
	}
	// Everything on the page follows from these (and the URL, the interface language and
	// whether there is a municipality, which renderShared adds).
	v := &View{Title: text.Title, Data: d}
	if crs.ContentHash == "" { // cannot tell versions apart: no sharing
		return w.renderUser(c, fiber.StatusOK, "lesson", "", v)
	}
	key := strings.Join([]string{crs.Slug, crs.ContentHash, l.Slug, lang, strconv.FormatBool(d.Done), strconv.FormatBool(d.ReadOnly)}, "\x00")
	return w.renderShared(c, key, "lesson", v)
}

// completeLesson records the lesson and moves on: to the next lesson, else the course page.
func (w *Web) completeLesson(c *fiber.Ctx) error {
	slug, lesson := c.Params("slug"), c.Params("lesson")
	pr, err := w.learning.CompleteLesson(c.UserContext(), httpx.MustPrincipal(c), slug, lesson)
	if err != nil {
		return err
	}
	next := "/courses/" + url.PathEscape(slug)
	for i, l := range pr.Course.Lessons {
		if l.Slug == lesson && i+1 < len(pr.Course.Lessons) {
			next += "/lessons/" + url.PathEscape(pr.Course.Lessons[i+1].Slug)
		}
	}
	return c.Redirect(next+langQuery(c), fiber.StatusSeeOther)
}

func langQuery(c *fiber.Ctx) string {
	if l := c.Query("lang"); l != "" {
		return "?lang=" + url.QueryEscape(l)
	}
	return ""
}

// startQuiz draws a new attempt (or resumes the open one) and shows it.
func (w *Web) startQuiz(c *fiber.Ctx) error {
	v, _, err := w.learning.StartAttempt(c.UserContext(), httpx.MustPrincipal(c), c.Params("slug"), w.contentLanguages(c))
	if err != nil {
		return err
	}
	return c.Redirect("/attempts/"+v.ID+langQuery(c), fiber.StatusSeeOther)
}

type attemptPageData struct {
	*learning.AttemptView
	CourseTitle, QuizTitle string
	Saved                  bool
	Unanswered             int
	AttemptsLeft           int
	Certificate            *store.Certificate
}

// Chosen reports whether option o of question q is among the saved answers.
func (d attemptPageData) Chosen(q, o string) bool { return slices.Contains(d.Answers[q], o) }

func (w *Web) attemptPage(c *fiber.Ctx) error {
	v, err := w.learning.Attempt(c.UserContext(), httpx.MustPrincipal(c), c.Params("id"), w.contentLanguages(c))
	if err != nil {
		return err
	}
	return w.renderAttempt(c, v, c.Query("saved") == "1")
}

func (w *Web) renderAttempt(c *fiber.Ctx, v *learning.AttemptView, saved bool) error {
	d := attemptPageData{AttemptView: v, CourseTitle: v.Course.TextFor(v.Language).Title, QuizTitle: v.Course.Quiz.TextFor(v.Language).Title,
		Saved: saved, AttemptsLeft: v.Progress.AttemptsLeft(), Certificate: v.Progress.Certificate}
	for _, q := range v.Questions {
		if len(v.Answers[q.ID]) == 0 {
			d.Unanswered++
		}
	}
	page := "quiz"
	if v.Submitted {
		page = "result"
	}
	v2 := &View{Title: d.QuizTitle + " – " + d.CourseTitle, Data: d}
	if !v.Submitted {
		v2.Script = "/static/js/quiz.js"
	}
	return w.renderUser(c, fiber.StatusOK, page, "", v2)
}

// formAnswers reads the quiz form: one field per question, named "q-<id>", with the chosen
// option ids as values (several for checkboxes).
func formAnswers(c *fiber.Ctx) learning.Answers {
	out := learning.Answers{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if id, ok := strings.CutPrefix(string(k), "q-"); ok {
			out[id] = append(out[id], string(v))
		}
	})
	return out
}

// saveAnswers keeps the answers: from the form's "save" button (redirect back) or from the
// page script that saves as the learner goes (204).
func (w *Web) saveAnswers(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := w.learning.SaveAnswers(c.UserContext(), httpx.MustPrincipal(c), id, formAnswers(c)); err != nil {
		return err
	}
	if c.Get("X-Requested-With") == "fetch" {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect("/attempts/"+id+"?saved=1", fiber.StatusSeeOther)
}

func (w *Web) submitAttempt(c *fiber.Ctx) error {
	id := c.Params("id")
	_, err := w.learning.Submit(c.UserContext(), httpx.MustPrincipal(c), id, formAnswers(c), w.contentLanguages(c))
	if err != nil && !errors.Is(err, model.ErrConflict) { // a double click lands on the result too
		return err
	}
	return c.Redirect("/attempts/"+id, fiber.StatusSeeOther)
}

type certificateItem struct {
	store.Certificate
	Status string
}

func (w *Web) certificatesPage(c *fiber.Ctx) error {
	certs, err := w.learning.Certificates(c.UserContext(), httpx.MustPrincipal(c))
	if err != nil {
		return err
	}
	items := make([]certificateItem, len(certs))
	for i, cert := range certs {
		items[i] = certificateItem{Certificate: cert, Status: string(certificate.StatusAt(time.Now(), cert.ExpiresAt, cert.RevokedAt))}
	}
	return w.renderUser(c, fiber.StatusOK, "certificates", "certs.title", &View{Data: items})
}

func (w *Web) certificatePDF(c *fiber.Ctx) error {
	p := httpx.MustPrincipal(c)
	cert, err := w.learning.Certificate(c.UserContext(), p, store.TenantScope(p.TenantID), c.Params("id"))
	if err != nil {
		return err
	}
	pdf, err := w.renderPDF(c.UserContext(), cert, w.language(c))
	if err != nil {
		return err
	}
	if cert.UserID != p.UserID { // hr or admin fetching evidence: a named access, audited
		if err := w.identity.Audit(c.UserContext(), p, cert.TenantID, "certificate.download", cert.HolderName+" – "+cert.CourseTitle, map[string]string{"user_id": cert.UserID}); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="zertifikat-`+cert.CourseSlug+`.pdf"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

type verifyData struct {
	Code   string
	Found  bool
	Result learning.Verification
}

// verifyPage is public: whoever holds a certificate's code (printed, or in its QR code) sees
// whether it is valid, for whom, for which course and when — nothing else.
func (w *Web) verifyPage(c *fiber.Ctx) error {
	code, _ := url.PathUnescape(c.Params("code"))
	if code == "" {
		code = c.Query("code")
	}
	d := verifyData{Code: code}
	status := fiber.StatusOK
	if code != "" {
		v, err := w.learning.Verify(c.UserContext(), code)
		switch {
		case err == nil:
			d.Found, d.Result = true, v
		case errors.Is(err, model.ErrNotFound):
			status = fiber.StatusNotFound
		default:
			return err
		}
	}
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return w.renderUser(c, status, "verify", "verify.title", &View{Data: d})
}

type privacyData struct {
	MinGroupSize  int
	NamedReports  bool
	RefreshDays   int
	Mail          bool // e-mail is configured
	ReminderMails bool
	RetentionDays int
}

// privacyPage lists, from the live configuration, which personal data Wachsam keeps, why, for
// how long and who sees it. Signed-in users see their municipality's settings.
func (w *Web) privacyPage(c *fiber.Ctx) error {
	settings := model.DefaultSettings()
	if p, ok := httpx.PrincipalOf(c); ok {
		if t, ok := w.tenantOf(c, p.TenantID); ok {
			settings = t.Settings
		}
	}
	d := privacyData{MinGroupSize: settings.MinGroupSize, NamedReports: settings.NamedReports, RefreshDays: int(w.refreshTTL.Hours() / 24),
		Mail: w.mail, ReminderMails: settings.ReminderMails, RetentionDays: settings.RetentionDays}
	return w.renderUser(c, fiber.StatusOK, "privacy", "privacy.title", &View{Data: d})
}

func (w *Web) accessibilityPage(c *fiber.Ctx) error {
	return w.renderUser(c, fiber.StatusOK, "accessibility", "a11y.title", &View{})
}
