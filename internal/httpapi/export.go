package httpapi

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/store"
)

type personalDataJSON struct {
	ExportedAt   time.Time         `json:"exported_at"`
	Profile      any               `json:"profile"`
	Enrolments   []enrolmentJSON   `json:"enrolments"`
	Certificates []certificateJSON `json:"certificates"`
	Mails        []mailRecord      `json:"mails"`
	// Exemptions and in-person trainings recorded for the user, revoked ones too, with the
	// reason or note: the privacy page says the user can read them here.
	Exemptions        []exemptionJSON        `json:"exemptions"`
	ManualCompletions []manualCompletionJSON `json:"manual_completions"`
}

// mailRecord is an e-mail Wachsam wrote (or decided not to write) to the user; the text itself
// is not kept.
type mailRecord struct {
	Kind      string     `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	Outcome   string     `json:"outcome,omitempty"`
}

type enrolmentJSON struct {
	Course      string          `json:"course"`
	StartedAt   time.Time       `json:"started_at"`
	CompletedAt *time.Time      `json:"completed_at,omitempty"`
	Lessons     []lessonDone    `json:"lessons"`
	Attempts    []attemptRecord `json:"quiz_attempts"`
}

type lessonDone struct {
	Lesson       string     `json:"lesson"`
	OpenedAt     time.Time  `json:"opened_at"`
	CompletedAt  *time.Time `json:"completed_at,omitempty"`
	SecondsSpent int        `json:"seconds_spent"`
}

type attemptRecord struct {
	Number      int        `json:"number"`
	StartedAt   time.Time  `json:"started_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	Score       *int       `json:"score,omitempty"`
	Passed      *bool      `json:"passed,omitempty"`
	// Answers are the option ids chosen per question id, as stored.
	Answers json.RawMessage `json:"answers"`
}

// ExportMyData hands users everything Wachsam stores about them (GDPR Art. 15 and 20) as JSON.
// The browser's "download my data" link uses the same handler behind the session cookie.
func (a *API) ExportMyData(c *fiber.Ctx) error {
	p := httpx.MustPrincipal(c)
	ctx := c.UserContext()
	user, err := a.Store.UserByID(ctx, store.AllTenants(), p.UserID)
	if err != nil {
		return err
	}
	out := personalDataJSON{ExportedAt: time.Now().UTC(), Profile: user, Enrolments: []enrolmentJSON{}, Certificates: []certificateJSON{}}
	enrolments, err := a.Store.AllUserEnrolments(ctx, p.UserID)
	if err != nil {
		return err
	}
	for _, e := range enrolments {
		ej := enrolmentJSON{Course: e.CourseSlug, StartedAt: e.StartedAt, CompletedAt: e.CompletedAt, Lessons: []lessonDone{}, Attempts: []attemptRecord{}}
		states, err := a.Store.LessonStates(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, s := range states {
			ej.Lessons = append(ej.Lessons, lessonDone{Lesson: s.LessonSlug, OpenedAt: s.OpenedAt, CompletedAt: s.CompletedAt, SecondsSpent: s.SecondsSpent})
		}
		attempts, err := a.Store.Attempts(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, at := range attempts {
			ej.Attempts = append(ej.Attempts, attemptRecord{Number: at.Number, StartedAt: at.StartedAt, SubmittedAt: at.SubmittedAt, Score: at.Score, Passed: at.Passed,
				Answers: json.RawMessage(at.Answers)})
		}
		out.Enrolments = append(out.Enrolments, ej)
	}
	certs, err := a.Store.UserCertificates(ctx, p.UserID)
	if err != nil {
		return err
	}
	for _, cert := range certs {
		out.Certificates = append(out.Certificates, a.certificateOf(cert))
	}
	mails, err := a.Store.MailEventsOf(ctx, p.UserID)
	if err != nil {
		return err
	}
	out.Mails = make([]mailRecord, len(mails))
	for i, m := range mails {
		out.Mails[i] = mailRecord{Kind: m.Kind, CreatedAt: m.CreatedAt, SentAt: m.SentAt, Outcome: m.Outcome}
	}
	exemptions, err := a.Store.PersonExemptions(ctx, store.AllTenants(), p.UserID, "")
	if err != nil {
		return err
	}
	out.Exemptions = make([]exemptionJSON, len(exemptions))
	for i, e := range exemptions {
		out.Exemptions[i] = exemptionOf(e)
	}
	manual, err := a.Store.PersonManualCompletions(ctx, store.AllTenants(), p.UserID, "")
	if err != nil {
		return err
	}
	out.ManualCompletions = make([]manualCompletionJSON, len(manual))
	for i, m := range manual {
		out.ManualCompletions[i] = manualCompletionOf(m)
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="wachsam-meine-daten.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
