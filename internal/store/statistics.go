package store

import (
	"context"
	"time"
)

// SubmittedAttempt is one submitted quiz attempt as course statistics see it: who (only to
// count distinct people), which version, what was served and answered, how it went.
type SubmittedAttempt struct {
	UserID      string    `bun:"user_id"`
	VersionID   string    `bun:"version_id"`
	Version     string    `bun:"content_hash"` // the version as the API names it
	Questions   string    `bun:"questions"`    // JSON, see learning
	Answers     string    `bun:"answers"`      // JSON, see learning
	StartedAt   time.Time `bun:"started_at"`
	SubmittedAt time.Time `bun:"submitted_at"`
	Score       int       `bun:"score"`
	Passed      bool      `bun:"passed"`
}

// EachSubmittedAttempt calls fn for every submitted quiz attempt of a course in one
// municipality, every version, oldest first. The rows are streamed, so memory stays flat for
// large municipalities; fn must not use the store meanwhile (on SQLite the one connection is
// busy reading).
func (s *Store) EachSubmittedAttempt(ctx context.Context, tenantID, courseID string, fn func(SubmittedAttempt) error) error {
	rows, err := s.db.NewSelect().TableExpr("quiz_attempts AS qa").
		ColumnExpr("qa.user_id, qa.version_id, cv.content_hash, qa.questions, qa.answers, qa.started_at, qa.submitted_at, qa.score, qa.passed").
		Join("JOIN course_versions AS cv ON cv.id = qa.version_id").
		Where("qa.tenant_id = ? AND cv.course_id = ? AND qa.submitted_at IS NOT NULL", tenantID, courseID).
		OrderExpr("qa.submitted_at, qa.id").Rows(ctx)
	if err != nil {
		return dbErr("submitted attempts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a SubmittedAttempt
		if err := s.root.ScanRow(ctx, rows, &a); err != nil {
			return dbErr("read submitted attempt", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return dbErr("submitted attempts", rows.Err())
}

// VersionRef names one recorded version of a course.
type VersionRef struct {
	ID   string `bun:"id"`
	Hash string `bun:"content_hash"` // the version as the API names it
}

// CourseVersionRefs returns every recorded version of a course, oldest first.
func (s *Store) CourseVersionRefs(ctx context.Context, courseID string) ([]VersionRef, error) {
	var out []VersionRef
	err := s.db.NewSelect().TableExpr("course_versions AS cv").ColumnExpr("cv.id, cv.content_hash").
		Where("cv.course_id = ?", courseID).OrderExpr("cv.created_at, cv.id").Scan(ctx, &out)
	return out, dbErr("course versions", err)
}
