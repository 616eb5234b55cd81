package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/valyala/fasthttp"
)

// Options configure the Fiber app.
type Options struct {
	Log       *slog.Logger
	BodyLimit int
	// LargeBodyLimit and LargeBody allow bigger bodies on a few routes (staff list uploads).
	LargeBodyLimit int
	LargeBody      func(path string) bool
	TLS            bool     // users reach us over HTTPS: send HSTS
	TrustedProxies []string // take the client address from X-Forwarded-For when the peer is one of these
	// HTMLError renders an error as a page for browser routes; nil = problem+json everywhere.
	HTMLError func(c *fiber.Ctx, p Problem) error
	// IsAPI tells API paths (problem+json) from pages.
	IsAPI func(path string) bool
	// LongDownload names the paths whose answers may take longer to send than the write
	// timeout (streamed exports of a large municipality to a slow client); they get
	// LongWriteTimeout instead.
	LongDownload func(path string) bool
}

// LongWriteTimeout bounds how long sending one streamed export may take.
const LongWriteTimeout = 30 * time.Minute

// NewApp builds the Fiber app with the middleware every route shares: panic recovery, request
// ids, access logs, security headers, and one error handler.
func NewApp(o Options) *fiber.App {
	cfg := fiber.Config{
		AppName:               "wachsam",
		BodyLimit:             max(o.BodyLimit, o.LargeBodyLimit),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ErrorHandler:          errorHandler(o),
	}
	app := fiber.New(cfg)
	if o.LongDownload != nil {
		// fasthttp sets the write deadline once for the whole answer, after the handler has
		// run, so a handler cannot extend it; the request's header is the last chance.
		app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
			path, _, _ := strings.Cut(string(h.RequestURI()), "?")
			if o.LongDownload(path) {
				return fasthttp.RequestConfig{WriteTimeout: LongWriteTimeout}
			}
			return fasthttp.RequestConfig{}
		}
	}
	ips := NewClientIPs(o.TrustedProxies)
	resolveIP := func(c *fiber.Ctx) error {
		c.Locals(clientIPKey, ips.Of(c))
		return c.Next()
	}
	// accessLog sits outside recover so that a panic, turned into an error, is still logged.
	app.Use(requestID, resolveIP, accessLog(o.Log), recover.New(), securityHeaders(o.TLS), bodyLimit(o))
	return app
}

func errorHandler(o Options) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := ProblemFor(err)
		LogError(o.Log, c, p.Status, err)
		if o.HTMLError != nil && (o.IsAPI == nil || !o.IsAPI(c.Path())) {
			return o.HTMLError(c, p)
		}
		return WriteProblem(c, p)
	}
}

const requestIDKey = "request_id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID takes a well-formed X-Request-ID from a proxy, or makes one, and echoes it.
func requestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	} else {
		id = string([]byte(id)) // Fiber reuses the header buffer; keep our own copy
	}
	c.Locals(requestIDKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

// RequestID returns the current request's id.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// accessLog writes one line per request. It logs the path without the query string, which can
// carry tokens (set-password links), and never headers or bodies.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			// Let the error handler write the response now so the status below is the real one.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		level := slog.LevelInfo
		if c.Path() == "/healthz" || c.Path() == "/readyz" || len(c.Path()) > 8 && c.Path()[:8] == "/static/" {
			level = slog.LevelDebug
		}
		attrs := []any{"request_id", RequestID(c), "method", c.Method(), "path", redactPath(c.Path()), "status", status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "ip", ClientIP(c)}
		if p, ok := PrincipalOf(c); ok && p.IsAPIKey() {
			attrs = append(attrs, "api_key_id", p.APIKeyID) // the id, never the secret
		} else if ok {
			attrs = append(attrs, "user_id", p.UserID)
		}
		log.Log(c.UserContext(), level, "request", attrs...)
		return nil
	}
}

// redactPath keeps certificate codes out of the logs: a code in a log file is as good as the
// certificate's QR code to whoever reads the log.
func redactPath(path string) string {
	for _, prefix := range []string{"/verify/", "/api/v1/verify/"} {
		if code, ok := strings.CutPrefix(path, prefix); ok && len(code) > 4 {
			return prefix + code[:4] + "…"
		}
	}
	return path
}

// bodyLimit holds every route to the normal limit; Fiber itself enforces the larger one, which
// only the routes LargeBody names may use.
func bodyLimit(o Options) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Body()) > o.BodyLimit && (o.LargeBody == nil || !o.LargeBody(c.Path())) {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}

// CSP allows only our own origin: no inline scripts or styles, no framing, forms post home.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func securityHeaders(tls bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return c.Next()
	}
}
