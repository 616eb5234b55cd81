package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
)

type expiringJSON struct {
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	EmployeeNumber string     `json:"employee_number,omitempty"`
	OrgUnit        string     `json:"org_unit"`
	Course         string     `json:"course"`
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	ValidUntil     *time.Time `json:"valid_until"`
}

// expiringReport is the named list of people whose completion ends within ?days= (default 30),
// so HR can plan renewals: the same roles, switch and audit as the learners list. Without
// ?limit= it is the whole list, as it always was; with it, one page (see paging.go).
func (a *API) expiringReport(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	q := report.ExpiringQuery{Course: c.Query("course"), Days: 30}
	if s := c.Query("days"); s != "" {
		if q.Days, err = strconv.Atoi(s); err != nil {
			return model.Invalid("days", "must be a number of days from 1 to 366")
		}
	}
	if q.Limit, err = pageLimit(c, 0, 1000); err != nil {
		return err
	}
	binding := pagecursor.Binding("expiring", t.ID, q.Course, strconv.Itoa(q.Days))
	after, err := a.openCursor(c, binding, 3)
	if err != nil {
		return err
	}
	if after != nil {
		if err := q.StartAfter(after); err != nil {
			return err
		}
	}
	list, more, err := a.Reports.Expiring(c.UserContext(), t, q)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditExpiring, q.Course,
		map[string]string{"days": strconv.Itoa(q.Days), "people": strconv.Itoa(len(list))}); err != nil {
		return err
	}
	out := make([]expiringJSON, len(list))
	for i, e := range list {
		out[i] = expiringJSON{Name: e.Name, Email: e.Email, EmployeeNumber: e.EmployeeNumber, OrgUnit: e.OrgUnit, Course: e.Course,
			CompletedAt: e.CompletedAt, ValidUntil: e.ValidUntil}
	}
	if more {
		a.announceNext(c, binding, list[len(list)-1].CursorKey()...)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
