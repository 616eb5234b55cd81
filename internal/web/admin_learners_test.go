package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

var (
	learnersNext  = regexp.MustCompile(`href="(/admin/reports/basis/learners\?[^"]*cursor=[^"]+)">Nächste Seite`)
	learnersFirst = regexp.MustCompile(`href="(/admin/reports/basis/learners\?[^"]*)">Zur ersten Seite`)
	learnerRowRE  = regexp.MustCompile(`<span class="muted breakable">([^<]+@a\.example)</span></th>\s*<td><span class="cell-label" aria-hidden="true">[^<]*</span>([^<]*)</td>`)
)

// learnerRows reads a named-list page: each row's e-mail address and org unit, in order.
func learnerRows(body string) (emails, units []string) {
	for _, m := range learnerRowRE.FindAllStringSubmatch(body, -1) {
		emails, units = append(emails, m[1]), append(units, m[2])
	}
	return emails, units
}

// withManyInFB5 adds n learners in FB5 to the admin world, makes hr assign "basis" to the whole
// municipality and returns hr's browser and the last person added.
func withManyInFB5(t *testing.T, w adminWorld, n int) (*browser, model.User) {
	t.Helper()
	var last model.User
	for i := range n {
		last = w.e.User(&w.a, fmt.Sprintf("viele%03d@a.example", i), "FB5", model.RoleLearner)
	}
	hr := w.browser(t, w.hr)
	if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
		t.Fatalf("assign: %d", r.StatusCode)
	}
	return hr, last
}

// The named list in the pages comes a hundred people at a time, in the order of org unit and
// name, with the filters kept from page to page, the whole list's size above every page, and
// every page audited.
func TestNamedListPagesInTheBrowser(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr, _ := withManyInFB5(t, w, 100)
		const everybody = 118 // hr, admin, l0…l15 and the hundred in FB5

		first := hr.do("GET", "/admin/reports/basis/learners", nil)
		emails, units := learnerRows(first.Body)
		m := learnersNext.FindStringSubmatch(first.Body)
		if first.StatusCode != 200 || len(emails) != 100 || m == nil || !strings.Contains(first.Body, fmt.Sprintf("%d Personen", everybody)) {
			t.Fatalf("first page: %d, %d people, next link %v", first.StatusCode, len(emails), m)
		}
		if learnersFirst.MatchString(first.Body) {
			t.Error("the first page links to the first page")
		}
		second := hr.do("GET", strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		more, moreUnits := learnerRows(second.Body)
		if second.StatusCode != 200 || len(more) != everybody-100 || learnersNext.MatchString(second.Body) ||
			!learnersFirst.MatchString(second.Body) || !strings.Contains(second.Body, fmt.Sprintf("%d Personen", everybody)) {
			t.Fatalf("second page: %d, %d people", second.StatusCode, len(more))
		}
		all, allUnits := append(emails, more...), append(units, moreUnits...)
		seen := map[string]bool{}
		for _, e := range all {
			seen[e] = true
		}
		if len(seen) != everybody {
			t.Errorf("the two pages name %d different people, want %d", len(seen), everybody)
		}
		if !slices.IsSorted(allUnits) {
			t.Errorf("not ordered by org unit: %v", allUnits)
		}

		// A filter keeps to its pages: FB5 alone is one page of exactly a hundred.
		fb5 := hr.do("GET", "/admin/reports/basis/learners?unit=FB5", nil)
		if got, _ := learnerRows(fb5.Body); len(got) != 100 || learnersNext.MatchString(fb5.Body) || !strings.Contains(fb5.Body, "100 Personen") {
			t.Errorf("FB5: %d people, next link %v", len(got), learnersNext.MatchString(fb5.Body))
		}
		// The next link carries the filter, and a cursor does not fit another filter.
		if !strings.Contains(m[1], "status=&amp;unit=") {
			t.Errorf("next link %s lacks the filters", m[1])
		}
		moved := strings.Replace(strings.ReplaceAll(m[1], "&amp;", "&"), "unit=", "unit=FB5", 1)
		if r := hr.do("GET", moved, nil); r.StatusCode != 400 {
			t.Errorf("a cursor under another filter: %d", r.StatusCode)
		}

		// Each page shown was written to the audit log, with how many people it named.
		var people []string
		for _, e := range w.auditOf(t, "report.learners") {
			people = append(people, e.Details["people"])
		}
		slices.Sort(people)
		if want := []string{"100", "100", "18"}; !slices.Equal(people, want) {
			t.Errorf("audited pages name %v people, want %v", people, want)
		}
	})
}

// A page cursor that does not fit — changed, or given out for other filters — is refused with a
// page that says so and leads back to the first page of the same list with the same filters,
// on every paged list and in both languages.
func TestARefusedCursorLeadsBackToTheFirstPage(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		admin := w.browser(t, "admin@a.example")
		for _, c := range []struct{ path, first, text string }{
			{"/admin/reports/basis/learners?status=overdue&unit=FB1&cursor=kaputt", "/admin/reports/basis/learners?status=overdue&amp;unit=FB1",
				"Der Link zur nächsten Seite passt nicht"},
			{"/admin/users?q=l&cursor=kaputt", "/admin/users?q=l", "Der Link zur nächsten Seite passt nicht"},
			{"/admin/audit?action=report.learners&cursor=kaputt", "/admin/audit?action=report.learners", "Der Link zur nächsten Seite passt nicht"},
			{"/admin/exemptions-and-completions?cursor=kaputt", "/admin/exemptions-and-completions", "Der Link zur nächsten Seite passt nicht"},
			{"/admin/reports/basis/learners?unit=FB1&lang=en&cursor=kaputt", "/admin/reports/basis/learners?lang=en&amp;unit=FB1",
				"The link to the next page does not fit"},
		} {
			r := admin.do("GET", c.path, nil)
			if r.StatusCode != 400 || !strings.Contains(r.Body, c.text) || !strings.Contains(r.Body, `href="`+c.first+`"`) {
				t.Errorf("%s: %d, want 400 saying %q with a link to %s:\n%s", c.path, r.StatusCode, c.text, c.first, r.Body)
			}
		}
		// A cursor sealed for other filters is refused in the same way.
		hr, _ := withManyInFB5(t, w, 101)
		m := learnersNext.FindStringSubmatch(hr.do("GET", "/admin/reports/basis/learners", nil).Body)
		if m == nil {
			t.Fatal("no next page")
		}
		moved := strings.Replace(strings.ReplaceAll(m[1], "&amp;", "&"), "unit=", "unit=FB5", 1)
		if r := hr.do("GET", moved, nil); r.StatusCode != 400 || !strings.Contains(r.Body, `href="/admin/reports/basis/learners?status=&amp;unit=FB5"`) {
			t.Errorf("a cursor under another filter: %d\n%s", r.StatusCode, r.Body)
		}
	})
}

// When the people after a page have left the list by the time its next page is opened, that
// page is empty: it says so, and still leads back to the first page.
func TestAnEmptiedNamedListPageLeadsBack(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr, last := withManyInFB5(t, w, 101)
		m := learnersNext.FindStringSubmatch(hr.do("GET", "/admin/reports/basis/learners?unit=FB5", nil).Body)
		if m == nil {
			t.Fatal("no next page")
		}
		if r := w.e.Do("PATCH", "/api/v1/admin/users/"+last.ID, w.e.Token("admin@a.example"), map[string]any{"active": false}); r.StatusCode != 200 {
			t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
		}
		r := hr.do("GET", strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		if got, _ := learnerRows(r.Body); r.StatusCode != 200 || len(got) != 0 {
			t.Fatalf("the emptied page: %d, %d people", r.StatusCode, len(got))
		}
		if !learnersFirst.MatchString(r.Body) || strings.Contains(r.Body, "Niemand entspricht dieser Auswahl.") ||
			!strings.Contains(r.Body, "Auf dieser Seite ist niemand mehr") {
			t.Errorf("the emptied page does not say so or lead back:\n%s", r.Body)
		}
	})
}

// A page's table says how many people the whole list holds and how many of them this page
// shows, so that "118 people" is not read out over a table of 18 rows.
func TestNamedListCaptionTellsPageFromList(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr, _ := withManyInFB5(t, w, 101)
		first := hr.do("GET", "/admin/reports/basis/learners?unit=FB5", nil)
		m := learnersNext.FindStringSubmatch(first.Body)
		if m == nil {
			t.Fatal("no next page")
		}
		second := hr.do("GET", strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		single := hr.do("GET", "/admin/reports/basis/learners?unit=FB1", nil)
		english := hr.do("GET", strings.ReplaceAll(m[1], "&amp;", "&")+"&lang=en", nil)
		for _, c := range []struct {
			name, body, caption string
		}{
			{"first page", first.Body, "<caption>101 Personen in der Liste, 100 auf dieser Seite</caption>"},
			{"second page", second.Body, "<caption>101 Personen in der Liste, 1 auf dieser Seite</caption>"},
			{"second page in English", english.Body, "<caption>101 people in the list, 1 on this page</caption>"},
			{"a list of one page", single.Body, "<caption>6 Personen</caption>"},
		} {
			if !strings.Contains(c.body, c.caption) {
				t.Errorf("%s: want %s\n%s", c.name, c.caption, regexp.MustCompile(`<caption>.*`).FindString(c.body))
			}
		}
	})
}

// HR's pages name a person's standing in one set of words: the named list and the person page
// say what the list's filter and the named export say ("Nicht begonnen", "Abgeschlossen"), not
// the learner's dashboard words ("Offen", "Erledigt").
func TestNamedListAndPersonPageSpeakTheFiltersWords(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		if r := hr.assign(url.Values{"course": {"basis"}, "target": {"tenant"}, "due_kind": {"days"}, "due_in_days": {"30"}}); r.StatusCode != 303 {
			t.Fatalf("assign: %d", r.StatusCode)
		}
		w.e.PassCourse(w.e.Token("l0@a.example"), "basis")
		const exemptions = "/admin/reports/basis/exemptions"
		if r := hr.post(exemptions, exemptions, url.Values{"email": {"l2@a.example"}, "reason": {"Elternzeit"}}); r.StatusCode != 303 {
			t.Fatalf("exempt: %d\n%s", r.StatusCode, r.Body)
		}
		status := regexp.MustCompile(`<span class="badge badge-due-[a-z_]+">([^<]+)</span>`)
		words := func(body string) map[string]bool {
			out := map[string]bool{}
			for _, m := range status.FindAllStringSubmatch(body, -1) {
				out[m[1]] = true
			}
			return out
		}

		list := hr.do("GET", "/admin/reports/basis/learners", nil)
		got := words(list.Body)
		if list.StatusCode != 200 || !got["Abgeschlossen"] || !got["Nicht begonnen"] || got["Erledigt"] || got["Offen"] {
			t.Errorf("named list's statuses: %v", got)
		}
		for email, want := range map[string]string{"l0@a.example": "Abgeschlossen", "l1@a.example": "Nicht begonnen", "l2@a.example": "Befreit"} {
			page := hr.do("GET", "/admin/users/"+w.userID(t, hr, email), nil)
			if got := words(page.Body); len(got) != 1 || !got[want] {
				t.Errorf("person page of %s: %v, want %q", email, got, want)
			}
		}
		english := hr.do("GET", "/admin/reports/basis/learners?lang=en", nil)
		if got := words(english.Body); !got["Completed"] || !got["Not started"] || got["Done"] || got["Open"] {
			t.Errorf("named list in English: %v", got)
		}
	})
}
