package web

import (
	"bytes"
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/staffimport"
)

type importData struct {
	MaxMB   int
	Options identity.ImportOptions
	// CanInvite: e-mail is configured, so new people can be invited. Invite: they will be.
	CanInvite, Invite bool
	// The preview (a dry run) or the result of the confirmed import.
	Pending *pendingImport
	Result  *identity.ImportReport
	// CanConfirm: nothing stops the import (no invalid rows, or they are to be skipped).
	CanConfirm bool
	FileError  *staffimport.FileError // why the file could not be read at all; the page writes it in its language
}

func (w *Web) importView(c *fiber.Ctx, d importData) *View {
	d.MaxMB = max(w.maxImportBytes>>20, 1)
	d.CanInvite = w.invite != nil
	d.Invite = d.Options.Invite != nil
	return &View{Data: d, Script: "/static/js/import.js"}
}

// importPage is the upload form.
func (w *Web) importPage(c *fiber.Ctx) error {
	return w.renderUser(c, fiber.StatusOK, "admin_import", "import.title", w.importView(c, importData{}))
}

func formBool(c *fiber.Ctx, name string) bool { return c.FormValue(name) == "1" }

// importPreview takes the uploaded file (multipart), runs the import as a dry run with the
// chosen options, keeps the file server-side and redirects to its preview.
func (w *Web) importPreview(c *fiber.Ctx) error {
	t, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	opts := identity.ImportOptions{DryRun: true, SkipInvalid: formBool(c, "skip_invalid"), DeactivateMissing: formBool(c, "deactivate_missing")}
	if formBool(c, "invite") && w.invite != nil {
		opts.Invite = w.invite // a dry run queues nothing; the confirmed import invites
	}
	d := importData{Options: opts}
	fh, err := c.FormFile("file")
	if err != nil {
		v := w.importView(c, d)
		v.Error = "import.no_file"
		return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_import", "import.title", v)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(w.maxImportBytes)+1))
	if err != nil {
		return err
	}
	parsed, err := staffimport.Parse(bytes.NewReader(data), int64(w.maxImportBytes))
	if err != nil {
		var fe *staffimport.FileError
		if !errors.As(err, &fe) {
			return err
		}
		d.FileError = fe
		v := w.importView(c, d)
		v.Error = "import.bad_file"
		status := fiber.StatusUnprocessableEntity
		if errors.Is(err, staffimport.ErrTooLarge) {
			status = fiber.StatusRequestEntityTooLarge
		}
		return w.renderUser(c, status, "admin_import", "import.title", v)
	}
	rep, err := w.identity.ImportStaff(c.UserContext(), scope, p, parsed, opts)
	if err != nil {
		return err
	}
	opts.DryRun = false
	e := w.pending.put(pendingImport{TenantID: t.ID, UserID: p.UserID, Name: fh.Filename, Data: data, Options: opts, Preview: rep})
	return c.Redirect("/admin/import/"+e.ID, fiber.StatusSeeOther)
}

// importPreviewPage shows a stored preview with the button that imports it.
func (w *Web) importPreviewPage(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	e, ok := w.pending.get(c.Params("id"), t.ID, httpx.MustPrincipal(c).UserID)
	if !ok {
		v := w.importView(c, importData{})
		v.Error = "import.expired"
		return w.renderUser(c, fiber.StatusNotFound, "admin_import", "import.title", v)
	}
	d := importData{Options: e.Options, Pending: e, CanConfirm: len(e.Preview.Invalid) == 0 || e.Options.SkipInvalid}
	return w.renderUser(c, fiber.StatusOK, "admin_import_preview", "import.preview_title", w.importView(c, d))
}

// importConfirm imports exactly the previewed file with the previewed options: the file is
// taken from the server-side store by id, and its SHA-256 must be the one the form confirms.
func (w *Web) importConfirm(c *fiber.Ctx) error {
	t, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	e, ok := w.pending.take(c.Params("id"), t.ID, p.UserID, c.FormValue("sha256"))
	if !ok {
		v := w.importView(c, importData{})
		v.Error = "import.expired"
		return w.renderUser(c, fiber.StatusConflict, "admin_import", "import.title", v)
	}
	parsed, err := staffimport.Parse(bytes.NewReader(e.Data), int64(w.maxImportBytes))
	if err != nil {
		return err // it parsed a moment ago
	}
	rep, err := w.identity.ImportStaff(c.UserContext(), scope, p, parsed, e.Options)
	if err != nil {
		return err
	}
	d := importData{Options: e.Options, Pending: e, Result: &rep}
	v := w.importView(c, d)
	status := fiber.StatusOK
	if rep.Written {
		v.Notice = "import.done"
	} else {
		v.Error = "import.not_written"
		status = fiber.StatusUnprocessableEntity
	}
	return w.renderUser(c, status, "admin_import_preview", "import.result_title", v)
}
