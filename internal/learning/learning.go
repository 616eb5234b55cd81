// Package learning is what a learner does with a course: enrolment on an exact version,
// lesson progress with time spent, quiz attempts drawn and scored on the server, completion,
// and the certificate that completion earns.
package learning

import (
	"context"
	"errors"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/certificate"
	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// MaxLessonTime caps the time counted for one lesson: a tab left open overnight is not study.
const MaxLessonTime = 2 * time.Hour

// RenewalWindow is how long before a certificate expires the learner may take the course
// again for a fresh one.
const RenewalWindow = 60 * 24 * time.Hour

// Service is the learning domain.
type Service struct {
	store   *store.Store
	catalog *catalog.Catalog
}

// New returns the service.
func New(st *store.Store, cat *catalog.Catalog) *Service {
	return &Service{store: st, catalog: cat}
}

// Status of a learner in a course.
const (
	NotStarted = "not_started"
	InProgress = "in_progress"
	Completed  = "completed"
)

// Progress is a learner's state in one course.
type Progress struct {
	Entry       *catalog.Entry
	Course      *course.Course // the enrolment's version, else the current one
	Enrolment   *store.Enrolment
	Lessons     map[string]store.LessonState
	Attempts    []store.Attempt
	Certificate *store.Certificate

	// counted is set when Attempts were not loaded and submitted and passed stand in for
	// them (the Progress of a submission, which reads counts only).
	counted           bool
	submitted, passed int
}

// Status is not_started, in_progress or completed.
func (p *Progress) Status() string {
	switch {
	case p.Enrolment == nil:
		return NotStarted
	case p.Enrolment.CompletedAt != nil:
		return Completed
	}
	return InProgress
}

// LessonDone reports whether the lesson is completed in the current enrolment.
func (p *Progress) LessonDone(slug string) bool {
	s, ok := p.Lessons[slug]
	return ok && s.CompletedAt != nil
}

// DoneCount counts completed lessons.
func (p *Progress) DoneCount() int {
	n := 0
	for _, l := range p.Course.Lessons {
		if p.LessonDone(l.Slug) {
			n++
		}
	}
	return n
}

// Percent is the share of steps done (lessons, and the quiz as one step).
func (p *Progress) Percent() int {
	steps, done := len(p.Course.Lessons), p.DoneCount()
	if p.Course.Quiz != nil {
		steps++
		if p.QuizPassed() {
			done++
		}
	}
	if p.Status() == Completed {
		return 100
	}
	if steps == 0 {
		return 0
	}
	return done * 100 / steps
}

// QuizPassed reports whether an attempt of the current enrolment passed.
func (p *Progress) QuizPassed() bool {
	if p.counted {
		return p.passed > 0
	}
	for _, a := range p.Attempts {
		if a.Passed != nil && *a.Passed {
			return true
		}
	}
	return false
}

// SubmittedAttempts counts attempts with a result.
func (p *Progress) SubmittedAttempts() int {
	if p.counted {
		return p.submitted
	}
	n := 0
	for _, a := range p.Attempts {
		if a.SubmittedAt != nil {
			n++
		}
	}
	return n
}

// AttemptsLeft is how many more attempts are allowed; -1 = unlimited.
func (p *Progress) AttemptsLeft() int {
	if p.Course.Quiz == nil || p.Course.Quiz.MaxAttempts == 0 {
		return -1
	}
	return max(0, p.Course.Quiz.MaxAttempts-p.SubmittedAttempts())
}

// OpenAttempt returns the unsubmitted attempt, if any.
func (p *Progress) OpenAttempt() *store.Attempt {
	for i := range p.Attempts {
		if p.Attempts[i].SubmittedAt == nil {
			return &p.Attempts[i]
		}
	}
	return nil
}

// NextLesson is the first lesson not done (where "resume" leads), or nil.
func (p *Progress) NextLesson() *course.Lesson {
	for _, l := range p.Course.Lessons {
		if !p.LessonDone(l.Slug) {
			return l
		}
	}
	return nil
}

// renewable reports whether a completed enrolment may be followed by a new one.
func (p *Progress) renewable(now time.Time) bool {
	c := p.Certificate
	return c != nil && c.ExpiresAt != nil && now.Add(RenewalWindow).After(*c.ExpiresAt)
}

func seesDrafts(p auth.Principal) bool { return p.HasAny(model.RoleAdmin, model.RoleOperator) }

// Progress returns the learner's state in the course.
func (s *Service) Progress(ctx context.Context, p auth.Principal, slug string) (*Progress, error) {
	entry, err := s.catalog.Get(slug, seesDrafts(p))
	if err != nil {
		return nil, err
	}
	return s.progress(ctx, p, entry)
}

func (s *Service) progress(ctx context.Context, p auth.Principal, entry *catalog.Entry) (*Progress, error) {
	pr := &Progress{Entry: entry, Course: entry.Course, Lessons: map[string]store.LessonState{}}
	e, err := s.store.CurrentEnrolment(ctx, p.UserID, entry.CourseID)
	if errors.Is(err, model.ErrNotFound) {
		return pr, nil
	}
	if err != nil {
		return nil, err
	}
	return pr, s.fill(ctx, pr, e)
}

// fill loads what belongs to enrolment e into pr.
func (s *Service) fill(ctx context.Context, pr *Progress, e store.Enrolment) error {
	pr.Enrolment = &e
	var err error
	// A learner stays on the version they started, even after authors publish a new one.
	if pr.Course, err = s.catalog.Version(ctx, e.VersionID); err != nil {
		return err
	}
	if pr.Lessons, err = s.store.LessonStates(ctx, e.ID); err != nil {
		return err
	}
	if pr.Attempts, err = s.store.Attempts(ctx, e.ID); err != nil {
		return err
	}
	if c, err := s.store.CertificateOfEnrolment(ctx, e.ID); err == nil {
		pr.Certificate = &c
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	return nil
}

// start makes sure the learner has an enrolment to work in: the open one, or a new one on the
// newest version when they never started or their certificate is due for renewal. A completed
// enrolment that is not renewable is returned as it is (read-only).
func (s *Service) start(ctx context.Context, p auth.Principal, slug string) (*Progress, error) {
	if p.TenantID == "" {
		return nil, model.Forbidden("operators do not take courses; sign in with a municipality's account")
	}
	pr, err := s.Progress(ctx, p, slug)
	if err != nil {
		return nil, err
	}
	if pr.Status() == InProgress {
		return pr, nil
	}
	if pr.Status() == Completed && !pr.renewable(s.store.Now()) {
		again, err := s.mandatoryRetake(ctx, p, pr.Entry.CourseID)
		if err != nil || !again {
			return pr, err
		}
	}
	e := store.Enrolment{TenantID: p.TenantID, UserID: p.UserID, CourseID: pr.Entry.CourseID, VersionID: pr.Entry.VersionID}
	if err := s.store.CreateEnrolment(ctx, &e); err != nil {
		return nil, err
	}
	fresh := &Progress{Entry: pr.Entry, Course: pr.Entry.Course, Lessons: map[string]store.LessonState{}}
	return fresh, s.fill(ctx, fresh, e)
}

// Dashboard returns the learner's state in every course of the catalogue.
func (s *Service) Dashboard(ctx context.Context, p auth.Principal) ([]*Progress, error) {
	enrolments, err := s.store.UserEnrolments(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	byCourse := map[string]store.Enrolment{}
	for _, e := range enrolments {
		byCourse[e.CourseID] = e
	}
	var out []*Progress
	for _, entry := range s.catalog.List(seesDrafts(p)) {
		pr := &Progress{Entry: entry, Course: entry.Course, Lessons: map[string]store.LessonState{}}
		if e, ok := byCourse[entry.CourseID]; ok {
			if err := s.fill(ctx, pr, e); err != nil {
				return nil, err
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// OpenLesson returns the lesson to show and records that the learner opened it.
//
// The page shows the enrolment's status and which lessons are done, so a learner in progress
// costs one statement (enrolment and lesson states together); attempts and certificates are
// not loaded. Only without an open enrolment does it take the way of start (which may enrol).
func (s *Service) OpenLesson(ctx context.Context, p auth.Principal, slug, lesson string) (*Progress, *course.Lesson, error) {
	pr, err := s.openEnrolment(ctx, p, slug)
	if err != nil {
		return nil, nil, err
	}
	if pr == nil {
		if pr, err = s.start(ctx, p, slug); err != nil {
			return nil, nil, err
		}
	}
	l := pr.Course.Lesson(lesson)
	if l == nil {
		return nil, nil, &model.DetailedError{Kind: model.ErrNotFound, Detail: "The course has no lesson \"" + lesson + "\"."}
	}
	if _, opened := pr.Lessons[l.Slug]; !opened && pr.Status() == InProgress {
		// Only the first visit is written: the start of the time spent on the lesson.
		if err := s.store.LessonOpened(ctx, pr.Enrolment.ID, l.Slug); err != nil {
			return nil, nil, err
		}
	}
	return pr, l, nil
}

// openEnrolment returns the learner's progress with the enrolment and lesson states only, when
// they have an open enrolment in the course; nil otherwise.
func (s *Service) openEnrolment(ctx context.Context, p auth.Principal, slug string) (*Progress, error) {
	if p.TenantID == "" {
		return nil, nil // start explains why operators take no courses
	}
	entry, err := s.catalog.Get(slug, seesDrafts(p))
	if err != nil {
		return nil, err
	}
	e, lessons, err := s.store.EnrolmentLessons(ctx, p.UserID, entry.CourseID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil || e.CompletedAt != nil {
		return nil, err
	}
	crs, err := s.catalog.Version(ctx, e.VersionID)
	if err != nil {
		return nil, err
	}
	return &Progress{Entry: entry, Course: crs, Enrolment: &e, Lessons: lessons}, nil
}

// CompleteLesson marks a lesson done, and completes the course when it was the last step.
func (s *Service) CompleteLesson(ctx context.Context, p auth.Principal, slug, lesson string) (*Progress, error) {
	pr, err := s.start(ctx, p, slug)
	if err != nil {
		return nil, err
	}
	if pr.Course.Lesson(lesson) == nil {
		return nil, &model.DetailedError{Kind: model.ErrNotFound, Detail: "The course has no lesson \"" + lesson + "\"."}
	}
	if pr.Status() == Completed {
		return pr, nil // done already; nothing to record
	}
	if _, err := s.store.CompleteLesson(ctx, pr.Enrolment.ID, lesson, MaxLessonTime); err != nil {
		return nil, err
	}
	if err := s.fill(ctx, pr, *pr.Enrolment); err != nil {
		return nil, err
	}
	return pr, s.completeIfDone(ctx, p, pr)
}

// completeIfDone completes the enrolment and issues the certificate once every lesson is done
// and the quiz (if any) passed. Both happen in one transaction, exactly once.
func (s *Service) completeIfDone(ctx context.Context, p auth.Principal, pr *Progress) error {
	if pr.Status() != InProgress || pr.DoneCount() < len(pr.Course.Lessons) || (pr.Course.Quiz != nil && !pr.QuizPassed()) {
		return nil
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		_, err := complete(ctx, tx, p, pr.Course, *pr.Enrolment)
		return err
	})
	if err != nil {
		return err
	}
	e, err := s.store.CurrentEnrolment(ctx, p.UserID, pr.Entry.CourseID)
	if err != nil {
		return err
	}
	return s.fill(ctx, pr, e)
}

// complete completes enrolment e of course crs and issues its certificate, inside the
// transaction tx. The conditional update completes an enrolment exactly once; when it was
// complete already, nothing is issued and the certificate is nil.
func complete(ctx context.Context, tx *store.Store, p auth.Principal, crs *course.Course, e store.Enrolment) (*store.Certificate, error) {
	completed, err := tx.CompleteEnrolment(ctx, e.ID)
	if err != nil || !completed {
		return nil, err
	}
	user, err := tx.UserByID(ctx, store.TenantScope(p.TenantID), p.UserID)
	if err != nil {
		return nil, err
	}
	tenant, err := tx.TenantByID(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	cert := store.Certificate{
		TenantID: p.TenantID, UserID: p.UserID, CourseID: e.CourseID, VersionID: e.VersionID,
		EnrolmentID: e.ID, Code: certificate.NewCode(), HolderName: user.Name,
		CourseTitle: crs.TextFor(crs.DefaultLanguage).Title, Municipality: tenant.Name, IssuedAt: tx.Now(),
	}
	if !crs.Validity.IsZero() {
		exp := crs.Validity.AddTo(cert.IssuedAt)
		cert.ExpiresAt = &exp
	}
	return &cert, tx.CreateCertificate(ctx, &cert)
}
