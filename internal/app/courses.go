package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/wachsam/wachsam/courses"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/coursegit"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/media"
)

// courseTree picks where courses come from: a git repository, a directory, or the library
// compiled into the binary.
func courseTree(cfg *config.Config) (catalog.Tree, *coursegit.Repo, error) {
	switch {
	case cfg.CoursesGit.Enabled():
		repo := coursegit.Open(coursegit.Config{
			URL: cfg.CoursesGit.URL, Branch: cfg.CoursesGit.Branch, Dir: filepath.Join(cfg.DataDir, "courses-git"),
			Username: cfg.CoursesGit.Username, Password: cfg.CoursesGit.Token,
		})
		return catalog.GitTree{Repo: repo}, repo, nil
	case cfg.CoursesDir != "":
		if info, err := os.Stat(cfg.CoursesDir); err != nil || !info.IsDir() {
			return nil, nil, fmt.Errorf("WACHSAM_COURSES_DIR %q is not a directory", cfg.CoursesDir)
		}
		return catalog.StaticTree{FS: os.DirFS(cfg.CoursesDir), Kind: "dir"}, nil, nil
	}
	return catalog.StaticTree{FS: courses.FS, Kind: "embedded"}, nil, nil
}

func newMediaStore(ctx context.Context, cfg *config.Config) (media.Store, error) {
	if cfg.S3.Enabled() {
		return media.NewS3(ctx, media.S3Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, AccessKey: cfg.S3.AccessKey,
			SecretKey: cfg.S3.SecretKey, UseSSL: cfg.S3.UseSSL})
	}
	return media.NewLocal(filepath.Join(cfg.DataDir, "media"))
}

// Start begins the server's background work: the first course sync, and for a git source the
// poller that keeps pulling until ctx ends.
func (s *Server) Start(ctx context.Context) error {
	if err := s.Notify.Start(ctx); err != nil {
		return err
	}
	go s.retentionLoop(ctx)
	httpx.RemoveStaleSpools()
	if s.poller != nil {
		go s.poller.Run(ctx)
		return nil
	}
	_, err := s.SyncCourses(ctx)
	return err
}

// SyncCourses refreshes the course tree and publishes it (operators' sync button and API).
func (s *Server) SyncCourses(ctx context.Context) (*catalog.Report, error) {
	return s.Catalog.SyncFrom(ctx, s.Courses)
}

// syncGitCommit publishes the checkout after the poller pulled a new commit.
func (s *Server) syncGitCommit(ctx context.Context, commit string) {
	err := catalog.GitTree{Repo: s.gitRepo}.Current(ctx, func(fsys fs.FS, src catalog.Source) error {
		_, err := s.Catalog.Sync(ctx, fsys, src)
		return err
	})
	if err != nil {
		s.Log.Error("course sync failed", "commit", commit, "error", err.Error())
	}
}

// triggerGitSync asks the poller to pull now (push webhook); false when courses are not in git.
func (s *Server) triggerGitSync() bool {
	if s.poller == nil {
		return false
	}
	s.poller.Trigger()
	return true
}

// retentionLoop anonymises people whose retention period has run out, shortly after start and
// then every six hours. Anonymising is idempotent, so instances running it side by side do no
// harm, and a missed run only delays it.
func (s *Server) retentionLoop(ctx context.Context) {
	timer := time.NewTimer(time.Minute)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		n, err := s.Identity.ApplyRetention(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			s.Log.Error("retention: anonymising failed; retrying in six hours", "error", err.Error())
		case n > 0:
			s.Log.Info("retention: people anonymised", "count", n)
		}
		timer.Reset(6 * time.Hour)
	}
}
