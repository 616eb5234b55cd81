package mail

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestMessageIsWellFormedMIME(t *testing.T) {
	m := Message{
		From:    mail.Address{Name: "Wachsam Musterstadt", Address: "wachsam@musterstadt.de"},
		To:      mail.Address{Name: "Jürgen Groß", Address: "j.gross@musterstadt.de"},
		Subject: "Fällig in 7 Tagen: Phishing erkennen",
		Text:    "Guten Tag Jürgen Groß,\nbitte schließen Sie den Kurs ab.\n" + strings.Repeat("lang ", 40),
		HTML:    "<p>Guten Tag Jürgen Groß,</p>",
		ID:      "wachsam-123",
		Date:    time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),
	}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a line ends with a bare LF; SMTP needs CRLF")
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if to, err := parsed.Header.AddressList("To"); err != nil || to[0].Name != "Jürgen Groß" {
		t.Errorf("to %v (%v)", to, err)
	}
	if parsed.Header.Get("Message-ID") != "<wachsam-123@musterstadt.de>" || parsed.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers: %v", parsed.Header)
	}
	_, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(parsed.Body, params["boundary"])
	var parts []string
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(p))
		parts = append(parts, p.Header.Get("Content-Type")+"|"+string(body))
	}
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "text/plain") || !strings.Contains(parts[0], "schließen Sie") ||
		!strings.HasPrefix(parts[1], "text/html") || !strings.Contains(parts[1], "<p>Guten Tag Jürgen Groß,</p>") {
		t.Errorf("parts: %q", parts)
	}
}

func TestHeaderInjectionIsRefused(t *testing.T) {
	m := Message{From: mail.Address{Address: "a@b.de"}, To: mail.Address{Address: "c@d.de"}, Subject: "Hallo\r\nBcc: x@evil.example", Text: "x"}
	if _, err := m.Bytes(); err == nil {
		t.Error("a subject with a line break was accepted")
	}
}
