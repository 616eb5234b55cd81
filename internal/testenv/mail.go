package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"
)

// Variables naming the test mail server (mailpit): its SMTP address and its HTTP API.
const (
	SMTPVar    = "WACHSAM_TEST_SMTP"
	MailpitVar = "WACHSAM_TEST_MAILPIT"
)

// Mailpit is the HTTP API of the test mail server.
type Mailpit struct {
	t    testing.TB
	base string
}

// MailpitMessage is a received mail as the tests see it.
type MailpitMessage struct {
	ID        string
	MessageID string
	Subject   string
	From      struct{ Name, Address string }
	To        []struct{ Name, Address string }
	Text      string
	HTML      string
}

// MailServer returns the server configuration that sends through the test mail server, and
// its API. Without the variables the test is skipped, except in CI, where it fails: the mail
// suite must run there (.ci/run starts mailpit).
func MailServer(t testing.TB) (map[string]string, *Mailpit) {
	t.Helper()
	smtpAddr, api := os.Getenv(SMTPVar), os.Getenv(MailpitVar)
	if smtpAddr == "" || api == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI is set but %s and %s are not: the e-mail suite must run in CI (.ci/mailpit.sh)", SMTPVar, MailpitVar)
		}
		t.Skipf("set %s and %s (source .ci/mailpit.sh) to run the e-mail tests", SMTPVar, MailpitVar)
	}
	host, port, err := net.SplitHostPort(smtpAddr)
	if err != nil {
		t.Fatalf("%s: %v", SMTPVar, err)
	}
	return map[string]string{
		"WACHSAM_SMTP_HOST": host, "WACHSAM_SMTP_PORT": port, "WACHSAM_SMTP_TLS": "none",
		"WACHSAM_SMTP_FROM": "Wachsam Test <wachsam@test.example>", "WACHSAM_MAIL_PER_MINUTE": "6000",
		"WACHSAM_JOB_POLL_INTERVAL": "50ms",
		// Tests scan for reminders themselves, at the times they choose; the hourly scan that
		// runs at start would race them.
		"WACHSAM_REMINDER_SCAN_INTERVAL": "0",
	}, &Mailpit{t: t, base: api}
}

// To lists the messages sent to addr, newest first.
func (m *Mailpit) To(addr string) []MailpitMessage {
	m.t.Helper()
	var list struct{ Messages []MailpitMessage }
	m.get("/api/v1/search?query="+url.QueryEscape(`to:"`+addr+`"`), &list)
	out := list.Messages[:0]
	for _, msg := range list.Messages {
		var full MailpitMessage
		m.get("/api/v1/message/"+msg.ID, &full)
		out = append(out, full)
	}
	return out
}

// WaitTo waits until at least n messages have been sent to addr and returns them.
func (m *Mailpit) WaitTo(addr string, n int) []MailpitMessage {
	m.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs := m.To(addr)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("waited 15 s for %d mails to %s, got %d", n, addr, len(msgs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (m *Mailpit) get(path string, v any) {
	m.t.Helper()
	res, err := http.Get(m.base + path)
	if err != nil {
		m.t.Fatalf("mailpit: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		m.t.Fatalf("mailpit GET %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		m.t.Fatalf("mailpit GET %s: %v", path, err)
	}
}

// StartJobs runs the server's background workers (mail) until the test ends.
func (e *Env) StartJobs() {
	e.T.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.Srv.Notify.Start(ctx); err != nil {
		e.T.Fatalf("start jobs: %v", err)
	}
	e.T.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := e.Srv.Notify.Stop(stop); err != nil {
			fmt.Fprintln(os.Stderr, "stop jobs:", err)
		}
		cancel()
	})
}
