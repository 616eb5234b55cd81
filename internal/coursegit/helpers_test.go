package coursegit

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// upstream is a bare repository standing in for the course host, plus an
// author's working clone that commits and pushes to it with the git binary.
type upstream struct {
	t    *testing.T
	bare string // what Config.URL points at
	work string
	home string
}

// newUpstream creates a bare repository whose main branch holds files.
func newUpstream(t *testing.T, files map[string]string) *upstream {
	t.Helper()
	root := t.TempDir()
	u := &upstream{t: t, bare: filepath.Join(root, "courses.git"), work: filepath.Join(root, "work"), home: filepath.Join(root, "home")}
	if err := os.Mkdir(u.home, 0o755); err != nil {
		t.Fatal(err)
	}
	u.run(root, "init", "-q", "--bare", "-b", "main", u.bare)
	u.run(root, "init", "-q", "-b", "main", u.work)
	u.git("remote", "add", "origin", u.bare)
	u.commit("initial course tree", files)
	return u
}

// run runs git in dir with an isolated configuration and returns its output.
func (u *upstream) run(dir string, args ...string) string {
	u.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOME="+u.home, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Autorin", "GIT_AUTHOR_EMAIL=autorin@example.org",
		"GIT_COMMITTER_NAME=Autorin", "GIT_COMMITTER_EMAIL=autorin@example.org",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		u.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// git runs git in the author's working clone.
func (u *upstream) git(args ...string) string {
	u.t.Helper()
	return u.run(u.work, args...)
}

// write applies files to the working clone; an empty content deletes.
func (u *upstream) write(files map[string]string) {
	u.t.Helper()
	for name, content := range files {
		p := filepath.Join(u.work, filepath.FromSlash(name))
		if content == "" {
			if err := os.Remove(p); err != nil {
				u.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			u.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			u.t.Fatal(err)
		}
	}
}

// commit commits files on the current branch, pushes it and returns the
// new commit's hash.
func (u *upstream) commit(msg string, files map[string]string) string {
	u.t.Helper()
	u.write(files)
	u.git("add", "-A")
	u.git("commit", "-q", "-m", msg)
	branch := u.git("rev-parse", "--abbrev-ref", "HEAD")
	u.git("push", "-q", "origin", branch)
	return u.git("rev-parse", "HEAD")
}

// readFile reads name from fsys, failing the test if it is missing.
func readFile(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

// assertMissing fails if name exists in fsys.
func assertMissing(t *testing.T, fsys fs.FS, name string) {
	t.Helper()
	if _, err := fs.Stat(fsys, name); err == nil {
		t.Fatalf("%s still exists", name)
	}
}

// testCtx returns a context that ends with the test or after a minute.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var courseTree = map[string]string{
	"README.md":                    "# Kurse\n",
	"phishing/course.md":           "---\ntitle: Phishing erkennen\n---\n",
	"phishing/01-einfuehrung.md":   "# Einführung\n\nVersion 1\n",
	"passwoerter/course.md":        "---\ntitle: Passwörter\n---\n",
	"passwoerter/01-grundlagen.md": "# Grundlagen\n",
}
