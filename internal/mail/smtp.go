package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"time"
)

// Sender delivers a message; SMTP in production, a recorder in tests that need no server.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// TLS modes of an SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connect, then STARTTLS, which must be offered (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only for a relay on the same host or network
)

// SMTP sends over one SMTP connection per message. Reminders go out a few per second at most
// (see the throttle in internal/notify), so a connection pool would only hold idle sockets.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty = no authentication
	Password string
	TLS      string // TLSStartTLS, TLSImplicit or TLSNone
	Timeout  time.Duration
	// HeloName is the name given in EHLO; empty = "localhost".
	HeloName string
}

// Send delivers m. The error names the step that failed, never the password.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	body, err := m.Bytes()
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, fmt.Sprint(s.Port))
	tlsConfig := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}

	var conn net.Conn
	dialer := &net.Dialer{}
	if s.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	helo := s.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if s.TLS == TLSStartTLS || s.TLS == "" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS; set WACHSAM_SMTP_TLS=tls for port 465, or none only for a local relay")
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		// PlainAuth refuses to send the password over an unencrypted connection to another host.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp: authentication as %s: %w", s.Username, err)
		}
	}
	if err := c.Mail(m.From.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To.Address); err != nil {
		return &RejectedError{Address: m.To.Address, Err: err}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: message not accepted: %w", err)
	}
	return c.Quit()
}

// RejectedError is a recipient the server refused. A permanent (5xx) refusal will not change
// by retrying; the job gives up and records it.
type RejectedError struct {
	Address string
	Err     error
}

func (e *RejectedError) Error() string {
	return "smtp: recipient " + e.Address + " refused: " + e.Err.Error()
}
func (e *RejectedError) Unwrap() error { return e.Err }

// Permanent reports whether the server refused for good (a 5xx reply).
func (e *RejectedError) Permanent() bool {
	var pe *textproto.Error
	return errors.As(e.Err, &pe) && pe.Code >= 500
}
