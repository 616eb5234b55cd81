// Package httpapi serves the JSON API under /api/v1: one file per resource, handlers that parse,
// authorize through httpx, call the domain and respond. Errors travel to httpx's one error
// handler as domain errors.
package httpapi

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/notify"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// API holds the handlers' dependencies.
type API struct {
	Store    *store.Store
	Identity *identity.Service
	Catalog  *catalog.Catalog
	// SyncCourses refreshes the course tree and publishes it.
	SyncCourses func(ctx context.Context) (*catalog.Report, error)
	// TriggerGitSync asks the git poller to pull now; false when courses are not in git.
	TriggerGitSync func() bool
	WebhookSecret  string
	WebhookBranch  string
	Learning       *learning.Service
	// RenderCertificate makes a certificate's PDF in a language.
	RenderCertificate func(ctx context.Context, c store.Certificate, lang string) ([]byte, error)
	// BaseURL is the public address (verification links).
	BaseURL string
	// MaxImportBytes bounds a staff list upload.
	MaxImportBytes int
	Reports        *report.Service
	// Assignments creates and ends assignments (shared with the admin pages).
	Assignments *assignment.Service
	// Cursors seals the page cursors of lists (see paging.go).
	Cursors *pagecursor.Codec
	// Notify queues e-mails (invitations); its Enabled is false without SMTP.
	Notify *notify.Notifier
	// Log receives what goes wrong after an answer has started (streamed exports).
	Log *slog.Logger
}

// Register mounts every API route on app.
func (a *API) Register(app *fiber.App) {
	app.Get("/api/openapi.json", a.openAPI)

	v1 := app.Group("/api/v1")
	v1.Post("/auth/login", a.login)
	v1.Post("/auth/refresh", a.refresh)
	v1.Post("/auth/logout", a.logout)

	v1.Post("/hooks/courses", a.coursesWebhook)
	v1.Get("/verify/:code", a.verify)

	// Reports, the only routes an API key can reach: each authorizes people by role and keys by
	// scope. They are registered before the Bearer group below, whose Bearer refuses API keys,
	// so every other route stays closed to keys (403).
	reporters := []model.Role{model.RoleAdmin, model.RoleHR, model.RoleOperator}
	aggregates := httpx.Authorize(a.Identity, model.ScopeReportsRead, reporters...)
	v1.Get("/reports/compliance", aggregates, a.complianceReport)
	v1.Get("/reports/compliance.csv", aggregates, a.complianceCSV)
	v1.Get("/reports/compliance.xlsx", aggregates, a.complianceXLSX)
	v1.Get("/reports/compliance.pdf", aggregates, a.compliancePDF)
	v1.Get("/reports/courses/:slug/statistics", aggregates, a.statisticsReport)
	v1.Get("/reports/courses/:slug/statistics.csv", aggregates, a.statisticsCSV)
	// Named lists: never for operators, who see municipalities only in aggregate.
	named := httpx.Authorize(a.Identity, model.ScopeReportsNamed, model.RoleAdmin, model.RoleHR)
	v1.Get("/reports/learners", named, a.learnersReport)
	v1.Get("/reports/learners.csv", named, a.learnersCSV)
	v1.Get("/reports/learners.xlsx", named, a.learnersXLSX)
	v1.Get("/reports/expiring", named, a.expiringReport)
	v1.Get("/reports/exemptions-and-completions", named, a.exemptionsReport)

	authed := v1.Group("", httpx.Bearer(a.Identity))
	authed.Get("/me", a.me)
	authed.Patch("/me", a.updateMe)
	authed.Get("/courses", a.listCourses)
	authed.Get("/courses/:slug", a.getCourse)
	authed.Get("/courses/:slug/lessons/:lesson", a.getLesson)
	authed.Post("/courses/:slug/lessons/:lesson/complete", a.completeLesson)
	authed.Post("/courses/:slug/attempts", a.startAttempt)
	authed.Get("/attempts/:id", a.getAttempt)
	authed.Put("/attempts/:id/answers", a.saveAnswers)
	authed.Post("/attempts/:id/submit", a.submitAttempt)
	authed.Get("/me/certificates", a.myCertificates)
	authed.Get("/me/assignments", a.myAssignments)
	authed.Get("/me/export", a.ExportMyData)
	authed.Get("/certificates/:id/pdf", a.certificatePDF)

	staff := []model.Role{model.RoleAdmin, model.RoleHR, model.RoleOperator}
	admins := []model.Role{model.RoleAdmin, model.RoleOperator}
	authed.Get("/admin/users", httpx.Require(staff...), a.listUsers)
	authed.Post("/admin/users", httpx.Require(staff...), a.createUser)
	authed.Post("/admin/users/import", httpx.Require(staff...), a.importUsers)
	authed.Get("/admin/users/:id", httpx.Require(staff...), a.getUser)
	authed.Patch("/admin/users/:id", httpx.Require(staff...), a.updateUser)
	authed.Post("/admin/users/:id/set-password-link", httpx.Require(staff...), a.setPasswordLink)
	authed.Post("/admin/users/:id/invite", httpx.Require(staff...), a.inviteUser)
	authed.Post("/admin/users/:id/anonymise", httpx.Require(admins...), a.anonymiseUser)
	authed.Get("/admin/org-units", httpx.Require(staff...), a.listOrgUnits)
	authed.Post("/admin/org-units", httpx.Require(staff...), a.createOrgUnit)
	authed.Patch("/admin/org-units/:id", httpx.Require(staff...), a.renameOrgUnit)
	authed.Delete("/admin/org-units/:id", httpx.Require(staff...), a.deleteOrgUnit)
	authed.Get("/admin/tenant", httpx.Require(admins...), a.getOwnTenant)
	authed.Patch("/admin/tenant", httpx.Require(admins...), a.updateOwnTenant)
	authed.Get("/admin/audit", httpx.Require(admins...), a.listAudit)
	authed.Get("/admin/assignments", httpx.Require(staff...), a.listAssignments)
	authed.Post("/admin/assignments", httpx.Require(staff...), a.createAssignment)
	authed.Delete("/admin/assignments/:id", httpx.Require(staff...), a.endAssignment)
	authed.Get("/admin/certificates", httpx.Require(model.RoleAdmin, model.RoleHR), a.listCertificates)
	authed.Get("/admin/exemptions", httpx.Require(model.RoleAdmin, model.RoleHR), a.listExemptions)
	authed.Post("/admin/exemptions", httpx.Require(model.RoleAdmin, model.RoleHR), a.createExemption)
	authed.Delete("/admin/exemptions/:id", httpx.Require(model.RoleAdmin, model.RoleHR), a.revokeExemption)
	authed.Get("/admin/manual-completions", httpx.Require(model.RoleAdmin, model.RoleHR), a.listManualCompletions)
	authed.Post("/admin/manual-completions", httpx.Require(model.RoleAdmin, model.RoleHR), a.createManualCompletion)
	authed.Delete("/admin/manual-completions/:id", httpx.Require(model.RoleAdmin, model.RoleHR), a.revokeManualCompletion)
	authed.Post("/admin/certificates/:id/revoke", httpx.Require(admins...), a.revokeCertificate)

	authed.Get("/admin/api-keys", httpx.Require(admins...), a.listAPIKeys)
	authed.Post("/admin/api-keys", httpx.Require(admins...), a.createAPIKey)
	authed.Delete("/admin/api-keys/:id", httpx.Require(admins...), a.revokeAPIKey)

	authed.Post("/admin/courses/sync", httpx.Require(model.RoleOperator), a.syncCourses)
	authed.Get("/admin/courses/sync", httpx.Require(model.RoleOperator), a.syncStatus)

	op := authed.Group("/operator", httpx.Require(model.RoleOperator))
	op.Get("/tenants", a.listTenants)
	op.Post("/tenants", a.createTenant)
	op.Get("/tenants/:slug", a.getTenant)
	op.Patch("/tenants/:slug", a.updateTenant)
	op.Get("/reports/compliance", a.operatorCompliance)
}
