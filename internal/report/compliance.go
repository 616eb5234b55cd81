// Package report answers HR's questions about mandatory training: who is covered, who is done,
// who is overdue — in aggregates that hide every group smaller than the municipality's minimum
// group size, and in named lists only where the staff council's rules allow them.
package report

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Service computes reports.
type Service struct {
	store   *store.Store
	catalog *catalog.Catalog
}

// New returns the service.
func New(st *store.Store, cat *catalog.Catalog) *Service { return &Service{store: st, catalog: cat} }

// Standing is one person's state in one mandatory course.
type Standing struct {
	UserID         string
	Name           string
	Email          string
	EmployeeNumber string
	OrgUnit        string
	Status         string // learning.DueOpen, DueInProgress, DueOverdue, DueCompleted
	DueAt          time.Time
	CompletedAt    *time.Time
	ValidUntil     *time.Time
}

// Row is one line of the compliance table. When Suppressed, the counts are withheld: the group
// is smaller than the minimum group size and its numbers could point at individuals.
type Row struct {
	OrgUnit    string
	Assigned   int
	Completed  int
	InProgress int
	Overdue    int
	Suppressed bool
}

// Rate is the completed share in percent (0 for an empty or suppressed row).
func (r Row) Rate() int {
	if r.Suppressed || r.Assigned == 0 {
		return 0
	}
	return r.Completed * 100 / r.Assigned
}

// Compliance is the table for one course.
type Compliance struct {
	Course       string
	CourseTitle  string
	MinGroupSize int
	Rows         []Row
	Total        Row
	GeneratedAt  time.Time
}

// standings computes every covered person's state in the course.
func (s *Service) standings(ctx context.Context, tenant model.Tenant, slug string) (*catalog.Entry, []Standing, error) {
	entry, err := s.catalog.Get(slug, false)
	if err != nil {
		return nil, nil, err
	}
	assignments, err := s.store.CourseAssignments(ctx, tenant.ID, entry.CourseID)
	if err != nil {
		return nil, nil, err
	}
	staff, err := s.store.ActiveStaff(ctx, tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	certs, err := s.store.LatestCertificates(ctx, tenant.ID, entry.CourseID)
	if err != nil {
		return nil, nil, err
	}
	working, err := s.store.UsersInProgress(ctx, tenant.ID, entry.CourseID)
	if err != nil {
		return nil, nil, err
	}
	now := s.store.Now()
	var out []Standing
	for _, u := range staff {
		var chosen *store.Assignment
		var due time.Time
		for i := range assignments {
			a := &assignments[i]
			if !covers(a, u) {
				continue
			}
			if d := learning.DueDate(*a, u.CreatedAt); chosen == nil || d.Before(due) {
				chosen, due = a, d
			}
		}
		if chosen == nil {
			continue
		}
		st := Standing{UserID: u.ID, Name: u.Name, Email: u.Email, EmployeeNumber: u.EmployeeNumber, OrgUnit: u.OrgUnitPath}
		var cert *store.Certificate
		if c, ok := certs[u.ID]; ok {
			cert = &c
			st.CompletedAt = &c.IssuedAt
		}
		st.Status, st.DueAt, st.ValidUntil = learning.DueStatus(cert, working[u.ID], *chosen, due, now)
		if st.Status != learning.DueCompleted {
			st.CompletedAt = nil
		}
		out = append(out, st)
	}
	return entry, out, nil
}

// covers reports whether an assignment reaches a person: the whole municipality, them in
// person, or their org unit or one above it.
func covers(a *store.Assignment, u store.StaffMember) bool {
	switch {
	case a.UserID != "":
		return a.UserID == u.ID
	case a.OrgUnitPath == "":
		return true
	}
	return u.OrgUnitPath == a.OrgUnitPath || strings.HasPrefix(u.OrgUnitPath, a.OrgUnitPath+"/")
}

// Compliance counts the course's standings per org unit, hiding small groups.
func (s *Service) Compliance(ctx context.Context, tenant model.Tenant, slug string) (Compliance, error) {
	entry, standings, err := s.standings(ctx, tenant, slug)
	if err != nil {
		return Compliance{}, err
	}
	rep := Compliance{Course: slug, CourseTitle: entry.Course.TextFor(entry.Course.DefaultLanguage).Title,
		MinGroupSize: tenant.Settings.MinGroupSize, GeneratedAt: s.store.Now()}
	byUnit := map[string]*Row{}
	for _, st := range standings {
		r := byUnit[st.OrgUnit]
		if r == nil {
			r = &Row{OrgUnit: st.OrgUnit}
			byUnit[st.OrgUnit] = r
		}
		count(r, st.Status)
		count(&rep.Total, st.Status)
	}
	for _, r := range byUnit {
		rep.Rows = append(rep.Rows, *r)
	}
	slices.SortFunc(rep.Rows, func(a, b Row) int { return strings.Compare(a.OrgUnit, b.OrgUnit) })
	suppressSmallGroups(rep.Rows, rep.MinGroupSize)
	if rep.Total.Assigned < rep.MinGroupSize {
		rep.Total = Row{OrgUnit: rep.Total.OrgUnit, Suppressed: true}
	}
	return rep, nil
}

// suppressSmallGroups hides every row below the minimum group size — and, because the total
// stays visible, enough further rows that the hidden ones together are no smaller than the
// minimum either: otherwise "total minus the visible rows" would give a small group's numbers
// away. The smallest visible rows are hidden first.
func suppressSmallGroups(rows []Row, min int) {
	hidden := make([]bool, len(rows))
	sum := 0
	for i, r := range rows {
		if r.Assigned < min {
			hidden[i], sum = true, sum+r.Assigned
		}
	}
	for sum > 0 && sum < min {
		smallest := -1
		for i, r := range rows {
			if !hidden[i] && (smallest < 0 || r.Assigned < rows[smallest].Assigned) {
				smallest = i
			}
		}
		if smallest < 0 {
			break // everything is hidden; the total alone is at least the minimum or hidden too
		}
		hidden[smallest], sum = true, sum+rows[smallest].Assigned
	}
	for i := range rows {
		if hidden[i] {
			rows[i] = Row{OrgUnit: rows[i].OrgUnit, Suppressed: true}
		}
	}
}

func count(r *Row, status string) {
	r.Assigned++
	switch status {
	case learning.DueCompleted:
		r.Completed++
	case learning.DueInProgress:
		r.InProgress++
	case learning.DueOverdue:
		r.Overdue++
	}
}

// Learners is the named list of one course's standings, for the roles the staff council
// allows — as evidence that mandatory training was done, nothing more.
func (s *Service) Learners(ctx context.Context, tenant model.Tenant, slug, status string) ([]Standing, error) {
	if !tenant.Settings.NamedReports {
		return nil, model.Forbidden("named lists are switched off for this municipality (setting named_reports)")
	}
	switch status {
	case "", "not_started", "in_progress", "completed", "overdue":
	default:
		return nil, model.Invalid("status", "must be not_started, in_progress, completed or overdue")
	}
	_, standings, err := s.standings(ctx, tenant, slug)
	if err != nil {
		return nil, err
	}
	want := map[string]string{"not_started": learning.DueOpen, "in_progress": learning.DueInProgress, "completed": learning.DueCompleted, "overdue": learning.DueOverdue}[status]
	out := standings[:0]
	for _, st := range standings {
		if want == "" || st.Status == want {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b Standing) int {
		if c := strings.Compare(a.OrgUnit, b.OrgUnit); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// TenantRow is one municipality's totals in the operator's overview.
type TenantRow struct {
	Tenant string // slug
	Name   string
	Row
}

// AcrossTenants is the operator's view: every municipality's totals for one course, each
// suppressed below that municipality's minimum group size. It never contains names.
func (s *Service) AcrossTenants(ctx context.Context, slug string) ([]TenantRow, error) {
	tenants, err := s.store.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TenantRow, 0, len(tenants))
	for _, t := range tenants {
		rep, err := s.Compliance(ctx, t, slug)
		if err != nil {
			return nil, err
		}
		out = append(out, TenantRow{Tenant: t.Slug, Name: t.Name, Row: rep.Total})
	}
	return out, nil
}
