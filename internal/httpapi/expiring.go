package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
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
// so HR can plan renewals: the same roles, switch and audit as the learners list.
func (a *API) expiringReport(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	days := 30
	if s := c.Query("days"); s != "" {
		if days, err = strconv.Atoi(s); err != nil {
			return model.Invalid("days", "must be a number of days from 1 to 366")
		}
	}
	list, err := a.Reports.Expiring(c.UserContext(), t, c.Query("course"), days)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, "report.expiring", c.Query("course"),
		map[string]string{"days": strconv.Itoa(days), "people": strconv.Itoa(len(list))}); err != nil {
		return err
	}
	out := make([]expiringJSON, len(list))
	for i, e := range list {
		out[i] = expiringJSON{Name: e.Name, Email: e.Email, EmployeeNumber: e.EmployeeNumber, OrgUnit: e.OrgUnit, Course: e.Course,
			CompletedAt: e.CompletedAt, ValidUntil: e.ValidUntil}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
