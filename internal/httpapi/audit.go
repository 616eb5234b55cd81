package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/store"
)

// listAudit answers the audit log newest first, one page at a time (see paging.go);
// ?action= narrows it to one action. ?before=<id> (an entry's id) still pages as it always did.
func (a *API) listAudit(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	f := store.AuditFilter{Before: c.Query("before"), Action: c.Query("action")}
	if f.Limit, err = pageLimit(c, 100, 500); err != nil {
		return err
	}
	binding := pagecursor.Binding("audit", scopeKey(scope), f.Action)
	after, err := a.openCursor(c, binding, 1)
	switch {
	case err != nil:
		return err
	case after != nil && f.Before != "":
		return model.Invalid("before", "give either cursor or before, not both")
	case after != nil:
		f.Before = after[0]
	}
	entries, more, err := a.Store.ListAudit(c.UserContext(), scope, f)
	if err != nil {
		return err
	}
	if more {
		a.announceNext(c, binding, entries[len(entries)-1].ID)
	}
	return c.JSON(entries)
}
