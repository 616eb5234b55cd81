package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

type tenantRow struct {
	bun.BaseModel `bun:"table:tenants,alias:t"`

	ID              string    `bun:"id,pk"`
	Slug            string    `bun:"slug"`
	Name            string    `bun:"name"`
	Demo            bool      `bun:"demo"`
	DefaultLanguage string    `bun:"default_language"`
	MinGroupSize    int       `bun:"min_group_size"`
	NamedReports    bool      `bun:"named_reports"`
	ReminderMails   bool      `bun:"reminder_mails"`
	RetentionDays   int       `bun:"retention_days"`
	CreatedAt       time.Time `bun:"created_at"`
	UpdatedAt       time.Time `bun:"updated_at"`
}

func (r *tenantRow) model() model.Tenant {
	return model.Tenant{
		ID: r.ID, Slug: r.Slug, Name: r.Name, Demo: r.Demo, CreatedAt: r.CreatedAt,
		Settings: model.Settings{DefaultLanguage: r.DefaultLanguage, MinGroupSize: r.MinGroupSize, NamedReports: r.NamedReports, ReminderMails: r.ReminderMails, RetentionDays: r.RetentionDays},
	}
}

// CreateTenant stores a new tenant; a taken slug is model.ErrConflict.
func (s *Store) CreateTenant(ctx context.Context, t *model.Tenant) error {
	now := s.now()
	row := tenantRow{
		ID: newID(), Slug: t.Slug, Name: t.Name, Demo: t.Demo,
		DefaultLanguage: t.Settings.DefaultLanguage, MinGroupSize: t.Settings.MinGroupSize,
		NamedReports: t.Settings.NamedReports, ReminderMails: t.Settings.ReminderMails, RetentionDays: t.Settings.RetentionDays, CreatedAt: now, UpdatedAt: now,
	}
	if _, err := s.db.NewInsert().Model(&row).Exec(ctx); err != nil {
		return dbErr("create tenant "+t.Slug, err)
	}
	*t = row.model()
	return nil
}

// UpdateTenant saves a tenant's name and settings.
func (s *Store) UpdateTenant(ctx context.Context, t *model.Tenant) error {
	res, err := s.db.NewUpdate().Model((*tenantRow)(nil)).
		Set("name = ?", t.Name).
		Set("default_language = ?", t.Settings.DefaultLanguage).
		Set("min_group_size = ?", t.Settings.MinGroupSize).
		Set("named_reports = ?", t.Settings.NamedReports).
		Set("reminder_mails = ?", t.Settings.ReminderMails).
		Set("retention_days = ?", t.Settings.RetentionDays).
		Set("updated_at = ?", s.now()).
		Where("id = ?", t.ID).Exec(ctx)
	if err != nil {
		return dbErr("update tenant", err)
	}
	s.tenants.forget(t.ID)
	return expectOne(res, "update tenant")
}

// TenantBySlug finds a tenant by its slug.
func (s *Store) TenantBySlug(ctx context.Context, slug string) (model.Tenant, error) {
	var row tenantRow
	err := s.db.NewSelect().Model(&row).Where("slug = ?", slug).Scan(ctx)
	return row.model(), dbErr("tenant "+slug, err)
}

// TenantByID finds a tenant by id.
func (s *Store) TenantByID(ctx context.Context, id string) (model.Tenant, error) {
	if err := checkID("tenant", id); err != nil {
		return model.Tenant{}, err
	}
	var row tenantRow
	err := s.db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	return row.model(), dbErr("tenant", err)
}

// ListTenants returns all tenants ordered by name.
func (s *Store) ListTenants(ctx context.Context) ([]model.Tenant, error) {
	var rows []tenantRow
	if err := s.db.NewSelect().Model(&rows).Order("name", "slug").Scan(ctx); err != nil {
		return nil, dbErr("list tenants", err)
	}
	out := make([]model.Tenant, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// CountTenants counts tenants, split into demo and real ones.
func (s *Store) CountTenants(ctx context.Context) (demo, real int, err error) {
	var rows []struct {
		Demo  bool `bun:"demo"`
		Count int  `bun:"n"`
	}
	err = s.db.NewSelect().Model((*tenantRow)(nil)).Column("demo").ColumnExpr("count(*) AS n").Group("demo").Scan(ctx, &rows)
	if err != nil {
		return 0, 0, dbErr("count tenants", err)
	}
	for _, r := range rows {
		if r.Demo {
			demo = r.Count
		} else {
			real = r.Count
		}
	}
	return demo, real, nil
}
