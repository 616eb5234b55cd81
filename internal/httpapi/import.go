package httpapi

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/notify"
	"github.com/wachsam/wachsam/internal/staffimport"
)

// importUsers takes a CSV staff list as the request body. One transaction: with any invalid
// row nothing is written (422) unless skip_invalid=true; dry_run=true reports what would
// happen. The answer lists every invalid row with its line and counts created, updated and
// unchanged people.
func (a *API) importUsers(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	opts := identity.ImportOptions{}
	invite := false
	for name, dst := range map[string]*bool{"dry_run": &opts.DryRun, "skip_invalid": &opts.SkipInvalid, "deactivate_missing": &opts.DeactivateMissing, "invite": &invite} {
		if v := c.Query(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return model.Invalid(name, "must be true or false")
			}
			*dst = b
		}
	}
	if invite {
		if !a.Notify.Enabled() {
			return model.Conflict("%s; import without invite=true and send set-password links", notify.ErrDisabled)
		}
		opts.Invite = a.Notify.Invite
	}
	parsed, err := staffimport.Parse(bytes.NewReader(c.Body()), int64(a.MaxImportBytes))
	if fe := (*staffimport.FileError)(nil); errors.As(err, &fe) {
		// The English message as the command line prints it, and its code beside.
		msg := a.Identity.ImportFileMessage(fe)
		if errors.Is(err, staffimport.ErrTooLarge) {
			return httpx.WithCode(fe.Code, fiber.NewError(fiber.StatusRequestEntityTooLarge, msg))
		}
		return httpx.WithCode(fe.Code, model.Invalid("file", msg))
	}
	if err != nil {
		return model.Invalid("file", err.Error())
	}
	rep, err := a.Identity.ImportStaff(c.UserContext(), scope, httpx.MustPrincipal(c), parsed, opts)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if len(rep.Invalid) > 0 && !opts.SkipInvalid {
		status = fiber.StatusUnprocessableEntity
	}
	return c.Status(status).JSON(rep)
}
