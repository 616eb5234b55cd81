package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
)

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func tokensJSON(t identity.Tokens) tokenResponse {
	return tokenResponse{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "Bearer", ExpiresIn: t.ExpiresIn}
}

func (a *API) login(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	t, _, err := a.Identity.Login(c.UserContext(), in.Email, in.Password, httpx.ClientIP(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(tokensJSON(t))
}

type refreshBody struct {
	RefreshToken string `json:"refresh_token"`
}

func (a *API) refresh(c *fiber.Ctx) error {
	var in refreshBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	t, err := a.Identity.Refresh(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(tokensJSON(t))
}

func (a *API) logout(c *fiber.Ctx) error {
	var in refreshBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := a.Identity.Logout(c.UserContext(), in.RefreshToken); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
