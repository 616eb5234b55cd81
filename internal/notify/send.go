package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"

	wmail "github.com/wachsam/wachsam/internal/mail"
)

// sendArgs is the job that sends one mail event.
type sendArgs struct {
	EventID string `json:"event_id"`
}

func (sendArgs) Kind() string { return "wachsam.send_mail" }

func (sendArgs) InsertOpts() river.InsertOpts {
	// River waits about attempt⁴ seconds between tries: 8 attempts span about two hours,
	// long enough for a mail server's maintenance window.
	return river.InsertOpts{Queue: queueMail, MaxAttempts: 8}
}

type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	n *Notifier
}

// Work sends the event's mail unless it already has an outcome. The outcome is written right
// after the server accepted the mail; only a crash between those two steps could send it
// again, and then with the same Message-ID, which mail systems use to drop the copy.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	n, st := w.n, w.n.o.Store
	ev, err := st.MailEventByID(ctx, job.Args.EventID)
	if errors.Is(err, model.ErrNotFound) {
		return river.JobCancel(err) // deleted by retention or with its user: nothing to send
	}
	if err != nil {
		return err
	}
	if ev.Outcome != "" {
		return nil
	}
	msg, skip, err := n.compose(ctx, ev)
	if err != nil {
		return err
	}
	if skip != "" {
		return st.FinishMailEvent(ctx, ev.ID, store.MailSkipped, skip)
	}
	if err := n.throttle.wait(ctx); err != nil {
		return err
	}
	err = n.o.Sender.Send(ctx, msg)
	var rejected *wmail.RejectedError
	switch {
	case errors.As(err, &rejected) && rejected.Permanent(), err != nil && job.Attempt >= job.MaxAttempts:
		n.o.Logger.Warn("mail not delivered", "event", ev.ID, "kind", ev.Kind, "error", err.Error())
		if ferr := st.FinishMailEvent(ctx, ev.ID, store.MailFailed, err.Error()); ferr != nil {
			return ferr
		}
		return river.JobCancel(err)
	case err != nil:
		return err // river retries with backoff
	}
	return st.FinishMailEvent(ctx, ev.ID, store.MailSent, "")
}

// compose builds the message of an event, or says why there is nothing to send any more.
func (n *Notifier) compose(ctx context.Context, ev store.MailEvent) (wmail.Message, string, error) {
	st := n.o.Store
	tenant, err := st.TenantByID(ctx, ev.TenantID)
	if err != nil {
		return wmail.Message{}, "", err
	}
	user, err := st.UserByID(ctx, store.TenantScope(ev.TenantID), ev.UserID)
	if err != nil {
		return wmail.Message{}, "", err
	}
	if !user.Active {
		return wmail.Message{}, "the user is deactivated", nil
	}
	lang := user.Language
	if lang == "" {
		lang = tenant.Settings.DefaultLanguage
	}
	v := view{Name: user.Name, Tenant: tenant.Name, BaseURL: n.o.BaseURL.String(), lang: lang}
	var skip string
	switch ev.Kind {
	case KindInvitation:
		skip, err = n.invitation(ctx, user, &v)
	default:
		skip, err = n.reminder(ctx, ev, user, tenant, &v)
	}
	if err != nil || skip != "" {
		return wmail.Message{}, skip, err
	}
	subject, text, html, err := n.o.Templates.Render(ev.Kind, lang, v)
	if err != nil {
		return wmail.Message{}, "", err
	}
	return wmail.Message{
		From: n.o.From, To: mail.Address{Name: user.Name, Address: user.Email},
		Subject: subject, Text: text, HTML: html, ID: "wachsam-" + ev.ID, Date: n.now(),
	}, "", nil
}

// invitation fills in a fresh set-password link; a link is made when the mail is sent, so a
// retried send never carries a link that an earlier attempt already used up.
func (n *Notifier) invitation(ctx context.Context, user model.User, v *view) (string, error) {
	if user.HasPassword {
		return "the user has set a password meanwhile", nil
	}
	link, err := n.o.Identity.SetPasswordLink(ctx, user.ID)
	if err != nil {
		return "", err
	}
	v.Link = link
	v.Until = v.date(n.now().Add(n.o.Identity.SetPasswordLinkTTL()))
	return "", nil
}

// view is what the templates see.
type view struct {
	Name, Tenant, BaseURL string
	Link                  string
	Until                 string // a formatted date: the link's expiry, a due date, a certificate's end
	Course                string
	Days                  int
	Digest                []DigestRow
	lang                  string
}

func (v *view) date(t time.Time) string { return model.Day(t, v.lang) }

// throttle spaces sends evenly: at most perMinute per minute across all workers.
type throttle struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newThrottle(perMinute int) *throttle {
	return &throttle{interval: time.Minute / time.Duration(perMinute)}
}

func (t *throttle) wait(ctx context.Context) error {
	t.mu.Lock()
	now := time.Now()
	at := t.next
	if at.Before(now) {
		at = now
	}
	t.next = at.Add(t.interval)
	t.mu.Unlock()
	select {
	case <-time.After(time.Until(at)):
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting to send: %w", ctx.Err())
	}
}
