package coursegit

import (
	"context"
	"time"
)

// Poller keeps a Repo up to date: it runs Update at start, on an interval
// and on Trigger (for instance from a push webhook), one Update at a time.
type Poller struct {
	r        *Repo
	interval time.Duration
	onChange func(ctx context.Context, commit string)
	onError  func(error)

	// trigger holds at most one pending request: triggers that arrive while
	// one is pending or an Update runs fold into a single further Update,
	// which sees every push made before it starts.
	trigger chan struct{}
}

// NewPoller returns a Poller for r. interval <= 0 disables polling, leaving
// the start and Trigger as the only updates (webhook only).
//
// onChange is called with the commit now in r.FS() whenever that differs
// from the one it was last called with: after an Update that changed it,
// after the first successful Update in any case (so the caller loads the
// initial tree), and, if the first Update fails but a checkout from an
// earlier run is on disk, with that checkout's commit (so a restart while
// the git host is down still serves courses). It runs on the Run goroutine,
// so no Update overlaps it and it can read r.FS() safely.
//
// onError receives each failed Update's error; the previous checkout stays
// in place. Either callback may be nil.
func NewPoller(r *Repo, interval time.Duration, onChange func(ctx context.Context, commit string), onError func(error)) *Poller {
	return &Poller{
		r:        r,
		interval: interval,
		onChange: onChange,
		onError:  onError,
		trigger:  make(chan struct{}, 1),
	}
}

// Trigger asks for an Update as soon as possible. It never blocks, and may
// be called before Run starts or after it returns.
func (p *Poller) Trigger() {
	select {
	case p.trigger <- struct{}{}:
	default: // an Update is already pending
	}
}

// Run updates at once, then on every tick and Trigger until ctx ends. It
// returns when ctx is done (after an Update in progress gives up). Call Run
// once per Poller.
func (p *Poller) Run(ctx context.Context) {
	var tick <-chan time.Time
	var ticker *time.Ticker
	if p.interval > 0 {
		ticker = time.NewTicker(p.interval)
		defer ticker.Stop()
		tick = ticker.C
	}
	delivered := "" // the commit onChange was last called with
	deliver := func(commit string) {
		if commit == "" || commit == delivered {
			return
		}
		delivered = commit
		if p.onChange != nil {
			p.onChange(ctx, commit)
		}
	}
	update := func() {
		commit, _, err := p.r.Update(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return // shutting down is no failure
			}
			if p.onError != nil {
				p.onError(err)
			}
			// While the host is unreachable after a restart, serve the
			// checkout an earlier run left on disk rather than nothing.
			deliver(p.r.Commit())
			return
		}
		// Comparing with what was delivered, rather than using Update's
		// changed, also catches the first Update after a restart (unchanged,
		// but never loaded) and Updates made outside the Poller.
		deliver(commit)
	}

	update()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-p.trigger:
		}
		if ctx.Err() != nil {
			return
		}
		update()
		if ticker != nil {
			// Count the interval from the last Update, so a webhook is not
			// followed by a needless poll moments later.
			ticker.Reset(p.interval)
		}
	}
}
