package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) Source {
	return func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.BaseURL.String() != "http://127.0.0.1:8080" ||
		c.UsesPostgres() || c.SQLitePath() != filepath.Join("data", "wachsam.db") || c.AccessTokenTTL != 15*time.Minute || c.TLS() || c.S3.Enabled() {
		t.Errorf("defaults: %+v", c)
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := Load(env(map[string]string{
		"WACHSAM_ADDR":             "8080",
		"WACHSAM_BASE_URL":         "lernen.example.de",
		"WACHSAM_DATABASE_URL":     "mysql://x",
		"WACHSAM_ACCESS_TOKEN_TTL": "forever",
		"WACHSAM_S3_ENDPOINT":      "http://minio:9000",
		"WACHSAM_LOG_LEVEL":        "loud",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{"WACHSAM_ADDR must be host:port", "WACHSAM_BASE_URL must be an absolute", "WACHSAM_DATABASE_URL must start with",
		"WACHSAM_ACCESS_TOKEN_TTL must be a duration", "WACHSAM_S3_BUCKET", "without a scheme", "WACHSAM_LOG_LEVEL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
}

func TestPostgresNeedsATokenKey(t *testing.T) {
	_, err := Load(env(map[string]string{"WACHSAM_DATABASE_URL": "postgres://db/wachsam"}))
	if err == nil || !strings.Contains(err.Error(), "WACHSAM_TOKEN_KEY") {
		t.Fatalf("err = %v", err)
	}
	c, err := Load(env(map[string]string{"WACHSAM_DATABASE_URL": "postgres://db/wachsam", "WACHSAM_TOKEN_KEY": "k", "WACHSAM_BASE_URL": "https://lernen.example.de/"}))
	if err != nil || !c.UsesPostgres() || !c.TLS() || c.BaseURL.String() != "https://lernen.example.de" {
		t.Fatalf("c = %+v, err = %v", c, err)
	}
}

func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	os.WriteFile(path, []byte("geheim\n"), 0o600)
	c, err := Load(env(map[string]string{"WACHSAM_TOKEN_KEY_FILE": path}))
	if err != nil || c.TokenKey != "geheim" {
		t.Fatalf("c.TokenKey = %q, err = %v", c.TokenKey, err)
	}
	_, err = Load(env(map[string]string{"WACHSAM_TOKEN_KEY_FILE": path, "WACHSAM_TOKEN_KEY": "x"}))
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("both set: %v", err)
	}
	_, err = Load(env(map[string]string{"WACHSAM_S3_SECRET_KEY_FILE": filepath.Join(dir, "missing")}))
	if err == nil || !strings.Contains(err.Error(), "WACHSAM_S3_SECRET_KEY_FILE: cannot read") {
		t.Errorf("missing file: %v", err)
	}
	// The error names the file, never a secret's value.
	if err != nil && strings.Contains(err.Error(), "geheim") {
		t.Error("secret in error message")
	}
}

func TestBaseURLFollowsTheListenAddressUnlessSet(t *testing.T) {
	c, _ := Load(env(map[string]string{"WACHSAM_ADDR": ":9000"}))
	if c.BaseURL.String() != "http://127.0.0.1:9000" {
		t.Errorf("base url %s", c.BaseURL)
	}
	c.SetAddr("127.0.0.1:9100")
	if c.BaseURL.String() != "http://127.0.0.1:9100" {
		t.Errorf("after --addr: %s", c.BaseURL)
	}
	c, _ = Load(env(map[string]string{"WACHSAM_BASE_URL": "https://lernen.example.de"}))
	c.SetAddr("127.0.0.1:9100")
	if c.BaseURL.String() != "https://lernen.example.de" {
		t.Errorf("configured base url changed: %s", c.BaseURL)
	}
}

func TestSMTP(t *testing.T) {
	c, err := Load(env(map[string]string{"WACHSAM_SMTP_HOST": "mail.musterstadt.de", "WACHSAM_SMTP_FROM": "Wachsam <wachsam@musterstadt.de>"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SMTP.Enabled() || c.SMTP.Port != 587 || c.SMTP.TLS != "starttls" || c.SMTP.PerMinute != 60 || c.SMTP.From != `"Wachsam" <wachsam@musterstadt.de>` {
		t.Errorf("smtp defaults: %+v", c.SMTP)
	}
	_, err = Load(env(map[string]string{
		"WACHSAM_SMTP_HOST": "mail", "WACHSAM_SMTP_FROM": "nobody", "WACHSAM_SMTP_TLS": "ssl",
		"WACHSAM_SMTP_USERNAME": "wachsam", "WACHSAM_MAIL_PER_MINUTE": "0",
	}))
	if err == nil {
		t.Fatal("bad SMTP configuration accepted")
	}
	for _, want := range []string{"WACHSAM_SMTP_FROM must be a sender address", "WACHSAM_SMTP_TLS must be", "WACHSAM_SMTP_PASSWORD", "WACHSAM_MAIL_PER_MINUTE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	if _, err := Load(env(map[string]string{"WACHSAM_SMTP_FROM": "a@b.de"})); err == nil || !strings.Contains(err.Error(), "WACHSAM_SMTP_HOST") {
		t.Errorf("sender without host: %v", err)
	}
}

// The server gets a soft memory limit by default; WACHSAM_MEMORY_LIMIT sets or disables it, and
// an operator's GOMEMLIMIT is left to the runtime.
func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		want int64
	}{
		{nil, DefaultMemoryLimit},
		{map[string]string{"WACHSAM_MEMORY_LIMIT": "512MiB"}, 512 << 20},
		{map[string]string{"WACHSAM_MEMORY_LIMIT": "2GiB", "GOMEMLIMIT": "100MiB"}, 2 << 30},
		{map[string]string{"WACHSAM_MEMORY_LIMIT": "off"}, 0},
		{map[string]string{"GOMEMLIMIT": "300MiB"}, -1},
	} {
		c, err := Load(env(tc.vars))
		if err != nil {
			t.Fatalf("%v: %v", tc.vars, err)
		}
		if c.MemoryLimit != tc.want {
			t.Errorf("%v: limit %d, want %d", tc.vars, c.MemoryLimit, tc.want)
		}
	}
	for _, bad := range []string{"128", "128MB", "1MiB", "-5MiB", "lots"} {
		_, err := Load(env(map[string]string{"WACHSAM_MEMORY_LIMIT": bad}))
		if err == nil || !strings.Contains(err.Error(), "WACHSAM_MEMORY_LIMIT must be a size") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestDatabaseMaxConns(t *testing.T) {
	if c, err := Load(env(map[string]string{"WACHSAM_DATABASE_MAX_CONNS": "12"})); err != nil || c.DatabaseMaxConns != 12 {
		t.Errorf("12: %v %v", c, err)
	}
	if c, err := Load(env(nil)); err != nil || c.DatabaseMaxConns != 0 {
		t.Errorf("default: %v %v", c, err)
	}
	if _, err := Load(env(map[string]string{"WACHSAM_DATABASE_MAX_CONNS": "-1"})); err == nil || !strings.Contains(err.Error(), "WACHSAM_DATABASE_MAX_CONNS") {
		t.Errorf("-1: %v", err)
	}
}
