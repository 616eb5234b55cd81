package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// gitRepo is a bare repository with a working clone that authors push from.
type gitRepo struct {
	t           *testing.T
	bare, clone string
}

func newGitRepo(t *testing.T) *gitRepo {
	dir := t.TempDir()
	r := &gitRepo{t: t, bare: filepath.Join(dir, "courses.git"), clone: filepath.Join(dir, "work")}
	r.git(dir, "init", "--bare", "--initial-branch=main", r.bare)
	r.git(dir, "clone", r.bare, r.clone)
	return r
}

func (r *gitRepo) git(dir string, args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Autorin", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=Autorin", "GIT_COMMITTER_EMAIL=a@example.org")
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// push writes the tree into the clone and pushes it as one commit.
func (r *gitRepo) push(tree fs.FS, message string) {
	r.t.Helper()
	err := fs.WalkDir(tree, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(tree, path)
		dst := filepath.Join(r.clone, path)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		r.t.Fatal(err)
	}
	r.git(r.clone, "add", "-A")
	r.git(r.clone, "commit", "-qm", message)
	r.git(r.clone, "push", "-q", "origin", "HEAD:main")
}

// eventually waits for cond; generous, because CI runs this beside other packages' tests under
// the race detector on two cores, where a git clone can take seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// Authors' merges go live without a redeploy: the server clones the repository at start, and a
// signed push webhook makes it pull and publish the new commit. A commit with errors is not
// published.
func TestCoursesFromGitGoLiveOnPush(t *testing.T) {
	repo := newGitRepo(t)
	repo.push(testenv.CourseTree(nil), "Grundlagen")
	const secret = "ein-sehr-geheimes-webhook-secret"
	e := &testenv.Env{T: t, Srv: testenv.Server(t, "sqlite", map[string]string{
		"WACHSAM_COURSES_GIT": repo.bare, "WACHSAM_COURSES_GIT_BRANCH": "main",
		"WACHSAM_COURSES_GIT_INTERVAL": "1h", "WACHSAM_COURSES_WEBHOOK_SECRET": secret,
	})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := e.Srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	title := func() string {
		entry, err := e.Srv.Catalog.Get("basis", false)
		if err != nil {
			return ""
		}
		return entry.Course.TextFor("de").Title
	}
	// The catalogue goes live a moment before the sync's report is recorded; wait for both.
	eventually(t, "the first sync from git", func() bool { return title() == "Grundlagen" && e.Srv.Catalog.LastSync() != nil })
	if last := e.Srv.Catalog.LastSync(); last.Source != "git" || len(last.Commit) != 40 {
		t.Errorf("sync source %+v", last)
	}

	webhook := func(body, signatureSecret string) int {
		req := httptest.NewRequest("POST", "/api/v1/hooks/courses", strings.NewReader(body))
		mac := hmac.New(sha256.New, []byte(signatureSecret))
		mac.Write([]byte(body))
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		req.Header.Set("Content-Type", "application/json")
		return e.Send(req).StatusCode
	}
	push := `{"ref":"refs/heads/main","before":"1111111111111111111111111111111111111111","after":"2222222222222222222222222222222222222222"}`

	repo.push(testenv.CourseTree(map[string]string{"basis/course.md": strings.Replace(string(testenv.CourseTree(nil)["basis/course.md"].Data), "Grundlagen", "Grundlagen 2027", 1)}), "Neuer Titel")
	if s := webhook(push, "falsches-secret-0123456789"); s != 401 {
		t.Errorf("webhook with a wrong signature: %d", s)
	}
	if s := webhook(`{"ref":"refs/heads/other","before":"1111111111111111111111111111111111111111","after":"2222222222222222222222222222222222222222"}`, secret); s != 202 {
		t.Errorf("push to another branch: %d", s)
	}
	if s := webhook(push, secret); s != 202 {
		t.Fatalf("webhook: %d", s)
	}
	eventually(t, "the pushed commit to go live", func() bool { return title() == "Grundlagen 2027" && e.Srv.Catalog.LastSync().OK })

	// A broken commit is refused; the operator sees why; learners keep the last good version.
	repo.push(testenv.CourseTree(map[string]string{"basis/02-weiter.md": "---\ntitle: Kaputt\n---\n\n<script>x</script>\n"}), "Kaputt")
	webhook(push, secret)
	eventually(t, "the broken commit's sync", func() bool { last := e.Srv.Catalog.LastSync(); return last != nil && !last.OK })
	if title() != "Grundlagen 2027" {
		t.Errorf("live title after a broken commit: %q", title())
	}
	op := e.User(nil, "op@x.example", "", model.RoleOperator)
	r := e.Do("GET", "/api/v1/admin/courses/sync", e.Token(op.Email), nil)
	if r.StatusCode != 200 || !strings.Contains(r.Body, "basis/02-weiter.md") {
		t.Errorf("operators' sync status: %d %s", r.StatusCode, r.Body)
	}
}
