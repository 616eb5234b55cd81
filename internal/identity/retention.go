package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// AnonymiseUser removes what names a deactivated user (see store.AnonymiseUser) at once — the
// right to erasure, or a person who left and asked. Admins of the tenant only; audited without
// the name or address that was removed.
func (s *Service) AnonymiseUser(ctx context.Context, scope store.Scope, actor auth.Principal, id string) (model.User, error) {
	if actor.UserID == id {
		return model.User{}, model.Forbidden("you cannot anonymise yourself")
	}
	if u, err := s.store.UserByID(ctx, scope, id); err != nil {
		return model.User{}, err
	} else if err := CheckManage(actor, u); err != nil {
		return model.User{}, err
	}
	var u model.User
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.AnonymiseUser(ctx, scope, id); err != nil {
			return err
		}
		return tx.Audit(ctx, model.AuditEntry{TenantID: u.TenantID, ActorID: actor.UserID, Action: "user.anonymise", Target: "anonymised:" + u.ID})
	})
	return u, err
}

// ApplyRetention anonymises, in every tenant with a retention period, the people deactivated
// longer ago than that period. It is idempotent and safe to run on several instances at once;
// each person is anonymised in its own transaction, so a failure leaves the others done.
func (s *Service) ApplyRetention(ctx context.Context, now time.Time) (int, error) {
	tenants, err := s.store.ListTenants(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, t := range tenants {
		if t.Settings.RetentionDays <= 0 {
			continue
		}
		cutoff := now.AddDate(0, 0, -t.Settings.RetentionDays)
		for {
			due, err := s.store.DueForAnonymisation(ctx, t.ID, cutoff, 200)
			if err != nil {
				return done, err
			}
			for _, u := range due {
				err := s.store.InTx(ctx, func(tx *store.Store) error {
					if _, err := tx.AnonymiseUser(ctx, store.TenantScope(t.ID), u.ID); err != nil {
						return err
					}
					return tx.Audit(ctx, model.AuditEntry{TenantID: t.ID, Action: "user.anonymise", Target: "anonymised:" + u.ID,
						Details: map[string]string{"reason": fmt.Sprintf("retention: deactivated more than %d days ago", t.Settings.RetentionDays)}})
				})
				if err != nil {
					return done, err
				}
				done++
			}
			if len(due) < 200 {
				break
			}
		}
	}
	return done, nil
}
