package report

import (
	"context"
	"slices"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// NamedListsAllowed is the municipality's rule on named lists, kept in this one place: every
// list that names people (the named list and its export, the expiring certificates, the
// exemptions and manual completions in every form) asks it before reading anything, and the
// pages ask it to decide whether to show names at all. While the setting named_reports is off
// it answers model.ErrForbidden with a detail the API hands on as its problem body. Who may ask
// (hr, admin, API keys with reports:named, never operators) and the audit entry stay with the
// caller.
func NamedListsAllowed(tenant model.Tenant) error {
	if !tenant.Settings.NamedReports {
		return model.Forbidden("named lists are switched off in this municipality's settings (named_reports)")
	}
	return nil
}

// The audit actions of the named lists, one entry per view (per page where a list is paged),
// whether the API, an API key or a page asked. Operators and staff councils filter the audit log
// by them, so they never change.
const (
	// AuditLearners: a course's named list, or a person's page with their mandatory courses.
	AuditLearners = "report.learners"
	// AuditLearnersExport: the named list as a CSV or XLSX file.
	AuditLearnersExport = "report.learners.export"
	// AuditExpiring: the completions that end soon.
	AuditExpiring = "report.expiring"
	// AuditExemptionList and AuditCompletionList: the per-course lists of exemptions and manual
	// completions (and the API's lists of each kind across courses).
	AuditExemptionList  = "report.exemptions"
	AuditCompletionList = "report.manual_completions"
	// AuditExemptions: a page of the list of exemptions and manual completions together
	// (ExemptionsAndCompletions).
	AuditExemptions = "report.exemptions_and_completions"
)

// Exemptions is the municipality's exemptions, newest first, revoked ones included (they are
// evidence): of one course, or of every course when slug is "". A named list: refused while
// named lists are off (NamedListsAllowed).
func (s *Service) Exemptions(ctx context.Context, tenant model.Tenant, slug string) ([]store.Exemption, error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return nil, err
	}
	rows, err := s.store.ListExemptions(ctx, store.TenantScope(tenant.ID))
	return ofCourse(rows, err, slug, func(e store.Exemption) string { return e.CourseSlug })
}

// ManualCompletions is the municipality's manual completions, newest first, revoked ones
// included: of one course, or of every course when slug is "". A named list, like Exemptions.
func (s *Service) ManualCompletions(ctx context.Context, tenant model.Tenant, slug string) ([]store.ManualCompletion, error) {
	if err := NamedListsAllowed(tenant); err != nil {
		return nil, err
	}
	rows, err := s.store.ListManualCompletions(ctx, store.TenantScope(tenant.ID))
	return ofCourse(rows, err, slug, func(m store.ManualCompletion) string { return m.CourseSlug })
}

// ofCourse keeps the rows of the course slug ("": all of them).
func ofCourse[T any](rows []T, err error, slug string, course func(T) string) ([]T, error) {
	if err != nil || slug == "" {
		return rows, err
	}
	return slices.DeleteFunc(rows, func(r T) bool { return course(r) != slug }), nil
}
