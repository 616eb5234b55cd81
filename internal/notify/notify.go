// Package notify writes people e-mails: invitations, reminders about mandatory training and
// HR's weekly digest. Every mail starts as a row in mail_events with a unique key and a send
// job in river's durable queue, inserted in the same transaction; a worker renders and sends
// it, throttled, and records the outcome. So a mail survives a restart, and the same event is
// never queued twice.
package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/mail"
	"github.com/wachsam/wachsam/internal/store"
)

// Kinds of mail; each has a template <kind>.<lang>.tmpl in frontend/mail.
const (
	KindInvitation = "invitation"
	KindDueSoon    = "due_soon"
	KindOverdue    = "overdue"
	KindExpiring   = "certificate_expiring"
	KindDigest     = "hr_digest"
)

const queueMail = "mail"

// Options configure a Notifier.
type Options struct {
	Store     *store.Store
	Identity  *identity.Service
	Catalog   *catalog.Catalog
	Sender    mail.Sender // nil = no SMTP configured: nothing is queued, the API says so
	Templates *mail.Templates
	From      netmail.Address
	BaseURL   *url.URL
	// PerMinute caps how many mails leave per minute, so a reminder wave after a large
	// assignment does not trip the municipal mail server's limits. Default 60.
	PerMinute int
	// PollInterval is how often idle workers look for new jobs (default 1 s; tests use less).
	PollInterval time.Duration
	// ScanInterval is how often reminders are looked for (hourly in production); 0 = never
	// by itself (tests call Scan).
	ScanInterval time.Duration
	Logger       *slog.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Notifier queues and sends mail.
type Notifier struct {
	o        Options
	clock    atomic.Pointer[func() time.Time]
	client   *river.Client[*sql.Tx]
	throttle *throttle
}

// ErrDisabled is returned when a mail is asked for but no SMTP server is configured.
var ErrDisabled = errors.New("notify: e-mail is not configured (set WACHSAM_SMTP_HOST)")

func driverFor(st *store.Store) riverdriver.Driver[*sql.Tx] {
	if st.Dialect() == "pg" {
		return riverdatabasesql.New(st.SQLDB())
	}
	return riversqlite.New(st.SQLDB())
}

// Migrate creates or updates river's own tables (its job table and leader election); run
// after the store's migrations, by `serve` and `migrate`.
func Migrate(ctx context.Context, st *store.Store) error {
	m, err := rivermigrate.New(driverFor(st), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	return nil
}

// New builds a Notifier; Start runs its workers.
func New(o Options) (*Notifier, error) {
	if o.PerMinute <= 0 {
		o.PerMinute = 60
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	n := &Notifier{o: o, throttle: newThrottle(o.PerMinute)}
	n.SetClock(o.Now)
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &sendWorker{n: n}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &scanWorker{n: n}); err != nil {
		return nil, err
	}
	var periodic []*river.PeriodicJob
	if o.ScanInterval > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(o.ScanInterval),
			func() (river.JobArgs, *river.InsertOpts) { return scanArgs{}, nil },
			&river.PeriodicJobOpts{ID: "reminder_scan", RunOnStart: true}))
	}
	client, err := river.NewClient(driverFor(o.Store), &river.Config{
		Queues:            map[string]river.QueueConfig{queueMail: {MaxWorkers: 2}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     min(o.PollInterval, 100*time.Millisecond),
		Logger:            o.Logger.With("component", "jobs"),
		// Keep finished jobs a week for diagnosis; mail_events is the lasting record.
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		JobTimeout:                  2 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	n.client = client
	return n, nil
}

// SetClock replaces the clock by which workers judge whether a reminder still applies (tests
// move it forward between scans).
func (n *Notifier) SetClock(now func() time.Time) { n.clock.Store(&now) }

func (n *Notifier) now() time.Time { return (*n.clock.Load())() }

// Enabled reports whether mails can be sent.
func (n *Notifier) Enabled() bool { return n != nil && n.o.Sender != nil }

// Start runs the workers until Stop.
func (n *Notifier) Start(ctx context.Context) error {
	if !n.Enabled() {
		return nil // jobs only exist for mails; without SMTP there are none to work
	}
	return n.client.Start(ctx)
}

// Stop lets running sends finish (until ctx ends) and stops the workers.
func (n *Notifier) Stop(ctx context.Context) error {
	if !n.Enabled() {
		return nil
	}
	return n.client.Stop(ctx)
}

// Event is a mail to queue.
type Event struct {
	TenantID string
	UserID   string
	Kind     string
	// Key identifies the event among all events: the same key is queued once, ever.
	Key  string
	Data map[string]string
}

// Queue records e and its send job in one transaction (tx may already be one); it returns
// false when an event with the same key exists, and queues nothing then.
func (n *Notifier) Queue(ctx context.Context, st *store.Store, e Event) (bool, error) {
	if !n.Enabled() {
		return false, ErrDisabled
	}
	queued := false
	err := st.InTx(ctx, func(tx *store.Store) error {
		row := store.MailEvent{TenantID: e.TenantID, UserID: e.UserID, Kind: e.Kind, EventKey: e.Key, Data: e.Data}
		created, err := tx.RecordMailEvent(ctx, &row)
		if err != nil || !created {
			return err
		}
		if _, err := n.client.InsertTx(ctx, tx.SQLTx(), sendArgs{EventID: row.ID}, nil); err != nil {
			return fmt.Errorf("queue mail: %w", err)
		}
		queued = true
		return nil
	})
	return queued, err
}
