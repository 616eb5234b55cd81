package httpx

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	cases := []struct {
		name    string
		proxies []string
		xff     string
		want    string
	}{
		{"no proxies: the header is ignored", nil, "203.0.113.9", "0.0.0.0"},
		{"trusted proxy: right-most untrusted hop", []string{"0.0.0.0/8"}, "198.51.100.1, 203.0.113.9", "203.0.113.9"},
		{"spoofed left entries are ignored", []string{"0.0.0.0/8", "10.0.0.0/8"}, "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9"},
		{"garbage header: the peer", []string{"0.0.0.0"}, "not-an-ip", "0.0.0.0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := fiber.New()
			ips := NewClientIPs(c.proxies)
			app.Get("/", func(ctx *fiber.Ctx) error { return ctx.SendString(ips.Of(ctx)) })
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("X-Forwarded-For", c.xff)
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 64)
			n, _ := res.Body.Read(buf)
			if got := string(buf[:n]); got != c.want {
				t.Errorf("client ip %q, want %q", got, c.want)
			}
		})
	}
}

func TestCertificateCodesStayOutOfLogs(t *testing.T) {
	for in, want := range map[string]string{
		"/verify/abcdefghijklmnopqrstuvwxyz234567":        "/verify/abcd…",
		"/api/v1/verify/abcdefghijklmnopqrstuvwxyz234567": "/api/v1/verify/abcd…",
		"/courses/basis": "/courses/basis",
	} {
		if got := redactPath(in); got != want {
			t.Errorf("redactPath(%q) = %q, want %q", in, got, want)
		}
	}
}
