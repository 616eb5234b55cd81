package httpx

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/i18n"
)

// ContentLanguages lists, most preferred first, the languages a request asks for by the
// contract's rule: ?lang=, then the user's own setting, then Accept-Language (by q), then the
// caller's fallback (a course's default language). Callers pick the first one they have.
func ContentLanguages(c *fiber.Ctx, fallback string) []string {
	var prefs []string
	if q := c.Query("lang"); q != "" {
		prefs = append(prefs, q)
	}
	if p, ok := PrincipalOf(c); ok && p.Language != "" {
		prefs = append(prefs, p.Language)
	}
	prefs = append(prefs, i18n.AcceptLanguages(c.Get(fiber.HeaderAcceptLanguage))...)
	return append(prefs, fallback)
}
