// Package assignment makes courses mandatory and ends that again: the one place that checks an
// assignment request (course, target, due date, recurrence), stores it and writes the audit
// entry, for the API and the admin pages alike.
package assignment

import (
	"context"
	"strings"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/schedule"
	"github.com/wachsam/wachsam/internal/store"
)

// Service creates and ends assignments.
type Service struct {
	store    *store.Store
	catalog  *catalog.Catalog
	identity *identity.Service
}

// inTx runs fn with the service bound to one transaction, so that a change and its audit
// entry are written together or not at all.
func (s *Service) inTx(ctx context.Context, fn func(tx *Service) error) error {
	return s.store.InTx(ctx, func(st *store.Store) error {
		return fn(&Service{store: st, catalog: s.catalog, identity: s.identity.WithStore(st)})
	})
}

// New returns the service.
func New(st *store.Store, cat *catalog.Catalog, id *identity.Service) *Service {
	return &Service{store: st, catalog: cat, identity: id}
}

// Request is an assignment as a caller asks for it. Problems are reported per field under
// these names: course, org_unit, user_id, due_in_days, due_date, recurrence.
type Request struct {
	Course     string
	OrgUnit    *string // nil or "" with no UserID: the whole municipality
	UserID     string
	DueInDays  *int
	DueDate    string // YYYY-MM-DD, due at the end of that day in Europe/Berlin
	Recurrence string // "", a period like 12mo, or a fixed yearly deadline like yearly:01-15
}

// Create makes a course mandatory in the one municipality of scope, for all of it, an org unit
// AuditWholeMunicipality names everybody in the target of an assignment.create audit entry
// ("<course> → whole municipality"); the entry is stored in English and the audit page says it
// in its own language.
const AuditWholeMunicipality = "whole municipality"

// (sub-units included) or one person, and writes assignment.create to the audit log.
func (s *Service) Create(ctx context.Context, scope store.Scope, actor auth.Principal, in Request) (store.Assignment, error) {
	if scope.All() {
		return store.Assignment{}, model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	asg := store.Assignment{Recurrence: strings.TrimSpace(in.Recurrence), CreatedBy: actor.UserID}
	v := &model.ValidationError{}
	if entry, err := s.catalog.Get(in.Course, false); err != nil {
		v.Add("course", "there is no published course \""+in.Course+"\"")
	} else {
		asg.CourseID = entry.CourseID
	}
	switch {
	case in.DueInDays != nil && in.DueDate != "":
		v.Add("due_in_days", "give either due_in_days or due_date, not both")
	case in.DueInDays != nil:
		if *in.DueInDays < 0 || *in.DueInDays > 3650 {
			v.Add("due_in_days", "must be between 0 and 3650")
		}
		asg.DueInDays = in.DueInDays
	case in.DueDate != "":
		d, err := time.ParseInLocation("2006-01-02", in.DueDate, model.Berlin)
		if err != nil {
			v.Add("due_date", "must be a date like 2027-01-15")
		} else {
			end := d.Add(24*time.Hour - time.Second) // due at the end of that day
			asg.DueDate = &end
		}
	default:
		v.Add("due_in_days", "give due_in_days (days after assignment or joining) or due_date")
	}
	if r, err := schedule.Parse(asg.Recurrence); err != nil {
		v.Add("recurrence", schedule.Problem)
	} else {
		asg.Recurrence = r.String() // one spelling: "1y" is stored as "12mo", "Yearly:01-15" as "yearly:01-15"
	}
	unit := ""
	if in.OrgUnit != nil {
		unit = strings.TrimSpace(*in.OrgUnit)
	}
	if in.OrgUnit != nil && in.UserID != "" {
		v.Add("org_unit", "assign to an org unit or to one user, not both")
	}
	if err := v.OrNil(); err != nil {
		return store.Assignment{}, err
	}
	if unit != "" {
		u, err := s.store.OrgUnitByPath(ctx, scope, unit)
		if err != nil {
			return store.Assignment{}, model.Invalid("org_unit", "there is no org unit \""+unit+"\"; create it first or check the spelling")
		}
		asg.OrgUnitID = u.ID
	}
	if in.UserID != "" {
		u, err := s.store.UserByID(ctx, scope, in.UserID)
		if err != nil {
			return store.Assignment{}, model.Invalid("user_id", "there is no such user in this municipality")
		}
		asg.UserID = u.ID
	}
	var created store.Assignment
	err := s.inTx(ctx, func(tx *Service) error {
		if err := tx.store.CreateAssignment(ctx, scope, &asg); err != nil {
			return err
		}
		var err error
		if created, err = tx.store.AssignmentByID(ctx, scope, asg.ID); err != nil {
			return err
		}
		target, details := AuditWholeMunicipality, map[string]string(nil)
		if created.OrgUnitPath != "" {
			target = created.OrgUnitPath
		} else if created.UserName != "" {
			target, details = created.UserName, map[string]string{"user_id": created.UserID}
		}
		return tx.identity.Audit(ctx, actor, scope.TenantID(), "assignment.create", created.CourseSlug+" → "+target, details)
	})
	if err != nil {
		return store.Assignment{}, err
	}
	return created, nil
}

// End stops an assignment of the scope (it stays on record) and writes assignment.end to the
// audit log. Another municipality's assignment is not found.
func (s *Service) End(ctx context.Context, scope store.Scope, actor auth.Principal, id string) (store.Assignment, error) {
	asg, err := s.store.AssignmentByID(ctx, scope, id)
	if err != nil {
		return store.Assignment{}, err
	}
	err = s.inTx(ctx, func(tx *Service) error {
		if err := tx.store.EndAssignment(ctx, scope, asg.ID); err != nil {
			return err
		}
		return tx.identity.Audit(ctx, actor, asg.TenantID, "assignment.end", asg.CourseSlug, nil)
	})
	if err != nil {
		return store.Assignment{}, err
	}
	return asg, nil
}
