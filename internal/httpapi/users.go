package httpapi

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

type userBody struct {
	Email          *string      `json:"email"`
	Name           *string      `json:"name"`
	EmployeeNumber *string      `json:"employee_number"`
	OrgUnit        *string      `json:"org_unit"`
	Language       *string      `json:"language"`
	Roles          []model.Role `json:"roles"`
	Active         *bool        `json:"active"`
	Password       string       `json:"password"`
}

func (b userBody) input() identity.UserInput {
	return identity.UserInput{Email: b.Email, Name: b.Name, EmployeeNumber: b.EmployeeNumber, OrgUnit: b.OrgUnit,
		Language: b.Language, Roles: b.Roles, Active: b.Active, Password: b.Password}
}

// listUsers answers a JSON array (the contract's shape); further pages are announced in an
// RFC 8288 Link header with rel="next".
func (a *API) listUsers(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	f := store.UserFilter{Query: c.Query("q"), OrgUnit: c.Query("org_unit"), Cursor: c.Query("cursor")}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return model.Invalid("limit", "must be a number from 1 to 500")
		}
		f.Limit = n
	}
	if s := c.Query("active"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return model.Invalid("active", "must be true or false")
		}
		f.Active = &b
	}
	users, next, err := a.Store.ListUsers(c.UserContext(), scope, f)
	if err != nil {
		return err
	}
	if next != "" {
		q := url.Values{}
		for k, v := range c.Queries() {
			q.Set(k, v)
		}
		q.Set("cursor", next)
		c.Set(fiber.HeaderLink, `</api/v1/admin/users?`+q.Encode()+`>; rel="next"`)
	}
	return c.JSON(users)
}

type createdUser struct {
	model.User
	SetPasswordURL string `json:"set_password_url,omitempty"`
}

func (a *API) createUser(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in userBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, link, err := a.Identity.CreateUser(c.UserContext(), scope, httpx.MustPrincipal(c), in.input())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(createdUser{User: u, SetPasswordURL: link})
}

func (a *API) getUser(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	u, err := a.Store.UserByID(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (a *API) updateUser(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in userBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := a.Identity.UpdateUser(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// setPasswordLink issues a new single-use link for a user who forgot or never set a password.
func (a *API) setPasswordLink(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	u, err := a.Store.UserByID(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	if !u.Active {
		return model.Conflict("the user is deactivated; activate them first")
	}
	link, err := a.Identity.SetPasswordLink(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), u.TenantID, "user.set_password_link", u.Email, nil); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"set_password_url": link})
}
