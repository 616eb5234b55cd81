package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
)

// The municipality's settings (administrators): name, default language, minimum group size,
// named lists, reminder e-mails and the retention period. identity.UpdateTenant checks them and
// writes tenant.update to the audit log, as PATCH /api/v1/admin/tenant does.

// settingsForm is the form as the user filled it in, so that an error shows it again.
type settingsForm struct {
	Name, DefaultLanguage, MinGroupSize, RetentionDays string
	NamedReports, ReminderMails                        bool
}

type settingsData struct {
	Form   settingsForm
	Errors map[string]string // field → message key
}

func settingsFormOf(t model.Tenant) settingsForm {
	s := t.Settings
	return settingsForm{Name: t.Name, DefaultLanguage: s.DefaultLanguage, MinGroupSize: strconv.Itoa(s.MinGroupSize),
		RetentionDays: strconv.Itoa(s.RetentionDays), NamedReports: s.NamedReports, ReminderMails: s.ReminderMails}
}

func (w *Web) settingsView(c *fiber.Ctx, f settingsForm, errs map[string]string) *View {
	v := w.pageView(c, settingsData{Form: f, Errors: errs})
	return v
}

func (w *Web) settingsPage(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c) // read afresh, not from the display cache
	if err != nil {
		return err
	}
	v := w.settingsView(c, settingsFormOf(t), nil)
	if c.Query("done") == "saved" {
		v.Notice = "settings.saved"
	}
	return w.renderUser(c, fiber.StatusOK, "admin_settings", "settings.title", v)
}

// saveSettings reads the form into the tenant and lets identity check it; each problem is
// shown at its field with what to fix.
func (w *Web) saveSettings(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c) // read afresh: the form changes the stored settings
	if err != nil {
		return err
	}
	f := settingsForm{Name: strings.TrimSpace(c.FormValue("name")), DefaultLanguage: c.FormValue("default_language"),
		MinGroupSize: strings.TrimSpace(c.FormValue("min_group_size")), RetentionDays: strings.TrimSpace(c.FormValue("retention_days")),
		NamedReports: formBool(c, "named_reports"), ReminderMails: formBool(c, "reminder_mails")}
	errs := map[string]string{}
	t.Name, t.Settings.DefaultLanguage = f.Name, f.DefaultLanguage
	t.Settings.NamedReports, t.Settings.ReminderMails = f.NamedReports, f.ReminderMails
	if n, err := strconv.Atoi(f.MinGroupSize); err != nil {
		errs["min_group_size"] = "settings.err.min_group_size"
	} else {
		t.Settings.MinGroupSize = n
	}
	if n, err := strconv.Atoi(f.RetentionDays); err != nil {
		errs["retention_days"] = "settings.err.retention_days"
	} else {
		t.Settings.RetentionDays = n
	}
	if len(errs) == 0 {
		_, err := w.identity.UpdateTenant(c.UserContext(), httpx.MustPrincipal(c), t)
		var ve *model.ValidationError
		switch {
		case err == nil:
			return c.Redirect("/admin/settings?done=saved", fiber.StatusSeeOther)
		case errors.As(err, &ve):
			for field := range ve.Fields {
				field = strings.TrimPrefix(field, "settings.")
				errs[field] = "settings.err." + field
			}
		default:
			return err
		}
	}
	v := w.settingsView(c, f, errs)
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_settings", "settings.title", v)
}
