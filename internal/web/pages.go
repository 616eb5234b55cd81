package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
)

type loginData struct {
	Email, Next string
}

func (w *Web) loginPage(c *fiber.Ctx) error {
	if _, ok := httpx.PrincipalOf(c); ok {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	v := &View{Data: loginData{Next: safeNext(c.Query("next"))}}
	switch c.Query("done") {
	case "password":
		v.Notice = "login.password_set"
	case "logout":
		v.Notice = "login.logged_out"
	}
	return w.render(c, fiber.StatusOK, "login", "login.title", v)
}

func (w *Web) loginSubmit(c *fiber.Ctx) error {
	email, password := c.FormValue("email"), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	v := &View{Data: loginData{Email: email, Next: next}}
	if email == "" || password == "" {
		v.Error = "login.missing"
		return w.render(c, fiber.StatusUnprocessableEntity, "login", "login.title", v)
	}
	t, _, err := w.identity.Login(c.UserContext(), email, password, httpx.ClientIP(c))
	switch {
	case errors.Is(err, model.ErrRateLimited):
		v.Error = "login.rate_limited"
		return w.render(c, fiber.StatusTooManyRequests, "login", "login.title", v)
	case errors.Is(err, model.ErrUnauthorized):
		v.Error = "login.failed"
		return w.render(c, fiber.StatusUnauthorized, "login", "login.title", v)
	case err != nil:
		return err
	}
	w.setSession(c, t)
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (w *Web) logout(c *fiber.Ctx) error {
	if err := w.identity.Logout(c.UserContext(), c.Cookies(refreshCookie)); err != nil {
		return err
	}
	w.clearSession(c)
	return c.Redirect("/login?done=logout", fiber.StatusSeeOther)
}

type setPasswordData struct {
	Token   string
	Invalid bool
}

func (w *Web) setPasswordPage(c *fiber.Ctx) error {
	token := c.Query("token")
	v := &View{Data: setPasswordData{Token: token}}
	if err := w.identity.CheckSetPasswordLink(c.UserContext(), token); err != nil {
		if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		v.Data = setPasswordData{Invalid: true}
		return w.render(c, fiber.StatusNotFound, "set_password", "setpw.title", v)
	}
	// The link token is a credential: keep it out of other sites' Referer headers and caches.
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return w.render(c, fiber.StatusOK, "set_password", "setpw.title", v)
}

func (w *Web) setPasswordSubmit(c *fiber.Ctx) error {
	token, password := c.FormValue("token"), c.FormValue("password")
	v := &View{Data: setPasswordData{Token: token}}
	switch {
	case password != c.FormValue("confirm"):
		v.Error = "setpw.mismatch"
	case auth.CheckPolicy(password) != nil:
		v.Error = "setpw.too_short"
	}
	if v.Error != "" {
		return w.render(c, fiber.StatusUnprocessableEntity, "set_password", "setpw.title", v)
	}
	_, err := w.identity.SetPassword(c.UserContext(), token, password)
	if errors.Is(err, identity.ErrLinkInvalid) {
		v.Data = setPasswordData{Invalid: true}
		return w.render(c, fiber.StatusNotFound, "set_password", "setpw.title", v)
	}
	if err != nil {
		return err
	}
	w.clearSession(c)
	return c.Redirect("/login?done=password", fiber.StatusSeeOther)
}
