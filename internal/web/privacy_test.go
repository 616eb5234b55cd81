package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// The privacy page must not claim less than what Wachsam shows. For exemptions and in-person
// trainings the test first looks at who actually sees a reason and a note — HR on the course's
// pages, an administrator and an operator in the audit log, the person in their data download —
// with named lists on and off, and then requires the page to say exactly that, in German and
// English.
func TestPrivacyPageSaysWhoSeesExemptionsAndNotes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		w.e.User(nil, "op@example.org", "", model.RoleOperator)
		hr := w.browser(t, w.hr)
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		learner := w.browser(t, "l1@a.example")
		const exemptions, completions = "/admin/reports/basis/exemptions", "/admin/reports/basis/completions"
		for _, on := range []bool{true, false} {
			w.setNamedLists(t, on)
			reason, note := "Elternzeit bis Mai", "Präsenz im Ratssaal"
			if !on {
				reason, note = "Sonderurlaub bis Juni", "Präsenz beim Landkreis"
			}
			if r := hr.post(exemptions, exemptions, url.Values{"email": {"l1@a.example"}, "reason": {reason}}); r.StatusCode != 303 {
				t.Fatalf("exempt: %d\n%s", r.StatusCode, r.Body)
			}
			w.record(t, w.a, w.hr, "l1@a.example", note)

			// Who sees the reason and the note.
			hrSees := strings.Contains(hr.do("GET", exemptions, nil).Body, reason) && strings.Contains(hr.do("GET", completions, nil).Body, note)
			adminAudit := w.e.Do("GET", "/api/v1/admin/audit?limit=500", w.e.Token("admin@a.example"), nil).Body
			adminSees := strings.Contains(adminAudit, reason) && strings.Contains(adminAudit, note)
			opAudit := w.e.Do("GET", "/api/v1/admin/audit?limit=500&tenant=a", w.e.Token("op@example.org"), nil).Body
			operatorSees := strings.Contains(opAudit, reason)
			download := learner.do("GET", "/my-data", nil).Body
			youSee := strings.Contains(download, reason) && strings.Contains(download, note)
			// The audit log records who recorded what for whom, never the reason or note: those
			// follow the named-list rules, and the audit log does not.
			if hrSees != on || adminSees || operatorSees || !youSee {
				t.Fatalf("named lists %v: HR sees %v, admin (audit) %v, operator (audit) %v, the person (download) %v", on, hrSees, adminSees, operatorSees, youSee)
			}

			// What the page says, in the person's municipality.
			de := learner.do("GET", "/datenschutz", nil).Body
			learner.lang = "en"
			en := learner.do("GET", "/datenschutz", nil).Body
			learner.lang = ""
			claims := []struct {
				seen   bool
				de, en string
			}{
				{hrSees, "Personalabteilung und Administration Ihrer Kommune sehen die Einträge namentlich mit Begründung bzw. Notiz",
					"HR and administration see the entries by name with the reason or note"},
				{!hrSees, "Solange namentliche Listen abgeschaltet sind, zeigt Wachsam sie Personalabteilung und Administration in keiner Liste",
					"While named lists are switched off, Wachsam shows them to HR and administration in no list"},
				{adminSees || operatorSees, "im Protokoll, wer wann für Sie eine Befreiung oder Präsenzschulung erfasst (mit Begründung bzw. Notiz)",
					"in the audit log who recorded (with the reason or note)"},
				{!adminSees && !operatorSees, "im Protokoll, wer wann für Sie eine Befreiung oder Präsenzschulung erfasst oder zurückgenommen hat, aber nicht die Begründung oder Notiz",
					"in the audit log who recorded or revoked an exemption or in-person training for you, and when, but not the reason or note"},
				{youSee, "mit Begründung und Notiz in Ihrem Datendownload", "with the reason and note in your data download"},
				{hrSees, "Namentlich sehen Personalabteilung und Administration", "By name, HR and administration"},
			}
			for _, c := range claims {
				if c.seen != strings.Contains(de, c.de) || c.seen != strings.Contains(en, c.en) {
					t.Errorf("named lists %v: the page should say %v: %q / %q", on, c.seen, c.de, c.en)
				}
			}
			// Retention from the live settings: the default period, in days.
			if !strings.Contains(de, "1095 Tage nach der Deaktivierung werden Begründung und Notiz geleert") ||
				!strings.Contains(en, "1095 days after deactivation the reason and note are emptied") {
				t.Errorf("retention of exemptions and notes missing:\n%s", de)
			}
			if r := hr.post(exemptions, exemptions+"/revoke-by-email", url.Values{"revoke_email": {"l1@a.example"}}); r.StatusCode != 200 {
				t.Fatalf("revoke: %d", r.StatusCode)
			}
		}
		if r := w.e.Do("PATCH", "/api/v1/admin/tenant", w.e.Token("admin@a.example"), map[string]any{"settings": map[string]any{"retention_days": 0}}); r.StatusCode != 200 {
			t.Fatalf("retention off: %d", r.StatusCode)
		}
		if de := learner.do("GET", "/datenschutz", nil).Body; !strings.Contains(de, "Begründung und Notiz werden geleert, wenn die Kommune das deaktivierte Konto anonymisiert") {
			t.Errorf("retention 0:\n%s", de)
		}
	})
}
