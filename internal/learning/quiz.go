package learning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// served is what an attempt recorded of one question: its stable id and the option ids in the
// order shown. Scoring and review use exactly this, whatever authors publish later.
type served struct {
	ID      string   `json:"id"`
	Options []string `json:"options"`
}

// Answers maps question ids to the chosen option ids.
type Answers map[string][]string

// AttemptView is an attempt as the learner sees it. Before submission it carries no
// correctness, feedback or explanation; Result is set only after.
type AttemptView struct {
	ID        string
	Number    int
	Course    *course.Course
	Language  string
	Questions []QuestionView
	Answers   Answers
	Submitted bool
	Result    *Result
	Progress  *Progress
}

// QuestionView is a served question in the learner's language.
type QuestionView struct {
	ID        string
	Type      string
	TitleHTML string
	StemHTML  string
	Options   []OptionView
}

// OptionView is one served option.
type OptionView struct {
	ID   string
	HTML string
}

// Result is a submitted attempt's outcome with feedback and explanations.
type Result struct {
	Score     int
	Passed    bool
	PassMark  int
	Correct   int
	Total     int
	Questions []QuestionResult
}

// QuestionResult is the review of one question.
type QuestionResult struct {
	ID              string
	Type            string
	TitleHTML       string
	StemHTML        string
	Correct         bool
	Options         []OptionResult
	ExplanationHTML string
}

// OptionResult is the review of one option.
type OptionResult struct {
	ID           string
	HTML         string
	Chosen       bool
	Correct      bool
	FeedbackHTML string
}

var (
	errNoQuiz         = &model.DetailedError{Kind: model.ErrNotFound, Detail: "This course has no quiz."}
	errNoAttemptsLeft = model.Conflict("you have used all attempts of this quiz; your administration can help")
	errCompleted      = model.Conflict("you have completed this course already; your certificate is valid")
)

// StartAttempt returns the learner's open attempt, or draws a new one: questions drawn from the
// pool and shuffled on the server, per attempt. created says which.
func (s *Service) StartAttempt(ctx context.Context, p auth.Principal, slug string, langs []string) (*AttemptView, bool, error) {
	pr, err := s.start(ctx, p, slug)
	if err != nil {
		return nil, false, err
	}
	quiz := pr.Course.Quiz
	switch {
	case quiz == nil:
		return nil, false, errNoQuiz
	case pr.Status() == Completed:
		return nil, false, errCompleted
	}
	if open := pr.OpenAttempt(); open != nil {
		v, err := s.view(ctx, pr, *open, langs)
		return v, false, err
	}
	if pr.AttemptsLeft() == 0 {
		return nil, false, errNoAttemptsLeft
	}
	questions, err := json.Marshal(draw(quiz))
	if err != nil {
		return nil, false, err
	}
	a := store.Attempt{EnrolmentID: pr.Enrolment.ID, TenantID: p.TenantID, UserID: p.UserID, VersionID: pr.Enrolment.VersionID, Questions: string(questions)}
	if err := s.store.CreateAttempt(ctx, &a); err != nil {
		if errors.Is(err, model.ErrConflict) { // a second tab started one at the same moment
			if open, err := s.store.OpenAttempt(ctx, pr.Enrolment.ID); err == nil {
				v, err := s.view(ctx, pr, open, langs)
				return v, false, err
			}
		}
		return nil, false, err
	}
	pr.Attempts = append(pr.Attempts, a)
	v, err := s.view(ctx, pr, a, langs)
	return v, true, err
}

// draw picks the attempt's questions and orders them and their options.
func draw(q *course.Quiz) []served {
	order := make([]int, len(q.Questions))
	for i := range order {
		order[i] = i
	}
	if q.Shuffle || (q.Draw > 0 && q.Draw < len(q.Questions)) {
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	if q.Draw > 0 && q.Draw < len(order) {
		order = order[:q.Draw]
		if !q.Shuffle {
			slices.Sort(order) // a drawn subset, in the authors' order
		}
	}
	out := make([]served, len(order))
	for i, qi := range order {
		question := q.Questions[qi]
		opts := slices.Clone(question.OptionIDs)
		if q.Shuffle {
			rand.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
		}
		out[i] = served{ID: question.ID, Options: opts}
	}
	return out
}

// Attempt returns one of the learner's attempts (another user's is model.ErrNotFound).
func (s *Service) Attempt(ctx context.Context, p auth.Principal, id string, langs []string) (*AttemptView, error) {
	a, pr, err := s.attempt(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, pr, a, langs)
}

func (s *Service) attempt(ctx context.Context, p auth.Principal, id string) (store.Attempt, *Progress, error) {
	a, err := s.store.UserAttempt(ctx, p.UserID, id)
	if err != nil {
		return a, nil, err
	}
	crs, err := s.catalog.Version(ctx, a.VersionID)
	if err != nil {
		return a, nil, err
	}
	pr, err := s.Progress(ctx, p, crs.Slug)
	if err != nil {
		return a, nil, err
	}
	return a, pr, nil
}

// SaveAnswers keeps the answers given so far, so that a reload or a dropped connection loses
// nothing.
func (s *Service) SaveAnswers(ctx context.Context, p auth.Principal, id string, answers Answers) error {
	a, _, err := s.attempt(ctx, p, id)
	if err != nil {
		return err
	}
	clean, err := checkAnswers(servedOf(a), answers)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(clean)
	return s.store.SaveAnswers(ctx, a.ID, string(b))
}

// Submit scores the attempt once, on the server, and completes the course when it was the
// last step. A second submission is model.ErrConflict and changes nothing.
//
// It reads everything it needs in one statement (store.SubmissionOf: the attempt by id and
// user, its enrolment, the counts the answer shows) and writes with one conditional UPDATE,
// which alone decides which of concurrent submissions counts. Only a submission that passes
// and leaves every lesson done also completes the enrolment and issues the certificate, in the
// same transaction as the UPDATE, so a passed final attempt never stands without its
// completion. The attempt's served questions are decoded once.
func (s *Service) Submit(ctx context.Context, p auth.Principal, id string, answers Answers, langs []string) (*AttemptView, error) {
	sub, err := s.store.SubmissionOf(ctx, p.UserID, id)
	if err != nil {
		return nil, err
	}
	if sub.SubmittedAt != nil {
		return nil, errSubmittedAlready
	}
	crs, err := s.catalog.Version(ctx, sub.VersionID)
	if err != nil {
		return nil, err
	}
	if crs.Quiz == nil { // an attempt is only ever drawn from a quiz; the version cannot lose it
		return nil, errNoQuiz
	}
	qs := servedOf(sub.Attempt)
	clean, err := checkAnswers(qs, answers)
	if err != nil {
		return nil, err
	}
	res := grade(crs.Quiz, qs, clean)
	b, _ := json.Marshal(clean)

	e := store.Enrolment{ID: sub.EnrolmentID, TenantID: sub.TenantID, UserID: sub.UserID, CourseID: sub.CourseID,
		VersionID: sub.VersionID, CompletedAt: sub.EnrolmentCompletedAt}
	pr := &Progress{Course: crs, Enrolment: &e, counted: true, submitted: sub.SubmittedAttempts + 1, passed: sub.PassedAttempts}
	if res.Passed {
		pr.passed++
	}
	completes := e.CompletedAt == nil && res.Passed && sub.LessonsDone >= len(crs.Lessons)
	submit := func(st *store.Store) error {
		at, err := st.SubmitAttempt(ctx, sub.ID, string(b), res.Score, res.Passed)
		if errors.Is(err, model.ErrConflict) {
			return errSubmittedAlready
		}
		sub.SubmittedAt = &at
		return err
	}
	if completes {
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			if err := submit(tx); err != nil {
				return err
			}
			cert, err := complete(ctx, tx, p, crs, e)
			if cert != nil {
				pr.Certificate, e.CompletedAt = cert, &cert.IssuedAt
			}
			return err
		})
	} else {
		err = submit(s.store)
		if err == nil && res.Passed && e.CompletedAt == nil {
			// The last lesson may have been completed in another tab while this attempt was
			// graded: that request looked for a passed attempt before this one was written,
			// and this one counted the lessons before that one was. Whichever commits second
			// must see the other, so count again now that the attempt is stored.
			err = s.completeAfterRace(ctx, p, crs, &e, pr)
		}
	}
	if err != nil {
		return nil, err
	}
	if e.CompletedAt != nil && pr.Certificate == nil { // completed before: show its certificate
		if c, err := s.store.CertificateOfEnrolment(ctx, e.ID); err == nil {
			pr.Certificate = &c
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
	}
	a := sub.Attempt
	a.Answers, a.Score, a.Passed = string(b), &res.Score, &res.Passed
	return s.viewOf(pr, a, crs, qs, clean, langs), nil
}

var errSubmittedAlready = model.Conflict("this attempt has been submitted already; its result stands")

func servedOf(a store.Attempt) []served {
	var qs []served
	_ = json.Unmarshal([]byte(a.Questions), &qs) // written by this package; cannot be malformed
	return qs
}

// checkAnswers keeps only what was served, and refuses what cannot be: unknown questions or
// options, several options on a single-choice question.
func checkAnswers(qs []served, answers Answers) (Answers, error) {
	byID := map[string]served{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	clean := Answers{}
	for qid, chosen := range answers {
		q, ok := byID[qid]
		if !ok {
			return nil, model.Invalid("answers", fmt.Sprintf("question %q is not part of this attempt", qid))
		}
		seen := map[string]bool{}
		for _, o := range chosen {
			if !slices.Contains(q.Options, o) {
				return nil, model.Invalid("answers", fmt.Sprintf("question %q has no option %q", qid, o))
			}
			if !seen[o] {
				seen[o] = true
				clean[qid] = append(clean[qid], o)
			}
		}
	}
	return clean, nil
}

// grade scores all-or-nothing per question: right when the chosen set equals the correct set.
func grade(quiz *course.Quiz, qs []served, answers Answers) Result {
	res := Result{PassMark: quiz.PassMark, Total: len(qs)}
	for _, q := range qs {
		question := quiz.Question(q.ID)
		if question == nil {
			continue
		}
		if AnsweredCorrectly(question, answers[q.ID]) {
			res.Correct++
		}
	}
	if res.Total > 0 {
		res.Score = res.Correct * 100 / res.Total
	}
	res.Passed = res.Score >= res.PassMark
	return res
}

// AnsweredCorrectly is the scoring rule for one question: right when the chosen set equals the
// correct set (all or nothing). Course statistics count with the same rule.
func AnsweredCorrectly(q *course.Question, chosen []string) bool {
	want, got := q.CorrectIDs(), slices.Clone(chosen)
	slices.Sort(want)
	slices.Sort(got)
	return slices.Equal(want, got)
}

// DecodeAttempt reads what an attempt stored (store.Attempt's Questions and Answers): the ids
// of the questions served, in order, and the options chosen per question.
func DecodeAttempt(questions, answers string) ([]string, Answers) {
	var qs []served
	_ = json.Unmarshal([]byte(questions), &qs) // written by this package
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	a := Answers{}
	_ = json.Unmarshal([]byte(answers), &a)
	return ids, a
}

// view renders an attempt in the first of langs the course has, from the attempt's own version.
func (s *Service) view(ctx context.Context, pr *Progress, a store.Attempt, langs []string) (*AttemptView, error) {
	crs, err := s.catalog.Version(ctx, a.VersionID)
	if err != nil {
		return nil, err
	}
	answers := Answers{}
	_ = json.Unmarshal([]byte(a.Answers), &answers)
	return s.viewOf(pr, a, crs, servedOf(a), answers, langs), nil
}

// viewOf builds the view of attempt a of crs from its decoded questions qs and answers.
func (s *Service) viewOf(pr *Progress, a store.Attempt, crs *course.Course, qs []served, answers Answers, langs []string) *AttemptView {
	lang := crs.PickLanguage(langs...)
	v := &AttemptView{ID: a.ID, Number: a.Number, Course: crs, Language: lang, Answers: answers, Submitted: a.SubmittedAt != nil, Progress: pr}
	for _, q := range qs {
		question := crs.Quiz.Question(q.ID)
		if question == nil {
			continue
		}
		text := question.TextFor(lang)
		qv := QuestionView{ID: q.ID, Type: question.Type, TitleHTML: text.TitleHTML, StemHTML: text.StemHTML}
		for _, oid := range q.Options {
			qv.Options = append(qv.Options, OptionView{ID: oid, HTML: text.Options[slices.Index(question.OptionIDs, oid)].HTML})
		}
		v.Questions = append(v.Questions, qv)
	}
	if v.Submitted {
		r := grade(crs.Quiz, qs, v.Answers)
		if a.Score != nil { // the stored score is the record; grading again gives the same
			r.Score, r.Passed = *a.Score, *a.Passed
		}
		for _, qv := range v.Questions {
			question := crs.Quiz.Question(qv.ID)
			text := question.TextFor(lang)
			correct := question.CorrectIDs()
			qr := QuestionResult{ID: qv.ID, Type: qv.Type, TitleHTML: qv.TitleHTML, StemHTML: qv.StemHTML, ExplanationHTML: text.ExplanationHTML}
			right := true
			for _, o := range qv.Options {
				chosen, isCorrect := slices.Contains(v.Answers[qv.ID], o.ID), slices.Contains(correct, o.ID)
				right = right && chosen == isCorrect
				qr.Options = append(qr.Options, OptionResult{ID: o.ID, HTML: o.HTML, Chosen: chosen, Correct: isCorrect,
					FeedbackHTML: text.Options[slices.Index(question.OptionIDs, o.ID)].FeedbackHTML})
			}
			qr.Correct = right
			r.Questions = append(r.Questions, qr)
		}
		v.Result = &r
	}
	return v
}

// completeAfterRace completes the enrolment when, counted again after a passing submission,
// every lesson is done. Completing is conditional in the database, so when the lesson's
// request completes it too, one of them issues the certificate.
func (s *Service) completeAfterRace(ctx context.Context, p auth.Principal, crs *course.Course, e *store.Enrolment, pr *Progress) error {
	states, err := s.store.LessonStates(ctx, e.ID)
	if err != nil {
		return err
	}
	if (&Progress{Course: crs, Lessons: states}).DoneCount() < len(crs.Lessons) { // counted as the course page counts
		return nil
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		cert, err := complete(ctx, tx, p, crs, *e)
		if cert != nil {
			pr.Certificate, e.CompletedAt = cert, &cert.IssuedAt
		}
		return err
	})
}
