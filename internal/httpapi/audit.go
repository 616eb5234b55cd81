package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
)

// listAudit answers the audit log newest first; ?before=<id> pages further back.
func (a *API) listAudit(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	limit := 100
	if s := c.Query("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 500 {
			return model.Invalid("limit", "must be a number from 1 to 500")
		}
	}
	entries, err := a.Store.ListAudit(c.UserContext(), scope, limit, c.Query("before"))
	if err != nil {
		return err
	}
	return c.JSON(entries)
}
