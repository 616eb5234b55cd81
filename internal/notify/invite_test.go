package notify_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/wachsam/wachsam/internal/app"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/notify"
	"github.com/wachsam/wachsam/internal/testenv"
)

// unique makes addresses that no other test (or earlier run) sent mail to.
func unique(name string) string {
	return fmt.Sprintf("%s-%s@mail.example", name, uuid.NewString()[:8])
}

var linkRE = regexp.MustCompile(`https?://\S+/set-password\?token=[A-Za-z0-9_-]+`)

func TestInvitationMailCarriesAWorkingSetPasswordLink(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, smtp)
		e.StartJobs()
		tenant := e.Tenant("einladung")
		admin := unique("admin")
		e.User(&tenant, admin, "", model.RoleAdmin)
		token := e.Token(admin)

		de, en := unique("neu"), unique("new")
		for _, u := range []struct{ email, lang string }{{de, ""}, {en, "en"}} {
			body := map[string]any{"email": u.email, "name": "Kim Neu", "invite": true}
			if u.lang != "" {
				body["language"] = u.lang
			}
			res := e.Do("POST", "/api/v1/admin/users", token, body)
			if res.StatusCode != 201 || !strings.Contains(res.Body, `"invitation":"queued"`) || strings.Contains(res.Body, "set_password_url") {
				t.Fatalf("create with invite: %d %s", res.StatusCode, res.Body)
			}
		}
		msg := mailpit.WaitTo(de, 1)[0]
		if !strings.Contains(msg.Subject, "Ihr Zugang zu Wachsam") || !strings.Contains(msg.Text, "Guten Tag Kim Neu") ||
			msg.From.Address != "wachsam@test.example" || !strings.Contains(msg.HTML, `lang="de"`) {
			t.Errorf("German invitation: %q\n%s", msg.Subject, msg.Text)
		}
		link := linkRE.FindString(msg.Text)
		if link == "" || !strings.Contains(msg.HTML, link) {
			t.Fatalf("no set-password link in both parts:\n%s", msg.Text)
		}
		if got := mailpit.WaitTo(en, 1)[0]; !strings.Contains(got.Subject, "Your Wachsam account") || !strings.Contains(got.Text, "Hello Kim Neu") {
			t.Errorf("English invitation: %q\n%s", got.Subject, got.Text)
		}
		// The link opens the set-password page, and works once.
		path := link[strings.Index(link, "/set-password"):]
		if res := e.Send(httptest.NewRequest("GET", path, nil)); res.StatusCode != 200 {
			t.Fatalf("set-password page from the mail: %d", res.StatusCode)
		}
		tok := path[strings.Index(path, "token=")+len("token="):]
		if _, err := e.Srv.Identity.SetPassword(context.Background(), tok, testenv.Password); err != nil {
			t.Fatalf("set password with the mailed link: %v", err)
		}
		if _, err := e.Srv.Identity.SetPassword(context.Background(), tok, testenv.Password); err == nil {
			t.Error("the mailed link worked twice")
		}
		e.Token(de) // and the new user can sign in

		// The privacy page names the mails, and the user's data export lists theirs.
		if page := e.Send(httptest.NewRequest("GET", "/datenschutz", nil)); !strings.Contains(page.Body, "E-Mails:") || !strings.Contains(page.Body, "13 Monate") {
			t.Errorf("privacy page does not mention mails:\n%s", page.Body)
		}
		if export := e.Do("GET", "/api/v1/me/export", e.Token(de), nil); !strings.Contains(export.Body, `"kind":"invitation"`) || !strings.Contains(export.Body, `"outcome":"sent"`) {
			t.Errorf("data export lacks the invitation: %s", export.Body)
		}

		// Inviting again someone who has a password is refused with what to do instead.
		var users []model.User
		e.Do("GET", "/api/v1/admin/users?q="+de, token, nil).JSON(t, &users)
		if res := e.Do("POST", "/api/v1/admin/users/"+users[0].ID+"/invite", token, nil); res.StatusCode != 409 || !strings.Contains(res.Body, "set-password link") {
			t.Errorf("re-invite after password set: %d %s", res.StatusCode, res.Body)
		}
	})
}

func TestImportInvitesNewPeopleOnce(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, smtp)
		e.StartJobs()
		tenant := e.Tenant("import")
		hr := unique("hr")
		e.User(&tenant, hr, "", model.RoleHR)
		token := e.Token(hr)
		a, b := unique("a"), unique("b")
		csv := "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit\r\n" +
			"1;Anna;Alt;" + a + ";Bürgeramt\r\n2;Ben;Bau;" + b + ";Bauamt\r\n"
		var rep struct{ Created, Invited int }
		res := e.Do("POST", "/api/v1/admin/users/import?invite=true", token, csv)
		res.JSON(t, &rep)
		if res.StatusCode != 200 || rep.Created != 2 || rep.Invited != 2 {
			t.Fatalf("import with invitations: %d %s", res.StatusCode, res.Body)
		}
		// The same file again creates nobody and invites nobody.
		res = e.Do("POST", "/api/v1/admin/users/import?invite=true", token, csv)
		res.JSON(t, &rep)
		if rep.Created != 0 || rep.Invited != 0 {
			t.Fatalf("second import: %s", res.Body)
		}
		mailpit.WaitTo(a, 1)
		mailpit.WaitTo(b, 1)
		// A dry run queues nothing.
		c := unique("c")
		e.Do("POST", "/api/v1/admin/users/import?invite=true&dry_run=true", token, "E-Mail;Vorname;Nachname\r\n"+c+";Cem;Dry\r\n")
		e.Srv.Notify.Stop(context.Background()) //nolint:errcheck // drained: anything queued would have been sent
		for _, addr := range []string{a, b, c} {
			want := 1
			if addr == c {
				want = 0
			}
			if got := len(mailpit.To(addr)); got != want {
				t.Errorf("%s got %d invitations, want %d", addr, got, want)
			}
		}
	})
}

func TestAQueuedMailSurvivesARestartAndGoesOutOnce(t *testing.T) {
	smtp, mailpit := testenv.MailServer(t)
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, smtp) // workers not started: the process "dies" with the job queued
		tenant := e.Tenant("neustart")
		admin := unique("admin")
		e.User(&tenant, admin, "", model.RoleAdmin)
		addr := unique("restart")
		var u model.User
		e.Do("POST", "/api/v1/admin/users", e.Token(admin), map[string]any{"email": addr, "name": "Ria Start"}).JSON(t, &u)
		ctx := context.Background()
		ev := notify.Event{TenantID: tenant.ID, UserID: u.ID, Kind: notify.KindInvitation, Key: "test:" + addr}
		if ok, err := e.Srv.Notify.Queue(ctx, e.Srv.Store, ev); !ok || err != nil {
			t.Fatalf("queue: %v %v", ok, err)
		}
		if ok, err := e.Srv.Notify.Queue(ctx, e.Srv.Store, ev); ok || err != nil {
			t.Fatalf("the same event was queued twice: %v %v", ok, err)
		}
		// A new process on the same database sends it, once.
		again, err := app.NewServer(ctx, e.Srv.Config, e.Srv.Store, testenv.Logger(t), app.ServerOptions{Argon2: &testenv.CheapArgon2})
		if err != nil {
			t.Fatal(err)
		}
		restarted := &testenv.Env{T: t, Srv: again}
		restarted.StartJobs()
		mailpit.WaitTo(addr, 1)
		if err := again.Notify.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(mailpit.To(addr)); n != 1 {
			t.Errorf("%d mails for one event", n)
		}
		events, err := e.Srv.Store.MailEventsOf(ctx, u.ID)
		if err != nil || len(events) != 1 || events[0].Outcome != "sent" || events[0].SentAt == nil {
			t.Errorf("events after sending: %+v %v", events, err)
		}
	})
}
