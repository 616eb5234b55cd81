package httpapi_test

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// walk follows Next-Cursor from first to the last page and returns the pages' bodies. It also
// checks that the Link header names the same cursor.
func walk(t *testing.T, e *testenv.Env, token, first string) []testenv.Response {
	t.Helper()
	var pages []testenv.Response
	next := first
	for next != "" {
		r := e.Do("GET", next, token, nil)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", next, r.StatusCode, r.Body)
		}
		pages = append(pages, r)
		if len(pages) > 100 {
			t.Fatal("the pages do not end")
		}
		cur := r.Header.Get("Next-Cursor")
		link := r.Header.Get("Link")
		if (cur == "") != (link == "") {
			t.Fatalf("Next-Cursor %q but Link %q", cur, link)
		}
		if cur == "" {
			break
		}
		u, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`))
		if err != nil || u.Query().Get("cursor") != cur {
			t.Fatalf("Link %q does not carry Next-Cursor %q", link, cur)
		}
		next = u.String()
	}
	return pages
}

type learnerRow struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	OrgUnit string `json:"org_unit"`
	Status  string `json:"status"`
}

// pagingEnv: 13 learners in three units (one a sub-unit), some done, the course assigned to
// all; two with the same name, so that the order needs the id as a tie-breaker.
func pagingEnv(t *testing.T, dialect string) (*testenv.Env, model.Tenant, string) {
	t.Helper()
	e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
	ten := e.Tenant("a")
	admin := e.Token(e.User(&ten, "admin@a.example", "Verwaltung", model.RoleAdmin).Email)
	units := []string{"Fachbereich 1", "Fachbereich 1/Bürgeramt", "Bauhof"}
	for i := range 12 {
		u := e.User(&ten, fmt.Sprintf("person%02d@a.example", i), units[i%3], model.RoleLearner)
		if i%4 == 0 {
			e.PassCourse(e.Token(u.Email), "basis")
		}
	}
	twin := "person00@b.example" // a second "person00" in the same unit
	e.User(&ten, twin, units[0], model.RoleLearner)
	if r := e.Do("POST", "/api/v1/admin/assignments", admin, map[string]any{"course": "basis", "due_in_days": 30}); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	return e, ten, admin
}

func TestNamedListPagesCoverEveryoneOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin := pagingEnv(t, dialect)
		var whole []learnerRow
		e.Do("GET", "/api/v1/reports/learners?course=basis", admin, nil).JSON(t, &whole)
		if len(whole) != 14 {
			t.Fatalf("whole list: %d people", len(whole))
		}
		// Ordered by org unit, then name (the database's order; the id breaks ties).
		if !slices.IsSortedFunc(whole, func(a, b learnerRow) int {
			return cmp.Or(strings.Compare(a.OrgUnit, b.OrgUnit), strings.Compare(a.Name, b.Name))
		}) {
			t.Errorf("the whole list is not ordered by org unit and name: %v", whole)
		}
		calls := 1
		for _, q := range []string{"", "&status=completed", "&status=not_started", "&org_unit=Fachbereich%201", "&org_unit=Bauhof&status=not_started"} {
			var want []string
			for _, p := range whole {
				if (!strings.Contains(q, "status=completed") || p.Status == "completed") &&
					(!strings.Contains(q, "status=not_started") || p.Status == "not_started") &&
					(!strings.Contains(q, "Fachbereich") || strings.HasPrefix(p.OrgUnit, "Fachbereich 1")) &&
					(!strings.Contains(q, "Bauhof") || p.OrgUnit == "Bauhof") {
					want = append(want, p.Email)
				}
			}
			var got []string
			pages := walk(t, e, admin, "/api/v1/reports/learners?course=basis&limit=2"+q)
			calls += len(pages)
			for _, r := range pages {
				var page []learnerRow
				r.JSON(t, &page)
				if len(page) > 2 {
					t.Errorf("%s: page of %d", q, len(page))
				}
				for _, p := range page {
					got = append(got, p.Email)
				}
			}
			// Everyone once, in the order of the whole list, whatever the page size.
			if !slices.Equal(got, want) {
				t.Errorf("%s: pages give\n%v\nwant\n%v", q, got, want)
			}
			if wantPages := max(1, (len(want)+1)/2); len(pages) != wantPages {
				t.Errorf("%s: %d pages, want %d", q, len(pages), wantPages)
			}
		}
		// Sub-units are included in an org unit filter.
		var fb1 []learnerRow
		e.Do("GET", "/api/v1/reports/learners?course=basis&org_unit=Fachbereich%201", admin, nil).JSON(t, &fb1)
		calls++
		units := map[string]int{}
		for _, p := range fb1 {
			units[p.OrgUnit]++
		}
		if units["Fachbereich 1"] != 5 || units["Fachbereich 1/Bürgeramt"] != 4 || len(units) != 2 {
			t.Errorf("Fachbereich 1 with sub-units: %v", units)
		}
		// Every page handed out is audited.
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.learners&limit=500", admin, nil).JSON(t, &entries)
		if len(entries) != calls {
			t.Errorf("%d audit entries for %d named lists", len(entries), calls)
		}
	})
}

func TestUsersAndAuditPagesCoverEverythingOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin := pagingEnv(t, dialect)
		for _, filter := range []string{"", "&org_unit=Fachbereich%201", "&active=true&q=person"} {
			first := "/api/v1/admin/users?limit=3" + filter
			var all []model.User
			e.Do("GET", "/api/v1/admin/users?limit=500"+filter, admin, nil).JSON(t, &all)
			var got []string
			for _, r := range walk(t, e, admin, first) {
				var page []model.User
				r.JSON(t, &page)
				for _, u := range page {
					got = append(got, u.ID)
				}
			}
			var want []string
			for _, u := range all {
				want = append(want, u.ID)
			}
			if !slices.Equal(got, want) || len(want) == 0 {
				t.Errorf("%s: pages %v, whole %v", first, got, want)
			}
		}

		var all []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?limit=500", admin, nil).JSON(t, &all)
		var got []string
		for _, r := range walk(t, e, admin, "/api/v1/admin/audit?limit=3") {
			var page []model.AuditEntry
			r.JSON(t, &page)
			for _, a := range page {
				got = append(got, a.ID)
			}
		}
		var want []string
		for _, a := range all {
			want = append(want, a.ID)
		}
		if len(want) < 4 || !slices.Equal(got, want) {
			t.Errorf("audit pages %v, whole %v", got, want)
		}
		// The older ?before= still pages, and its next page continues with a cursor.
		r := e.Do("GET", "/api/v1/admin/audit?limit=2&before="+want[0], admin, nil)
		var page []model.AuditEntry
		r.JSON(t, &page)
		if len(page) != 2 || page[0].ID != want[1] || strings.Contains(r.Header.Get("Link"), "before=") {
			t.Errorf("before: %v, Link %q", page, r.Header.Get("Link"))
		}
	})
}

// A cursor is opaque and sealed: a changed one, one of other filters, of another list or of
// another municipality answers 400.
func TestChangedOrForeignCursorsAreRefused(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin := pagingEnv(t, dialect)
		cursor := func(path string) string {
			t.Helper()
			r := e.Do("GET", path, admin, nil)
			c := r.Header.Get("Next-Cursor")
			if c == "" {
				t.Fatalf("%s: no next page: %d %s", path, r.StatusCode, r.Body)
			}
			if strings.Contains(c, "person") {
				t.Errorf("the cursor shows its content: %s", c)
			}
			return c
		}
		users := cursor("/api/v1/admin/users?limit=2")
		learners := cursor("/api/v1/reports/learners?course=basis&limit=2")
		audit := cursor("/api/v1/admin/audit?limit=2")
		changed := []byte(users)
		changed[len(changed)/2] ^= 1
		if changed[len(changed)/2] == '-' || changed[len(changed)/2] == '_' { // keep it base64url
			changed[len(changed)/2] = 'A'
		}

		b := e.Tenant("b")
		adminB := e.Token(e.User(&b, "admin@b.example", "", model.RoleAdmin).Email)
		refused := []struct {
			token, path string
		}{
			{admin, "/api/v1/admin/users?limit=2&cursor=" + string(changed)},
			{admin, "/api/v1/admin/users?limit=2&cursor=" + users[:len(users)-3]},
			{admin, "/api/v1/admin/users?limit=2&cursor=" + users + "AAAA"},
			{admin, "/api/v1/admin/users?limit=2&q=person&cursor=" + users},   // other filters
			{admin, "/api/v1/admin/users?limit=2&cursor=" + learners},         // another list
			{admin, "/api/v1/admin/audit?cursor=" + users},                    // another list
			{admin, "/api/v1/admin/audit?action=user.create&cursor=" + audit}, // other filters
			{admin, "/api/v1/reports/learners?course=basis&status=overdue&limit=2&cursor=" + learners},
			{admin, "/api/v1/reports/learners?course=basis&org_unit=Bauhof&limit=2&cursor=" + learners},
			{adminB, "/api/v1/admin/users?limit=2&cursor=" + users}, // another municipality
			{adminB, "/api/v1/admin/audit?cursor=" + audit},
		}
		for _, c := range refused {
			r := e.Do("GET", c.path, c.token, nil)
			if r.StatusCode != 400 || !strings.Contains(r.Body, "cursor") {
				t.Errorf("%s: %d, want 400: %s", c.path, r.StatusCode, r.Body)
			}
		}
		// A cursor sealed on one server is refused by another with a different token key.
		other := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		otherTen := other.Tenant("a")
		otherAdmin := other.Token(other.User(&otherTen, "admin@a.example", "", model.RoleAdmin).Email)
		if r := other.Do("GET", "/api/v1/admin/users?limit=2&cursor="+users, otherAdmin, nil); r.StatusCode != 400 {
			t.Errorf("cursor of another server: %d", r.StatusCode)
		}
	})
}

// The expiring list pages like the named list, also through rows that end at the same instant
// (the person and the course break the tie), and a cursor is bound to its days and course.
func TestExpiringPagesCoverEveryoneOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		if r := e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 30, "recurrence": "12mo"}); r.StatusCode != 201 {
			t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
		}
		start := time.Now().UTC().Truncate(time.Second)
		for i := range 5 {
			// Three, then two at the same instant: ties on the end date, one across a page's end.
			at := start.Add(time.Duration(i/3) * time.Minute)
			e.Srv.Store.SetClock(func() time.Time { return at })
			e.PassCourse(e.Token(e.User(&ten, fmt.Sprintf("renew%d@a.example", i), "Bauamt", model.RoleLearner).Email), "basis")
		}
		e.Srv.Store.SetClock(func() time.Time { return start.AddDate(0, 11, 20) })

		type entry struct {
			Email      string    `json:"email"`
			ValidUntil time.Time `json:"valid_until"`
		}
		var whole []entry
		e.Do("GET", "/api/v1/reports/expiring?days=30", hr, nil).JSON(t, &whole)
		if len(whole) != 5 || !slices.IsSortedFunc(whole, func(a, b entry) int { return a.ValidUntil.Compare(b.ValidUntil) }) {
			t.Fatalf("whole list, soonest first: %+v", whole)
		}
		for _, q := range []string{"", "&course=basis"} {
			var got []string
			pages := walk(t, e, hr, "/api/v1/reports/expiring?days=30&limit=2"+q)
			for _, r := range pages {
				var page []entry
				r.JSON(t, &page)
				for _, p := range page {
					got = append(got, p.Email)
				}
			}
			var want []string
			for _, p := range whole {
				want = append(want, p.Email)
			}
			if !slices.Equal(got, want) || len(pages) != 3 {
				t.Errorf("%q: %d pages give %v, want %v", q, len(pages), got, want)
			}
		}
		cursor := e.Do("GET", "/api/v1/reports/expiring?days=30&limit=2", hr, nil).Header.Get("Next-Cursor")
		for _, other := range []string{"days=31", "days=30&course=basis"} {
			if r := e.Do("GET", "/api/v1/reports/expiring?"+other+"&limit=2&cursor="+cursor, hr, nil); r.StatusCode != 400 {
				t.Errorf("a cursor under %s: %d", other, r.StatusCode)
			}
		}
	})
}
