package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

// exportTree adds a second course, "zwei" (German only), to the test tree.
func exportTree() map[string]string {
	return map[string]string{
		"zwei/course.md":  "---\ntitle: Zweiter Kurs\nsummary: Noch einer.\nlanguage: de\n---\n\nText.\n",
		"zwei/01-eins.md": "---\ntitle: Eins\n---\n\nText.\n",
	}
}

// exportSetup: "basis" is mandatory for the whole municipality (due in 30 days), "zwei" for
// the Bauhof (due in 10 days). anna (Fachbereich 1/Team) passed basis, bernd (Fachbereich 1)
// started it, Carla (Bauhof) carries a name and an employee number a spreadsheet would take
// for formulas, dora (Bauhof) is exempt from basis; hr and admin are covered by basis too.
func exportSetup(t *testing.T, dialect string) (e *testenv.Env, hr, admin string) {
	e = testenv.WithCourses(t, dialect, nil, testenv.CourseTree(exportTree()))
	ten := e.Tenant("a")
	hr = e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
	admin = e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
	if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 30}); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	anna := e.User(&ten, "anna@a.example", "Fachbereich 1/Team", model.RoleLearner)
	e.PassCourse(e.Token(anna.Email), "basis")
	bernd := e.User(&ten, "bernd@a.example", "Fachbereich 1", model.RoleLearner)
	e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", e.Token(bernd.Email), nil)
	email, name, number, unit := "carla@a.example", "=1+1 Carla", "+4917", "Bauhof"
	if _, _, err := e.Srv.Identity.CreateUser(context.Background(), store.TenantScope(ten.ID), auth.Principal{Roles: []model.Role{model.RoleOperator}},
		identity.UserInput{Email: &email, Name: &name, EmployeeNumber: &number, OrgUnit: &unit, Roles: []model.Role{model.RoleLearner}}); err != nil {
		t.Fatal(err)
	}
	dora := e.User(&ten, "dora@a.example", "Bauhof", model.RoleLearner)
	if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "zwei", "org_unit": "Bauhof", "due_in_days": 10}); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	if r := e.Do("POST", "/api/v1/admin/exemptions", hr, map[string]any{"user_id": dora.ID, "course": "basis", "reason": "Elternzeit"}); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	return e, hr, admin
}

// exportCSV fetches the CSV export and returns its lines as cells, heading first.
func exportCSV(t *testing.T, e *testenv.Env, token, query string) [][]string {
	t.Helper()
	r := e.Do("GET", "/api/v1/reports/learners.csv?"+query, token, nil)
	if r.StatusCode != 200 {
		t.Fatalf("learners.csv?%s: %d %s", query, r.StatusCode, r.Body)
	}
	body, ok := strings.CutPrefix(r.Body, "\ufeff")
	if !ok {
		t.Fatalf("no byte order mark: %q", r.Body[:min(20, len(r.Body))])
	}
	cr := csv.NewReader(strings.NewReader(body))
	cr.Comma = ';'
	if strings.Contains(query, "sep=,") {
		cr.Comma = ','
	}
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, body)
	}
	return rows
}

// column returns column i of the data lines (the heading left out).
func column(rows [][]string, i int) []string {
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

func berlinDay(t time.Time) string { return t.In(model.Berlin).Format(time.DateOnly) }

func TestLearnerExportCSV(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, hr, admin := exportSetup(t, dialect)

		r := e.Do("GET", "/api/v1/reports/learners.csv?course=basis", hr, nil)
		if ct, cd, cc := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), r.Header.Get("Cache-Control"); ct != "text/csv; charset=utf-8" ||
			cd != `attachment; filename="learners-basis.csv"` || cc != "no-store" || !strings.Contains(r.Body, "\r\n") {
			t.Errorf("headers: %q %q %q", ct, cd, cc)
		}

		// Every mandatory course, ordered by org unit, name and course; dora's exemption
		// leaves her basis line out.
		rows := exportCSV(t, e, hr, "")
		if want := []string{"Name", "E-Mail", "Personalnummer", "Organisationseinheit", "Kurs", "Kurstitel", "Status", "Fällig am", "Abgeschlossen am", "Gültig bis"}; !slices.Equal(rows[0], want) {
			t.Errorf("heading %q", rows[0])
		}
		lines := make([]string, 0, len(rows))
		for _, r := range rows[1:] {
			lines = append(lines, r[1]+" "+r[4])
		}
		want := []string{"admin@a.example basis", "hr@a.example basis", "carla@a.example basis", "carla@a.example zwei", "dora@a.example zwei",
			"bernd@a.example basis", "anna@a.example basis"}
		if !slices.Equal(lines, want) {
			t.Fatalf("lines:\n%q\nwant\n%q", lines, want)
		}
		byLine := map[string][]string{}
		for _, r := range rows[1:] {
			byLine[r[1]+" "+r[4]] = r
		}
		if c := byLine["carla@a.example zwei"]; !slices.Equal(c[:7], []string{"'=1+1 Carla", "carla@a.example", "'+4917", "Bauhof", "zwei", "Zweiter Kurs", "nicht begonnen"}) ||
			c[8] != "" || c[9] != "" {
			t.Errorf("carla: %q (text that looks like a formula must start with an apostrophe)", c)
		}
		if b := byLine["bernd@a.example basis"]; b[3] != "Fachbereich 1" || b[5] != "Grundlagen" || b[6] != "in Bearbeitung" || b[8] != "" {
			t.Errorf("bernd: %q", b)
		}

		// The same people, status and dates as the named list, which the export repeats
		// across courses.
		var list []struct {
			Email       string     `json:"email"`
			Status      string     `json:"status"`
			DueAt       time.Time  `json:"due_at"`
			CompletedAt *time.Time `json:"completed_at"`
			ValidUntil  *time.Time `json:"valid_until"`
		}
		e.Do("GET", "/api/v1/reports/learners?course=basis", hr, nil).JSON(t, &list)
		basis := exportCSV(t, e, hr, "course=basis")
		if len(basis) != len(list)+1 || len(list) != 5 {
			t.Fatalf("basis: %d lines, named list %d", len(basis)-1, len(list))
		}
		words := map[string]string{"not_started": "nicht begonnen", "in_progress": "in Bearbeitung", "completed": "abgeschlossen", "overdue": "überfällig"}
		for i, l := range list {
			got := basis[i+1]
			wantDone, wantUntil := "", ""
			if l.CompletedAt != nil {
				wantDone = berlinDay(*l.CompletedAt)
			}
			if l.ValidUntil != nil {
				wantUntil = berlinDay(*l.ValidUntil)
			}
			if got[1] != l.Email || got[6] != words[l.Status] || got[7] != berlinDay(l.DueAt) || got[8] != wantDone || got[9] != wantUntil {
				t.Errorf("line %d: %q, named list %+v", i+1, got, l)
			}
		}
		if a := byLine["anna@a.example basis"]; a[6] != "abgeschlossen" || a[8] != berlinDay(time.Now()) || a[9] != berlinDay(time.Now().AddDate(1, 0, 0)) {
			t.Errorf("anna: %q", a)
		}

		// Filters: course, status, org unit with its sub-units, together.
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"course=zwei", []string{"carla@a.example", "dora@a.example"}},
			{"status=completed", []string{"anna@a.example"}},
			{"status=in_progress", []string{"bernd@a.example"}},
			{"org_unit=Fachbereich%201", []string{"bernd@a.example", "anna@a.example"}},
			{"org_unit=Fachbereich%201/Team&course=basis", []string{"anna@a.example"}},
			{"org_unit=Bauhof&status=not_started", []string{"carla@a.example", "carla@a.example", "dora@a.example"}},
			{"org_unit=Fachbereich", nil}, // a prefix of a name is not a parent unit
			{"org_unit=Nirgends", nil},
		} {
			if got := column(exportCSV(t, e, hr, c.query), 1); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.query, got, c.want)
			}
		}

		// English, with commas: headings, status words and the course's English title.
		en := exportCSV(t, e, hr, "lang=en&sep=,&course=basis&status=completed")
		if en[0][1] != "E-mail" || en[0][7] != "Due" || en[1][5] != "Basics" || en[1][6] != "completed" {
			t.Errorf("english: %q", en)
		}

		// Forty days on, everyone not done is overdue, in both courses.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 0, 40) })
		overdue := exportCSV(t, e, hr, "status=overdue")
		if got := column(overdue, 1); !slices.Equal(got, []string{"admin@a.example", "hr@a.example", "carla@a.example", "carla@a.example", "dora@a.example", "bernd@a.example"}) {
			t.Errorf("overdue: %q", got)
		}
		if !slices.Equal(slices.Compact(column(overdue, 6)), []string{"überfällig"}) {
			t.Errorf("overdue status: %q", column(overdue, 6))
		}
		e.Srv.Store.SetClock(nil)

		// Wrong input says what to fix; an unknown course is 404.
		for query, status := range map[string]int{"course=nope": 404, "status=kaputt": 422, "org_unit=a//b": 422} {
			if r := e.Do("GET", "/api/v1/reports/learners.csv?"+query, hr, nil); r.StatusCode != status || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
				t.Errorf("%s: %d %s", query, r.StatusCode, r.Body)
			}
		}

		// Every export is audited with its filters, by person or key.
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.learners.export&limit=100", admin, nil).JSON(t, &entries)
		if len(entries) != 13 {
			t.Errorf("%d audit entries for 13 exports", len(entries))
		}
		found := false
		for _, a := range entries {
			found = found || (a.Target == "basis" && a.Details["org_unit"] == "Fachbereich 1/Team" && a.Details["format"] == "csv" && a.ActorID != "")
		}
		if !found {
			t.Errorf("audit entries: %+v", entries)
		}
	})
}

func TestLearnerExportIsLimitedLikeTheNamedList(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, hr, admin := exportSetup(t, dialect)
		learner := e.Token("anna@a.example")
		op := e.Token(e.User(nil, "op@x.example", "", model.RoleOperator).Email)
		for _, path := range []string{"/api/v1/reports/learners.csv", "/api/v1/reports/learners.xlsx"} {
			if r := e.Do("GET", path, learner, nil); r.StatusCode != 403 {
				t.Errorf("learner: %s %d", path, r.StatusCode)
			}
			if r := e.Do("GET", path+"?tenant=a", op, nil); r.StatusCode != 403 {
				t.Errorf("operator: %s %d", path, r.StatusCode)
			}
			if r := e.Do("GET", path, "", nil); r.StatusCode != 401 {
				t.Errorf("anonymous: %s %d", path, r.StatusCode)
			}
		}

		// An HR system's key with reports:named gets the export, audited with the key as actor.
		var key struct{ Key string }
		e.Do("POST", "/api/v1/admin/api-keys", admin, map[string]any{"name": "LOGA", "scopes": []string{"reports:named"}}).JSON(t, &key)
		if rows := exportCSV(t, e, key.Key, "course=basis"); len(rows) != 6 {
			t.Errorf("key: %d lines", len(rows))
		}
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.learners.export", admin, nil).JSON(t, &entries)
		if len(entries) != 1 || entries[0].APIKeyName != "LOGA" || entries[0].ActorID != "" || entries[0].Target != "basis" {
			t.Errorf("audit of the key's export: %+v", entries)
		}

		// The municipality's switch closes the export as it closes the named list, and a
		// refused export leaves no audit entry.
		e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}})
		for _, tok := range []string{hr, key.Key} {
			for _, path := range []string{"/api/v1/reports/learners.csv", "/api/v1/reports/learners.xlsx?course=basis"} {
				if r := e.Do("GET", path, tok, nil); r.StatusCode != 403 || !strings.Contains(r.Body, "switched off") {
					t.Errorf("named lists off: %s %d %s", path, r.StatusCode, r.Body)
				}
			}
		}
		e.Do("GET", "/api/v1/admin/audit?action=report.learners.export", admin, nil).JSON(t, &entries)
		if len(entries) != 1 {
			t.Errorf("refused exports audited: %d entries", len(entries))
		}
	})
}

func TestLearnerExportXLSX(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, hr, admin := exportSetup(t, dialect)
		r := e.Do("GET", "/api/v1/reports/learners.xlsx", hr, nil)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			r.Header.Get("Content-Disposition") != `attachment; filename="learners.xlsx"` {
			t.Fatalf("xlsx: %d %s", r.StatusCode, r.Header)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatalf("xlsx: %v", err)
		}
		rows, err := f.GetRows("Lernende", excelize.Options{RawCellValue: true})
		if err != nil || len(rows) != 8 || rows[0][0] != "Name" || rows[0][9] != "Gültig bis" {
			t.Fatalf("rows (%v): %q", err, rows)
		}
		csvRows := exportCSV(t, e, hr, "")
		for i, row := range rows[1:] {
			want := csvRows[i+1]
			if row[1] != want[1] || row[4] != want[4] || row[6] != want[6] {
				t.Errorf("row %d: %q, csv %q", i+1, row, want)
			}
			// Dates are Excel dates (serial numbers), the same days as in the CSV.
			serial, err := excelize.ExcelDateToTime(mustFloat(t, row[7]), false)
			if err != nil || serial.Format(time.DateOnly) != want[7] {
				t.Errorf("row %d: due %q is not %s", i+1, row[7], want[7])
			}
		}
		// Text stays text in a workbook: no apostrophe needed.
		if !slices.ContainsFunc(rows, func(r []string) bool { return r[0] == "=1+1 Carla" }) {
			t.Errorf("carla's name changed: %q", rows)
		}

		// Beyond Excel's row limit the list goes on on another sheet, heading repeated.
		restore := report.SetXLSXMaxRows(4)
		defer restore()
		f, err = excelize.OpenReader(bytes.NewReader([]byte(e.Do("GET", "/api/v1/reports/learners.xlsx?lang=en", admin, nil).Body)))
		if err != nil {
			t.Fatal(err)
		}
		if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"Learners", "Learners 2", "Learners 3"}) {
			t.Fatalf("sheets %q", sheets)
		}
		var emails []string
		for _, s := range f.GetSheetList() {
			rows, _ := f.GetRows(s)
			if rows[0][1] != "E-mail" || len(rows) > 4 {
				t.Errorf("sheet %s: %q", s, rows)
			}
			for _, r := range rows[1:] {
				emails = append(emails, r[1])
			}
		}
		if !slices.Equal(emails, column(csvRows, 1)) {
			t.Errorf("rows across sheets: %q", emails)
		}
	})
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

// The export streams: while a large municipality's list is downloaded, the server holds no
// more than a few buffers, however many rows there are. Measured over a real connection: the
// live heap (after a collection) is sampled as the body arrives, read through a small window. Holding the rows, or the
// body, would keep several times the body's size alive until the last byte; streaming keeps
// the growth at a few 64 KB buffers once the start-up of the request (connection, pools) has
// settled, so the second half of the download is what is judged.
func TestLearnerExportStreams(t *testing.T) {
	const people = 20_000
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("gross")
		hr := e.Token(e.User(&ten, "hr@gross.example", "", model.RoleHR).Email)
		if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 30}); r.StatusCode != 201 {
			t.Fatal(r.Body)
		}
		ctx := context.Background()
		unit, err := e.Srv.Store.EnsureOrgUnit(ctx, store.TenantScope(ten.ID), "Fachbereich 1/Team 1")
		if err != nil {
			t.Fatal(err)
		}
		staff := make([]*store.StaffRecord, people)
		for i := range staff {
			staff[i] = &store.StaffRecord{Email: fmt.Sprintf("person-%d@gross.example", i), Name: fmt.Sprintf("Person %06d", i),
				EmployeeNumber: fmt.Sprintf("P%07d", i), OrgUnitID: unit.ID}
		}
		if err := e.Srv.Store.InTx(ctx, func(tx *store.Store) error { return tx.InsertStaff(ctx, ten.ID, staff) }); err != nil {
			t.Fatal(err)
		}

		// Small socket buffers on both ends keep the body out of the kernel (which buffers
		// several MB on loopback), where an answer held in memory and already handed over
		// could hide: the server can only be a few KB ahead of the reader.
		small := func(opt int) func(_, _ string, c syscall.RawConn) error {
			return func(_, _ string, c syscall.RawConn) error {
				var serr error
				err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, opt, 16<<10) })
				return errors.Join(err, serr)
			}
		}
		ln, err := (&net.ListenConfig{Control: small(syscall.SO_SNDBUF)}).Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = e.Srv.App.Listener(ln) }()
		t.Cleanup(func() { _ = e.Srv.App.Shutdown() })
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/api/v1/reports/learners.csv", nil)
		req.Header.Set("Authorization", "Bearer "+hr)
		client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Control: small(syscall.SO_RCVBUF)}).DialContext}}
		liveHeap := func() int64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return int64(m.HeapAlloc)
		}
		type sample struct{ at, grew int64 }
		var samples []sample
		base := liveHeap()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var (
			total, sinceSample int64
			lines              int
			buf                = make([]byte, 32<<10)
		)
		for {
			n, err := res.Body.Read(buf)
			total, sinceSample = total+int64(n), sinceSample+int64(n)
			lines += bytes.Count(buf[:n], []byte("\n"))
			if sinceSample >= 128<<10 {
				samples, sinceSample = append(samples, sample{total, liveHeap() - base}), 0
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if res.StatusCode != 200 || lines != people+2 { // heading, hr, the staff
			t.Fatalf("status %d, %d lines", res.StatusCode, lines)
		}
		var peak int64
		for _, s := range samples {
			if s.at > total/2 {
				peak = max(peak, s.grew)
			}
		}
		t.Logf("%s: %d KB streamed; live heap in the second half at most %d KB above the start", dialect, total>>10, peak>>10)
		if peak > 1<<20 {
			t.Errorf("live heap %d KB above the start while streaming %d KB (samples %v): the export is held in memory", peak>>10, total>>10, samples)
		}
	})
}
