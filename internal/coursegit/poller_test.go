package coursegit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// runPoller starts a Poller and returns channels of its callbacks' values.
// The Poller is stopped, and Run's return checked, when the test ends.
func runPoller(t *testing.T, r *Repo, interval time.Duration) (*Poller, <-chan string, <-chan error) {
	t.Helper()
	changes := make(chan string, 16)
	errs := make(chan error, 16)
	p := NewPoller(r, interval,
		func(ctx context.Context, commit string) {
			if r.Commit() != commit {
				t.Errorf("onChange(%s) while Commit() = %s", commit, r.Commit())
			}
			changes <- commit
		},
		func(err error) {
			select {
			case errs <- err:
			default: // the test has what it needs
			}
		})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return p, changes, errs
}

func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestPollerNoticesNewCommits(t *testing.T) {
	up := newUpstream(t, courseTree)
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})
	_, changes, errs := runPoller(t, r, 20*time.Millisecond)

	if got, want := waitFor(t, changes, "initial onChange"), up.git("rev-parse", "HEAD"); got != want {
		t.Fatalf("initial onChange(%s), want %s", got, want)
	}
	second := up.commit("neu", map[string]string{"neu/course.md": "# Neu\n"})
	if got := waitFor(t, changes, "onChange after push"); got != second {
		t.Fatalf("onChange(%s), want %s", got, second)
	}
	// Polls that find nothing new stay quiet.
	select {
	case c := <-changes:
		t.Fatalf("onChange(%s) without a new commit", c)
	case err := <-errs:
		t.Fatalf("onError(%v)", err)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestPollerOnChangeOnceAfterStartWithExistingCheckout(t *testing.T) {
	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	want, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	// A restart: the first Update finds nothing new but must still load.
	_, changes, _ := runPoller(t, Open(Config{URL: up.bare, Dir: dir}), time.Hour)
	if got := waitFor(t, changes, "initial onChange"); got != want {
		t.Fatalf("onChange(%s), want %s", got, want)
	}
}

func TestPollerTrigger(t *testing.T) {
	up := newUpstream(t, courseTree)
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})
	// An hour: only the start and Trigger can cause an Update here.
	p, changes, _ := runPoller(t, r, time.Hour)
	waitFor(t, changes, "initial onChange")

	second := up.commit("per Webhook", map[string]string{"webhook/course.md": "# Webhook\n"})
	p.Trigger()
	if got := waitFor(t, changes, "onChange after Trigger"); got != second {
		t.Fatalf("onChange(%s), want %s", got, second)
	}
	readFile(t, r.FS(), "webhook/course.md")
}

func TestPollerTriggerWithoutInterval(t *testing.T) {
	up := newUpstream(t, courseTree)
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})
	p, changes, _ := runPoller(t, r, 0) // webhook only
	waitFor(t, changes, "initial onChange")
	second := up.commit("per Webhook", map[string]string{"webhook/course.md": "# Webhook\n"})
	for i := 0; i < 100; i++ { // a burst of deliveries coalesces
		p.Trigger()
	}
	if got := waitFor(t, changes, "onChange after Trigger"); got != second {
		t.Fatalf("onChange(%s), want %s", got, second)
	}
}

func TestTriggerNeverBlocks(t *testing.T) {
	p := NewPoller(Open(Config{URL: "/nirgends", Dir: t.TempDir()}), time.Hour, nil, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 1000; i++ {
			p.Trigger() // Run is not running: nobody drains the channel
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Trigger blocked")
	}
}

func TestPollerReportsErrorsAndRecovers(t *testing.T) {
	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	r := Open(Config{URL: up.bare, Branch: "noch-nicht-da", Dir: dir})
	p, changes, errs := runPoller(t, r, time.Hour)

	if err := waitFor(t, errs, "onError"); !errors.Is(err, ErrBranchNotFound) {
		t.Fatalf("onError(%v), want ErrBranchNotFound", err)
	}
	// The author creates the branch; the next Update succeeds and, being the
	// first successful one, calls onChange.
	up.git("checkout", "-q", "-b", "noch-nicht-da")
	tip := up.commit("jetzt da", map[string]string{"da/course.md": "# Da\n"})
	p.Trigger()
	if got := waitFor(t, changes, "onChange after recovery"); got != tip {
		t.Fatalf("onChange(%s), want %s", got, tip)
	}
}

func TestPollerRunReturnsOnCancel(t *testing.T) {
	up := newUpstream(t, courseTree)
	r := Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")})
	var errCount int
	p := NewPoller(r, 10*time.Millisecond, nil, func(error) { errCount++ })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx)
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if errCount != 0 {
		t.Fatalf("%d errors reported; cancellation is not an error", errCount)
	}
	// Run on an already cancelled context returns at once, without Update.
	p2 := NewPoller(Open(Config{URL: up.bare, Dir: filepath.Join(t.TempDir(), "wc")}), time.Hour,
		func(context.Context, string) { t.Error("onChange on a cancelled context") }, nil)
	p2.Run(ctx)
}

func TestPollerServesOldCheckoutWhileHostIsDown(t *testing.T) {
	up := newUpstream(t, courseTree)
	dir := filepath.Join(t.TempDir(), "wc")
	want, _, err := Open(Config{URL: up.bare, Dir: dir}).Update(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	// The host is gone when Wachsam restarts.
	if err := os.Rename(up.bare, up.bare+".weg"); err != nil {
		t.Fatal(err)
	}
	r := Open(Config{URL: up.bare, Dir: dir})
	p, changes, errs := runPoller(t, r, time.Hour)
	if err := waitFor(t, errs, "onError"); !errors.Is(err, ErrRepoNotFound) {
		t.Fatalf("onError(%v), want ErrRepoNotFound", err)
	}
	if got := waitFor(t, changes, "onChange with the old checkout"); got != want {
		t.Fatalf("onChange(%s), want %s", got, want)
	}
	// Back again with nothing new: no second onChange for the same commit.
	if err := os.Rename(up.bare+".weg", up.bare); err != nil {
		t.Fatal(err)
	}
	p.Trigger()
	select {
	case c := <-changes:
		t.Fatalf("onChange(%s) again", c)
	case <-time.After(500 * time.Millisecond):
	}
	next := up.commit("wieder da", map[string]string{"neu/course.md": "# Neu\n"})
	p.Trigger()
	if got := waitFor(t, changes, "onChange after recovery"); got != next {
		t.Fatalf("onChange(%s), want %s", got, next)
	}
}
