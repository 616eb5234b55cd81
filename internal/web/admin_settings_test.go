package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/testenv"
)

func TestSettingsInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		const page = "/admin/settings"
		if r := w.browser(t, w.learnr).do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		hr := w.browser(t, w.hr)
		if r := hr.do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("hr: %d", r.StatusCode)
		}
		admin := w.browser(t, "admin@a.example")
		r := admin.do("GET", page, nil)
		if r.StatusCode != 200 || !strings.Contains(r.Body, `value="Stadt a"`) || !strings.Contains(r.Body, "Personalräte vereinbaren meist 5") {
			t.Fatalf("settings page: %d\n%s", r.StatusCode, r.Body)
		}
		if r := admin.do("POST", page, url.Values{"name": {"Ohne Token"}}); r.StatusCode != 403 {
			t.Errorf("without CSRF token: %d", r.StatusCode)
		}

		// Each problem at its field, what was typed kept; nothing saved or audited.
		r = admin.post(page, page, url.Values{"name": {" "}, "default_language": {"fr"}, "min_group_size": {"1"}, "retention_days": {"10"}})
		if r.StatusCode != 422 || strings.Count(r.Body, `class="field-error"`) != 4 || !strings.Contains(r.Body, "Geben Sie eine ganze Zahl von 2 bis 100 an.") ||
			!strings.Contains(r.Body, "Geben Sie 0 (nie von selbst) oder eine ganze Zahl von 30 bis 3650 an.") || !strings.Contains(r.Body, `value="10"`) {
			t.Fatalf("invalid settings: %d\n%s", r.StatusCode, r.Body)
		}
		r = admin.post(page, page, url.Values{"name": {"Stadt a"}, "default_language": {"de"}, "min_group_size": {"fünf"}, "retention_days": {"0"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, `id="st-min-err"`) || !strings.Contains(r.Body, `value="fünf"`) {
			t.Fatalf("not a number: %d\n%s", r.StatusCode, r.Body)
		}
		if audit := w.auditActions(t); audit["tenant.update"] != 0 {
			t.Errorf("refused settings were audited: %v", audit)
		}

		r = admin.post(page, page, url.Values{"name": {"Stadt Neuname"}, "default_language": {"en"}, "min_group_size": {"7"}, "retention_days": {"365"}, "reminder_mails": {"1"}})
		if r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=saved" {
			t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
		}
		var ten struct {
			Name     string
			Settings struct {
				DefaultLanguage string `json:"default_language"`
				MinGroupSize    int    `json:"min_group_size"`
				NamedReports    bool   `json:"named_reports"`
				ReminderMails   bool   `json:"reminder_mails"`
				RetentionDays   int    `json:"retention_days"`
			}
		}
		w.e.Do("GET", "/api/v1/admin/tenant", w.e.Token("admin@a.example"), nil).JSON(t, &ten)
		if s := ten.Settings; ten.Name != "Stadt Neuname" || s.DefaultLanguage != "en" || s.MinGroupSize != 7 || s.NamedReports || !s.ReminderMails || s.RetentionDays != 365 {
			t.Errorf("saved: %+v", ten)
		}
		if r := admin.do("GET", page+"?done=saved", nil); !strings.Contains(r.Body, "The settings have been saved.") || !strings.Contains(r.Body, "Stadt Neuname") {
			t.Error("the page does not show the saved settings (in English, the new default)")
		}
		if audit := w.auditActions(t); audit["tenant.update"] != 1 {
			t.Errorf("audit: %v", audit)
		}
		// The entry says what changed, from what to what; a setting left alone is not named.
		audit := w.auditOf(t, "tenant.update")
		if len(audit) != 1 {
			t.Fatalf("tenant.update entries: %+v", audit)
		}
		want := map[string]string{"name": "Stadt a → Stadt Neuname", "default_language": "de → en", "min_group_size": "5 → 7",
			"named_reports": "true → false", "retention_days": "1095 → 365"}
		for k, v := range want {
			if got := audit[0].Details[k]; got != v {
				t.Errorf("audit detail %s = %q, want %q (all: %v)", k, got, v, audit[0].Details)
			}
		}
		if v, ok := audit[0].Details["reminder_mails"]; ok { // on before and after
			t.Errorf("an unchanged setting is in the details: reminder_mails %q", v)
		}
	})
}
