package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/notify"
	"github.com/wachsam/wachsam/internal/pagecursor"
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
	// Invite sends the set-password link by e-mail instead of answering it.
	Invite bool `json:"invite"`
}

func (b userBody) input() identity.UserInput {
	return identity.UserInput{Email: b.Email, Name: b.Name, EmployeeNumber: b.EmployeeNumber, OrgUnit: b.OrgUnit,
		Language: b.Language, Roles: b.Roles, Active: b.Active, Password: b.Password}
}

// listUsers answers a JSON array (the contract's shape), ordered by name; further pages are
// announced in headers (see paging.go).
func (a *API) listUsers(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	f := store.UserFilter{Query: c.Query("q"), OrgUnit: c.Query("org_unit")}
	if f.Limit, err = pageLimit(c, 100, 500); err != nil {
		return err
	}
	if s := c.Query("active"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return model.Invalid("active", "must be true or false")
		}
		f.Active = &b
	}
	binding := pagecursor.Binding("users", scopeKey(scope), f.Query, f.OrgUnit, c.Query("active"))
	after, err := a.openCursor(c, binding, 2)
	if err != nil {
		return err
	}
	if after != nil {
		f.AfterName, f.AfterID = after[0], after[1]
	}
	users, more, err := a.Store.ListUsers(c.UserContext(), scope, f)
	if err != nil {
		return err
	}
	if more {
		last := users[len(users)-1]
		a.announceNext(c, binding, last.Name, last.ID)
	}
	return c.JSON(users)
}

type createdUser struct {
	model.User
	SetPasswordURL string `json:"set_password_url,omitempty"`
	Invitation     string `json:"invitation,omitempty"` // "queued" when the link goes out by e-mail
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
	if in.Invite && !a.Notify.Enabled() {
		return model.Conflict("%s; create the user without \"invite\" and hand over the set_password_url", notify.ErrDisabled)
	}
	var out createdUser
	// The user and their invitation are written together, or neither is.
	err = a.Store.InTx(c.UserContext(), func(tx *store.Store) error {
		u, link, err := a.Identity.WithStore(tx).CreateUser(c.UserContext(), scope, httpx.MustPrincipal(c), in.input())
		if err != nil {
			return err
		}
		out = createdUser{User: u, SetPasswordURL: link}
		if in.Invite && link != "" {
			out.SetPasswordURL, out.Invitation = "", "queued"
			return a.Notify.Invite(c.UserContext(), tx, u.TenantID, u.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
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
	if err := identity.CheckManage(httpx.MustPrincipal(c), u); err != nil {
		return err
	}
	if !u.Active {
		return model.Conflict("the user is deactivated; activate them first")
	}
	link, err := a.Identity.SetPasswordLink(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), u.TenantID, "user.set_password_link", u.Email, map[string]string{"user_id": u.ID}); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"set_password_url": link})
}

// inviteUser e-mails a user a new set-password link (again); 202 because the mail leaves
// through the queue.
func (a *API) inviteUser(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	u, err := a.Store.UserByID(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err // first: another tenant's user is 404 whatever the mail setup
	}
	if err := identity.CheckManage(httpx.MustPrincipal(c), u); err != nil {
		return err
	}
	if !a.Notify.Enabled() {
		return model.Conflict("%s; use POST …/set-password-link and hand the link over", notify.ErrDisabled)
	}
	if !u.Active {
		return model.Conflict("the user is deactivated; activate them first")
	}
	if u.HasPassword {
		return model.Conflict("the user has already set a password; send a set-password link if they forgot it")
	}
	err = a.Store.InTx(c.UserContext(), func(tx *store.Store) error {
		if err := a.Notify.Invite(c.UserContext(), tx, u.TenantID, u.ID); err != nil {
			return err
		}
		return a.Identity.WithStore(tx).Audit(c.UserContext(), httpx.MustPrincipal(c), u.TenantID, "user.invite", u.Email, map[string]string{"user_id": u.ID})
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"invitation": "queued"})
}

// anonymiseUser removes what names a deactivated user, at once and for good (admins only).
func (a *API) anonymiseUser(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	u, err := a.Identity.AnonymiseUser(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}
