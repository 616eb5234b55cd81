// Package config turns WACHSAM_* environment variables into a typed, validated Config. It is
// read once at start; every problem is reported at once, with what to change.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr        string
	DataDir     string
	DatabaseURL string // empty = the embedded SQLite file in DataDir
	CoursesDir  string // empty = the courses compiled into the binary
	CoursesGit  CoursesGit
	BaseURL     *url.URL
	S3          S3
	// TokenKey is the base64 Ed25519 seed that signs access tokens; empty = generate and keep one
	// in DataDir (allowed only with the embedded SQLite database).
	TokenKey string
	// PreviousTokenKeys still verify tokens signed before a key rotation.
	PreviousTokenKeys []string
	AccessTokenTTL    time.Duration
	RefreshTokenTTL   time.Duration
	LoginLimitPerIP   int
	LoginLimitPerUser int
	LoginLimitWindow  time.Duration
	TrustedProxies    []string
	MaxBodyBytes      int
	MaxImportBytes    int
	ShutdownTimeout   time.Duration
	LogLevel          string
	SMTP              SMTP
	// JobPollInterval is how often idle background workers look for work (mails).
	JobPollInterval time.Duration
	// ReminderScanInterval is how often reminders are looked for; 0 turns the scan off.
	ReminderScanInterval time.Duration
	// MemoryLimit is the Go runtime's soft memory limit in bytes (debug.SetMemoryLimit):
	// WACHSAM_MEMORY_LIMIT, else DefaultMemoryLimit. 0 = no limit; -1 = GOMEMLIMIT is set
	// and the runtime applies it as it is.
	MemoryLimit int64
	// DatabaseMaxConns caps the PostgreSQL connection pool; 0 = store.PostgresConns.
	DatabaseMaxConns int

	baseFromAddr bool // WACHSAM_BASE_URL was not set: links point at the listen address
}

// SetAddr changes the listen address (the --addr flag); without WACHSAM_BASE_URL the public URL
// follows it, so links in pages and certificates stay reachable.
func (c *Config) SetAddr(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("--addr must be host:port such as 127.0.0.1:8080, got %q", addr)
	}
	c.Addr = addr
	if c.baseFromAddr {
		u, err := url.Parse(urlForAddr(addr))
		if err != nil {
			return err
		}
		c.BaseURL = u
	}
	return nil
}

// urlForAddr is the http URL of a listen address; an address without a host (":8080", all
// interfaces) is reached locally through 127.0.0.1.
func urlForAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://127.0.0.1:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// CoursesGit configures pulling the course library from the authors' git repository.
type CoursesGit struct {
	URL           string // empty = no git
	Branch        string
	Username      string
	Token         string // password or access token for HTTPS
	Interval      time.Duration
	WebhookSecret string // verifies push webhooks; empty = webhooks refused
}

// Enabled reports whether courses come from git.
func (g CoursesGit) Enabled() bool { return g.URL != "" }

// S3 configures S3-compatible media storage; Endpoint empty = local disk.
type S3 struct {
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	UseSSL    bool
}

// SMTP configures outgoing e-mail (invitations, reminders, digests); Host empty = no mail.
type SMTP struct {
	Host      string
	Port      int
	Username  string
	Password  string
	From      string // "Name <address>" or an address; the sender of every mail
	TLS       string // starttls (default), tls (implicit, port 465) or none (a relay on the same host)
	PerMinute int    // at most this many mails per minute leave the server
}

// Enabled reports whether e-mail is configured.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Enabled reports whether media go to S3.
func (s S3) Enabled() bool { return s.Endpoint != "" }

// UsesPostgres reports whether DatabaseURL selects PostgreSQL.
func (c *Config) UsesPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SQLitePath is the SQLite database file: the configured sqlite: URL or the default in DataDir.
func (c *Config) SQLitePath() string {
	if p, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok {
		return p
	}
	return filepath.Join(c.DataDir, "wachsam.db")
}

// TLS reports whether users reach Wachsam over HTTPS (directly or through a proxy), which turns
// on Secure cookies and HSTS.
func (c *Config) TLS() bool { return c.BaseURL.Scheme == "https" }

// Source looks up a variable; os.LookupEnv in production, a map in tests.
type Source func(name string) (string, bool)

// FromEnv reads the process environment.
func FromEnv() (*Config, error) { return Load(os.LookupEnv) }

// Load builds a Config from src, collecting every problem into one error.
func Load(src Source) (*Config, error) {
	r := reader{src: src}
	c := &Config{
		Addr:        r.str("WACHSAM_ADDR", "127.0.0.1:8080"),
		DataDir:     r.str("WACHSAM_DATA_DIR", "./data"),
		DatabaseURL: r.secret("WACHSAM_DATABASE_URL"),
		CoursesDir:  r.str("WACHSAM_COURSES_DIR", ""),
		CoursesGit: CoursesGit{
			URL:           r.str("WACHSAM_COURSES_GIT", ""),
			Branch:        r.str("WACHSAM_COURSES_GIT_BRANCH", "main"),
			Username:      r.str("WACHSAM_COURSES_GIT_USERNAME", ""),
			Token:         r.secret("WACHSAM_COURSES_GIT_TOKEN"),
			Interval:      r.duration("WACHSAM_COURSES_GIT_INTERVAL", 5*time.Minute),
			WebhookSecret: r.secret("WACHSAM_COURSES_WEBHOOK_SECRET"),
		},
		TokenKey:          r.secret("WACHSAM_TOKEN_KEY"),
		PreviousTokenKeys: splitList(r.secret("WACHSAM_TOKEN_PREVIOUS_KEYS")),
		AccessTokenTTL:    r.duration("WACHSAM_ACCESS_TOKEN_TTL", 15*time.Minute),
		RefreshTokenTTL:   r.duration("WACHSAM_REFRESH_TOKEN_TTL", 30*24*time.Hour),
		LoginLimitPerIP:   r.integer("WACHSAM_LOGIN_LIMIT_PER_IP", 50),
		LoginLimitPerUser: r.integer("WACHSAM_LOGIN_LIMIT_PER_ACCOUNT", 10),
		LoginLimitWindow:  r.duration("WACHSAM_LOGIN_LIMIT_WINDOW", 15*time.Minute),
		TrustedProxies:    splitList(r.str("WACHSAM_TRUSTED_PROXIES", "")),
		MaxBodyBytes:      r.integer("WACHSAM_MAX_BODY_BYTES", 1<<20),
		MaxImportBytes:    r.integer("WACHSAM_MAX_IMPORT_BYTES", 16<<20),
		ShutdownTimeout:   r.duration("WACHSAM_SHUTDOWN_TIMEOUT", 30*time.Second),
		LogLevel:          r.str("WACHSAM_LOG_LEVEL", "info"),
		MemoryLimit:       r.memoryLimit(),
		DatabaseMaxConns:  r.integer("WACHSAM_DATABASE_MAX_CONNS", 0),
		S3: S3{
			Endpoint:  r.str("WACHSAM_S3_ENDPOINT", ""),
			Bucket:    r.str("WACHSAM_S3_BUCKET", ""),
			AccessKey: r.secret("WACHSAM_S3_ACCESS_KEY"),
			SecretKey: r.secret("WACHSAM_S3_SECRET_KEY"),
			UseSSL:    r.boolean("WACHSAM_S3_USE_SSL", true),
		},
		SMTP: SMTP{
			Host:      r.str("WACHSAM_SMTP_HOST", ""),
			Port:      r.integer("WACHSAM_SMTP_PORT", 587),
			Username:  r.str("WACHSAM_SMTP_USERNAME", ""),
			Password:  r.secret("WACHSAM_SMTP_PASSWORD"),
			From:      r.str("WACHSAM_SMTP_FROM", ""),
			TLS:       r.str("WACHSAM_SMTP_TLS", "starttls"),
			PerMinute: r.integer("WACHSAM_MAIL_PER_MINUTE", 60),
		},
		JobPollInterval:      r.duration("WACHSAM_JOB_POLL_INTERVAL", 2*time.Second),
		ReminderScanInterval: r.duration("WACHSAM_REMINDER_SCAN_INTERVAL", time.Hour),
	}
	base := r.str("WACHSAM_BASE_URL", "")
	if base == "" {
		c.baseFromAddr = true
		base = urlForAddr(c.Addr)
	}
	c.validate(&r, base)
	if len(r.problems) > 0 {
		return nil, errors.New("configuration: " + strings.Join(r.problems, "; "))
	}
	return c, nil
}

func (c *Config) validate(r *reader, base string) {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		r.fail("WACHSAM_ADDR must be host:port such as 127.0.0.1:8080 or :8080, got %q", c.Addr)
	}
	if c.DataDir == "" {
		r.fail("WACHSAM_DATA_DIR must not be empty")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail("WACHSAM_BASE_URL must be an absolute http(s) URL such as https://lernen.example.de, got %q", base)
	} else {
		u.Path = strings.TrimSuffix(u.Path, "/")
		c.BaseURL = u
	}
	if c.DatabaseURL != "" && !c.UsesPostgres() && !strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		r.fail("WACHSAM_DATABASE_URL must start with postgres:// (PostgreSQL) or sqlite: (a SQLite file); leave it unset for the embedded database")
	}
	if c.CoursesDir != "" && c.CoursesGit.Enabled() {
		r.fail("set either WACHSAM_COURSES_DIR or WACHSAM_COURSES_GIT, not both")
	}
	if c.CoursesGit.Enabled() && c.CoursesGit.Interval < 10*time.Second {
		r.fail("WACHSAM_COURSES_GIT_INTERVAL must be at least 10s, got %s", c.CoursesGit.Interval)
	}
	if c.CoursesGit.WebhookSecret != "" && len(c.CoursesGit.WebhookSecret) < 16 {
		r.fail("WACHSAM_COURSES_WEBHOOK_SECRET must have at least 16 characters")
	}
	if c.UsesPostgres() && c.TokenKey == "" {
		r.fail("WACHSAM_TOKEN_KEY (or WACHSAM_TOKEN_KEY_FILE) is required with PostgreSQL, so that every instance signs with the same key; generate one with `wachsam token-key`")
	}
	if c.AccessTokenTTL < time.Minute || c.AccessTokenTTL > time.Hour {
		r.fail("WACHSAM_ACCESS_TOKEN_TTL must be between 1m and 1h, got %s", c.AccessTokenTTL)
	}
	if c.RefreshTokenTTL <= c.AccessTokenTTL {
		r.fail("WACHSAM_REFRESH_TOKEN_TTL must be longer than WACHSAM_ACCESS_TOKEN_TTL")
	}
	if c.LoginLimitPerIP < 1 || c.LoginLimitPerUser < 1 {
		r.fail("WACHSAM_LOGIN_LIMIT_PER_IP and WACHSAM_LOGIN_LIMIT_PER_ACCOUNT must be at least 1")
	}
	if c.LoginLimitWindow < time.Second {
		r.fail("WACHSAM_LOGIN_LIMIT_WINDOW must be at least 1s, got %s", c.LoginLimitWindow)
	}
	if c.ShutdownTimeout < time.Second || c.ShutdownTimeout > 10*time.Minute {
		r.fail("WACHSAM_SHUTDOWN_TIMEOUT must be between 1s and 10m, got %s", c.ShutdownTimeout)
	}
	if c.DatabaseMaxConns < 0 || c.DatabaseMaxConns > 1000 {
		r.fail("WACHSAM_DATABASE_MAX_CONNS must be between 1 and 1000 (or unset for automatic), got %d", c.DatabaseMaxConns)
	}
	if c.MaxBodyBytes < 1024 {
		r.fail("WACHSAM_MAX_BODY_BYTES must be at least 1024")
	}
	if c.MaxImportBytes < c.MaxBodyBytes {
		r.fail("WACHSAM_MAX_IMPORT_BYTES must be at least WACHSAM_MAX_BODY_BYTES")
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				r.fail("WACHSAM_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.fail("WACHSAM_LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}
	c.validateSMTP(r)
	if c.ReminderScanInterval != 0 && c.ReminderScanInterval < time.Minute {
		r.fail("WACHSAM_REMINDER_SCAN_INTERVAL must be 0 (off) or at least 1m, got %s", c.ReminderScanInterval)
	}
	if c.JobPollInterval < 10*time.Millisecond || c.JobPollInterval > time.Minute {
		r.fail("WACHSAM_JOB_POLL_INTERVAL must be between 10ms and 1m, got %s", c.JobPollInterval)
	}
	if c.S3.Enabled() {
		if c.S3.Bucket == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "" {
			r.fail("WACHSAM_S3_ENDPOINT is set, so WACHSAM_S3_BUCKET, WACHSAM_S3_ACCESS_KEY and WACHSAM_S3_SECRET_KEY are required too")
		}
		if strings.Contains(c.S3.Endpoint, "://") {
			r.fail("WACHSAM_S3_ENDPOINT is host:port without a scheme (use WACHSAM_S3_USE_SSL), got %q", c.S3.Endpoint)
		}
	}
}

func (c *Config) validateSMTP(r *reader) {
	s := c.SMTP
	if !s.Enabled() {
		if s.From != "" || s.Username != "" {
			r.fail("WACHSAM_SMTP_FROM or _USERNAME is set but WACHSAM_SMTP_HOST is not; set the mail server's host name")
		}
		return
	}
	if s.Port < 1 || s.Port > 65535 {
		r.fail("WACHSAM_SMTP_PORT must be a port number (587 for STARTTLS, 465 for TLS), got %d", s.Port)
	}
	if a, err := mail.ParseAddress(s.From); err != nil {
		r.fail("WACHSAM_SMTP_FROM must be a sender address such as \"Wachsam <wachsam@musterstadt.de>\", got %q", s.From)
	} else {
		c.SMTP.From = a.String()
	}
	switch s.TLS {
	case "starttls", "tls", "none":
	default:
		r.fail("WACHSAM_SMTP_TLS must be starttls, tls or none, got %q", s.TLS)
	}
	if s.Username != "" && s.Password == "" {
		r.fail("WACHSAM_SMTP_USERNAME is set, so WACHSAM_SMTP_PASSWORD (or _FILE) is required too")
	}
	if s.PerMinute < 1 || s.PerMinute > 6000 {
		r.fail("WACHSAM_MAIL_PER_MINUTE must be between 1 and 6000, got %d", s.PerMinute)
	}
}

// DefaultMemoryLimit is the soft memory limit without WACHSAM_MEMORY_LIMIT or GOMEMLIMIT.
// Without a limit the runtime lets the heap grow to twice what is live before collecting, so
// a load peak leaves the process at two to three times the memory it needs afterwards
// (bench/: 350 MB after load instead of ~130 MB). RSS sits about 15–25 MB above the limit
// (the binary's code, memory outside the Go heap): with 100 MiB a server holding 2,000 open
// connections after load measured 120–125 MB, with 128 MiB 145–153 MB, against a target of
// 150 MB. A peak that really needs more still gets it: the limit is soft, the runtime only
// collects more often near it (the 2,000-submission burst took 1.3 s instead of 0.8 s).
const DefaultMemoryLimit = 100 << 20

// memoryLimit reads WACHSAM_MEMORY_LIMIT: a size with the suffixes GOMEMLIMIT takes (B, KiB,
// MiB, GiB, TiB) or "off". Unset, an existing GOMEMLIMIT wins over the default.
func (r *reader) memoryLimit() int64 {
	s := r.str("WACHSAM_MEMORY_LIMIT", "")
	if s == "" {
		if v, ok := r.src("GOMEMLIMIT"); ok && strings.TrimSpace(v) != "" {
			return -1
		}
		return DefaultMemoryLimit
	}
	if strings.EqualFold(s, "off") {
		return 0
	}
	n, err := parseSize(s)
	if err != nil || n < 32<<20 {
		r.fail("WACHSAM_MEMORY_LIMIT must be a size of at least 32MiB such as 100MiB or 1GiB, or off, got %q", s)
		return DefaultMemoryLimit
	}
	return n
}

// parseSize reads sizes as GOMEMLIMIT writes them: digits and a unit B, KiB, MiB, GiB or TiB.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
			if err != nil || n < 0 || n > (1<<62)/u.mult {
				return 0, fmt.Errorf("bad size %q", s)
			}
			return n * u.mult, nil
		}
	}
	return 0, fmt.Errorf("size %q has no unit (B, KiB, MiB, GiB, TiB)", s)
}

// reader collects problems instead of stopping at the first, so an operator fixes all at once.
type reader struct {
	src      Source
	problems []string
}

func (r *reader) fail(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *reader) str(name, def string) string {
	if v, ok := r.src(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// secret reads NAME or the file named by NAME_FILE (Docker and Kubernetes secrets), never both.
func (r *reader) secret(name string) string {
	v, hasValue := r.src(name)
	path, hasFile := r.src(name + "_FILE")
	switch {
	case hasValue && hasFile && v != "" && path != "":
		r.fail("set either %s or %s_FILE, not both", name, name)
		return ""
	case hasFile && path != "":
		b, err := os.ReadFile(path)
		if err != nil {
			r.fail("%s_FILE: cannot read %q: %v", name, path, errors.Unwrap(err))
			return ""
		}
		return strings.TrimSpace(string(b))
	default:
		return strings.TrimSpace(v)
	}
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fail("%s must be a duration such as 15m or 720h, got %q", name, s)
		return def
	}
	return d
}

func (r *reader) integer(name string, def int) int {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail("%s must be a whole number, got %q", name, s)
		return def
	}
	return n
}

func (r *reader) boolean(name string, def bool) bool {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.fail("%s must be true or false, got %q", name, s)
		return def
	}
	return b
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
