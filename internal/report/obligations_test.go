package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

type complianceJSON struct {
	Rows  []map[string]any `json:"rows"`
	Total map[string]any   `json:"total"`
}

func complianceOf(t *testing.T, e *testenv.Env, token, course string) (map[string]map[string]any, map[string]any) {
	t.Helper()
	var rep complianceJSON
	r := e.Do("GET", "/api/v1/reports/compliance?course="+course, token, nil)
	r.JSON(t, &rep)
	if r.StatusCode != 200 {
		t.Fatalf("compliance: %d %s", r.StatusCode, r.Body)
	}
	byUnit := map[string]map[string]any{}
	for _, row := range rep.Rows {
		byUnit[row["org_unit"].(string)] = row
	}
	return byUnit, rep.Total
}

type learnerRow struct {
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	OrgUnit     string     `json:"org_unit"`
	Status      string     `json:"status"`
	DueAt       time.Time  `json:"due_at"`
	CompletedAt *time.Time `json:"completed_at"`
	ValidUntil  *time.Time `json:"valid_until"`
}

func learnersOf(t *testing.T, e *testenv.Env, token, query string) map[string]learnerRow {
	t.Helper()
	var list []learnerRow
	r := e.Do("GET", "/api/v1/reports/learners?"+query, token, nil)
	r.JSON(t, &list)
	if r.StatusCode != 200 {
		t.Fatalf("learners: %d %s", r.StatusCode, r.Body)
	}
	out := map[string]learnerRow{}
	for _, l := range list {
		out[l.Email] = l
	}
	return out
}

type mineJSON struct {
	Course struct {
		Slug string `json:"slug"`
	} `json:"course"`
	DueAt      time.Time  `json:"due_at"`
	Status     string     `json:"status"`
	ValidUntil *time.Time `json:"valid_until"`
	Renewal    bool       `json:"renewal"`
}

func mineOf(t *testing.T, e *testenv.Env, token, slug string) mineJSON {
	t.Helper()
	var list []mineJSON
	e.Do("GET", "/api/v1/me/assignments", token, nil).JSON(t, &list)
	for _, m := range list {
		if m.Course.Slug == slug {
			return m
		}
	}
	return mineJSON{}
}

// checkRebuild compares the obligations maintained on write with a rebuild from scratch: the
// store must keep the table exactly as a full recomputation would have it.
func checkRebuild(t *testing.T, e *testenv.Env, ten model.Tenant, slug string) {
	t.Helper()
	ctx := context.Background()
	entry, err := e.Srv.Catalog.Get(slug, false)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := func() []string {
		rows, _, err := e.Srv.Store.LearnerList(ctx, store.LearnerListFilter{TenantID: ten.ID, CourseID: entry.CourseID}, e.Srv.Store.Now())
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(rows))
		for i, o := range rows {
			// The status the SQL derived is the one the Go rule derives.
			if want := store.ObligationStatus(o.State, o.DueAt, o.CompletedAt, o.ValidUntil, e.Srv.Store.Now()); o.Status != want {
				t.Errorf("%s: SQL says %s, ObligationStatus %s", o.UserEmail, o.Status, want)
			}
			out[i] = fmt.Sprintf("%s %s %s %s %s %v %v %s", o.UserEmail, o.OrgUnitPath, o.AssignmentID, o.DueAt.UTC(), o.State, o.CompletedAt, o.ValidUntil, o.Status)
		}
		return out
	}
	before := snapshot()
	if err := e.Srv.Store.RebuildObligations(ctx, ten.ID); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(); strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("maintained on write:\n%s\nrebuilt:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	// Without foreign keys on the derived table, the writers alone keep it pointing somewhere.
	if n, err := e.Srv.Store.DanglingObligations(ctx); err != nil || n != 0 {
		t.Errorf("%d obligations point nowhere (%v)", n, err)
	}
}

// Exempt people leave the denominator; a manual completion counts as completed; both are
// audited with who recorded them, both can be revoked, and both are for hr and admin only.
func TestExemptionsAndManualCompletions(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		hrUser := e.User(&ten, "hr@a.example", "", model.RoleHR)
		hr := e.Token(hrUser.Email)
		admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
		var staff []model.User
		for i := range 7 {
			staff = append(staff, e.User(&ten, fmt.Sprintf("amt-%d@a.example", i), "Amt", model.RoleLearner))
		}
		if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "org_unit": "Amt", "due_in_days": 30}); r.StatusCode != 201 {
			t.Fatal(r.Body)
		}
		units, _ := complianceOf(t, e, hr, "basis")
		if units["Amt"]["assigned"] != 7.0 {
			t.Fatalf("before: %v", units["Amt"])
		}

		// Exemption: with a reason, once, by hr or admin.
		exempt := func(tok string, body map[string]any) testenv.Response {
			return e.Do("POST", "/api/v1/admin/exemptions", tok, body)
		}
		for name, body := range map[string]map[string]any{
			"no reason":      {"user_id": staff[0].ID, "course": "basis", "reason": "  "},
			"unknown course": {"user_id": staff[0].ID, "course": "nope", "reason": "x"},
			"unknown user":   {"user_id": "00000000-0000-7000-8000-000000000000", "course": "basis", "reason": "x"},
		} {
			if r := exempt(hr, body); r.StatusCode != 422 {
				t.Errorf("%s: %d %s", name, r.StatusCode, r.Body)
			}
		}
		if r := exempt(e.Token(staff[1].Email), map[string]any{"user_id": staff[0].ID, "course": "basis", "reason": "x"}); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		op := e.Token(e.User(nil, "op@x.example", "", model.RoleOperator).Email)
		if r := e.Do("POST", "/api/v1/admin/exemptions?tenant=a", op, map[string]any{"user_id": staff[0].ID, "course": "basis", "reason": "x"}); r.StatusCode != 403 {
			t.Errorf("operator: %d", r.StatusCode)
		}
		var ex struct {
			ID, Reason, CreatedBy string
		}
		r := exempt(hr, map[string]any{"user_id": staff[0].ID, "course": "basis", "reason": "Langzeiterkrankt"})
		r.JSON(t, &ex)
		if r.StatusCode != 201 || ex.Reason != "Langzeiterkrankt" || !strings.Contains(r.Body, hrUser.ID) {
			t.Fatalf("exempt: %d %s", r.StatusCode, r.Body)
		}
		if r := exempt(admin, map[string]any{"user_id": staff[0].ID, "course": "basis", "reason": "noch einmal"}); r.StatusCode != 409 {
			t.Errorf("second exemption: %d", r.StatusCode)
		}
		units, total := complianceOf(t, e, hr, "basis")
		if units["Amt"]["assigned"] != 6.0 || total["assigned"] != 6.0 {
			t.Errorf("exempt person still counted: %v %v", units["Amt"], total)
		}
		if _, listed := learnersOf(t, e, hr, "course=basis")[staff[0].Email]; listed {
			t.Error("exempt person on the named list")
		}
		if got := mineOf(t, e, e.Token(staff[0].Email), "basis"); got.Status != "exempt" {
			t.Errorf("the learner sees %+v", got)
		}

		// Manual completion of an in-person training: a day, a note, the recording person.
		record := func(body map[string]any) testenv.Response {
			return e.Do("POST", "/api/v1/admin/manual-completions", hr, body)
		}
		tomorrow := time.Now().In(model.Berlin).AddDate(0, 0, 1).Format(time.DateOnly)
		for name, body := range map[string]map[string]any{
			"future":   {"user_id": staff[1].ID, "course": "basis", "completed_on": tomorrow, "note": "x"},
			"bad date": {"user_id": staff[1].ID, "course": "basis", "completed_on": "3.2.2026", "note": "x"},
			"no note":  {"user_id": staff[1].ID, "course": "basis", "completed_on": "2026-02-03"},
		} {
			if r := record(body); r.StatusCode != 422 {
				t.Errorf("%s: %d %s", name, r.StatusCode, r.Body)
			}
		}
		day := time.Now().In(model.Berlin).AddDate(0, 0, -3)
		var mc struct {
			ID          string     `json:"id"`
			CompletedOn string     `json:"completed_on"`
			RecordedBy  string     `json:"recorded_by"`
			ValidUntil  *time.Time `json:"valid_until"`
		}
		r = record(map[string]any{"user_id": staff[1].ID, "course": "basis", "completed_on": day.Format(time.DateOnly), "note": "Präsenzschulung im Ratssaal"})
		r.JSON(t, &mc)
		if r.StatusCode != 201 || mc.RecordedBy != hrUser.ID || mc.CompletedOn != day.Format(time.DateOnly) || mc.ValidUntil == nil ||
			mc.ValidUntil.In(model.Berlin).Format(time.DateOnly) != day.AddDate(1, 0, 0).Format(time.DateOnly) {
			t.Fatalf("manual completion: %d %s", r.StatusCode, r.Body)
		}
		units, _ = complianceOf(t, e, hr, "basis")
		if units["Amt"]["completed"] != 1.0 {
			t.Errorf("manual completion not counted: %v", units["Amt"])
		}
		if l := learnersOf(t, e, hr, "course=basis&status=completed")[staff[1].Email]; l.CompletedAt == nil || l.ValidUntil == nil {
			t.Errorf("named list: %+v", l)
		}
		if got := mineOf(t, e, e.Token(staff[1].Email), "basis"); got.Status != "completed" {
			t.Errorf("the learner sees %+v", got)
		}
		checkRebuild(t, e, ten, "basis")

		// Both are in the audit log with the person who recorded them.
		var audit []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		seen := map[string]bool{}
		for _, a := range audit {
			if a.ActorID == hrUser.ID {
				seen[a.Action] = true
			}
		}
		if !seen["exemption.create"] || !seen["completion.manual"] {
			t.Errorf("audit: %+v", audit)
		}

		// Revoking: the course is mandatory (and open) again; the records stay.
		if r := e.Do("DELETE", "/api/v1/admin/exemptions/"+ex.ID, admin, nil); r.StatusCode != 204 {
			t.Fatalf("revoke exemption: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/admin/exemptions/"+ex.ID, admin, nil); r.StatusCode != 409 {
			t.Errorf("revoke twice: %d", r.StatusCode)
		}
		if r := e.Do("DELETE", "/api/v1/admin/manual-completions/"+mc.ID, hr, nil); r.StatusCode != 204 {
			t.Fatalf("revoke manual completion: %d %s", r.StatusCode, r.Body)
		}
		units, _ = complianceOf(t, e, hr, "basis")
		if units["Amt"]["assigned"] != 7.0 || units["Amt"]["completed"] != 0.0 {
			t.Errorf("after revoking: %v", units["Amt"])
		}
		var exList, mcList []map[string]any
		e.Do("GET", "/api/v1/admin/exemptions", hr, nil).JSON(t, &exList)
		e.Do("GET", "/api/v1/admin/manual-completions", hr, nil).JSON(t, &mcList)
		if len(exList) != 1 || exList[0]["revoked_at"] == nil || len(mcList) != 1 || mcList[0]["revoked_at"] == nil {
			t.Errorf("records after revoking: %v %v", exList, mcList)
		}
		e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		seen = map[string]bool{}
		for _, a := range audit {
			seen[a.Action] = true
		}
		if !seen["exemption.revoke"] || !seen["completion.manual_revoke"] {
			t.Error("revocations not audited")
		}
		checkRebuild(t, e, ten, "basis")
	})
}

// Obligations follow people: moved between org units, joining later, deactivated, imported.
func TestObligationsFollowPeople(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		var amt, bauhof []model.User
		for i := range 5 {
			amt = append(amt, e.User(&ten, fmt.Sprintf("amt-%d@a.example", i), "Amt/Team", model.RoleLearner))
			bauhof = append(bauhof, e.User(&ten, fmt.Sprintf("bauhof-%d@a.example", i), "Bauhof", model.RoleLearner))
		}
		if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "org_unit": "Amt", "due_in_days": 30}); r.StatusCode != 201 {
			t.Fatal(r.Body)
		}
		e.PassCourse(e.Token(amt[0].Email), "basis")
		units, total := complianceOf(t, e, hr, "basis")
		if len(units) != 1 || units["Amt/Team"]["assigned"] != 5.0 || units["Amt/Team"]["completed"] != 1.0 {
			t.Fatalf("assigned to Amt: %v", units)
		}

		// Moved into the unit: now covered, counted where they are. Moved out: gone.
		move := func(u model.User, unit string) {
			if r := e.Do("PATCH", "/api/v1/admin/users/"+u.ID, hr, map[string]any{"org_unit": unit}); r.StatusCode != 200 {
				t.Fatalf("move: %d %s", r.StatusCode, r.Body)
			}
		}
		move(bauhof[0], "Amt")
		move(amt[0], "Bauhof") // with their certificate
		units, total = complianceOf(t, e, hr, "basis")
		if units["Amt"]["suppressed"] != true || total["assigned"] != 5.0 || total["completed"] != 0.0 {
			t.Errorf("after moving: %v %v", units, total)
		}
		list := learnersOf(t, e, hr, "course=basis")
		if l, ok := list[bauhof[0].Email]; !ok || l.OrgUnit != "Amt" || l.Status != "not_started" {
			t.Errorf("moved in: %+v", l)
		}
		if _, ok := list[amt[0].Email]; ok {
			t.Error("moved out but still listed")
		}
		move(amt[0], "Amt/Team") // back, and the certificate counts again
		if _, total = complianceOf(t, e, hr, "basis"); total["assigned"] != 6.0 || total["completed"] != 1.0 {
			t.Errorf("moved back: %v", total)
		}

		// Later joiners: due 30 days after joining.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 0, 20) })
		late := e.User(&ten, "neu@a.example", "Amt/Team/Neu", model.RoleLearner)
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC() })
		if l := learnersOf(t, e, hr, "course=basis")[late.Email]; l.DueAt.Before(time.Now().AddDate(0, 0, 49)) || l.Status != "not_started" {
			t.Errorf("later joiner: %+v", l)
		}

		// Deactivated: leaves the report; back again: returns.
		if r := e.Do("PATCH", "/api/v1/admin/users/"+amt[1].ID, hr, map[string]any{"active": false}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		if _, ok := learnersOf(t, e, hr, "course=basis")[amt[1].Email]; ok {
			t.Error("deactivated person listed")
		}
		e.Do("PATCH", "/api/v1/admin/users/"+amt[1].ID, hr, map[string]any{"active": true})
		if _, ok := learnersOf(t, e, hr, "course=basis")[amt[1].Email]; !ok {
			t.Error("re-activated person missing")
		}
		checkRebuild(t, e, ten, "basis")

		// The staff import moves and creates people; their obligations follow in the same step.
		csv := "E-Mail;Vorname;Nachname;Organisationseinheit\r\n" +
			"bauhof-1@a.example;Bau;Hof;Amt/Team\r\n" + // moved in
			"amt-2@a.example;Amt;Zwei;Bauhof\r\n" + // moved out
			"frisch@a.example;Frisch;Importiert;Amt\r\n" // new
		if r := e.Do("POST", "/api/v1/admin/users/import", hr, csv); r.StatusCode != 200 {
			t.Fatalf("import: %d %s", r.StatusCode, r.Body)
		}
		list = learnersOf(t, e, hr, "course=basis")
		_, in := list["bauhof-1@a.example"]
		_, out := list["amt-2@a.example"]
		_, fresh := list["frisch@a.example"]
		if !in || out || !fresh {
			t.Errorf("after the import: moved in %v, moved out still there %v, new %v", in, out, fresh)
		}
		checkRebuild(t, e, ten, "basis")

		// Ending the assignment ends the obligations.
		var asgs []struct{ ID string }
		e.Do("GET", "/api/v1/admin/assignments", hr, nil).JSON(t, &asgs)
		e.Do("DELETE", "/api/v1/admin/assignments/"+asgs[0].ID, hr, nil)
		if _, total = complianceOf(t, e, hr, "basis"); total["suppressed"] != true {
			t.Errorf("after ending the assignment: %v", total)
		}
		if len(learnersOf(t, e, hr, "course=basis")) != 0 {
			t.Error("named list after ending the assignment")
		}
	})
}

// A yearly deadline: a completion counts for the first deadline on or after it; the day
// after the deadline the next round is open. Renewal of an expiring certificate shows on the
// dashboard from the renewal window on; the reminder queries find both.
func TestYearlyDeadlineAndRenewals(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		tree := testenv.CourseTree(map[string]string{
			"jahr/course.md":  "---\ntitle: Jährlich\nsummary: Jedes Jahr bis zum 15. Januar.\nlanguage: de\n---\n\nText.\n",
			"jahr/01-eins.md": "---\ntitle: Eins\n---\n\nText.\n",
		})
		e := testenv.WithCourses(t, dialect, nil, tree)
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		anna := e.User(&ten, "anna@a.example", "", model.RoleLearner)
		tok := e.Token(anna.Email)
		clock := func(t time.Time) { e.Srv.Store.SetClock(func() time.Time { return t.UTC() }) }
		y := time.Now().Year() + 1
		at := func(y int, m time.Month, d, hh int) time.Time { return time.Date(y, m, d, hh, 0, 0, 0, model.Berlin) }
		deadline := func(y int) time.Time { return time.Date(y, 1, 15, 23, 59, 59, 0, model.Berlin) }

		for _, bad := range []string{"yearly:1-15", "yearly:02-30", "jährlich"} {
			r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "jahr", "due_in_days": 30, "recurrence": bad})
			if r.StatusCode != 422 || !strings.Contains(r.Body, "yearly:01-15") {
				t.Errorf("recurrence %q: %d %s", bad, r.StatusCode, r.Body)
			}
		}
		if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "jahr", "due_date": fmt.Sprintf("%d-01-15", y), "recurrence": "Yearly:01-15"}); r.StatusCode != 201 || !strings.Contains(r.Body, `"recurrence":"yearly:01-15"`) {
			t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 30}); r.StatusCode != 201 {
			t.Fatal(r.Body)
		}

		// Just before the deadline: it counts for this year's; the next is a year later.
		clock(at(y, 1, 14, 16))
		if r := e.Do("POST", "/api/v1/courses/jahr/lessons/eins/complete", tok, nil); r.StatusCode != 204 {
			t.Fatalf("complete: %d", r.StatusCode)
		}
		got := mineOf(t, e, tok, "jahr")
		if got.Status != "completed" || got.ValidUntil == nil || !got.ValidUntil.Equal(deadline(y)) || !got.DueAt.Equal(deadline(y+1)) {
			t.Errorf("done on 14 January: %+v", got)
		}
		// The day after the deadline: the next round is open (not overdue), and can be taken.
		clock(at(y, 1, 16, 9))
		if got := mineOf(t, e, tok, "jahr"); got.Status != "open" || !got.DueAt.Equal(deadline(y+1)) {
			t.Errorf("16 January: %+v", got)
		}
		if r := e.Do("POST", "/api/v1/courses/jahr/lessons/eins/complete", tok, nil); r.StatusCode != 204 {
			t.Fatalf("retake: %d", r.StatusCode)
		}
		// Just after the deadline: it counts for next year's.
		if got := mineOf(t, e, tok, "jahr"); got.Status != "completed" || !got.ValidUntil.Equal(deadline(y+1)) || !got.DueAt.Equal(deadline(y+2)) {
			t.Errorf("done on 16 January: %+v", got)
		}
		// A year and a day later without doing it: overdue.
		clock(at(y+2, 1, 16, 9))
		if got := mineOf(t, e, tok, "jahr"); got.Status != "overdue" {
			t.Errorf("missed a deadline: %+v", got)
		}

		// The 12-month certificate: renewal shows from the window on, due at the expiry.
		clock(at(y, 3, 1, 10))
		e.PassCourse(tok, "basis")
		expiry := at(y+1, 3, 1, 10)
		clock(at(y, 11, 1, 10))
		if got := mineOf(t, e, tok, "basis"); got.Status != "completed" || got.Renewal {
			t.Errorf("long before expiry: %+v", got)
		}
		clock(at(y+1, 2, 1, 10))
		if got := mineOf(t, e, tok, "basis"); got.Status != "completed" || !got.Renewal || !got.DueAt.Equal(expiry) {
			t.Errorf("within the renewal window: %+v", got)
		}

		// What the reminder e-mails will ask the store for.
		ctx := context.Background()
		st := e.Srv.Store
		due, err := st.ObligationsDueBetween(ctx, store.AllTenants(), expiry.Add(-24*time.Hour), expiry.Add(time.Hour), st.Now())
		if err != nil || len(due) != 1 || due[0].UserEmail != anna.Email || due[0].CourseSlug != "basis" || due[0].UserName == "" {
			t.Errorf("due around the expiry: %v %+v", err, due)
		}
		expiring, _, err := st.ExpiringList(ctx, store.ExpiringFilter{Scope: store.TenantScope(ten.ID), From: expiry.AddDate(0, 0, -30), To: expiry.Add(time.Hour)}, st.Now())
		if err != nil || len(expiring) != 1 || expiring[0].UserEmail != anna.Email || !expiring[0].ValidUntil.Equal(expiry) {
			t.Errorf("expiring within 30 days: %v %+v", err, expiring)
		}
		if other, _, _ := st.ExpiringList(ctx, store.ExpiringFilter{Scope: store.TenantScope(e.Tenant("b").ID), From: expiry.AddDate(0, 0, -30), To: expiry.Add(time.Hour)}, st.Now()); len(other) != 0 {
			t.Errorf("another tenant's scope sees %+v", other)
		}
		clock(time.Now())
		checkRebuild(t, e, ten, "jahr")
	})
}

// The reminder scan reads obligations a page at a time: the pages together are exactly the
// whole list, each row once, and another municipality's rows never.
func TestObligationPagesCoverEveryRowOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten, other := e.Tenant("a"), e.Tenant("b")
		hr := e.User(&ten, "hr@a.example", "", model.RoleHR)
		hrB := e.User(&other, "hr@b.example", "", model.RoleHR)
		for i := range 7 {
			e.User(&ten, fmt.Sprintf("p%d@a.example", i), "", model.RoleLearner)
			e.User(&other, fmt.Sprintf("p%d@b.example", i), "", model.RoleLearner)
		}
		for _, tok := range []string{e.Token(hr.Email), e.Token(hrB.Email)} {
			if r := e.Do("POST", "/api/v1/admin/assignments", tok, map[string]any{"course": "basis", "due_in_days": 3}); r.StatusCode != 201 {
				t.Fatal(r.Body)
			}
		}
		ctx, st := context.Background(), e.Srv.Store
		now := st.Now()
		whole, err := st.ObligationsDueBetween(ctx, store.TenantScope(ten.ID), now, now.AddDate(0, 0, 14), now)
		if err != nil || len(whole) != 8 {
			t.Fatalf("whole list: %d %v", len(whole), err)
		}
		seen := map[string]int{}
		pages := 0
		for page := (store.ObligationPage{Limit: 3}); ; {
			rows, err := st.ObligationsDuePage(ctx, store.TenantScope(ten.ID), now, now.AddDate(0, 0, 14), now, page)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, r := range rows {
				seen[r.UserID]++
				if r.TenantID != ten.ID {
					t.Errorf("another municipality's row: %+v", r)
				}
			}
			var more bool
			if page, more = page.Next(rows); !more {
				break
			}
		}
		if pages != 3 || len(seen) != 8 {
			t.Errorf("%d pages, %d people, want 3 and 8", pages, len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s on %d pages", id, n)
			}
		}
	})
}
