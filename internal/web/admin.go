package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// The admin pages are HR's and the administrators' part of the site: an overview of the
// mandatory courses, the compliance report per course with its drill-down, downloads and the
// named list, course statistics, the staff import, the assignments, per course the
// exemptions and manual completions and one list of them across courses
// (admin_exemptionlist.go), the people (admin_users.go), the org units
// (admin_orgunits.go), and for administrators the municipality's settings, API keys and audit
// log (admin_audit.go). They call the same
// domain services as the API (report, identity, store), not the API itself.
//
// Who sees what: hr and admin their own municipality; operators only the aggregate overview
// across municipalities (never names, never another municipality's staff pages); learners
// get 403.
var (
	adminRoles    = []model.Role{model.RoleAdmin, model.RoleHR}
	overviewRoles = []model.Role{model.RoleAdmin, model.RoleHR, model.RoleOperator}
)

func (w *Web) registerAdmin(pages fiber.Router) {
	if w.reports == nil {
		return
	}
	tenantStaff := httpx.Require(adminRoles...)
	pages.Get("/admin", w.requireLogin, httpx.Require(overviewRoles...), w.adminOverview)
	pages.Get("/admin/reports/:slug", w.requireLogin, tenantStaff, w.compliancePage)
	pages.Get("/admin/reports/:slug/compliance.csv", w.requireLogin, tenantStaff, w.complianceCSV)
	pages.Get("/admin/reports/:slug/compliance.xlsx", w.requireLogin, tenantStaff, w.complianceXLSX)
	pages.Get("/admin/reports/:slug/learners", w.requireLogin, tenantStaff, w.learnersPage)
	pages.Get("/admin/reports/:slug/learners.csv", w.requireLogin, tenantStaff, w.learnersDownload)
	pages.Get("/admin/reports/:slug/learners.xlsx", w.requireLogin, tenantStaff, w.learnersDownload)
	pages.Get("/admin/reports/:slug/statistics", w.requireLogin, tenantStaff, w.statisticsPage)
	pages.Get("/admin/reports/:slug/statistics.csv", w.requireLogin, tenantStaff, w.statisticsCSV)
	pages.Get("/admin/reports/:slug/compliance.pdf", w.requireLogin, tenantStaff, w.compliancePDF)
	pages.Get("/admin/reports/:slug/exemptions", w.requireLogin, tenantStaff, w.exemptionsPage)
	pages.Post("/admin/reports/:slug/exemptions", w.requireLogin, tenantStaff, w.createExemption)
	pages.Post("/admin/reports/:slug/exemptions/:id/revoke", w.requireLogin, tenantStaff, w.revokeExemption)
	pages.Post("/admin/reports/:slug/exemptions/revoke-by-email", w.requireLogin, tenantStaff, w.revokeExemptionByEmail)
	pages.Get("/admin/reports/:slug/completions", w.requireLogin, tenantStaff, w.completionsPage)
	pages.Post("/admin/reports/:slug/completions", w.requireLogin, tenantStaff, w.createCompletion)
	pages.Post("/admin/reports/:slug/completions/:id/revoke", w.requireLogin, tenantStaff, w.revokeCompletion)
	pages.Post("/admin/reports/:slug/completions/revoke-by-email", w.requireLogin, tenantStaff, w.revokeCompletionByEmail)
	pages.Get(exemptionListPath, w.requireLogin, tenantStaff, w.exemptionListPage)
	pages.Get("/admin/import", w.requireLogin, tenantStaff, w.importPage)
	pages.Post("/admin/import", w.requireLogin, tenantStaff, w.importPreview)
	pages.Get("/admin/import/:id", w.requireLogin, tenantStaff, w.importPreviewPage)
	pages.Post("/admin/import/:id", w.requireLogin, tenantStaff, w.importConfirm)
	pages.Get("/admin/assignments", w.requireLogin, tenantStaff, w.assignmentsPage)
	pages.Post("/admin/assignments", w.requireLogin, tenantStaff, w.createAssignment)
	pages.Post("/admin/assignments/:id/end", w.requireLogin, tenantStaff, w.endAssignment)
	pages.Get("/admin/users", w.requireLogin, tenantStaff, w.usersPage)
	pages.Post("/admin/users", w.requireLogin, tenantStaff, w.createUser)
	pages.Get("/admin/users/new", w.requireLogin, tenantStaff, w.newUserPage)
	pages.Get("/admin/users/:id", w.requireLogin, tenantStaff, w.userPage)
	pages.Post("/admin/users/:id", w.requireLogin, tenantStaff, w.updateUser)
	pages.Post("/admin/users/:id/active", w.requireLogin, tenantStaff, w.setUserActive)
	pages.Post("/admin/users/:id/invite", w.requireLogin, tenantStaff, w.inviteUser)
	pages.Get("/admin/org-units", w.requireLogin, tenantStaff, w.orgUnitsPage)
	pages.Post("/admin/org-units", w.requireLogin, tenantStaff, w.createOrgUnit)
	pages.Get("/admin/org-units/:id", w.requireLogin, tenantStaff, w.orgUnitPage)
	pages.Post("/admin/org-units/:id", w.requireLogin, tenantStaff, w.renameOrgUnit)
	pages.Post("/admin/org-units/:id/delete", w.requireLogin, tenantStaff, w.deleteOrgUnit)
	// Administrators only: anonymising, the municipality's settings, its API keys and its audit
	// log (as in the API).
	admins := httpx.Require(model.RoleAdmin)
	pages.Get("/admin/users/:id/anonymise", w.requireLogin, admins, w.anonymisePage)
	pages.Post("/admin/users/:id/anonymise", w.requireLogin, admins, w.anonymiseUser)
	pages.Get("/admin/settings", w.requireLogin, admins, w.settingsPage)
	pages.Post("/admin/settings", w.requireLogin, admins, w.saveSettings)
	pages.Get("/admin/api-keys", w.requireLogin, admins, w.apiKeysPage)
	pages.Post("/admin/api-keys", w.requireLogin, admins, w.createAPIKey)
	pages.Get("/admin/api-keys/:id/revoke", w.requireLogin, admins, w.revokeAPIKeyPage)
	pages.Post("/admin/api-keys/:id/revoke", w.requireLogin, admins, w.revokeAPIKey)
	pages.Get("/admin/audit", w.requireLogin, admins, w.auditPage)
}

// IsUpload names the page routes that take a staff list, which may be larger than other
// request bodies (the app's LargeBody).
func IsUpload(path string) bool { return path == "/admin/import" }

// isAdmin reports whether the principal may open the admin pages (the navigation shows the link).
func isAdmin(p auth.Principal) bool { return !p.IsAPIKey() && p.HasAny(overviewRoles...) }

// adminTenant is the signed-in hr's or admin's municipality: every admin page but the overview
// works on it alone. It is read afresh, not from the display cache: its settings (named lists,
// minimum group size) decide what these pages may show, and a change made on another instance
// must hold at once. It is read once per request (the handler and the page it renders share it).
func (w *Web) adminTenant(c *fiber.Ctx) (model.Tenant, store.Scope, error) {
	p := httpx.MustPrincipal(c)
	if p.TenantID == "" {
		return model.Tenant{}, store.Scope{}, model.ErrForbidden
	}
	t, ok := c.Locals(adminTenantKey{}).(model.Tenant)
	if !ok {
		var err error
		if t, err = w.store.TenantByID(c.UserContext(), p.TenantID); err != nil {
			return model.Tenant{}, store.Scope{}, err
		}
		c.Locals(adminTenantKey{}, t)
	}
	return t, store.TenantScope(t.ID), nil
}

type adminTenantKey struct{}

// orgUnitPaths are the municipality's org unit paths, sorted, for the forms' and filters'
// choices.
func (w *Web) orgUnitPaths(c *fiber.Ctx, scope store.Scope) ([]string, error) {
	units, err := w.store.ListOrgUnits(c.UserContext(), scope)
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(units))
	for _, u := range units {
		paths = append(paths, u.Path)
	}
	slices.Sort(paths)
	return paths, nil
}

// courseTitle is a published course's title in the page's language, or its slug.
func (w *Web) courseTitle(c *fiber.Ctx, slug string) string {
	e, err := w.courses.Get(slug, false)
	if err != nil {
		return slug
	}
	return e.Course.TextFor(e.Course.PickLanguage(w.contentLanguages(c)...)).Title
}

// complianceLine is one row of a compliance table as pages show it.
type complianceLine struct {
	Label      string
	Link       string // the course's report; "" = none
	Row        *report.Row
	Suppressed bool
}

type overviewData struct {
	Operator     bool
	MinGroupSize int
	Courses      []complianceLine // one per mandatory course (tenant staff)
	Chart        barChart
	Others       []courseLink // published courses without an assignment: statistics only
	// The operator's view: one course's totals per municipality.
	Course  string
	Choices []courseLink
	Tenants []complianceLine
}

type courseLink struct {
	Slug, Title string
	Selected    bool
}

// adminOverview shows each mandatory course's completion rate (tenant staff), or one course's
// totals per municipality (operators).
func (w *Web) adminOverview(c *fiber.Ctx) error {
	p := httpx.MustPrincipal(c)
	v := w.pageView(c, nil)
	if p.IsOperator() {
		return w.operatorOverview(c, v)
	}
	t, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	assignments, err := w.store.ListAssignments(c.UserContext(), scope)
	if err != nil {
		return err
	}
	mandatory := map[string]bool{}
	var slugs []string
	for _, a := range assignments {
		if !mandatory[a.CourseSlug] {
			mandatory[a.CourseSlug] = true
			slugs = append(slugs, a.CourseSlug)
		}
	}
	slices.Sort(slugs)
	d := overviewData{MinGroupSize: t.Settings.MinGroupSize}
	var items []chartItem
	for _, slug := range slugs {
		rep, err := w.reports.Compliance(c.UserContext(), t, slug)
		if err != nil {
			continue // an assignment of a draft or archived course: nothing to report
		}
		title := w.courseTitle(c, slug)
		total := rep.Total
		d.Courses = append(d.Courses, complianceLine{Label: title, Link: "/admin/reports/" + url.PathEscape(slug), Row: &total, Suppressed: total.Suppressed})
		items = append(items, chartItem{Label: title, Percent: total.Rate(), Suppressed: total.Suppressed})
	}
	for _, e := range w.courses.List(false) {
		if !mandatory[e.Course.Slug] {
			d.Others = append(d.Others, courseLink{Slug: e.Course.Slug, Title: w.courseTitle(c, e.Course.Slug)})
		}
	}
	d.Chart = newBarChart("chart-overview", v.T("admin.overview.chart_title"), v.T("admin.overview.chart_desc", t.Settings.MinGroupSize),
		v.T("report.hidden"), items)
	v.Data = d
	return w.renderUser(c, fiber.StatusOK, "admin_overview", "admin.overview.title", v)
}

// operatorOverview: one course at a time, each municipality's totals, small ones suppressed.
func (w *Web) operatorOverview(c *fiber.Ctx, v *View) error {
	d := overviewData{Operator: true}
	list := w.courses.List(false)
	for _, e := range list {
		d.Choices = append(d.Choices, courseLink{Slug: e.Course.Slug, Title: w.courseTitle(c, e.Course.Slug), Selected: e.Course.Slug == c.Query("course")})
	}
	slices.SortFunc(d.Choices, func(a, b courseLink) int { return strings.Compare(a.Title, b.Title) })
	d.Course = c.Query("course")
	if d.Course == "" && len(d.Choices) > 0 {
		d.Course, d.Choices[0].Selected = d.Choices[0].Slug, true
	}
	if d.Course != "" {
		rows, err := w.reports.AcrossTenants(c.UserContext(), d.Course)
		if err != nil {
			return err
		}
		var items []chartItem
		for _, r := range rows {
			row := r.Row
			d.Tenants = append(d.Tenants, complianceLine{Label: r.Name, Row: &row, Suppressed: row.Suppressed})
			items = append(items, chartItem{Label: r.Name, Percent: row.Rate(), Suppressed: row.Suppressed})
		}
		d.Chart = newBarChart("chart-tenants", v.T("admin.operator.chart_title", w.courseTitle(c, d.Course)), v.T("admin.operator.chart_desc"),
			v.T("report.hidden"), items)
	}
	v.Data = d
	return w.renderUser(c, fiber.StatusOK, "admin_overview", "admin.overview.title", v)
}
