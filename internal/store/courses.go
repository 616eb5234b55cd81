package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

type courseRow struct {
	bun.BaseModel `bun:"table:courses,alias:c"`

	ID               string    `bun:"id,pk"`
	Slug             string    `bun:"slug"`
	Archived         bool      `bun:"archived"`
	CurrentVersionID string    `bun:"current_version_id,nullzero"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

type courseVersionRow struct {
	bun.BaseModel `bun:"table:course_versions,alias:cv"`

	ID          string    `bun:"id,pk"`
	CourseID    string    `bun:"course_id"`
	ContentHash string    `bun:"content_hash"`
	GitCommit   string    `bun:"git_commit"`
	Title       string    `bun:"title"`
	Language    string    `bun:"language"`
	Draft       bool      `bun:"draft"`
	Content     string    `bun:"content"`
	CreatedAt   time.Time `bun:"created_at"`
}

type courseLessonRow struct {
	bun.BaseModel `bun:"table:course_lessons"`

	VersionID       string `bun:"version_id,pk"`
	Number          int    `bun:"number"`
	Slug            string `bun:"slug,pk"`
	Title           string `bun:"title"`
	DurationSeconds int    `bun:"duration_seconds"`
}

type quizQuestionRow struct {
	bun.BaseModel `bun:"table:quiz_questions"`

	VersionID   string `bun:"version_id,pk"`
	QuestionID  string `bun:"question_id,pk"`
	Position    int    `bun:"position"`
	Type        string `bun:"type"`
	OptionCount int    `bun:"option_count"`
}

type courseMediaRow struct {
	bun.BaseModel `bun:"table:course_media"`

	VersionID string `bun:"version_id,pk"`
	MediaKey  string `bun:"media_key,pk"`
	Path      string `bun:"path"`
}

// CourseVersion is one recorded version of a course: its metadata, the compiled content (JSON
// made by the catalog) and the rows that progress, attempts and statistics refer to.
type CourseVersion struct {
	ID          string
	CourseID    string
	Slug        string
	ContentHash string
	GitCommit   string
	Title       string
	Language    string
	Draft       bool
	Content     string
	CreatedAt   time.Time
	Lessons     []VersionLesson
	Questions   []VersionQuestion
	Media       []VersionMedia
}

// VersionLesson is a lesson as recorded for a version.
type VersionLesson struct {
	Number   int
	Slug     string
	Title    string
	Duration time.Duration
}

// VersionQuestion is a question of the version's quiz, under its stable id.
type VersionQuestion struct {
	ID          string
	Type        string
	OptionCount int
}

// VersionMedia ties a media object to a version (media of hidden courses stay hidden).
type VersionMedia struct {
	Key  string
	Path string
}

// PublishedCourse is a course with its current version's id.
type PublishedCourse struct {
	CourseID  string
	Slug      string
	VersionID string
	Archived  bool
}

// PublishCourseVersion records v as the current version of its course (by slug), creating the
// course on first sight. A version with the same content hash is reused, not duplicated.
// changed reports whether the course's live version changed (a new version, a revert to an
// older one, or an archived course coming back).
func (s *Store) PublishCourseVersion(ctx context.Context, v CourseVersion) (courseID, versionID string, changed bool, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		now := tx.now()
		var c courseRow
		err := tx.db.NewSelect().Model(&c).Where("slug = ?", v.Slug).Scan(ctx)
		if err = dbErr("course "+v.Slug, err); isNotFound(err) {
			c = courseRow{ID: newID(), Slug: v.Slug, CreatedAt: now, UpdatedAt: now}
			if _, err := tx.db.NewInsert().Model(&c).Exec(ctx); err != nil {
				return dbErr("create course "+v.Slug, err)
			}
		} else if err != nil {
			return err
		}
		courseID = c.ID
		var existing courseVersionRow
		err = tx.db.NewSelect().Model(&existing).Column("id").Where("course_id = ? AND content_hash = ?", c.ID, v.ContentHash).Scan(ctx)
		switch err = dbErr("course version", err); {
		case err == nil:
			versionID = existing.ID
		case isNotFound(err):
			versionID = newID()
			if err := tx.insertVersion(ctx, c.ID, versionID, v); err != nil {
				return err
			}
		default:
			return err
		}
		if c.CurrentVersionID == versionID && !c.Archived {
			return nil
		}
		changed = true
		_, err = tx.db.NewUpdate().Model((*courseRow)(nil)).Set("current_version_id = ?", versionID).
			Set("archived = ?", false).Set("updated_at = ?", now).Where("id = ?", c.ID).Exec(ctx)
		return dbErr("publish course "+v.Slug, err)
	})
	return courseID, versionID, changed, err
}

func (s *Store) insertVersion(ctx context.Context, courseID, id string, v CourseVersion) error {
	row := courseVersionRow{ID: id, CourseID: courseID, ContentHash: v.ContentHash, GitCommit: v.GitCommit, Title: v.Title,
		Language: v.Language, Draft: v.Draft, Content: v.Content, CreatedAt: s.now()}
	if _, err := s.db.NewInsert().Model(&row).Exec(ctx); err != nil {
		return dbErr("create course version", err)
	}
	if len(v.Lessons) > 0 {
		rows := make([]courseLessonRow, len(v.Lessons))
		for i, l := range v.Lessons {
			rows[i] = courseLessonRow{VersionID: id, Number: l.Number, Slug: l.Slug, Title: l.Title, DurationSeconds: int(l.Duration.Seconds())}
		}
		if _, err := s.db.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return dbErr("record lessons", err)
		}
	}
	if len(v.Questions) > 0 {
		rows := make([]quizQuestionRow, len(v.Questions))
		for i, q := range v.Questions {
			rows[i] = quizQuestionRow{VersionID: id, QuestionID: q.ID, Position: i + 1, Type: q.Type, OptionCount: q.OptionCount}
		}
		if _, err := s.db.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return dbErr("record quiz questions", err)
		}
	}
	if len(v.Media) > 0 {
		rows := make([]courseMediaRow, len(v.Media))
		for i, m := range v.Media {
			rows[i] = courseMediaRow{VersionID: id, MediaKey: m.Key, Path: m.Path}
		}
		if _, err := s.db.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return dbErr("record media", err)
		}
	}
	return nil
}

// ArchiveCoursesExcept archives every active course whose slug is not in keep (it vanished
// from the tree). Its versions, and everything that refers to them, stay.
func (s *Store) ArchiveCoursesExcept(ctx context.Context, keep []string) ([]string, error) {
	var gone []courseRow
	q := s.db.NewSelect().Model(&gone).Where("archived = ?", false)
	if len(keep) > 0 {
		q = q.Where("slug NOT IN (?)", bun.In(keep))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr("find vanished courses", err)
	}
	slugs := make([]string, len(gone))
	for i, c := range gone {
		slugs[i] = c.Slug
		if _, err := s.db.NewUpdate().Model((*courseRow)(nil)).Set("archived = ?", true).Set("updated_at = ?", s.now()).
			Where("id = ?", c.ID).Exec(ctx); err != nil {
			return nil, dbErr("archive course "+c.Slug, err)
		}
	}
	return slugs, nil
}

// PublishedCourses lists every course with its current version, archived ones included.
func (s *Store) PublishedCourses(ctx context.Context) ([]PublishedCourse, error) {
	var rows []courseRow
	if err := s.db.NewSelect().Model(&rows).Where("current_version_id IS NOT NULL").Order("slug").Scan(ctx); err != nil {
		return nil, dbErr("list courses", err)
	}
	out := make([]PublishedCourse, len(rows))
	for i, r := range rows {
		out[i] = PublishedCourse{CourseID: r.ID, Slug: r.Slug, VersionID: r.CurrentVersionID, Archived: r.Archived}
	}
	return out, nil
}

// CourseVersionContent returns a version's compiled content and its course's slug.
func (s *Store) CourseVersionContent(ctx context.Context, versionID string) (slug, content string, err error) {
	if err := checkID("course version", versionID); err != nil {
		return "", "", err
	}
	var row struct {
		Slug    string `bun:"slug"`
		Content string `bun:"content"`
	}
	err = s.db.NewSelect().TableExpr("course_versions AS cv").ColumnExpr("c.slug, cv.content").
		Join("JOIN courses AS c ON c.id = cv.course_id").Where("cv.id = ?", versionID).Scan(ctx, &row)
	return row.Slug, row.Content, dbErr("course version", err)
}

// CourseHasMedia reports whether any version of the course refers to the media key, so that
// a key cannot be fetched through a course it does not belong to.
func (s *Store) CourseHasMedia(ctx context.Context, courseID, key string) (bool, error) {
	n, err := s.db.NewSelect().TableExpr("course_media AS m").Join("JOIN course_versions AS cv ON cv.id = m.version_id").
		Where("cv.course_id = ? AND m.media_key = ?", courseID, key).Count(ctx)
	return n > 0, dbErr("course media", err)
}

// SyncRecord is the outcome of one catalogue sync, kept for operators.
type SyncRecord struct {
	bun.BaseModel `bun:"table:course_syncs"`

	ID          string    `bun:"id,pk" json:"id"`
	Source      string    `bun:"source" json:"source"`
	GitCommit   string    `bun:"git_commit" json:"git_commit,omitempty"`
	OK          bool      `bun:"ok" json:"ok"`
	Published   int       `bun:"published" json:"published"`
	Archived    int       `bun:"archived" json:"archived"`
	Diagnostics string    `bun:"diagnostics" json:"-"`
	StartedAt   time.Time `bun:"started_at" json:"started_at"`
	FinishedAt  time.Time `bun:"finished_at" json:"finished_at"`
}

// RecordSync stores a sync's outcome.
func (s *Store) RecordSync(ctx context.Context, r *SyncRecord) error {
	r.ID = newID()
	_, err := s.db.NewInsert().Model(r).Exec(ctx)
	return dbErr("record sync", err)
}

// RecentSyncs returns the newest sync records.
func (s *Store) RecentSyncs(ctx context.Context, limit int) ([]SyncRecord, error) {
	var rows []SyncRecord
	err := s.db.NewSelect().Model(&rows).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx)
	return rows, dbErr("list syncs", err)
}
