package web

import (
	"bytes"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
)

// unitCrumb is one step of the drill-down path.
type unitCrumb struct {
	Label, Link string
}

// learnerStatuses are the statuses the named list filters by, in the order the pages show them.
var learnerStatuses = []string{"overdue", "not_started", "in_progress", "completed"}

type complianceData struct {
	Slug, Title  string
	Unit         string // the org unit drilled into; "" = the whole municipality
	Crumbs       []unitCrumb
	Total        report.Row
	Lines        []complianceLine
	Children     []unitCrumb // the units directly below, to drill into
	Chart        barChart
	MinGroupSize int
	NamedReports bool
	Statuses     []string
	Query        string // ?unit= for download and list links
	// Active exemptions and manual completions of the course, for the links to their pages.
	Exemptions, Completions int
}

// compliancePage is the report of one course: the municipality's total, then the rows of the
// unit drilled into and all units below it (at first: every unit), with links to drill further
// into the units directly below.
//
// Every number on it is a row of report.Compliance as the API, CSV and XLSX give it: the
// drill-down only picks rows, it never adds up a subtree. A subtree's sum next to its rows
// would let "sum minus the visible rows" reveal the groups that suppression hides.
func (w *Web) compliancePage(c *fiber.Ctx) error {
	t, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	rep, err := w.reports.Compliance(c.UserContext(), t, slug)
	if err != nil {
		return err
	}
	unit := ""
	if q := strings.TrimSpace(c.Query("unit")); q != "" {
		if unit, err = model.NormalizeOrgUnitPath(q); err != nil {
			return model.ErrNotFound
		}
	}
	v := w.pageView(c, nil)
	base := "/admin/reports/" + url.PathEscape(slug)
	d := complianceData{Slug: slug, Title: w.courseTitle(c, slug), Unit: unit, Total: rep.Total, MinGroupSize: rep.MinGroupSize,
		NamedReports: report.NamedListsAllowed(t) == nil, Statuses: learnerStatuses}
	if unit != "" {
		d.Query = "?unit=" + url.QueryEscape(unit)
		d.Crumbs = append(d.Crumbs, unitCrumb{Label: v.T("report.all_units"), Link: base})
		parts := strings.Split(unit, "/")
		for i := range parts[:len(parts)-1] {
			p := strings.Join(parts[:i+1], "/")
			d.Crumbs = append(d.Crumbs, unitCrumb{Label: parts[i], Link: base + "?unit=" + url.QueryEscape(p)})
		}
	}
	if d.Exemptions, d.Completions, err = w.activeExceptions(c, scope, slug); err != nil {
		return err
	}
	d.Lines, d.Children = subtreeLines(rep.Rows, unit, base, v)
	if unit != "" && len(d.Lines) == 0 {
		return model.ErrNotFound // no one in or below that unit is covered (or it does not exist)
	}
	var items []chartItem
	for _, l := range d.Lines {
		if l.Row != nil {
			items = append(items, chartItem{Label: l.Label, Percent: l.Row.Rate(), Suppressed: l.Suppressed})
		}
	}
	d.Chart = newBarChart("chart-units", v.T("report.chart_title", d.Title), v.T("report.chart_desc", rep.MinGroupSize), v.T("report.hidden"), items)
	v.Title, v.Data = d.Title, d
	return w.renderUser(c, fiber.StatusOK, "admin_report", "", v)
}

// subtreeLines picks the rows of unit and every unit below it (all rows for the whole
// municipality), labelled by their path below unit, and lists the units directly below unit
// that one can drill into.
func subtreeLines(rows []report.Row, unit, base string, v *View) (lines []complianceLine, children []unitCrumb) {
	prefix := ""
	if unit != "" {
		prefix = unit + "/"
	}
	seen := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		var label string
		switch {
		case r.OrgUnit == unit && unit != "":
			label = v.T("report.own_people", unit[strings.LastIndex(unit, "/")+1:])
		case r.OrgUnit == "":
			if unit != "" {
				continue
			}
			label = v.T("report.no_unit")
		case strings.HasPrefix(r.OrgUnit, prefix):
			label = strings.TrimPrefix(r.OrgUnit, prefix)
			child, _, below := strings.Cut(label, "/")
			if below && !seen[child] { // only units with sub-units are worth drilling into
				seen[child] = true
				children = append(children, unitCrumb{Label: child, Link: base + "?unit=" + url.QueryEscape(prefix+child)})
			}
		default:
			continue
		}
		lines = append(lines, complianceLine{Label: label, Row: r, Suppressed: r.Suppressed})
	}
	slices.SortFunc(children, func(a, b unitCrumb) int { return strings.Compare(a.Label, b.Label) })
	return lines, children
}

// complianceReport is the report of the URL's course for the downloads, with the municipality
// (the PDF names it).
func (w *Web) complianceReport(c *fiber.Ctx) (report.Compliance, model.Tenant, error) {
	t, _, err := w.adminTenant(c)
	if err != nil {
		return report.Compliance{}, model.Tenant{}, err
	}
	rep, err := w.reports.Compliance(c.UserContext(), t, c.Params("slug"))
	return rep, t, err
}

// complianceCSV and complianceXLSX download the same table as the API's exports.
func (w *Web) complianceCSV(c *fiber.Ctx) error {
	rep, _, err := w.complianceReport(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, rep, w.language(c), ';'); err != nil {
		return err
	}
	return download(c, "text/csv; charset=utf-8", "compliance-"+rep.Course+".csv", buf.Bytes())
}

func (w *Web) complianceXLSX(c *fiber.Ctx) error {
	rep, _, err := w.complianceReport(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, rep, w.language(c)); err != nil {
		return err
	}
	return download(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "compliance-"+rep.Course+".xlsx", buf.Bytes())
}

// compliancePDF is the API's A4 summary of the same table (report.WritePDF).
func (w *Web) compliancePDF(c *fiber.Ctx) error {
	rep, t, err := w.complianceReport(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WritePDF(&buf, rep, t.Name, w.language(c)); err != nil {
		return err
	}
	return download(c, "application/pdf", "compliance-"+rep.Course+".pdf", buf.Bytes())
}

func download(c *fiber.Ctx, contentType, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}

// learnersPageSize is how many people one page of the named list shows.
const learnersPageSize = 100

type learnersData struct {
	Slug, Title string
	Unit        string
	Status      string
	Expiring    int // days; 0 = no expiry filter
	People      []report.Standing
	Total       int // people in the whole list, all pages
	Statuses    []string
	Off         bool   // the municipality does not allow named lists
	Next        string // the next page's URL; "" = this is the last
	First       string // the first page's URL with the same filters
	Paged       bool   // not the first page: link back to it
}

// learnersPage is the named list: hr and admin only, only where the municipality allows named
// lists, and every view is written to the audit log exactly like the API's (report.learners).
// ?expiring=N narrows it to completed people whose certificate runs out within N days.
func (w *Web) learnersPage(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	v := w.pageView(c, nil)
	d := learnersData{Slug: slug, Title: w.courseTitle(c, slug), Unit: strings.TrimSpace(c.Query("unit")), Status: c.Query("status"),
		Statuses: learnerStatuses}
	if report.NamedListsAllowed(t) != nil {
		d.Off = true
		v.Title, v.Data = d.Title, d
		return w.renderUser(c, fiber.StatusForbidden, "admin_learners", "", v)
	}
	if days := c.Query("expiring"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 3650 {
			v.Error, v.Title, v.Data = "report.expiring_invalid", d.Title, d
			return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_learners", "", v)
		}
		d.Expiring, d.Status = n, "completed"
	}
	q := report.LearnerQuery{Course: slug, Status: d.Status, OrgUnit: d.Unit, Expiring: d.Expiring, Limit: learnersPageSize}
	binding := pagecursor.Binding("web learners", t.ID, slug, d.Status, d.Unit, strconv.Itoa(d.Expiring))
	key, err := w.openCursor(c, binding, 3)
	if err != nil {
		return err // a changed or foreign cursor: 400, explained by the error page
	}
	if key != nil {
		q.After, d.Paged = &report.LearnerKey{OrgUnit: key[0], Name: key[1], UserID: key[2]}, true
	}
	list, more, err := w.reports.LearnersPage(c.UserContext(), t, q)
	if err != nil {
		return err
	}
	if d.Total, err = w.reports.CountLearners(c.UserContext(), t, q); err != nil {
		return err
	}
	links := url.Values{"status": {c.Query("status")}, "unit": {d.Unit}}
	if d.Expiring > 0 {
		links = url.Values{"expiring": {strconv.Itoa(d.Expiring)}, "unit": {d.Unit}}
	}
	base := "/admin/reports/" + url.PathEscape(slug) + "/learners?"
	d.First = base + links.Encode()
	if more {
		k := list[len(list)-1].Key()
		links.Set("cursor", w.cursors.Seal(binding, k.OrgUnit, k.Name, k.UserID))
		d.Next = base + links.Encode()
	}
	details := map[string]string{"status": d.Status, "people": strconv.Itoa(len(list)), "via": "page"}
	if d.Unit != "" {
		details["org_unit"] = d.Unit
	}
	if d.Expiring > 0 {
		details["expiring_days"] = strconv.Itoa(d.Expiring)
	}
	if err := w.identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditLearners, slug, details); err != nil {
		return err
	}
	d.People = list
	v.Title, v.Data = d.Title, d
	return w.renderUser(c, fiber.StatusOK, "admin_learners", "", v)
}

type statisticsData struct {
	Slug string
	St   report.CourseStatistics
	// Per question: the share answered correctly as a chart.
	Chart   barChart
	Minutes int
}

// statisticsPage shows a course's quiz statistics with the suppression of report.Statistics:
// nothing below the minimum group size, and questions served to too few people by title only.
func (w *Web) statisticsPage(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v := w.pageView(c, nil)
	st, err := w.reports.Statistics(c.UserContext(), t, report.StatisticsQuery{Course: c.Params("slug"), Version: c.Query("version"), Language: v.Lang})
	if err != nil {
		return err
	}
	d := statisticsData{Slug: st.Course, St: st, Minutes: (st.AverageSeconds + 30) / 60}
	var items []chartItem
	for _, q := range st.Questions {
		items = append(items, chartItem{Label: q.Title, Percent: q.CorrectRate(), Suppressed: q.Suppressed})
	}
	d.Chart = newBarChart("chart-questions", v.T("stats.chart_title", st.CourseTitle), v.T("stats.chart_desc", st.MinGroupSize), v.T("report.hidden"), items)
	v.Title, v.Data = v.T("stats.title", st.CourseTitle), d
	return w.renderUser(c, fiber.StatusOK, "admin_statistics", "", v)
}

func (w *Web) statisticsCSV(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	lang := w.language(c)
	st, err := w.reports.Statistics(c.UserContext(), t, report.StatisticsQuery{Course: c.Params("slug"), Version: c.Query("version"), Language: lang})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteStatisticsCSV(&buf, st, lang, ';'); err != nil {
		return err
	}
	return download(c, "text/csv; charset=utf-8", "statistics-"+st.Course+".csv", buf.Bytes())
}
