package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// scanAt runs a reminder scan as if it were t, and lets the workers judge by t too.
func scanAt(tb testing.TB, e *testenv.Env, t time.Time) int {
	tb.Helper()
	e.Srv.Notify.SetClock(func() time.Time { return t })
	res, err := e.Srv.Notify.Scan(context.Background(), t)
	if err != nil {
		tb.Fatalf("scan at %s: %v", t, err)
	}
	return res.Queued
}

func TestRemindersGoOutOncePerStepAndWeek(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, smtp, testenv.CourseTree(nil))
		e.StartJobs()
		tenant := e.Tenant("erinnern")
		hr := unique("admin") // an admin, not hr: no weekly digest whatever weekday the scans fall on
		e.User(&tenant, hr, "", model.RoleAdmin)
		de, en := unique("lerner"), unique("learner")
		u := e.User(&tenant, de, "Bürgeramt", model.RoleLearner)
		uEN := e.User(&tenant, en, "Bürgeramt", model.RoleLearner)
		if r := e.Do("PATCH", "/api/v1/me", e.Token(en), map[string]any{"language": "en"}); r.StatusCode != 200 {
			t.Fatalf("set language: %d %s", r.StatusCode, r.Body)
		}
		token := e.Token(hr)
		for _, id := range []string{u.ID, uEN.ID} {
			if r := e.Do("POST", "/api/v1/admin/assignments", token, map[string]any{"course": "basis", "user_id": id, "due_in_days": 10}); r.StatusCode != 201 {
				t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
			}
		}
		start := time.Now()
		due := start.AddDate(0, 0, 10)

		// Ten days ahead is within the 14-day step: one reminder each, and a second scan adds nothing.
		if n := scanAt(t, e, start); n != 2 {
			t.Fatalf("first scan queued %d, want 2", n)
		}
		if n := scanAt(t, e, start.Add(time.Hour)); n != 0 {
			t.Fatalf("a second scan queued %d", n)
		}
		msg := mailpit.WaitTo(de, 1)[0]
		if !strings.Contains(msg.Subject, "Pflichtschulung fällig am") || !strings.Contains(msg.Subject, "Grundlagen") ||
			!strings.Contains(msg.Text, "/courses/basis") {
			t.Errorf("due-soon mail: %q\n%s", msg.Subject, msg.Text)
		}
		if got := mailpit.WaitTo(en, 1)[0]; !strings.Contains(got.Subject, "Mandatory training due on") || !strings.Contains(got.Subject, "Basics") {
			t.Errorf("English due-soon mail: %q", got.Subject)
		}
		// The 7-day and the 1-day step, each once.
		if n := scanAt(t, e, due.Add(-6*24*time.Hour)); n != 2 {
			t.Errorf("7-day step queued %d", n)
		}
		if n := scanAt(t, e, due.Add(-12*time.Hour)); n != 2 {
			t.Errorf("1-day step queued %d", n)
		}
		mailpit.WaitTo(de, 3)

		// The English learner finishes; only the other becomes overdue, reminded weekly.
		e.PassCourse(e.Token(en), "basis")
		if n := scanAt(t, e, due.Add(time.Hour)); n != 1 {
			t.Errorf("overdue scan queued %d, want 1", n)
		}
		if n := scanAt(t, e, due.Add(3*24*time.Hour)); n != 0 {
			t.Errorf("overdue again within the week: %d", n)
		}
		if n := scanAt(t, e, due.Add(8*24*time.Hour)); n != 1 {
			t.Errorf("second overdue week queued %d", n)
		}
		msgs := mailpit.WaitTo(de, 5)
		if !strings.Contains(msgs[0].Subject, "Überfällig seit") {
			t.Errorf("overdue mail: %q", msgs[0].Subject)
		}
		// 30 days before the English learner's certificate ends: one warning.
		expiry := start.AddDate(1, 0, 0)
		if n := scanAt(t, e, expiry.AddDate(0, 0, -20)); n < 1 {
			t.Errorf("expiry warning queued %d", n)
		}
		got := mailpit.WaitTo(en, 4)
		if !strings.Contains(got[0].Subject, "expires on") {
			t.Errorf("expiry mail: %q", got[0].Subject)
		}
		if n := len(mailpit.To(en)); n != 4 {
			t.Errorf("the finished learner got %d mails, want 4 (14, 7, 1 days, expiry)", n)
		}
	})
}

func TestReminderSkipsWhatNoLongerApplies(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, smtp, testenv.CourseTree(nil))
		tenant := e.Tenant("skip")
		hr := unique("admin")
		e.User(&tenant, hr, "", model.RoleAdmin)
		addr := unique("fertig")
		u := e.User(&tenant, addr, "", model.RoleLearner)
		token := e.Token(hr)
		e.Do("POST", "/api/v1/admin/assignments", token, map[string]any{"course": "basis", "user_id": u.ID, "due_in_days": 3})
		// Queued while the workers are down; done before they come back: nothing is sent.
		if n := scanAt(t, e, time.Now()); n != 1 {
			t.Fatalf("queued %d", n)
		}
		e.PassCourse(e.Token(addr), "basis")
		e.StartJobs()
		deadline := time.Now().Add(10 * time.Second)
		for {
			events, err := e.Srv.Store.MailEventsOf(context.Background(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) == 1 && events[0].Outcome != "" {
				if events[0].Outcome != "skipped" || !strings.Contains(events[0].Error, "completed") {
					t.Errorf("event: %+v", events[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the event was not worked: %+v", events)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := len(mailpit.To(addr)); n != 0 {
			t.Errorf("%d mails about a finished course", n)
		}
		// Switched off by the municipality: the scan does not look at it.
		if r := e.Do("PATCH", "/api/v1/admin/tenant", e.Token(hr), map[string]any{"settings": map[string]any{"reminder_mails": false}}); r.StatusCode != 200 {
			t.Fatalf("switch reminders off: %d %s", r.StatusCode, r.Body)
		}
		res, err := e.Srv.Notify.Scan(context.Background(), time.Now().AddDate(0, 0, 10))
		if err != nil || res.Tenants != 0 || res.Queued != 0 {
			t.Errorf("scan with reminders off: %+v %v", res, err)
		}
	})
}

func TestHRDigestWeeklyWithoutSmallGroups(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, smtp, testenv.CourseTree(nil))
		e.StartJobs()
		tenant := e.Tenant("digest")
		hr := unique("hr")
		e.User(&tenant, hr, "", model.RoleHR)
		for i := 0; i < 3; i++ { // fewer than the minimum group size of 5
			e.User(&tenant, unique("staff"), "Bauamt", model.RoleLearner)
		}
		// Due long after the Mondays below, so the scans find the digest only.
		if r := e.Do("POST", "/api/v1/admin/assignments", e.Token(hr), map[string]any{"course": "basis", "due_date": "2027-12-31"}); r.StatusCode != 201 {
			t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
		}
		monday := time.Date(2027, 1, 4, 8, 0, 0, 0, model.Berlin) // a Monday, 08:00
		if n := scanAt(t, e, monday.Add(-24*time.Hour)); n != 0 {
			t.Errorf("Sunday queued %d", n)
		}
		if n := scanAt(t, e, monday); n != 1 {
			t.Fatalf("Monday queued %d", n)
		}
		if n := scanAt(t, e, monday.Add(2*time.Hour)); n != 0 {
			t.Errorf("second Monday scan queued %d", n)
		}
		msg := mailpit.WaitTo(hr, 1)[0]
		if !strings.Contains(msg.Subject, "Wochenübersicht") || !strings.Contains(msg.Text, "Grundlagen") ||
			!strings.Contains(msg.Text, "Mindestgruppengröße") || strings.Contains(msg.Text, "von 4") {
			t.Errorf("digest: %q\n%s", msg.Subject, msg.Text)
		}
		if n := scanAt(t, e, monday.AddDate(0, 0, 7)); n != 1 {
			t.Errorf("next week's digest not queued")
		}
		mailpit.WaitTo(hr, 2)
	})
}
