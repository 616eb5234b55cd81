package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

// Enrolment is a user's pass through one version of a course.
type Enrolment struct {
	bun.BaseModel `bun:"table:enrolments,alias:en"`

	ID             string     `bun:"id,pk"`
	TenantID       string     `bun:"tenant_id"`
	UserID         string     `bun:"user_id"`
	CourseID       string     `bun:"course_id"`
	VersionID      string     `bun:"version_id"`
	StartedAt      time.Time  `bun:"started_at"`
	LastActivityAt time.Time  `bun:"last_activity_at"`
	CompletedAt    *time.Time `bun:"completed_at"`
}

// LessonState is a learner's progress in one lesson.
type LessonState struct {
	bun.BaseModel `bun:"table:lesson_progress,alias:lp"`

	EnrolmentID  string     `bun:"enrolment_id,pk"`
	LessonSlug   string     `bun:"lesson_slug,pk"`
	OpenedAt     time.Time  `bun:"opened_at"`
	CompletedAt  *time.Time `bun:"completed_at"`
	SecondsSpent int        `bun:"seconds_spent"`
}

// Attempt is one go at a course's quiz: the questions and option order served, the answers
// saved so far, and after submission the result.
type Attempt struct {
	bun.BaseModel `bun:"table:quiz_attempts,alias:qa"`

	ID          string     `bun:"id,pk"`
	EnrolmentID string     `bun:"enrolment_id"`
	TenantID    string     `bun:"tenant_id"`
	UserID      string     `bun:"user_id"`
	VersionID   string     `bun:"version_id"`
	Number      int        `bun:"number"`
	Questions   string     `bun:"questions"` // JSON, see learning
	Answers     string     `bun:"answers"`   // JSON, see learning
	StartedAt   time.Time  `bun:"started_at"`
	SubmittedAt *time.Time `bun:"submitted_at"`
	Score       *int       `bun:"score"`
	Passed      *bool      `bun:"passed"`
}

// Certificate records a completed course.
type Certificate struct {
	bun.BaseModel `bun:"table:certificates,alias:cert"`

	ID            string     `bun:"id,pk"`
	TenantID      string     `bun:"tenant_id"`
	UserID        string     `bun:"user_id"`
	CourseID      string     `bun:"course_id"`
	VersionID     string     `bun:"version_id"`
	EnrolmentID   string     `bun:"enrolment_id"`
	Code          string     `bun:"code"`
	HolderName    string     `bun:"holder_name"`
	CourseTitle   string     `bun:"course_title"`
	Municipality  string     `bun:"municipality"`
	IssuedAt      time.Time  `bun:"issued_at"`
	ExpiresAt     *time.Time `bun:"expires_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
	RevokedReason string     `bun:"revoked_reason,nullzero"`
	RevokedBy     string     `bun:"revoked_by,nullzero"`

	CourseSlug string `bun:"course_slug,scanonly"`
}

// Now is the store's clock (tests move it).
func (s *Store) Now() time.Time { return s.now() }

// CurrentEnrolment returns the user's open enrolment in the course, else their latest
// completed one; model.ErrNotFound if they never started it.
func (s *Store) CurrentEnrolment(ctx context.Context, userID, courseID string) (Enrolment, error) {
	var e Enrolment
	err := s.db.NewSelect().Model(&e).Where("user_id = ? AND course_id = ?", userID, courseID).
		OrderExpr("completed_at IS NULL DESC, started_at DESC").Limit(1).Scan(ctx)
	return e, dbErr("enrolment", err)
}

// UserEnrolments returns every user's current enrolment per course (open, else latest).
func (s *Store) UserEnrolments(ctx context.Context, userID string) ([]Enrolment, error) {
	var all []Enrolment
	if err := s.db.NewSelect().Model(&all).Where("user_id = ?", userID).OrderExpr("course_id, completed_at IS NULL DESC, started_at DESC").Scan(ctx); err != nil {
		return nil, dbErr("enrolments", err)
	}
	var out []Enrolment
	for i, e := range all {
		if i == 0 || all[i-1].CourseID != e.CourseID {
			out = append(out, e)
		}
	}
	return out, nil
}

// CreateEnrolment starts an enrolment (and with it the person's obligation in the course, if
// there is one). If a concurrent request started one first, the unique index refuses the
// second and that one is returned instead.
func (s *Store) CreateEnrolment(ctx context.Context, e *Enrolment) error {
	now := s.now()
	e.ID, e.StartedAt, e.LastActivityAt = newID(), now, now
	if _, err := s.db.NewInsert().Model(e).Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			existing, err := s.CurrentEnrolment(ctx, e.UserID, e.CourseID)
			*e = existing
			return err
		}
		return dbErr("start enrolment", err)
	}
	return s.obligationStarted(ctx, e.TenantID, e.UserID, e.CourseID)
}

// CompleteEnrolment marks an enrolment complete; false if it was already.
func (s *Store) CompleteEnrolment(ctx context.Context, id string) (bool, error) {
	res, err := s.db.NewUpdate().Model((*Enrolment)(nil)).Set("completed_at = ?", s.now()).Set("last_activity_at = ?", s.now()).
		Where("id = ? AND completed_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, dbErr("complete enrolment", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// LessonStates returns the progress of every lesson touched in an enrolment, by slug.
func (s *Store) LessonStates(ctx context.Context, enrolmentID string) (map[string]LessonState, error) {
	var rows []LessonState
	if err := s.db.NewSelect().Model(&rows).Where("enrolment_id = ?", enrolmentID).Scan(ctx); err != nil {
		return nil, dbErr("lesson progress", err)
	}
	out := make(map[string]LessonState, len(rows))
	for _, r := range rows {
		out[r.LessonSlug] = r
	}
	return out, nil
}

// LessonOpened records the first time a lesson is opened (the start of its time spent).
func (s *Store) LessonOpened(ctx context.Context, enrolmentID, slug string) error {
	row := LessonState{EnrolmentID: enrolmentID, LessonSlug: slug, OpenedAt: s.now()}
	_, err := s.db.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err == nil {
		_, err = s.db.NewUpdate().Model((*Enrolment)(nil)).Set("last_activity_at = ?", s.now()).Where("id = ?", enrolmentID).Exec(ctx)
	}
	return dbErr("open lesson", err)
}

// CompleteLesson marks a lesson done; the time spent is the time since it was first opened,
// capped so that a tab left open overnight does not count as study. It returns false when
// the lesson was done already.
func (s *Store) CompleteLesson(ctx context.Context, enrolmentID, slug string, maxSpent time.Duration) (bool, error) {
	if err := s.LessonOpened(ctx, enrolmentID, slug); err != nil {
		return false, err
	}
	var row LessonState
	if err := s.db.NewSelect().Model(&row).Where("enrolment_id = ? AND lesson_slug = ?", enrolmentID, slug).Scan(ctx); err != nil {
		return false, dbErr("lesson progress", err)
	}
	now := s.now()
	spent := min(now.Sub(row.OpenedAt), maxSpent)
	res, err := s.db.NewUpdate().Model((*LessonState)(nil)).Set("completed_at = ?", now).Set("seconds_spent = ?", int(spent.Seconds())).
		Where("enrolment_id = ? AND lesson_slug = ? AND completed_at IS NULL", enrolmentID, slug).Exec(ctx)
	if err != nil {
		return false, dbErr("complete lesson", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// OpenAttempt returns the enrolment's unsubmitted attempt, model.ErrNotFound if none.
func (s *Store) OpenAttempt(ctx context.Context, enrolmentID string) (Attempt, error) {
	var a Attempt
	err := s.db.NewSelect().Model(&a).Where("enrolment_id = ? AND submitted_at IS NULL", enrolmentID).Scan(ctx)
	return a, dbErr("open attempt", err)
}

// Attempts returns an enrolment's attempts, oldest first.
func (s *Store) Attempts(ctx context.Context, enrolmentID string) ([]Attempt, error) {
	var rows []Attempt
	err := s.db.NewSelect().Model(&rows).Where("enrolment_id = ?", enrolmentID).Order("number").Scan(ctx)
	return rows, dbErr("attempts", err)
}

// CreateAttempt stores a new attempt numbered after the enrolment's last. A concurrent second
// start is refused by the unique index on open attempts (model.ErrConflict).
func (s *Store) CreateAttempt(ctx context.Context, a *Attempt) error {
	return s.InTx(ctx, func(tx *Store) error {
		n, err := tx.db.NewSelect().Model((*Attempt)(nil)).Where("enrolment_id = ?", a.EnrolmentID).Count(ctx)
		if err != nil {
			return dbErr("count attempts", err)
		}
		a.ID, a.Number, a.StartedAt = newID(), int(n)+1, tx.now()
		if a.Answers == "" {
			a.Answers = "{}"
		}
		if _, err := tx.db.NewInsert().Model(a).Exec(ctx); err != nil {
			return dbErr("start attempt", err)
		}
		return nil
	})
}

// UserAttempt returns an attempt of the user; another user's attempt is model.ErrNotFound.
func (s *Store) UserAttempt(ctx context.Context, userID, id string) (Attempt, error) {
	if err := checkID("attempt", id); err != nil {
		return Attempt{}, err
	}
	var a Attempt
	err := s.db.NewSelect().Model(&a).Where("id = ? AND user_id = ?", id, userID).Scan(ctx)
	return a, dbErr("attempt", err)
}

// errSubmitted explains why a submitted attempt cannot change.
var errSubmitted = model.Conflict("this attempt has been submitted already; its result stands")

// SaveAnswers stores the answers given so far; a submitted attempt is model.ErrConflict.
func (s *Store) SaveAnswers(ctx context.Context, id, answers string) error {
	res, err := s.db.NewUpdate().Model((*Attempt)(nil)).Set("answers = ?", answers).Where("id = ? AND submitted_at IS NULL", id).Exec(ctx)
	if err != nil {
		return dbErr("save answers", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errSubmitted
	}
	return nil
}

// CreateCertificate stores a certificate (one per enrolment) and settles the person's
// obligation in the course.
func (s *Store) CreateCertificate(ctx context.Context, c *Certificate) error {
	c.ID = newID()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = s.now()
	}
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.db.NewInsert().Model(c).Exec(ctx); err != nil {
			return dbErr("issue certificate", err)
		}
		return tx.refreshObligations(ctx, c.TenantID, []string{c.UserID}, []string{c.CourseID})
	})
}

func (s *Store) selectCertificates(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ColumnExpr("cert.*").ColumnExpr("c.slug AS course_slug").
		Join("JOIN courses AS c ON c.id = cert.course_id")
}

// UserCertificates returns a user's certificates, newest first.
func (s *Store) UserCertificates(ctx context.Context, userID string) ([]Certificate, error) {
	var rows []Certificate
	err := s.selectCertificates(&rows).Where("cert.user_id = ?", userID).OrderExpr("cert.issued_at DESC").Scan(ctx)
	return rows, dbErr("certificates", err)
}

// CertificateByID finds a certificate inside the scope.
func (s *Store) CertificateByID(ctx context.Context, scope Scope, id string) (Certificate, error) {
	if err := checkID("certificate", id); err != nil {
		return Certificate{}, err
	}
	var c Certificate
	err := s.selectCertificates(&c).ApplyQueryBuilder(scope.where("cert.tenant_id")).Where("cert.id = ?", id).Scan(ctx)
	return c, dbErr("certificate", err)
}

// CertificateByCode finds a certificate by its verification code (public verification).
func (s *Store) CertificateByCode(ctx context.Context, code string) (Certificate, error) {
	var c Certificate
	err := s.selectCertificates(&c).Where("cert.code = ?", code).Scan(ctx)
	return c, dbErr("certificate", err)
}

// CertificateOfEnrolment returns the certificate an enrolment earned, if any.
func (s *Store) CertificateOfEnrolment(ctx context.Context, enrolmentID string) (Certificate, error) {
	var c Certificate
	err := s.selectCertificates(&c).Where("cert.enrolment_id = ?", enrolmentID).Scan(ctx)
	return c, dbErr("certificate", err)
}

// ListCertificates returns the scope's certificates, newest first (administration).
func (s *Store) ListCertificates(ctx context.Context, scope Scope, limit int) ([]Certificate, error) {
	var rows []Certificate
	err := s.selectCertificates(&rows).ApplyQueryBuilder(scope.where("cert.tenant_id")).OrderExpr("cert.issued_at DESC").Limit(int64(limit)).Scan(ctx)
	return rows, dbErr("certificates", err)
}

// RevokeCertificate withdraws a certificate inside the scope; revoking twice is a conflict.
func (s *Store) RevokeCertificate(ctx context.Context, scope Scope, id, reason, by string) error {
	return s.InTx(ctx, func(tx *Store) error {
		c, err := tx.CertificateByID(ctx, scope, id)
		if err != nil {
			return err
		}
		if c.RevokedAt != nil {
			return model.Conflict("the certificate was revoked already")
		}
		_, err = tx.db.NewUpdate().Model((*Certificate)(nil)).Set("revoked_at = ?", tx.now()).Set("revoked_reason = ?", reason).
			Set("revoked_by = ?", nullIfEmpty(by)).Where("id = ?", id).Exec(ctx)
		if err != nil {
			return dbErr("revoke certificate", err)
		}
		return tx.refreshObligations(ctx, c.TenantID, []string{c.UserID}, []string{c.CourseID})
	})
}

// EnrolmentRecord is an enrolment with its course's slug (data export).
type EnrolmentRecord struct {
	bun.BaseModel `bun:"table:enrolments,alias:en"`
	Enrolment
	CourseSlug string `bun:"course_slug,scanonly"`
}

// AllUserEnrolments returns every enrolment of a user, oldest first.
func (s *Store) AllUserEnrolments(ctx context.Context, userID string) ([]EnrolmentRecord, error) {
	var rows []EnrolmentRecord
	err := s.db.NewSelect().Model(&rows).ColumnExpr("en.*").ColumnExpr("c.slug AS course_slug").
		Join("JOIN courses AS c ON c.id = en.course_id").Where("en.user_id = ?", userID).OrderExpr("en.started_at").Scan(ctx)
	return rows, dbErr("enrolments", err)
}

// enrolmentLessonRow is one row of qEnrolmentLessons: the enrolment, and one lesson of it (all
// lesson columns null when none was opened yet).
type enrolmentLessonRow struct {
	Enrolment
	LessonSlug        *string    `bun:"lesson_slug"`
	OpenedAt          *time.Time `bun:"opened_at"`
	LessonCompletedAt *time.Time `bun:"lesson_completed_at"`
	SecondsSpent      *int       `bun:"seconds_spent"`
}

// qEnrolmentLessons picks the enrolment as CurrentEnrolment does and joins its lessons.
var qEnrolmentLessons = bound(`SELECT en.id, en.tenant_id, en.user_id, en.course_id, en.version_id, en.started_at,
	en.last_activity_at, en.completed_at, lp.lesson_slug, lp.opened_at, lp.completed_at AS lesson_completed_at, lp.seconds_spent
FROM (SELECT * FROM enrolments WHERE user_id = ? AND course_id = ?
      ORDER BY completed_at IS NULL DESC, started_at DESC LIMIT 1) AS en
LEFT JOIN lesson_progress AS lp ON lp.enrolment_id = en.id`)

// EnrolmentLessons is CurrentEnrolment and LessonStates in one statement (the lesson page):
// the user's open enrolment in the course, else their latest completed one, with the progress
// of every lesson touched in it. model.ErrNotFound if they never started the course.
func (s *Store) EnrolmentLessons(ctx context.Context, userID, courseID string) (Enrolment, map[string]LessonState, error) {
	var e Enrolment
	found := false
	lessons := map[string]LessonState{}
	err := s.queryBound(ctx, qEnrolmentLessons, []any{userID, courseID}, func(scan func(...any) error) error {
		var r enrolmentLessonRow
		if err := scan(&r); err != nil {
			return err
		}
		e, found = r.Enrolment, true
		if r.LessonSlug != nil {
			st := LessonState{EnrolmentID: e.ID, LessonSlug: *r.LessonSlug, CompletedAt: r.LessonCompletedAt}
			if r.OpenedAt != nil {
				st.OpenedAt = *r.OpenedAt
			}
			if r.SecondsSpent != nil {
				st.SecondsSpent = *r.SecondsSpent
			}
			lessons[st.LessonSlug] = st
		}
		return nil
	})
	if err == nil && !found {
		err = sql.ErrNoRows
	}
	return e, lessons, dbErr("enrolment", err)
}

// Submission is what submitting an attempt needs to know, read in one statement: the attempt,
// its enrolment's state, and counts over the enrolment.
type Submission struct {
	Attempt
	CourseID             string     `bun:"course_id"`
	EnrolmentCompletedAt *time.Time `bun:"enrolment_completed_at"`
	// SubmittedAttempts and PassedAttempts count the enrolment's attempts with a result, and
	// those that passed; LessonsDone its completed lessons.
	SubmittedAttempts int `bun:"submitted_attempts"`
	PassedAttempts    int `bun:"passed_attempts"`
	LessonsDone       int `bun:"lessons_done"`
}

var qSubmission = bound(`SELECT qa.id, qa.enrolment_id, qa.tenant_id, qa.user_id, qa.version_id, qa.number, qa.questions,
	qa.answers, qa.started_at, qa.submitted_at, qa.score, qa.passed,
	en.course_id, en.completed_at AS enrolment_completed_at,
	(SELECT count(*) FROM quiz_attempts AS x WHERE x.enrolment_id = qa.enrolment_id AND x.submitted_at IS NOT NULL) AS submitted_attempts,
	(SELECT count(*) FROM quiz_attempts AS x WHERE x.enrolment_id = qa.enrolment_id AND x.passed) AS passed_attempts,
	(SELECT count(*) FROM lesson_progress AS lp WHERE lp.enrolment_id = qa.enrolment_id AND lp.completed_at IS NOT NULL) AS lessons_done
FROM quiz_attempts AS qa JOIN enrolments AS en ON en.id = qa.enrolment_id
WHERE qa.id = ? AND qa.user_id = ?`)

// SubmissionOf returns the user's attempt with what submitting it needs; another user's
// attempt is model.ErrNotFound, like a missing one.
func (s *Store) SubmissionOf(ctx context.Context, userID, attemptID string) (Submission, error) {
	if err := checkID("attempt", attemptID); err != nil {
		return Submission{}, err
	}
	var sub Submission
	found := false
	err := s.queryBound(ctx, qSubmission, []any{attemptID, userID}, func(scan func(...any) error) error {
		found = true
		return scan(&sub)
	})
	if err == nil && !found {
		err = sql.ErrNoRows
	}
	return sub, dbErr("attempt", err)
}

var qSubmitAttempt = bound(`UPDATE quiz_attempts SET answers = ?, submitted_at = ?, score = ?, passed = ?
WHERE id = ? AND submitted_at IS NULL`)

// SubmitAttempt records the result once and returns the time recorded. The condition on
// submitted_at makes double submissions — two clicks, two tabs — land exactly once: of
// concurrent ones exactly one changes the row, the others get model.ErrConflict.
func (s *Store) SubmitAttempt(ctx context.Context, id, answers string, score int, passed bool) (time.Time, error) {
	now := s.now()
	n, err := s.execBound(ctx, qSubmitAttempt, answers, now, score, passed, id)
	if err != nil {
		return now, dbErr("submit attempt", err)
	}
	if n == 0 {
		return now, errSubmitted
	}
	return now, nil
}
