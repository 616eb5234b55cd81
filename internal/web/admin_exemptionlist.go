package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// The list of exemptions and manual completions across every course of the municipality
// ("Befreiungen und Präsenzschulungen"), for HR preparing an audit or a meeting of the staff
// council: GET /api/v1/reports/exemptions-and-completions as a page. It names people, their
// reasons and who decided, so it follows the named list exactly: hr and admin, only where the
// municipality allows named lists, every page written to the audit log (with via: page). A
// refused filter writes nothing and shows nobody.

// exemptionListPath is the page's address; the revoke forms on it come back here.
const exemptionListPath = "/admin/exemptions-and-completions"

// exemptionListPageSize is how many entries one page shows.
const exemptionListPageSize = 50

type exemptionListData struct {
	// The filters as given (State normalised to "all", "active" or "revoked").
	Course, Kind, State, OrgUnit string
	Courses                      []courseLink
	OrgUnits                     []string
	States                       []string
	Entries                      []exemptionListRow
	Next, First                  string // the next and the first page's URL; Next "" = last page
	Paged                        bool   // not the first page: link back to it
	Off                          bool   // the municipality does not allow named lists
}

// exemptionListRow is one entry as the page shows it.
type exemptionListRow struct {
	store.ExemptionOrCompletion
	CourseTitle string
	// CoursePage is the course's page of this kind of entry, where new ones are recorded;
	// RevokeAction the form that revokes this one. Both "" for a course no longer published
	// (its pages are gone), RevokeAction also for a revoked entry.
	CoursePage, RevokeAction string
}

// exemptionListPage shows one page of the list, newest first, with its filters.
func (w *Web) exemptionListPage(c *fiber.Ctx) error {
	t, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v := w.pageView(c, nil)
	d := exemptionListData{Course: strings.TrimSpace(c.Query("course")), Kind: c.Query("kind"), State: c.Query("state"),
		OrgUnit: strings.TrimSpace(c.Query("org_unit")), States: report.ExemptionStates}
	if d.State == "" {
		d.State = "all"
	}
	if report.NamedListsAllowed(t) != nil {
		d.Off = true
		v.Data = d
		return w.renderUser(c, fiber.StatusForbidden, "admin_exemptionlist", "excl.title", v)
	}
	if err := w.exemptionListChoices(c, scope, &d); err != nil {
		return err
	}
	q := report.ExemptionQuery{Course: d.Course, Kind: d.Kind, State: d.State, OrgUnit: d.OrgUnit, Limit: exemptionListPageSize}
	binding := pagecursor.Binding("web exemptions", scope.TenantID(), d.Course, d.Kind, d.State, d.OrgUnit)
	key, err := w.openCursor(c, binding, 2)
	if err != nil {
		return err // a changed or foreign cursor: 400, explained by the error page
	}
	if key != nil {
		if err := q.StartAfter(key); err != nil {
			return err
		}
		d.Paged = true
	}
	list, more, err := w.reports.ExemptionsAndCompletions(c.UserContext(), t, q)
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve): // a filter typed into the address: say which, show nobody
		v.Error, v.Data = "excl.err.filter", d
		for field := range ve.Fields {
			if key := "excl.err." + field; v.T(key) != key {
				v.Error = key
			}
		}
		return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_exemptionlist", "excl.title", v)
	case err != nil:
		return err
	}
	details := map[string]string{"kind": d.Kind, "state": d.State, "entries": strconv.Itoa(len(list)), "via": "page"}
	if d.OrgUnit != "" {
		details["org_unit"] = d.OrgUnit
	}
	if err := w.identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditExemptions, d.Course, details); err != nil {
		return err
	}
	for _, e := range list {
		row := exemptionListRow{ExemptionOrCompletion: e, CourseTitle: w.courseTitle(c, e.CourseSlug)}
		if _, err := w.courses.Get(e.CourseSlug, false); err == nil {
			row.CoursePage = exceptionsPath(e.CourseSlug, e.Kind == store.KindExemption)
			if e.RevokedAt == nil {
				row.RevokeAction = row.CoursePage + "/" + url.PathEscape(e.ID) + "/revoke"
			}
		}
		d.Entries = append(d.Entries, row)
	}
	query := url.Values{"course": {d.Course}, "kind": {d.Kind}, "state": {d.State}, "org_unit": {d.OrgUnit}}
	d.First = exemptionListPath + "?" + query.Encode()
	if more {
		query.Set("cursor", w.cursors.Seal(binding, report.ExemptionKey(list[len(list)-1])...))
		d.Next = exemptionListPath + "?" + query.Encode()
	}
	if c.Query("done") == "revoked" {
		v.Notice = "exc.revoked"
	}
	v.Data = d
	return w.renderUser(c, fiber.StatusOK, "admin_exemptionlist", "excl.title", v)
}

// exemptionListChoices fills the filters' choices: the courses that have entries (and the one
// asked for), sorted by title, and the org units.
func (w *Web) exemptionListChoices(c *fiber.Ctx, scope store.Scope, d *exemptionListData) error {
	slugs, err := w.store.ExemptionCourses(c.UserContext(), scope)
	if err != nil {
		return err
	}
	if d.Course != "" && !slices.Contains(slugs, d.Course) {
		slugs = append(slugs, d.Course)
	}
	for _, s := range slugs {
		d.Courses = append(d.Courses, courseLink{Slug: s, Title: w.courseTitle(c, s), Selected: s == d.Course})
	}
	slices.SortFunc(d.Courses, func(a, b courseLink) int { return strings.Compare(a.Title, b.Title) })
	d.OrgUnits, err = w.orgUnitPaths(c, scope)
	return err
}
