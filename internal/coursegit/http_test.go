package coursegit

import (
	"errors"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const token = "tok-Geheim-4711"

// serveHTTP serves up's bare repository over smart HTTP on the loopback
// interface through git http-backend, accepting only Basic auth with token
// as the password (any user name, as GitHub and GitLab do for tokens).
func serveHTTP(t *testing.T, up *upstream) string {
	t.Helper()
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git --exec-path: %v", err)
	}
	backend := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend"),
		Env: []string{
			"GIT_PROJECT_ROOT=" + filepath.Dir(up.bare),
			"GIT_HTTP_EXPORT_ALL=1",
			"HOME=" + up.home,
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if _, pass, ok := req.BasicAuth(); !ok || pass != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorised", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/" + filepath.Base(up.bare)
}

func TestHTTPSCredentials(t *testing.T) {
	ctx := testCtx(t)
	up := newUpstream(t, courseTree)
	base := serveHTTP(t, up)
	want := up.git("rev-parse", "HEAD")

	t.Run("token in URL", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "wc")
		withCreds := strings.Replace(base, "http://", "http://anna:"+token+"@", 1)
		r := Open(Config{URL: withCreds, Dir: dir})
		commit, _, err := r.Update(ctx)
		if err != nil || commit != want {
			t.Fatalf("Update = %s, %v; want %s", commit, err, want)
		}
		// The token is not stored in the clone.
		cfg, err := os.ReadFile(filepath.Join(dir, ".git", "config"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(cfg), token) || strings.Contains(string(cfg), "anna") {
			t.Fatalf(".git/config holds credentials:\n%s", cfg)
		}
		// The clone counts as a clone of the same URL on the next run.
		up.commit("neu", map[string]string{"neu/course.md": "# Neu\n"})
		r2 := Open(Config{URL: withCreds, Dir: dir})
		if r2.Commit() != want {
			t.Fatalf("reopen: Commit = %q, want %q", r2.Commit(), want)
		}
		if _, changed, err := r2.Update(ctx); err != nil || !changed {
			t.Fatalf("pull over HTTP: changed %v, err %v", changed, err)
		}
		readFile(t, r2.FS(), "neu/course.md")
	})

	t.Run("token as password", func(t *testing.T) {
		r := Open(Config{URL: base, Password: token, Dir: filepath.Join(t.TempDir(), "wc")})
		if _, _, err := r.Update(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("wrong or missing token", func(t *testing.T) {
		for _, cfg := range []Config{
			{URL: base, Username: "anna", Password: "falsch-" + token},
			{URL: strings.Replace(base, "http://", "http://anna:falsch-"+token+"@", 1)},
			{URL: base},
		} {
			cfg.Dir = filepath.Join(t.TempDir(), "wc")
			_, _, err := Open(cfg).Update(ctx)
			if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "Config.Username/Password") {
				t.Fatalf("err = %v; want ErrAuth saying what to set", err)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "anna") {
				t.Fatalf("error leaks credentials: %v", err)
			}
		}
	})
}

func TestHTTPRepositoryNotFound(t *testing.T) {
	ctx := testCtx(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	url := strings.Replace(srv.URL, "http://", "http://anna:"+token+"@", 1) + "/fehlt.git"
	_, _, err := Open(Config{URL: url, Dir: filepath.Join(t.TempDir(), "wc")}).Update(ctx)
	if !errors.Is(err, ErrRepoNotFound) || !strings.Contains(err.Error(), "Config.URL") {
		t.Fatalf("err = %v; want ErrRepoNotFound pointing at Config.URL", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("error leaks the token: %v", err)
	}
}

func TestUnreachableHostDoesNotLeak(t *testing.T) {
	ctx := testCtx(t)
	// A loopback port with nobody listening.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	want, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{
		{URL: "https://anna:" + token + "@" + addr + "/kurse.git"},
		{URL: "https://" + addr + "/kurse.git", Username: "anna", Password: token},
	} {
		cfg.Dir = dir
		r := Open(cfg)
		commit, _, err := r.Update(ctx)
		if err == nil {
			t.Fatal("Update against a closed port succeeded")
		}
		if strings.Contains(err.Error(), token) {
			t.Fatalf("error leaks the token: %v", err)
		}
		if !strings.Contains(err.Error(), addr) {
			t.Fatalf("error does not name the host: %v", err)
		}
		// The clone of the local repository is still there.
		if commit != "" || readFile(t, r.FS(), "README.md") == "" {
			t.Fatalf("commit = %q", commit)
		}
		if head := up.run(dir, "rev-parse", "HEAD"); head != want {
			t.Fatalf("HEAD = %s, want %s", head, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		`Get "https://anna:tok@git.example/x.git/info/refs": dial tcp`: `Get "https://git.example/x.git/info/refs": dial tcp`,
		"ssh://git:pw@host:22/x and http://u@h/y":                      "ssh://host:22/x and http://h/y",
		"no url here, just a@b":                                        "no url here, just a@b",
		"https://git.example/user@example.org":                         "https://git.example/user@example.org",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
	r := Open(Config{URL: "https://git.example/x.git", Password: "p@ss w/rd", Dir: "x"})
	if got := r.scrub("auth failed for p%40ss+w%2Frd and p@ss w/rd"); strings.Contains(got, "ss") {
		t.Errorf("scrub left the password: %q", got)
	}
}

func TestEndpoint(t *testing.T) {
	abs, _ := filepath.Abs("kurse")
	for _, tc := range []struct {
		cfg            Config
		url, authDescr string
	}{
		{Config{URL: "https://git.example/k.git"}, "https://git.example/k.git", ""},
		{Config{URL: "https://anna:tok@git.example/k.git"}, "https://git.example/k.git", "http-basic-auth - anna:*******"},
		{Config{URL: "https://git.example/k.git", Password: "tok"}, "https://git.example/k.git", "http-basic-auth - git:*******"},
		{Config{URL: "https://x:y@git.example/k.git", Username: "u", Password: "p"}, "https://git.example/k.git", "http-basic-auth - u:*******"},
		{Config{URL: "ssh://git@git.example/k.git"}, "ssh://git@git.example/k.git", ""},
		{Config{URL: "ssh://git:pw@git.example/k.git"}, "ssh://git@git.example/k.git", "user: git, name: ssh-password"},
		{Config{URL: "git@git.example:k.git", Password: "pw"}, "git@git.example:k.git", "user: git, name: ssh-password"},
		{Config{URL: "kurse"}, abs, ""},
		{Config{URL: "file:///srv/kurse.git"}, "file:///srv/kurse.git", ""},
	} {
		url, auth, err := endpoint(tc.cfg)
		if err != nil {
			t.Errorf("%+v: %v", tc.cfg, err)
			continue
		}
		descr := ""
		if auth != nil {
			descr = auth.String()
		}
		if url != tc.url || descr != tc.authDescr {
			t.Errorf("endpoint(%+v) = %q, %q; want %q, %q", tc.cfg, url, descr, tc.url, tc.authDescr)
		}
	}
}
