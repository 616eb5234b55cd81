// Package coursegit keeps a local working copy of the course repository in
// step with its remote, so that course authors' merges go live without a
// redeploy: Wachsam clones the repository at start and pulls it on an
// interval and whenever a push webhook arrives.
//
// The working copy is a cache, not a place to edit: every Update makes it
// match origin/<branch> exactly, discarding local changes and surviving
// force-pushes. One Repo owns one Dir; two Repos (or processes) must not
// share a Dir.
package coursegit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// DefaultBranch is the branch used when Config.Branch is empty.
const DefaultBranch = "main"

// Config says where the course repository is and where to keep its copy.
type Config struct {
	// URL is an https://, http://, ssh:// or scp-style (git@host:path) URL, a
	// file:// URL or a local path. Credentials written into an http(s) URL
	// (https://user:token@host/...) are taken out of it and used as
	// Username/Password, so they are never stored in the clone's .git/config.
	URL string
	// Branch is the branch to follow; DefaultBranch if empty.
	Branch string
	// Dir is the working copy, e.g. <data dir>/courses-git. Its parent is
	// created if missing. A non-empty Dir that is not a git working copy is
	// never deleted: Update refuses it instead.
	Dir string
	// Username and Password authenticate over HTTPS (an access token goes in
	// Password; Username may then be empty) or, for ssh:// URLs, by password.
	// Without them ssh uses the SSH agent.
	Username, Password string
}

// Errors that Update wraps, for callers that want to react to the cause.
// The wrapping error's message says what to fix.
var (
	ErrConfig         = errors.New("coursegit: bad configuration")
	ErrBranchNotFound = errors.New("coursegit: branch not found")
	ErrAuth           = errors.New("coursegit: authentication failed")
	ErrRepoNotFound   = errors.New("coursegit: repository not found")
)

// Repo is the local working copy of one course repository. Its methods are
// safe for concurrent use.
type Repo struct {
	cfg    Config
	url    string               // cfg.URL without credentials; what origin records
	auth   transport.AuthMethod // nil: anonymous, or the SSH agent
	cfgErr error                // a configuration problem found by Open

	// sem is a one-slot semaphore held for a whole Update. A channel rather
	// than a sync.Mutex so that a caller waiting for its turn can give up when
	// its context ends.
	sem chan struct{}

	mu     sync.RWMutex
	commit string // checked-out commit, "" before the first checkout
}

// Open prepares a Repo; it does no network I/O. If Dir already holds a clone
// of cfg.URL (from an earlier run), Commit and FS serve that checkout at once,
// so the caller can load courses even while the remote is unreachable.
// Configuration errors are reported by Update.
func Open(cfg Config) *Repo {
	if cfg.Branch == "" {
		cfg.Branch = DefaultBranch
	}
	r := &Repo{cfg: cfg, sem: make(chan struct{}, 1)}
	r.url, r.auth, r.cfgErr = endpoint(cfg)
	if r.cfgErr == nil && cfg.Dir == "" {
		r.cfgErr = fmt.Errorf("%w: Config.Dir is empty: set the directory for the course working copy", ErrConfig)
	}
	if r.cfgErr == nil {
		if repo, err := git.PlainOpen(cfg.Dir); err == nil && r.isOurClone(repo) {
			if head, err := repo.Head(); err == nil {
				r.commit = head.Hash().String()
			}
		}
	}
	return r
}

// Commit returns the checked-out commit hash, "" if there is none yet.
func (r *Repo) Commit() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.commit
}

// FS returns the working tree, like os.DirFS(Dir) but confined to it: a
// symlink committed to the course repository that points outside the tree
// (at /etc/passwd, say) fails to open instead of serving that file. The FS
// names Dir, not a directory handle, so it shows the new tree after Update
// swaps in a fresh clone. It includes the .git directory, which the course
// loader skips like every dot-entry. Reads that overlap an Update may see a
// tree half-way between two commits; the Poller avoids that by calling
// onChange between updates, never during one.
func (r *Repo) FS() fs.FS {
	return treeFS(r.cfg.Dir)
}

// treeFS is the fs.FS of FS. os.OpenInRoot opens the root afresh for each
// call, which is what keeps it valid across clone swaps.
type treeFS string

// Open implements fs.FS. The *os.File it returns implements
// fs.ReadDirFile, so fs.ReadDir, fs.WalkDir and fs.Stat work as usual.
func (d treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := os.OpenInRoot(string(d), name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Update brings the working copy to the tip of origin/<branch>: it clones
// into Dir if there is no clone there (or a clone of another URL, which it
// replaces), and otherwise fetches and hard-resets, so that force-pushes and
// local changes cannot wedge it. It returns the checked-out commit and
// whether it differs from the one before. On error the previous checkout
// stays in place and its commit is returned. Calls are serialised: at most
// one git operation runs on the Repo at a time.
func (r *Repo) Update(ctx context.Context) (commit string, changed bool, err error) {
	if r.cfgErr != nil {
		return r.Commit(), false, r.cfgErr
	}
	notStarted := func() error {
		return fmt.Errorf("coursegit: update of %s not started: %w", r.url, ctx.Err())
	}
	if ctx.Err() != nil {
		// Checked first because select picks at random among ready cases.
		return r.Commit(), false, notStarted()
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return r.Commit(), false, notStarted()
	}
	defer func() { <-r.sem }()

	prev := r.Commit()
	h, err := r.update(ctx)
	if err != nil {
		return prev, false, err
	}
	r.mu.Lock()
	r.commit = h
	r.mu.Unlock()
	return h, h != prev, nil
}

// update does the work of Update with the semaphore held.
func (r *Repo) update(ctx context.Context) (string, error) {
	repo, err := git.PlainOpen(r.cfg.Dir)
	switch {
	case err == nil && r.isOurClone(repo):
		if countPacks(r.cfg.Dir) > maxPacks {
			// go-git has no gc: every fetch that brings news adds a pack
			// and a line to .git/shallow. A fresh clone is the simplest
			// compaction, and for a course repository a cheap one.
			return r.clone(ctx)
		}
		return r.pull(ctx, repo)
	case err == nil:
		// Config.URL changed since this clone was made.
		return r.clone(ctx)
	default:
		// No clone, or a .git that cannot be read: a damaged clone, which,
		// being a cache, is repaired by cloning afresh.
		if err := r.checkReplaceable(); err != nil {
			return "", err
		}
		return r.clone(ctx)
	}
}

// maxPacks is the number of pack files beyond which Update clones afresh
// instead of fetching; a variable so tests can lower it.
var maxPacks = 50

// countPacks returns the number of pack files in the clone in dir.
func countPacks(dir string) int {
	packs, _ := filepath.Glob(filepath.Join(dir, git.GitDirName, "objects", "pack", "*.pack"))
	return len(packs)
}

// checkReplaceable refuses a Dir that exists, is not empty and is not a git
// working copy: it is more likely a misconfigured Dir (say, the data
// directory itself) than ours, and deleting it could lose data.
func (r *Repo) checkReplaceable() error {
	entries, err := os.ReadDir(r.cfg.Dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("coursegit: cannot read Config.Dir %s: %v", r.cfg.Dir, err)
	}
	if _, err := os.Stat(filepath.Join(r.cfg.Dir, git.GitDirName)); err == nil {
		return nil // a git working copy, just not one go-git can open
	}
	return fmt.Errorf("%w: Config.Dir %s is not empty and not a git working copy; "+
		"point Config.Dir at a directory of its own, or empty it", ErrConfig, r.cfg.Dir)
}

// isOurClone reports whether repo's origin is the configured URL.
func (r *Repo) isOurClone(repo *git.Repository) bool {
	remote, err := repo.Remote(git.DefaultRemoteName)
	if err != nil || len(remote.Config().URLs) == 0 {
		return false
	}
	u, _, _, _ := splitUserinfo(remote.Config().URLs[0])
	return u == r.url
}

// clone clones into a fresh sibling directory and only then swaps it in for
// Dir, so a failed or interrupted clone never costs the previous checkout
// and readers never see a half-cloned tree.
func (r *Repo) clone(ctx context.Context) (string, error) {
	dir := filepath.Clean(r.cfg.Dir)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("coursegit: cannot create the parent of Config.Dir: %v", err)
	}
	// Leftovers of a run that died between MkdirTemp and the swap.
	for _, pattern := range []string{base + ".clone-*", base + ".old-*"} {
		old, _ := filepath.Glob(filepath.Join(parent, pattern))
		for _, o := range old {
			_ = os.RemoveAll(o)
		}
	}

	tmp, err := os.MkdirTemp(parent, base+".clone-")
	if err != nil {
		return "", fmt.Errorf("coursegit: cannot create a directory next to Config.Dir: %v", err)
	}
	defer os.RemoveAll(tmp) // gone by rename on success; cleans up on failure

	repo, err := git.PlainCloneContext(ctx, tmp, false, &git.CloneOptions{
		URL:           r.url,
		Auth:          r.auth,
		RemoteName:    git.DefaultRemoteName,
		ReferenceName: plumbing.NewBranchReferenceName(r.cfg.Branch),
		SingleBranch:  true,
		Depth:         1, // only the tip is served; history is not needed
		Tags:          git.NoTags,
	})
	if err != nil {
		return "", r.gitError(ctx, "clone", err)
	}
	head, err := repo.Head()
	if err != nil {
		return "", r.gitError(ctx, "clone", err)
	}

	if err := swapDir(tmp, dir); err != nil {
		return "", err
	}
	return head.Hash().String(), nil
}

// swapDir replaces dir (if present) with tmp. The old tree is moved aside
// before the new one moves in, and moved back if that fails.
func swapDir(tmp, dir string) error {
	var aside string
	if _, err := os.Lstat(dir); err == nil {
		aside = dir + ".old-" + randomSuffix()
		if err := os.Rename(dir, aside); err != nil {
			return fmt.Errorf("coursegit: cannot move the old working copy aside: %v", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if aside != "" {
			_ = os.Rename(aside, dir)
		}
		return fmt.Errorf("coursegit: cannot move the new clone into Config.Dir: %v", err)
	}
	if aside != "" {
		_ = os.RemoveAll(aside) // a failure only leaves garbage the next clone removes
	}
	return nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// pull fetches the branch and hard-resets the working tree to it.
func (r *Repo) pull(ctx context.Context, repo *git.Repository) (string, error) {
	b := r.cfg.Branch
	remoteRef := plumbing.NewRemoteReferenceName(git.DefaultRemoteName, b)
	// The "+" lets the fetch move the remote-tracking ref backwards or
	// sideways: authors may force-push.
	spec := config.RefSpec("+" + plumbing.NewBranchReferenceName(b).String() + ":" + remoteRef.String())
	err := repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: git.DefaultRemoteName,
		RefSpecs:   []config.RefSpec{spec},
		Depth:      1,
		Auth:       r.auth,
		Tags:       git.NoTags,
		Force:      true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return "", r.gitError(ctx, "fetch", err)
	}
	ref, err := repo.Reference(remoteRef, true)
	if err != nil {
		return "", r.gitError(ctx, "fetch", err)
	}
	h := ref.Hash()

	// Point HEAD at a local branch of the configured name, so the clone stays
	// coherent when Config.Branch changes; Reset then moves that branch.
	local := plumbing.NewBranchReferenceName(b)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(local, h)); err != nil {
		return "", r.gitError(ctx, "checkout", err)
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, local)); err != nil {
		return "", r.gitError(ctx, "checkout", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return "", r.gitError(ctx, "checkout", err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: h, Mode: git.HardReset}); err != nil {
		return "", r.gitError(ctx, "checkout", err)
	}
	// Reset leaves untracked files; a stray file must not become course content.
	if err := wt.Clean(&git.CleanOptions{Dir: true}); err != nil {
		return "", r.gitError(ctx, "checkout", err)
	}
	return h.String(), nil
}

// Read calls fn with the working tree and its commit while no Update can change them, so
// that loading a whole course tree never sees files from two commits.
func (r *Repo) Read(ctx context.Context, fn func(fsys fs.FS, commit string) error) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-r.sem }()
	return fn(r.FS(), r.Commit())
}
