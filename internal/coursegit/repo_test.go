package coursegit

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestUpdateClonesPullsAndReportsChanges(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	first := up.git("rev-parse", "HEAD")
	dir := filepath.Join(t.TempDir(), "data", "courses-git") // parent missing too

	r := Open(Config{URL: up.bare, Dir: dir})
	if c := r.Commit(); c != "" {
		t.Fatalf("Commit before any Update = %q, want empty", c)
	}
	commit, changed, err := r.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if commit != first || !changed || r.Commit() != first {
		t.Fatalf("first Update = %s, %v; Commit %s; want %s, true", commit, changed, r.Commit(), first)
	}
	if got := readFile(t, r.FS(), "phishing/01-einfuehrung.md"); !strings.Contains(got, "Version 1") {
		t.Fatalf("cloned file = %q", got)
	}

	// Nothing new upstream.
	commit, changed, err = r.Update(ctx)
	if err != nil || changed || commit != first {
		t.Fatalf("Update without new commits = %s, %v, %v; want %s, false, nil", commit, changed, err, first)
	}

	// An author edits a lesson, adds a course and deletes one.
	second := up.commit("Überarbeitung", map[string]string{
		"phishing/01-einfuehrung.md":   "# Einführung\n\nVersion 2\n",
		"ransomware/course.md":         "---\ntitle: Ransomware\n---\n",
		"passwoerter/course.md":        "",
		"passwoerter/01-grundlagen.md": "",
	})
	commit, changed, err = r.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if commit != second || !changed || r.Commit() != second {
		t.Fatalf("Update after push = %s, %v; want %s, true", commit, changed, second)
	}
	fsys := r.FS()
	if got := readFile(t, fsys, "phishing/01-einfuehrung.md"); !strings.Contains(got, "Version 2") {
		t.Fatalf("updated file = %q", got)
	}
	readFile(t, fsys, "ransomware/course.md")
	assertMissing(t, fsys, "passwoerter/course.md")
	assertMissing(t, fsys, "passwoerter") // emptied directories go too
}

func TestUpdateSurvivesForcePush(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	up.commit("zweiter Stand", map[string]string{"phishing/02-mails.md": "# Mails\n"})
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})
	if _, _, err := r.Update(ctx); err != nil {
		t.Fatal(err)
	}

	// Rewrite history: drop the second commit and push another in its place.
	up.git("reset", "-q", "--hard", "HEAD~1")
	up.write(map[string]string{"phishing/02-anhaenge.md": "# Anhänge\n"})
	up.git("add", "-A")
	up.git("commit", "-q", "-m", "neu geschrieben")
	up.git("push", "-q", "--force", "origin", "main")
	tip := up.git("rev-parse", "HEAD")

	commit, changed, err := r.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if commit != tip || !changed {
		t.Fatalf("Update after force-push = %s, %v; want %s, true", commit, changed, tip)
	}
	readFile(t, r.FS(), "phishing/02-anhaenge.md")
	assertMissing(t, r.FS(), "phishing/02-mails.md")
}

func TestUpdateDiscardsLocalChanges(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	r := Open(Config{URL: up.bare, Dir: dir})
	if _, _, err := r.Update(ctx); err != nil {
		t.Fatal(err)
	}
	// Someone "fixes" a lesson on the server and leaves a stray course.
	mustWrite(t, filepath.Join(dir, "phishing", "01-einfuehrung.md"), "lokal geändert")
	mustWrite(t, filepath.Join(dir, "fremd", "course.md"), "nicht im Repository")
	if err := os.Remove(filepath.Join(dir, "README.md")); err != nil {
		t.Fatal(err)
	}

	_, changed, err := r.Update(ctx)
	if err != nil || changed {
		t.Fatalf("Update = changed %v, err %v; want false, nil", changed, err)
	}
	if got := readFile(t, r.FS(), "phishing/01-einfuehrung.md"); !strings.Contains(got, "Version 1") {
		t.Fatalf("local edit survived: %q", got)
	}
	readFile(t, r.FS(), "README.md")
	assertMissing(t, r.FS(), "fremd")
}

func TestWrongBranch(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)

	t.Run("fresh", func(t *testing.T) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "wc")
		r := Open(Config{URL: up.bare, Branch: "gibtsnicht", Dir: dir})
		_, _, err := r.Update(ctx)
		if !errors.Is(err, ErrBranchNotFound) || !strings.Contains(err.Error(), `"gibtsnicht"`) ||
			!strings.Contains(err.Error(), "Config.Branch") {
			t.Fatalf("err = %v; want ErrBranchNotFound naming the branch and Config.Branch", err)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Fatalf("failed clone left %v behind", entries)
		}
		if r.Commit() != "" {
			t.Fatalf("Commit = %q after failed clone", r.Commit())
		}
	})

	t.Run("after a checkout", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "wc")
		good := Open(Config{URL: up.bare, Dir: dir})
		want, _, err := good.Update(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bad := Open(Config{URL: up.bare, Branch: "gibtsnicht", Dir: dir})
		if bad.Commit() != want {
			t.Fatalf("Open on existing clone: Commit = %q, want %q", bad.Commit(), want)
		}
		commit, changed, err := bad.Update(ctx)
		if !errors.Is(err, ErrBranchNotFound) || changed || commit != want {
			t.Fatalf("Update = %s, %v, %v; want %s, false, ErrBranchNotFound", commit, changed, err, want)
		}
		if got := readFile(t, bad.FS(), "phishing/01-einfuehrung.md"); !strings.Contains(got, "Version 1") {
			t.Fatalf("checkout disturbed: %q", got)
		}
		if head := (&upstream{t: t, home: up.home}).run(dir, "rev-parse", "HEAD"); head != want {
			t.Fatalf("HEAD moved to %s", head)
		}
	})
}

func TestSwitchBranch(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	up.git("checkout", "-q", "-b", "entwurf")
	draft := up.commit("Entwurf", map[string]string{"entwurf/course.md": "# Entwurf\n"})
	dir := filepath.Join(t.TempDir(), "wc")
	if _, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(ctx); err != nil {
		t.Fatal(err)
	}
	r := Open(Config{URL: up.bare, Branch: "entwurf", Dir: dir})
	commit, changed, err := r.Update(ctx)
	if err != nil || commit != draft || !changed {
		t.Fatalf("Update = %s, %v, %v; want %s, true, nil", commit, changed, err, draft)
	}
	readFile(t, r.FS(), "entwurf/course.md")
}

func TestDirWithCloneOfAnotherURLIsReplaced(t *testing.T) {
	ctx := testCtx(t)
	old := newUpstream(t, map[string]string{"alt/course.md": "# Alt\n"})
	cur := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	if _, _, err := Open(Config{URL: old.bare, Dir: dir}).Update(ctx); err != nil {
		t.Fatal(err)
	}

	r := Open(Config{URL: cur.bare, Dir: dir})
	if r.Commit() != "" {
		t.Fatalf("Commit = %q for a clone of another URL, want empty", r.Commit())
	}
	commit, changed, err := r.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := cur.git("rev-parse", "HEAD"); commit != want || !changed {
		t.Fatalf("Update = %s, %v; want %s, true", commit, changed, want)
	}
	readFile(t, r.FS(), "phishing/course.md")
	assertMissing(t, r.FS(), "alt")
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Fatalf("replacement left %d entries next to Dir, want only Dir", len(entries))
	}
}

func TestReopenKeepsCheckout(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	want, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A restart: the checkout is served before the first Update ...
	r := Open(Config{URL: up.bare, Dir: dir})
	if r.Commit() != want {
		t.Fatalf("Commit after reopen = %q, want %q", r.Commit(), want)
	}
	readFile(t, r.FS(), "phishing/course.md")
	// ... and an Update that finds nothing new reports no change.
	if commit, changed, err := r.Update(ctx); err != nil || changed || commit != want {
		t.Fatalf("Update = %s, %v, %v; want %s, false, nil", commit, changed, err, want)
	}
}

func TestRefusesForeignDirectory(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "wachsam.db"), "wichtige Daten")
	_, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(ctx)
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "Config.Dir") {
		t.Fatalf("err = %v; want ErrConfig about Config.Dir", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "wachsam.db")); err != nil || string(b) != "wichtige Daten" {
		t.Fatalf("foreign file touched: %q, %v", b, err)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := testCtx(t)
	for _, cfg := range []Config{
		{Dir: t.TempDir()},
		{URL: "/irgendwo"},
		{URL: "https://user:geheim%zz@git.example/kurse.git", Dir: t.TempDir()},
	} {
		_, _, err := Open(cfg).Update(ctx)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: err = %v, want ErrConfig", cfg, err)
		} else if strings.Contains(err.Error(), "geheim") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

func TestUpdateHonoursContext(t *testing.T) {
	up := newUpstream(t, courseTree)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "wc")
	_, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cancelled clone left Dir behind: %v", err)
	}
}

func TestConcurrentUpdates(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})

	for round := 0; round < 3; round++ {
		tip := up.git("rev-parse", "HEAD")
		var wg sync.WaitGroup
		var mu sync.Mutex
		changes := 0
		for i := 0; i < 5; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				commit, changed, err := r.Update(ctx)
				_ = r.Commit()
				_ = readFileOrEmpty(r, "phishing/01-einfuehrung.md")
				if err != nil {
					t.Error(err)
					return
				}
				if commit != tip {
					t.Errorf("commit = %s, want %s", commit, tip)
				}
				if changed {
					mu.Lock()
					changes++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if changes != 1 {
			t.Fatalf("round %d: %d Updates reported a change, want exactly 1", round, changes)
		}
		readFile(t, r.FS(), "README.md")
		up.commit("Runde", map[string]string{"phishing/01-einfuehrung.md": strings.Repeat("Runde\n", round+1)})
	}
	// The working copy is a healthy git repository at the tip.
	if _, _, err := r.Update(ctx); err != nil {
		t.Fatal(err)
	}
	if status := up.run(r.cfg.Dir, "status", "--porcelain"); status != "" {
		t.Fatalf("working copy not clean after concurrent updates:\n%s", status)
	}
	if head := up.run(r.cfg.Dir, "rev-parse", "HEAD"); head != up.git("rev-parse", "HEAD") {
		t.Fatalf("HEAD = %s, want upstream tip", head)
	}
}

func readFileOrEmpty(r *Repo, name string) string {
	b, _ := os.ReadFile(filepath.Join(r.cfg.Dir, name))
	return string(b)
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFSConfinesSymlinks(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	secret := filepath.Join(t.TempDir(), "geheim.txt")
	mustWrite(t, secret, "Passwort der Kämmerei")
	for link, target := range map[string]string{
		"phishing/innen.md":  "01-einfuehrung.md",
		"phishing/aussen.md": secret,
		"phishing/hoch.md":   "../../../../../../../../" + secret,
	} {
		if err := os.Symlink(target, filepath.Join(up.work, link)); err != nil {
			t.Fatal(err)
		}
	}
	up.commit("Verweise", nil)
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})
	if _, _, err := r.Update(ctx); err != nil {
		t.Fatal(err)
	}
	fsys := r.FS()
	if got := readFile(t, fsys, "phishing/innen.md"); !strings.Contains(got, "Version 1") {
		t.Fatalf("symlink inside the tree: %q", got)
	}
	for _, name := range []string{"phishing/aussen.md", "phishing/hoch.md", "../geheim.txt"} {
		if b, err := fs.ReadFile(fsys, name); err == nil {
			t.Errorf("%s read outside the tree: %q", name, b)
		}
	}
	// The usual walk over the tree still works.
	var files int
	if err := fs.WalkDir(fsys, "phishing", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	}); err != nil || files != 5 {
		t.Fatalf("WalkDir: %d files, %v", files, err)
	}
}

func TestRecloneCompactsPacks(t *testing.T) {
	defer func(n int) { maxPacks = n }(maxPacks)
	maxPacks = 2
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	r := Open(Config{URL: up.bare, Dir: dir})
	for i := 0; i < 6; i++ {
		tip := up.commit("Runde", map[string]string{"phishing/runde.md": strings.Repeat("x", i+1)})
		commit, changed, err := r.Update(ctx)
		if err != nil || commit != tip || !changed {
			t.Fatalf("round %d: Update = %s, %v, %v; want %s, true, nil", i, commit, changed, err, tip)
		}
		if got := readFile(t, r.FS(), "phishing/runde.md"); len(got) != i+1 {
			t.Fatalf("round %d: content %q", i, got)
		}
		if n := countPacks(dir); n > maxPacks+1 {
			t.Fatalf("round %d: %d packs, want at most %d", i, n, maxPacks+1)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Fatalf("re-clones left %d entries next to Dir", len(entries))
	}
}
