package notify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Reminder rules. A due-soon reminder goes out once per step (14, 7 and 1 days before the due
// date, or the next step when someone is assigned late); an overdue one once per week of
// lateness; a certificate warning once, 30 days before it ends; HR's digest once per ISO week,
// from Monday 07:00 (Berlin).
var dueSoonSteps = []int{14, 7, 1}

const (
	expiringWindow = 30 * 24 * time.Hour
	overdueHorizon = 365 * 24 * time.Hour // older debts are HR's matter (the digest), not mail
	digestHour     = 7
	mailRetention  = 396 * day // 13 months
	day            = 24 * time.Hour
)

// scanArgs is the periodic job that finds reminders to send.
type scanArgs struct{}

func (scanArgs) Kind() string { return "wachsam.reminder_scan" }

func (scanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueMail, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

type scanWorker struct {
	river.WorkerDefaults[scanArgs]
	n *Notifier
}

func (w *scanWorker) Work(ctx context.Context, _ *river.Job[scanArgs]) error {
	res, err := w.n.Scan(ctx, w.n.now())
	if err == nil && res.Queued > 0 {
		w.n.o.Logger.Info("reminders queued", "queued", res.Queued, "tenants", res.Tenants)
	}
	return err
}

// ScanResult counts what a scan did.
type ScanResult struct {
	Tenants int // tenants with reminders switched on
	Queued  int // new mail events
}

// Scan queues every reminder and digest that is due at now and not queued before. It runs
// hourly on one instance (river elects a leader for periodic jobs); running it more often or
// twice queues nothing new, since every event's key is recorded once.
func (n *Notifier) Scan(ctx context.Context, now time.Time) (ScanResult, error) {
	var res ScanResult
	if !n.Enabled() {
		return res, ErrDisabled
	}
	// Events are kept 13 months: long enough to show that someone was reminded, in the
	// user's data export and for HR's questions; the privacy page says so.
	if _, err := n.o.Store.DeleteMailEventsBefore(ctx, now.Add(-mailRetention)); err != nil {
		return res, err
	}
	tenants, err := n.o.Store.ListTenants(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range tenants {
		if !t.Settings.ReminderMails {
			continue
		}
		res.Tenants++
		queued, err := n.scanTenant(ctx, t, now)
		res.Queued += queued
		if err != nil {
			return res, fmt.Errorf("reminders for %s: %w", t.Slug, err)
		}
	}
	return res, nil
}

// scanPage is how many obligations a scan reads, and writes events for, at a time: a large
// municipality with many people overdue is scanned in pages, never held in memory whole.
const scanPage = 2000

// scanTenant queues the reminders a tenant's staff are due at now, page by page.
func (n *Notifier) scanTenant(ctx context.Context, t model.Tenant, now time.Time) (int, error) {
	st, scope := n.o.Store, store.TenantScope(t.ID)
	event := func(o store.Obligation, kind string, at time.Time, key string, extra ...string) Event {
		data := map[string]string{"course_id": o.CourseID, "at": at.UTC().Format(time.RFC3339Nano)}
		for i := 0; i+1 < len(extra); i += 2 {
			data[extra[i]] = extra[i+1]
		}
		return Event{TenantID: t.ID, UserID: o.UserID, Kind: kind, Key: key, Data: data}
	}
	type pass struct {
		read func(store.ObligationPage) ([]store.Obligation, error)
		make func(store.Obligation) Event
	}
	passes := []pass{
		{ // due soon: 14, 7 and 1 day ahead
			read: func(p store.ObligationPage) ([]store.Obligation, error) {
				return st.ObligationsDuePage(ctx, scope, now, now.Add(time.Duration(dueSoonSteps[0])*day), now, p)
			},
			make: func(o store.Obligation) Event {
				step := dueSoonStep(o.DueAt.Sub(now))
				return event(o, KindDueSoon, o.DueAt, fmt.Sprintf("%s:%s:%s:%d:%d", KindDueSoon, o.UserID, o.CourseID, o.DueAt.Unix(), step), "step", strconv.Itoa(step))
			},
		},
		{ // overdue: once per week of lateness
			read: func(p store.ObligationPage) ([]store.Obligation, error) {
				return st.ObligationsDuePage(ctx, scope, now.Add(-overdueHorizon), now, now, p)
			},
			make: func(o store.Obligation) Event {
				week := int(now.Sub(o.DueAt) / (7 * day))
				return event(o, KindOverdue, o.DueAt, fmt.Sprintf("%s:%s:%s:%d:w%d", KindOverdue, o.UserID, o.CourseID, o.DueAt.Unix(), week))
			},
		},
		{ // a completion that stops counting within 30 days
			read: func(p store.ObligationPage) ([]store.Obligation, error) {
				return st.ObligationsExpiringPage(ctx, scope, now, now.Add(expiringWindow), now, p)
			},
			make: func(o store.Obligation) Event {
				return event(o, KindExpiring, *o.ValidUntil, fmt.Sprintf("%s:%s:%s:%d", KindExpiring, o.UserID, o.CourseID, o.ValidUntil.Unix()))
			},
		},
	}
	queued := 0
	for _, ps := range passes {
		page := store.ObligationPage{Limit: scanPage}
		for {
			rows, err := ps.read(page)
			if err != nil {
				return queued, err
			}
			events := make([]Event, len(rows))
			for i, o := range rows {
				events[i] = ps.make(o)
			}
			q, err := n.queueNew(ctx, events)
			queued += q
			if err != nil {
				return queued, err
			}
			var more bool
			if page, more = page.Next(rows); !more {
				break
			}
		}
	}
	if local := now.In(model.Berlin); local.Weekday() == time.Monday && local.Hour() >= digestHour {
		year, week := local.ISOWeek()
		hr, err := st.ActiveUsersWithRole(ctx, t.ID, model.RoleHR)
		if err != nil {
			return queued, err
		}
		var events []Event
		for _, u := range hr {
			events = append(events, Event{TenantID: t.ID, UserID: u.ID, Kind: KindDigest, Key: fmt.Sprintf("%s:%s:%d-W%02d", KindDigest, u.ID, year, week)})
		}
		q, err := n.queueNew(ctx, events)
		queued += q
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// dueSoonStep is the reminder step for a due date left days away: 14, 7 or 1.
func dueSoonStep(left time.Duration) int {
	step := dueSoonSteps[0]
	for _, s := range dueSoonSteps {
		if left < time.Duration(s)*day {
			step = s
		}
	}
	return step
}

// queueNew records the events whose keys are new and queues their sends, in one transaction.
// Which keys exist is asked first, so an hourly scan writes only what is new.
func (n *Notifier) queueNew(ctx context.Context, events []Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	keys := make([]string, len(events))
	for i, e := range events {
		keys[i] = e.Key
	}
	known, err := n.o.Store.KnownMailEventKeys(ctx, keys)
	if err != nil {
		return 0, err
	}
	queued := 0
	err = n.o.Store.InTx(ctx, func(tx *store.Store) error {
		var params []river.InsertManyParams
		for _, e := range events {
			if known[e.Key] {
				continue
			}
			row := store.MailEvent{TenantID: e.TenantID, UserID: e.UserID, Kind: e.Kind, EventKey: e.Key, Data: e.Data}
			created, err := tx.RecordMailEvent(ctx, &row)
			if err != nil {
				return err
			}
			if created {
				params = append(params, river.InsertManyParams{Args: sendArgs{EventID: row.ID}})
			}
		}
		for start := 0; start < len(params); start += 1000 {
			if _, err := n.client.InsertManyFastTx(ctx, tx.SQLTx(), params[start:min(start+1000, len(params))]); err != nil {
				return fmt.Errorf("queue reminders: %w", err)
			}
		}
		queued = len(params)
		return nil
	})
	return queued, err
}

// reminder fills in a reminder or digest, or says why it is not worth sending any more: the
// course was done meanwhile, its due date moved (a new reminder will follow), the person was
// exempted, or the tenant switched reminders off.
func (n *Notifier) reminder(ctx context.Context, ev store.MailEvent, user model.User, tenant model.Tenant, v *view) (string, error) {
	if !tenant.Settings.ReminderMails {
		return "the municipality switched reminders off", nil
	}
	now := n.now()
	if ev.Kind == KindDigest {
		return n.digest(ctx, user, tenant, v, now)
	}
	at, err := time.Parse(time.RFC3339Nano, ev.Data["at"])
	if err != nil {
		return "", fmt.Errorf("mail event %s: %w", ev.ID, err)
	}
	obligations, err := n.o.Store.UserObligations(ctx, user.ID, now)
	if err != nil {
		return "", err
	}
	var ob *store.Obligation
	for i := range obligations {
		if obligations[i].CourseID == ev.Data["course_id"] {
			ob = &obligations[i]
		}
	}
	if ob == nil || ob.State == store.ObligationExempt {
		return "the course is no longer mandatory for the user", nil
	}
	switch ev.Kind {
	case KindDueSoon, KindOverdue:
		if ob.CompletedAt != nil && !ob.CompletedAt.Before(ev.CreatedAt) {
			return "the course was completed meanwhile", nil
		}
		if !ob.DueAt.Equal(at) {
			return "the due date has changed", nil
		}
	case KindExpiring:
		if ob.ValidUntil == nil || !ob.ValidUntil.Equal(at) {
			return "the course was renewed meanwhile", nil
		}
	default:
		return "", fmt.Errorf("notify: unknown mail kind %q", ev.Kind)
	}
	entry, err := n.o.Catalog.Get(ob.CourseSlug, true)
	if err != nil {
		return "the course is no longer published", nil
	}
	v.Course = entry.Course.TextFor(v.lang).Title
	v.Link = n.o.BaseURL.String() + "/courses/" + ob.CourseSlug
	v.Until = v.date(at)
	v.Days = int(at.Sub(now).Round(day) / day)
	if v.Days < 0 {
		v.Days = -v.Days
	}
	return "", nil
}

// DigestRow is one course in HR's weekly digest.
type DigestRow struct {
	Course                             string
	Assigned, Completed, Overdue, Rate int
	Suppressed                         bool
}

// digest fills in HR's weekly overview: per mandatory course the municipality's totals, with
// groups under the minimum size suppressed as in every report. No names: the named lists
// stay behind the login, where each access is audited.
func (n *Notifier) digest(ctx context.Context, user model.User, tenant model.Tenant, v *view, now time.Time) (string, error) {
	if !user.HasRole(model.RoleHR) {
		return "the user is no longer in HR", nil
	}
	counts, err := n.o.Store.ObligationCounts(ctx, tenant.ID, nil, now)
	if err != nil {
		return "", err
	}
	byCourse := map[string]*DigestRow{}
	var order []string
	for _, c := range counts {
		r, ok := byCourse[c.CourseID]
		if !ok {
			r = &DigestRow{}
			byCourse[c.CourseID] = r
			order = append(order, c.CourseID)
		}
		r.Assigned += c.Assigned
		r.Completed += c.Completed
		r.Overdue += c.Overdue
	}
	if len(order) == 0 {
		return "no mandatory training is assigned", nil
	}
	titles := map[string]string{}
	for _, e := range n.o.Catalog.List(true) {
		titles[e.CourseID] = e.Course.TextFor(v.lang).Title
	}
	for _, id := range order {
		r := byCourse[id]
		r.Course = titles[id]
		if r.Course == "" {
			continue // archived course
		}
		if r.Assigned < tenant.Settings.MinGroupSize {
			*r = DigestRow{Course: r.Course, Suppressed: true}
		} else {
			r.Rate = r.Completed * 100 / r.Assigned
		}
		v.Digest = append(v.Digest, *r)
	}
	v.Link = n.o.BaseURL.String()
	return "", nil
}
