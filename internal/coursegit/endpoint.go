package coursegit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// scpLike matches git's scp-style SSH syntax, [user@]host:path.
var scpLike = regexp.MustCompile(`^(?:[^@/]+@)?[^/:]{2,}:`)

// endpoint returns the URL to give go-git (and to record as origin) and the
// auth method for cfg. Credentials found in an http(s) URL move into the auth
// method, so the token is neither written to .git/config nor part of the URL
// that go-git quotes in its errors.
func endpoint(cfg Config) (string, transport.AuthMethod, error) {
	raw := strings.TrimSpace(cfg.URL)
	if raw == "" {
		return "", nil, fmt.Errorf("%w: Config.URL is empty: set the course repository's clone URL", ErrConfig)
	}
	clean, user, pass, err := splitUserinfo(raw)
	if err != nil {
		return "", nil, err
	}
	// Explicit credentials take precedence over those in the URL.
	if cfg.Username != "" || cfg.Password != "" {
		user, pass = cfg.Username, cfg.Password
	}

	scheme := ""
	if i := strings.Index(clean, "://"); i > 0 {
		scheme = strings.ToLower(clean[:i])
	} else if scpLike.MatchString(clean) {
		scheme = "ssh"
	}
	switch scheme {
	case "http", "https":
		if user == "" && pass == "" {
			return clean, nil, nil
		}
		if user == "" {
			// GitHub, GitLab and Gitea accept a token as the password with
			// any non-empty user name.
			user = "git"
		}
		return clean, &githttp.BasicAuth{Username: user, Password: pass}, nil
	case "ssh":
		if pass == "" {
			return clean, nil, nil // go-git falls back to the SSH agent
		}
		if user == "" {
			user = sshUser(clean)
		}
		return clean, &gitssh.Password{User: user, Password: pass}, nil
	case "":
		// A local path. Made absolute so that the origin recorded in the
		// clone compares equal however the path was written.
		abs, err := filepath.Abs(clean)
		if err != nil {
			return "", nil, fmt.Errorf("%w: Config.URL %q: %v", ErrConfig, clean, err)
		}
		return abs, nil, nil
	default:
		return clean, nil, nil // file://, git:// and whatever else go-git knows
	}
}

// splitUserinfo takes the user name and password out of an http(s) URL. From
// an ssh URL it takes only the password: the user name there selects the
// account on the server ("git@") and is no secret.
func splitUserinfo(raw string) (clean, user, pass string, err error) {
	if !strings.Contains(raw, "://") {
		return raw, "", "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// The URL may hold a password, so it is not repeated here.
		return "", "", "", fmt.Errorf("%w: Config.URL is not a valid URL (%s); check it for unescaped characters", ErrConfig, redact(err.Error()))
	}
	if u.User == nil {
		return raw, "", "", nil
	}
	user = u.User.Username()
	pass, _ = u.User.Password()
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		u.User = nil
	default:
		u.User = url.User(user)
	}
	return u.String(), user, pass, nil
}

// sshUser returns the user name written in an ssh or scp-style URL, or "git".
func sshUser(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil && u.User.Username() != "" {
		return u.User.Username()
	}
	if at := strings.Index(s, "@"); at > 0 && !strings.Contains(s[:at], "/") && !strings.Contains(s, "://") {
		return s[:at]
	}
	return "git"
}

// userinfoInURL matches the scheme and userinfo of URLs in free text.
var userinfoInURL = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s@]*@`)

// redact removes userinfo from every URL in s. go-git quotes URLs, and with
// them any credentials they hold, in its error strings.
func redact(s string) string {
	return userinfoInURL.ReplaceAllString(s, "$1")
}

// gitError turns a go-git error into one that says what to fix and holds no
// secret. It deliberately does not wrap err: an Unwrap would hand the
// unredacted text to whoever prints the chain.
func (r *Repo) gitError(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("coursegit: %s of %s interrupted: %w", op, r.url, ctxErr)
	}
	// One line: server responses end in newlines that would break log lines.
	msg := strings.Join(strings.Fields(r.scrub(err.Error())), " ")
	switch {
	case errors.Is(err, git.NoMatchingRefSpecError{}),
		errors.Is(err, plumbing.ErrReferenceNotFound),
		strings.Contains(msg, "couldn't find remote ref"):
		return fmt.Errorf("%w: %s has no branch %q; set Config.Branch to an existing branch (%s)",
			ErrBranchNotFound, r.url, r.cfg.Branch, msg)
	case errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod):
		return fmt.Errorf("%w: %s refused access; set Config.Username/Password (an access token with read rights to the repository as the password) (%s)",
			ErrAuth, r.url, msg)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%w: %s does not exist or is not visible with these credentials; check Config.URL and the token's rights (%s)",
			ErrRepoNotFound, r.url, msg)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return fmt.Errorf("%w: %s is empty; push a first commit to branch %q",
			ErrBranchNotFound, r.url, r.cfg.Branch)
	}
	if hint := hintFor(msg); hint != "" {
		return fmt.Errorf("coursegit: %s of %s (branch %q) failed; %s (%s)", op, r.url, r.cfg.Branch, hint, msg)
	}
	return fmt.Errorf("coursegit: %s of %s (branch %q) failed: %s", op, r.url, r.cfg.Branch, msg)
}

// hintFor says what to fix for errors go-git reports only as text.
func hintFor(msg string) string {
	switch {
	case strings.Contains(msg, "SSH_AUTH_SOCK"), strings.Contains(msg, "ssh: handshake failed"),
		strings.Contains(msg, "unable to authenticate"):
		return "for an ssh URL run an SSH agent holding the deploy key (SSH_AUTH_SOCK) or set Config.Password, or use an https URL with a token"
	case strings.Contains(msg, "knownhosts"), strings.Contains(msg, "known_hosts"):
		return "add the git host's SSH key to ~/.ssh/known_hosts (or the file named by SSH_KNOWN_HOSTS)"
	case strings.Contains(msg, "x509:"), strings.Contains(msg, "certificate"):
		return "the git host's TLS certificate is not trusted here; install its CA certificate on this machine"
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"),
		strings.Contains(msg, "i/o timeout"), strings.Contains(msg, "network is unreachable"):
		return "check the host and port in Config.URL and that this server can reach it"
	}
	return ""
}

// scrub redacts URLs in s and, as a second line of defence for a password
// that appears outside a URL, the configured password itself.
func (r *Repo) scrub(s string) string {
	s = redact(s)
	for _, secret := range r.secrets() {
		s = strings.ReplaceAll(s, secret, "***")
		s = strings.ReplaceAll(s, url.QueryEscape(secret), "***")
		s = strings.ReplaceAll(s, url.PathEscape(secret), "***")
	}
	return s
}

// secrets lists the passwords this Repo may send; empty ones are skipped.
func (r *Repo) secrets() []string {
	var out []string
	if r.cfg.Password != "" {
		out = append(out, r.cfg.Password)
	}
	if _, _, p, err := splitUserinfo(strings.TrimSpace(r.cfg.URL)); err == nil && p != "" {
		out = append(out, p)
	}
	return out
}
