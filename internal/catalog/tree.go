package catalog

import (
	"context"
	"io/fs"
	"time"

	"github.com/wachsam/wachsam/internal/course"

	"github.com/wachsam/wachsam/internal/coursegit"
)

// Tree is where course trees come from.
type Tree interface {
	// Latest brings the tree up to date (a git pull) and calls fn with its files and
	// provenance while nothing can change them.
	Latest(ctx context.Context, fn func(fsys fs.FS, src Source) error) error
}

// StaticTree is a tree that does not change while the server runs: the courses compiled into
// the binary ("embedded") or a directory ("dir", re-read on every sync).
type StaticTree struct {
	FS   fs.FS
	Kind string
}

// Latest calls fn with the tree as it is.
func (t StaticTree) Latest(_ context.Context, fn func(fs.FS, Source) error) error {
	return fn(t.FS, Source{Kind: t.Kind})
}

// GitTree is a clone of the authors' repository.
type GitTree struct {
	Repo *coursegit.Repo
}

// Latest pulls the branch and calls fn with the checkout. On a failed pull the previous
// checkout stays and the error says why.
func (t GitTree) Latest(ctx context.Context, fn func(fs.FS, Source) error) error {
	if _, _, err := t.Repo.Update(ctx); err != nil {
		return err
	}
	return t.Current(ctx, fn)
}

// Current calls fn with the checkout as it is, without pulling.
func (t GitTree) Current(ctx context.Context, fn func(fs.FS, Source) error) error {
	return t.Repo.Read(ctx, func(fsys fs.FS, commit string) error {
		return fn(fsys, Source{Kind: "git", Commit: commit})
	})
}

// SyncFrom brings tree up to date and syncs what it holds. When the tree cannot be brought up
// to date (the git host is unreachable, the token is wrong), nothing changes and the report
// says why, so operators see it in the sync history and not only in the log.
func (c *Catalog) SyncFrom(ctx context.Context, tree Tree) (*Report, error) {
	var rep *Report
	var syncErr error
	err := tree.Latest(ctx, func(fsys fs.FS, src Source) error {
		rep, syncErr = c.Sync(ctx, fsys, src)
		return syncErr
	})
	if err != nil && syncErr == nil && rep == nil {
		c.syncMu.Lock()
		defer c.syncMu.Unlock()
		return c.finish(ctx, &Report{Source: "git", Error: err.Error(), Published: []string{}, Unchanged: []string{},
			Archived: []string{}, Diagnostics: []course.Diagnostic{}}, time.Now().UTC())
	}
	return rep, err
}
