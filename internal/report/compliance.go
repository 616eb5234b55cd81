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
	Status         string // store.ObligationOpen, ObligationInProgress, ObligationOverdue, ObligationCompleted
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

// Compliance counts the course's obligations per org unit — one GROUP BY over the obligations
// table, which the store keeps current on every write — and hides small groups. People who
// are exempt are not counted at all: they leave the denominator.
func (s *Service) Compliance(ctx context.Context, tenant model.Tenant, slug string) (Compliance, error) {
	entry, err := s.catalog.Get(slug, false)
	if err != nil {
		return Compliance{}, err
	}
	now := s.store.Now()
	counts, err := s.store.ObligationCounts(ctx, tenant.ID, []string{entry.CourseID}, now)
	if err != nil {
		return Compliance{}, err
	}
	rep := Compliance{Course: slug, CourseTitle: entry.Course.TextFor(entry.Course.DefaultLanguage).Title,
		MinGroupSize: tenant.Settings.MinGroupSize, GeneratedAt: now, Rows: make([]Row, 0, len(counts))}
	for _, c := range counts {
		r := rowOf(c)
		r.OrgUnit = c.Key
		rep.Rows = append(rep.Rows, r)
		rep.Total.Assigned += r.Assigned
		rep.Total.Completed += r.Completed
		rep.Total.InProgress += r.InProgress
		rep.Total.Overdue += r.Overdue
	}
	slices.SortFunc(rep.Rows, func(a, b Row) int { return strings.Compare(a.OrgUnit, b.OrgUnit) })
	suppressSmallGroups(rep.Rows, rep.MinGroupSize)
	if rep.Total.Assigned < rep.MinGroupSize {
		rep.Total = Row{OrgUnit: rep.Total.OrgUnit, Suppressed: true}
	}
	return rep, nil
}

func rowOf(c store.ObligationCount) Row {
	return Row{Assigned: c.Assigned, Completed: c.Completed, InProgress: c.InProgress, Overdue: c.Overdue}
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

// TenantRow is one municipality's totals in the operator's overview.
type TenantRow struct {
	Tenant string // slug
	Name   string
	Row
}

// AcrossTenants is the operator's view: every municipality's totals for one course, each
// suppressed below that municipality's minimum group size. It never contains names.
func (s *Service) AcrossTenants(ctx context.Context, slug string) ([]TenantRow, error) {
	entry, err := s.catalog.Get(slug, false)
	if err != nil {
		return nil, err
	}
	tenants, err := s.store.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	totals, err := s.store.ObligationTotalsByTenant(ctx, entry.CourseID, s.store.Now())
	if err != nil {
		return nil, err
	}
	out := make([]TenantRow, 0, len(tenants))
	for _, t := range tenants {
		r := rowOf(totals[t.ID])
		if r.Assigned < t.Settings.MinGroupSize {
			r = Row{Suppressed: true}
		}
		out = append(out, TenantRow{Tenant: t.Slug, Name: t.Name, Row: r})
	}
	return out, nil
}
