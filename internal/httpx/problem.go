// Package httpx is the HTTP frame shared by the JSON API (httpapi) and the server-rendered pages
// (web): the Fiber app with its middleware, the mapping of domain errors to status codes, the
// caller's identity and tenant scope, and helpers both sides use.
package httpx

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/model"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	Code      string            `json:"code,omitempty"` // a stable key for what is wrong, where the error has one (see WithCode)
	RequestID string            `json:"request_id,omitempty"`
}

// ErrCSRF refuses a form whose CSRF token is missing or stale (web's CSRF middleware). Its
// problem has type TypeCSRF, by which the error page tells it from other refusals.
var ErrCSRF = &model.DetailedError{Kind: model.ErrForbidden, Detail: "The form has expired or was not sent from this site; reload the page and try again."}

// TypeCSRF is the problem type of ErrCSRF (RFC 9457 allows a URI that is only a name).
const TypeCSRF = "urn:wachsam:problem:csrf"

// WithCode gives err a stable code, which the problem document carries as "code" (an RFC 9457
// extension member), so that integrations can tell errors apart without matching the English
// detail. The status and detail are still those of err.
func WithCode(code string, err error) error { return &codedError{err: err, code: code} }

type codedError struct {
	err  error
	code string
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// ProblemFor maps any error to a problem that is safe to show: domain errors carry their own
// user-facing detail, everything unexpected becomes a bare 500 (the cause goes to the log only).
func ProblemFor(err error) Problem {
	var (
		fe       *fiber.Error
		invalid  *model.ValidationError
		detailed *model.DetailedError
	)
	p := Problem{Type: "about:blank"}
	if errors.Is(err, ErrCSRF) {
		p.Type = TypeCSRF
	}
	switch {
	case errors.As(err, &invalid):
		p.Status, p.Detail, p.Errors = fiber.StatusUnprocessableEntity, "The request has invalid fields: "+invalid.Error(), invalid.Fields
	case errors.As(err, &fe):
		p.Status, p.Detail = fe.Code, fe.Message
	case errors.As(err, &detailed):
		p.Status, p.Detail = statusOf(detailed.Kind), detailed.Detail
	default:
		p.Status = statusOf(err)
	}
	var coded *codedError
	if p.Status < 500 && errors.As(err, &coded) { // an unexpected error says nothing but 500
		p.Code = coded.code
	}
	p.Title = titles[p.Status]
	if p.Title == "" {
		p.Title = fiberStatusText(p.Status)
	}
	if p.Detail == "" {
		p.Detail = details[p.Status]
	}
	return p
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, model.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, model.ErrConflict):
		return fiber.StatusConflict
	case errors.Is(err, model.ErrForbidden):
		return fiber.StatusForbidden
	case errors.Is(err, model.ErrUnauthorized):
		return fiber.StatusUnauthorized
	case errors.Is(err, model.ErrRateLimited):
		return fiber.StatusTooManyRequests
	case errors.Is(err, model.ErrBadRequest):
		return fiber.StatusBadRequest
	}
	return fiber.StatusInternalServerError
}

var titles = map[int]string{
	400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
	409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
	429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
}

var details = map[int]string{
	400: "The request cannot be understood as sent.",
	401: "Sign in first: send a valid access token as `Authorization: Bearer <token>`.",
	403: "Your role does not allow this.",
	404: "There is nothing here, or you may not see it.",
	409: "This clashes with what is stored.",
	413: "The request body is too large.",
	429: "Too many requests; wait a little and try again.",
	500: "Something went wrong on our side. The request id helps your operator find the cause.",
	503: "The service is not ready; try again shortly.",
}

func fiberStatusText(code int) string {
	if s := fiber.NewError(code).Message; s != "" {
		return s
	}
	return "Error"
}

// WriteProblem sends p as application/problem+json.
func WriteProblem(c *fiber.Ctx, p Problem) error {
	p.RequestID = RequestID(c)
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	if p.Status == fiber.StatusTooManyRequests {
		c.Set(fiber.HeaderRetryAfter, "60")
	}
	return c.JSON(p, "application/problem+json")
}

// LogError logs err at the level its status deserves: 5xx at Error with the cause, 4xx at Warn.
func LogError(log *slog.Logger, c *fiber.Ctx, status int, err error) {
	attrs := []any{"request_id", RequestID(c), "method", c.Method(), "path", redactPath(c.Path()), "status", status}
	if status >= 500 {
		log.Error("request failed", append(attrs, "error", err.Error())...)
		return
	}
	log.Warn("request refused", attrs...)
}
