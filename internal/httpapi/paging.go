package httpapi

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Cursor pagination of the lists HR systems pull (users, audit log, named list). Their answers
// are JSON arrays, as the contract fixes, so the next page is announced in headers: the cursor
// alone in Next-Cursor, and the whole next URL in an RFC 8288 Link header with rel="next". No
// header means the last page. Cursors are sealed by pagecursor and bound to the list, the
// municipality and the filters: a changed or foreign cursor answers 400.

// headerNextCursor carries the cursor of the next page.
const headerNextCursor = "Next-Cursor"

// pageLimit reads ?limit=, a number from 1 to max; def when it is absent.
func pageLimit(c *fiber.Ctx, def, max int) (int, error) {
	s := c.Query("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, model.Invalid("limit", "must be a number from 1 to "+strconv.Itoa(max))
	}
	return n, nil
}

// scopeKey names a scope in a cursor binding.
func scopeKey(s store.Scope) string {
	if s.All() {
		return "*"
	}
	return s.TenantID()
}

// openCursor reads ?cursor= as a sort key of n parts for binding; nil without a cursor.
func (a *API) openCursor(c *fiber.Ctx, binding string, n int) ([]string, error) {
	cur := c.Query("cursor")
	if cur == "" {
		return nil, nil
	}
	return a.Cursors.Open(cur, binding, n)
}

// announceNext tells the client that another page follows, starting after key.
func (a *API) announceNext(c *fiber.Ctx, binding string, key ...string) {
	cur := a.Cursors.Seal(binding, key...)
	q := url.Values{}
	for k, v := range c.Queries() {
		q.Set(k, v)
	}
	q.Del("before") // the audit log's older parameter; the cursor takes its place
	q.Set("cursor", cur)
	c.Set(headerNextCursor, cur)
	c.Set(fiber.HeaderLink, "<"+c.Path()+"?"+q.Encode()+`>; rel="next"`)
}
