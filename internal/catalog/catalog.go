// Package catalog publishes the course library: it loads a course tree with package course,
// refuses a tree with errors (the previous version stays live), uploads media to the media
// store, records every version in the database so that progress and attempts refer to exact
// versions, and keeps the compiled courses in memory for serving. Markdown is rendered at sync
// time only, never on a request.
package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/media"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Source says where a tree came from: "embedded", "dir" or "git" (with its commit).
type Source struct {
	Kind   string
	Commit string
}

// Entry is a published course: its current version, compiled.
type Entry struct {
	CourseID  string
	VersionID string
	Course    *course.Course
	Archived  bool
}

// Catalog is the live course library.
type Catalog struct {
	store *store.Store
	media media.Store
	log   *slog.Logger

	syncMu sync.Mutex // one sync at a time

	mu       sync.RWMutex
	current  map[string]*Entry         // by slug
	versions map[string]*course.Course // by version id; old versions are loaded on demand
	last     *Report
}

// New returns an empty catalog; call Restore, then Sync.
func New(st *store.Store, m media.Store, log *slog.Logger) *Catalog {
	return &Catalog{store: st, media: m, log: log, current: map[string]*Entry{}, versions: map[string]*course.Course{}}
}

// MediaURL is where lesson HTML points for a course's media file; the media route serves it
// to signed-in users.
func MediaURL(courseSlug, relPath, sha256hex string) string {
	return "/media/" + courseSlug + "/" + media.KeyFor(sha256hex, path.Ext(relPath))
}

// Report is the outcome of a sync.
type Report struct {
	OK          bool                `json:"ok"`
	Source      string              `json:"source"`
	Commit      string              `json:"commit,omitempty"`
	Published   []string            `json:"published"` // courses whose live version changed (new, edited, reverted, restored)
	Unchanged   []string            `json:"unchanged"`
	Archived    []string            `json:"archived"`
	Error       string              `json:"error,omitempty"` // the tree could not be fetched
	Errors      int                 `json:"errors"`
	Warnings    int                 `json:"warnings"`
	Diagnostics []course.Diagnostic `json:"diagnostics"`
	FinishedAt  time.Time           `json:"finished_at"`
}

// Restore loads the currently published versions from the database, so a restart serves what
// was live even if the tree on disk is broken now.
func (c *Catalog) Restore(ctx context.Context) error {
	published, err := c.store.PublishedCourses(ctx)
	if err != nil {
		return err
	}
	current := map[string]*Entry{}
	for _, p := range published {
		crs, err := c.Version(ctx, p.VersionID)
		if err != nil {
			return fmt.Errorf("catalog: restore %s: %w", p.Slug, err)
		}
		current[p.Slug] = &Entry{CourseID: p.CourseID, VersionID: p.VersionID, Course: crs, Archived: p.Archived}
	}
	c.mu.Lock()
	c.current = current
	c.mu.Unlock()
	return nil
}

// Sync loads the tree fsys and, if it has no errors, publishes it: new versions for changed
// courses, nothing for unchanged ones, archived status for courses that vanished. A tree with
// errors changes nothing; the report lists every problem. The returned error is for failures
// of the machinery (database, media store), not of the content.
func (c *Catalog) Sync(ctx context.Context, fsys fs.FS, src Source) (*Report, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	started := time.Now().UTC()
	cat, diags := course.Load(fsys, course.LoadOptions{MediaURL: MediaURL})
	if diags == nil {
		diags = []course.Diagnostic{}
	}
	rep := &Report{Source: src.Kind, Commit: src.Commit, Diagnostics: diags, Published: []string{}, Unchanged: []string{}, Archived: []string{}}
	for _, d := range diags {
		if d.Severity == course.SeverityError {
			rep.Errors++
		} else {
			rep.Warnings++
		}
	}
	if rep.Errors > 0 {
		return c.finish(ctx, rep, started)
	}
	// Media first: content-addressed, so uploading is idempotent and harmless if the
	// database step below fails.
	for _, crs := range cat.Courses {
		if err := c.uploadMedia(ctx, fsys, crs); err != nil {
			return nil, err
		}
	}
	next := map[string]*Entry{}
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		slugs := make([]string, 0, len(cat.Courses))
		for _, crs := range cat.Courses {
			v, err := versionRecord(crs, src.Commit)
			if err != nil {
				return err
			}
			courseID, id, changed, err := tx.PublishCourseVersion(ctx, v)
			if err != nil {
				return err
			}
			next[crs.Slug] = &Entry{CourseID: courseID, VersionID: id, Course: crs}
			if changed {
				rep.Published = append(rep.Published, crs.Slug)
			} else {
				rep.Unchanged = append(rep.Unchanged, crs.Slug)
			}
			slugs = append(slugs, crs.Slug)
		}
		archived, err := tx.ArchiveCoursesExcept(ctx, slugs)
		rep.Archived = append(rep.Archived, archived...)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	for slug, e := range c.current {
		if _, ok := next[slug]; !ok {
			e.Archived = true
			next[slug] = e
		}
	}
	for _, e := range next {
		if !e.Archived {
			c.versions[e.VersionID] = e.Course
		}
	}
	c.current = next
	c.mu.Unlock()
	rep.OK = true
	return c.finish(ctx, rep, started)
}

func (c *Catalog) finish(ctx context.Context, rep *Report, started time.Time) (*Report, error) {
	rep.FinishedAt = time.Now().UTC()
	diags, _ := json.Marshal(rep.Diagnostics)
	if rep.Error != "" {
		// A fetch failure is kept with the diagnostics, as one problem of the whole tree.
		diags, _ = json.Marshal([]course.Diagnostic{{Path: ".", Severity: course.SeverityError, Message: rep.Error}})
	}
	rec := &store.SyncRecord{Source: rep.Source, GitCommit: rep.Commit, OK: rep.OK, Published: len(rep.Published),
		Archived: len(rep.Archived), Diagnostics: string(diags), StartedAt: started, FinishedAt: rep.FinishedAt}
	if err := c.store.RecordSync(ctx, rec); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.last = rep
	c.mu.Unlock()
	if rep.OK {
		c.log.Info("course catalogue synced", "source", rep.Source, "commit", rep.Commit, "published", rep.Published,
			"archived", rep.Archived, "warnings", rep.Warnings)
	} else if rep.Error != "" {
		c.log.Error("course tree could not be fetched; the previous catalogue stays live", "source", rep.Source, "error", rep.Error)
	} else {
		c.log.Error("course tree has errors; the previous catalogue stays live", "source", rep.Source, "commit", rep.Commit,
			"errors", rep.Errors, "first", firstError(rep.Diagnostics))
	}
	return rep, nil
}

func firstError(diags []course.Diagnostic) string {
	for _, d := range diags {
		if d.Severity == course.SeverityError {
			return d.String()
		}
	}
	return ""
}

func (c *Catalog) uploadMedia(ctx context.Context, fsys fs.FS, crs *course.Course) error {
	for _, m := range crs.Media {
		if err := c.uploadFile(ctx, fsys, crs.Slug+"/"+m.Path, m); err != nil {
			return err
		}
	}
	return nil
}

// uploadFile streams one media file to the store (videos need not fit in memory); the store
// skips keys it has and checks the bytes against the key's hash.
func (c *Catalog) uploadFile(ctx context.Context, fsys fs.FS, name string, m course.MediaFile) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("catalog: read %s: %w", name, err)
	}
	defer f.Close()
	if _, err := c.media.Put(ctx, media.KeyFor(m.SHA256, path.Ext(m.Path)), f, m.Size, m.ContentType); err != nil {
		return fmt.Errorf("catalog: upload %s: %w", name, err)
	}
	return nil
}

// versionRecord turns a compiled course into what the database keeps of a version.
func versionRecord(crs *course.Course, commit string) (store.CourseVersion, error) {
	content, err := json.Marshal(crs)
	if err != nil {
		return store.CourseVersion{}, fmt.Errorf("catalog: encode %s: %w", crs.Slug, err)
	}
	v := store.CourseVersion{Slug: crs.Slug, ContentHash: crs.ContentHash, GitCommit: commit, Title: crs.TextFor(crs.DefaultLanguage).Title,
		Language: crs.DefaultLanguage, Draft: crs.Draft, Content: string(content)}
	for _, l := range crs.Lessons {
		v.Lessons = append(v.Lessons, store.VersionLesson{Number: l.Number, Slug: l.Slug, Title: l.TextFor(crs.DefaultLanguage).Title, Duration: l.Duration})
	}
	if crs.Quiz != nil {
		for _, q := range crs.Quiz.Questions {
			v.Questions = append(v.Questions, store.VersionQuestion{ID: q.ID, Type: q.Type, OptionCount: len(q.OptionIDs)})
		}
	}
	for _, m := range crs.Media {
		v.Media = append(v.Media, store.VersionMedia{Key: media.KeyFor(m.SHA256, path.Ext(m.Path)), Path: m.Path})
	}
	return v, nil
}

// List returns the active courses sorted by slug; drafts only when includeDrafts.
func (c *Catalog) List(includeDrafts bool) []*Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Entry, 0, len(c.current))
	for _, e := range c.current {
		if !e.Archived && (includeDrafts || !e.Course.Draft) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.Course.Slug, b.Course.Slug) })
	return out
}

// Get returns an active course by slug; a draft only when includeDrafts. Anything else is
// model.ErrNotFound.
func (c *Catalog) Get(slug string, includeDrafts bool) (*Entry, error) {
	c.mu.RLock()
	e, ok := c.current[slug]
	c.mu.RUnlock()
	if !ok || e.Archived || (e.Course.Draft && !includeDrafts) {
		return nil, &model.DetailedError{Kind: model.ErrNotFound, Detail: fmt.Sprintf("There is no course %q.", slug)}
	}
	return e, nil
}

// Version returns the compiled course of a version, current or old.
func (c *Catalog) Version(ctx context.Context, versionID string) (*course.Course, error) {
	c.mu.RLock()
	crs, ok := c.versions[versionID]
	c.mu.RUnlock()
	if ok {
		return crs, nil
	}
	_, content, err := c.store.CourseVersionContent(ctx, versionID)
	if err != nil {
		return nil, err
	}
	crs = &course.Course{}
	if err := json.Unmarshal([]byte(content), crs); err != nil {
		return nil, fmt.Errorf("catalog: decode version %s: %w", versionID, err)
	}
	c.mu.Lock()
	c.versions[versionID] = crs
	c.mu.Unlock()
	return crs, nil
}

// LastSync returns the report of the latest sync since start, or nil.
func (c *Catalog) LastSync() *Report {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.last
}

// OpenMedia opens a media object of a course the caller may see. A key that the course does
// not refer to answers model.ErrNotFound, like a key that does not exist.
func (c *Catalog) OpenMedia(ctx context.Context, slug, key string, includeDrafts bool) (media.ReadSeekCloser, media.Object, error) {
	e, err := c.Get(slug, includeDrafts)
	if err != nil {
		return nil, media.Object{}, err
	}
	ok, err := c.store.CourseHasMedia(ctx, e.CourseID, key)
	if err != nil {
		return nil, media.Object{}, err
	}
	if !ok {
		return nil, media.Object{}, fmt.Errorf("catalog: media %s of %s: %w", key, slug, model.ErrNotFound)
	}
	return c.media.Open(ctx, key)
}
