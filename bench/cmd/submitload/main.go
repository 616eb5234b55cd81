// Command submitload is the quiz-submission benchmark behind bench/submit.sh. Against a running
// wachsam on PostgreSQL it
//
//  1. creates -n learners with SQL (much faster than the API; see cheapHash),
//  2. signs each in through the API (POST /api/v1/auth/login),
//  3. starts one quiz attempt per learner in every course of -burst-course and -tps-courses
//     (POST /api/v1/courses/{slug}/attempts),
//  4. throughput: submits the -tps-courses attempts with -tps-concurrency workers over
//     keep-alive connections and reports submits per second,
//  5. burst: submits the -burst-course attempts (one per learner) all at the same moment, each
//     on its own connection, and checks that every answer is 200,
//  6. verifies in the database that every submitted attempt has submitted_at set.
//
// It prints RESULT lines (key=value) that bench/submit.sh collects, and exits non-zero if any
// submission failed or went missing.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/argon2"
)

type options struct {
	base, dsn, tenant     string
	n                     int
	burstCourse           string
	tpsCourses            []string
	tpsConcurrency        int
	prepConcurrency       int
	emailPrefix, password string
	timeout               time.Duration
	pprof, profilePrefix  string
	profileSeconds        int
	serverPID             int
}

func main() {
	var o options
	var tps string
	flag.StringVar(&o.base, "base", "http://127.0.0.1:8080", "wachsam base URL")
	flag.StringVar(&o.dsn, "dsn", "", "PostgreSQL URL of wachsam's database (to create learners and verify)")
	flag.StringVar(&o.tenant, "tenant", "bench", "slug of the municipality the learners belong to")
	flag.IntVar(&o.n, "n", 2000, "learners = concurrent submissions in the burst")
	flag.StringVar(&o.burstCourse, "burst-course", "phishing-erkennen", "course whose attempts are submitted all at once")
	flag.StringVar(&tps, "tps-courses", "datenschutz-alltag,mobiles-arbeiten", "courses whose attempts measure throughput (comma-separated; empty = skip)")
	flag.IntVar(&o.tpsConcurrency, "tps-concurrency", 32, "concurrent submitters in the throughput phase")
	flag.IntVar(&o.prepConcurrency, "prep-concurrency", 16, "concurrency of logins and attempt starts")
	flag.StringVar(&o.emailPrefix, "email-prefix", "bench-learner-", "e-mail prefix of the created learners")
	flag.StringVar(&o.password, "password", "bench-password-0", "password of the created learners")
	flag.DurationVar(&o.timeout, "timeout", 120*time.Second, "per-request timeout")
	flag.StringVar(&o.pprof, "pprof", "", "base URL of the server's net/http/pprof (bench/cmd/wachsam-pprof); empty = no profiles")
	flag.StringVar(&o.profilePrefix, "profile-prefix", "submit", "profiles go to PREFIX-tps.cpu.pprof and PREFIX-burst.cpu.pprof")
	flag.IntVar(&o.profileSeconds, "profile-seconds", 6, "length of the CPU profile of the throughput phase")
	flag.IntVar(&o.serverPID, "server-pid", 0, "wachsam's process id, to report its CPU time per submission (0 = don't)")
	printHash := flag.Bool("print-hash", false, "print a cheap password hash for -password (see cheapHash) and exit")
	flag.Parse()
	if *printHash {
		fmt.Println(cheapHash(o.password))
		return
	}
	for _, s := range strings.Split(tps, ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.tpsCourses = append(o.tpsCourses, s)
		}
	}
	if o.dsn == "" {
		fail("-dsn is required")
	}
	if err := run(context.Background(), o); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "submitload: "+msg)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "submitload: "+format+"\n", args...)
}

type learner struct {
	email, token string
	attempts     map[string]*attempt // by course slug
}

type attempt struct {
	id   string
	body []byte // the submit body: the first option of every question
}

func run(ctx context.Context, o options) error {
	db, err := pgx.Connect(ctx, o.dsn)
	if err != nil {
		return fmt.Errorf("connect to the database: %w", err)
	}
	defer db.Close(ctx)

	t0 := time.Now()
	learners, err := createLearners(ctx, db, o)
	if err != nil {
		return err
	}
	logf("created %d learners with SQL in %s", len(learners), time.Since(t0).Round(time.Millisecond))

	prep := newClient(o.prepConcurrency, o.timeout)
	t0 = time.Now()
	if err := forAll(learners, o.prepConcurrency, func(l *learner) error { return login(prep, o, l) }); err != nil {
		return err
	}
	logf("signed in %d learners in %s", len(learners), time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	courses := append([]string{o.burstCourse}, o.tpsCourses...)
	if err := forAll(learners, o.prepConcurrency, func(l *learner) error {
		for _, slug := range courses {
			a, err := startAttempt(prep, o, l, slug)
			if err != nil {
				return err
			}
			l.attempts[slug] = a
		}
		return nil
	}); err != nil {
		return err
	}
	started := len(learners) * len(courses)
	logf("started %d attempts in %s (%.0f/s)", started, time.Since(t0).Round(time.Millisecond), float64(started)/time.Since(t0).Seconds())
	prep.CloseIdleConnections()

	var submitted []string // attempt ids answered 200
	failed := 0

	// Throughput: a fixed pool of keep-alive connections, like pgbench's clients.
	if len(o.tpsCourses) > 0 {
		var jobs []*learnerAttempt
		for _, l := range learners {
			for _, slug := range o.tpsCourses {
				jobs = append(jobs, &learnerAttempt{l, l.attempts[slug]})
			}
		}
		before := sample(ctx, db, o.serverPID)
		prof := profileCPU(o, "tps", o.profileSeconds)
		res := submitAll(newClient(o.tpsConcurrency, o.timeout), o, jobs, o.tpsConcurrency, false)
		after := sample(ctx, db, o.serverPID)
		prof.Wait()
		submitted = append(submitted, res.ok...)
		failed += res.failed()
		n := float64(len(jobs))
		fmt.Printf("RESULT submit_tps=%.1f submits=%d ok=%d errors=%d concurrency=%d seconds=%.2f p50_ms=%.1f p99_ms=%.1f statuses=%s"+
			" wachsam_cpu_us_per_submit=%.0f postgres_cpu_us_per_submit=%.0f db_xacts_per_submit=%.2f db_rows_read_per_submit=%.1f\n",
			float64(len(res.ok))/res.elapsed.Seconds(), len(jobs), len(res.ok), res.failed(), o.tpsConcurrency, res.elapsed.Seconds(),
			res.percentile(50), res.percentile(99), res.statusString(),
			(after.server-before.server).Seconds()*1e6/n, after.backends.Sub(before.backends).Seconds()*1e6/n,
			float64(after.xacts-before.xacts)/n, float64(after.rows-before.rows)/n)
	}

	// Burst: every learner submits at the same moment, each on a connection of its own.
	var jobs []*learnerAttempt
	for _, l := range learners {
		jobs = append(jobs, &learnerAttempt{l, l.attempts[o.burstCourse]})
	}
	burstClient := newClient(len(jobs), o.timeout)
	res := submitAll(burstClient, o, jobs, len(jobs), true)
	submitted = append(submitted, res.ok...)
	failed += res.failed()
	burstIDs := make([]string, len(jobs))
	for i, j := range jobs {
		burstIDs[i] = j.a.id
	}
	var inDB int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM quiz_attempts WHERE id = ANY($1::uuid[]) AND submitted_at IS NOT NULL`, burstIDs).Scan(&inDB); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	fmt.Printf("RESULT burst_submissions=%d burst_ok=%d burst_errors=%d burst_submitted_in_db=%d burst_seconds=%.2f burst_tps=%.1f burst_p50_ms=%.1f burst_p99_ms=%.1f burst_max_ms=%.1f burst_statuses=%s\n",
		len(jobs), len(res.ok), res.failed(), inDB, res.elapsed.Seconds(), float64(len(res.ok))/res.elapsed.Seconds(),
		res.percentile(50), res.percentile(99), res.percentile(100), res.statusString())

	// Everything answered 200 must be in the database exactly once, and nothing else.
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM quiz_attempts a JOIN users u ON u.id = a.user_id
		WHERE u.email LIKE $1 AND a.submitted_at IS NOT NULL`, o.emailPrefix+"%").Scan(&total); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	fmt.Printf("RESULT submitted_ok_total=%d submitted_in_db_total=%d\n", len(submitted), total)
	switch {
	case failed > 0:
		return fmt.Errorf("%d submissions failed", failed)
	case inDB != len(jobs):
		return fmt.Errorf("only %d of %d burst attempts are submitted in the database", inDB, len(jobs))
	case total != len(submitted):
		return fmt.Errorf("%d submissions answered 200 but %d attempts are submitted in the database", len(submitted), total)
	}
	return nil
}

// cheapHash is an argon2id hash in the PHC format wachsam stores, with the smallest cost
// parameters. Wachsam reads the parameters from the stored hash (so that they can be raised
// later), so these learners sign in in microseconds instead of the ~70 ms of the default
// 19 MiB/t=2 — signing in is not what this benchmark measures. Learners created through the CLI
// or API always get the default cost.
func cheapHash(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, 1, 64, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func createLearners(ctx context.Context, db *pgx.Conn, o options) ([]*learner, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	var tenantID string
	if err := tx.QueryRow(ctx, `SELECT id FROM tenants WHERE slug = $1`, o.tenant).Scan(&tenantID); err != nil {
		return nil, fmt.Errorf("find municipality %q: %w", o.tenant, err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO users (id, tenant_id, email, name, active, password_hash, created_at, updated_at)
		SELECT gen_random_uuid(), $1, $2 || i || '@bench.example', 'Bench Learner ' || i, true, $3, now(), now()
		FROM generate_series(1, $4::int) AS i`, tenantID, o.emailPrefix, cheapHash(o.password), o.n); err != nil {
		return nil, fmt.Errorf("create learners: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) SELECT id, 'learner' FROM users WHERE email LIKE $1`, o.emailPrefix+"%"); err != nil {
		return nil, fmt.Errorf("create learner roles: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	out := make([]*learner, o.n)
	for i := range out {
		out[i] = &learner{email: fmt.Sprintf("%s%d@bench.example", o.emailPrefix, i+1), attempts: map[string]*attempt{}}
	}
	return out, nil
}

// newClient is an HTTP client that keeps up to conns connections open to the server.
func newClient(conns int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

func forAll(learners []*learner, conc int, fn func(*learner) error) error {
	ch := make(chan *learner)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range ch {
				if err := fn(l); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, l := range learners {
		ch <- l
	}
	close(ch)
	wg.Wait()
	return firstErr
}

func doJSON(c *http.Client, method, url, token string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, url, resp.StatusCode, want, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func login(c *http.Client, o options, l *learner) error {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := doJSON(c, http.MethodPost, o.base+"/api/v1/auth/login", "", map[string]string{"email": l.email, "password": o.password}, http.StatusOK, &out); err != nil {
		return err
	}
	l.token = out.AccessToken
	return nil
}

func startAttempt(c *http.Client, o options, l *learner, slug string) (*attempt, error) {
	var out struct {
		ID        string `json:"id"`
		Questions []struct {
			ID      string `json:"id"`
			Options []struct {
				ID string `json:"id"`
			} `json:"options"`
		} `json:"questions"`
	}
	if err := doJSON(c, http.MethodPost, o.base+"/api/v1/courses/"+slug+"/attempts", l.token, nil, http.StatusCreated, &out); err != nil {
		return nil, err
	}
	answers := map[string][]string{}
	for _, q := range out.Questions {
		if len(q.Options) > 0 {
			answers[q.ID] = []string{q.Options[0].ID}
		}
	}
	body, err := json.Marshal(map[string]any{"answers": answers})
	if err != nil {
		return nil, err
	}
	return &attempt{id: out.ID, body: body}, nil
}

type learnerAttempt struct {
	l *learner
	a *attempt
}

type submitResult struct {
	ok        []string
	statuses  map[string]int // "200", "500", "error: ..."
	latencies []time.Duration
	elapsed   time.Duration
}

func (r *submitResult) failed() int {
	n := 0
	for k, v := range r.statuses {
		if k != "200" {
			n += v
		}
	}
	return n
}

func (r *submitResult) percentile(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

func (r *submitResult) statusString() string {
	keys := make([]string, 0, len(r.statuses))
	for k := range r.statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", strings.ReplaceAll(k, " ", "_"), r.statuses[k])
	}
	return strings.Join(parts, ",")
}

// submitAll submits every job with conc workers. With together, every worker first opens its
// connection (a cheap GET /healthz) and waits, so that all submissions start at the same moment.
func submitAll(c *http.Client, o options, jobs []*learnerAttempt, conc int, together bool) *submitResult {
	res := &submitResult{statuses: map[string]int{}}
	var mu sync.Mutex
	record := func(id, status string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		res.statuses[status]++
		if status == "200" {
			res.ok = append(res.ok, id)
			res.latencies = append(res.latencies, d)
		}
	}
	submit := func(j *learnerAttempt) {
		req, _ := http.NewRequest(http.MethodPost, o.base+"/api/v1/attempts/"+j.a.id+"/submit", bytes.NewReader(j.a.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+j.l.token)
		t := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			record(j.a.id, "error: "+shortErr(err), time.Since(t))
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		record(j.a.id, fmt.Sprint(resp.StatusCode), time.Since(t))
	}

	var wg sync.WaitGroup
	if together {
		// One goroutine per job, each with a warm connection, released by one close.
		var ready sync.WaitGroup
		var warmErrs atomic.Int64
		startGun := make(chan struct{})
		for _, j := range jobs {
			wg.Add(1)
			ready.Add(1)
			go func() {
				defer wg.Done()
				if resp, err := c.Get(o.base + "/healthz"); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				} else {
					warmErrs.Add(1)
				}
				ready.Done()
				<-startGun
				submit(j)
			}()
		}
		ready.Wait()
		if n := warmErrs.Load(); n > 0 {
			logf("%d of %d connections could not be opened before the burst (they connect during it)", n, len(jobs))
		}
		t0 := time.Now()
		close(startGun)
		wg.Wait()
		res.elapsed = time.Since(t0)
		return res
	}
	ch := make(chan *learnerAttempt)
	t0 := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				submit(j)
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	res.elapsed = time.Since(t0)
	return res
}

// usage is what the server and the database have done so far.
type usage struct {
	server   time.Duration // CPU time of wachsam
	backends cpuByPID      // CPU time of the database's client backends
	xacts    int64         // transactions committed in the database (every autocommit statement is one)
	rows     int64         // rows returned and fetched
}

type cpuByPID map[int]time.Duration

// Sub sums the CPU time spent since before by the processes present in both samples (the
// server's pool keeps its connections, so its backends are the same ones).
func (c cpuByPID) Sub(before cpuByPID) time.Duration {
	var d time.Duration
	for pid, t := range c {
		if t0, ok := before[pid]; ok {
			d += t - t0
		}
	}
	return d
}

func sample(ctx context.Context, db *pgx.Conn, serverPID int) usage {
	// pg_stat_database is flushed by each backend about once a second.
	time.Sleep(1100 * time.Millisecond)
	var u usage
	u.backends = cpuByPID{}
	if serverPID > 0 {
		u.server = procCPU(serverPID)
	}
	rows, err := db.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err == nil {
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				u.backends[pid] = procCPU(pid)
			}
		}
		rows.Close()
	}
	_ = db.QueryRow(ctx, `SELECT xact_commit, tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()`).Scan(&u.xacts, &u.rows)
	return u
}

// procCPU is the user+system CPU time of a process (Linux /proc; 0 if unreadable).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may contain spaces.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// profileCPU fetches a CPU profile of the server in the background (with -pprof).
func profileCPU(o options, name string, seconds int) *sync.WaitGroup {
	var wg sync.WaitGroup
	if o.pprof == "" {
		return &wg
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", o.pprof, seconds))
		if err != nil {
			logf("profile %s: %v", name, err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(o.profilePrefix + "-" + name + ".cpu.pprof")
		if err != nil {
			logf("profile %s: %v", name, err)
			return
		}
		defer f.Close()
		_, _ = io.Copy(f, resp.Body)
	}()
	return &wg
}

func shortErr(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "connection reset"):
		return "reset"
	case strings.Contains(err.Error(), "EOF"):
		return "eof"
	}
	return "other"
}
