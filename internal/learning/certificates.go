package learning

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/certificate"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Certificates lists the learner's own certificates, newest first.
func (s *Service) Certificates(ctx context.Context, p auth.Principal) ([]store.Certificate, error) {
	return s.store.UserCertificates(ctx, p.UserID)
}

// Certificate returns a certificate the caller may read: their own, or — for hr and admin —
// one of their municipality (audit evidence). Anything else is model.ErrNotFound.
func (s *Service) Certificate(ctx context.Context, p auth.Principal, scope store.Scope, id string) (store.Certificate, error) {
	c, err := s.store.CertificateByID(ctx, store.AllTenants(), id)
	if err != nil {
		return c, err
	}
	if c.UserID == p.UserID {
		return c, nil
	}
	if p.HasAny(model.RoleHR, model.RoleAdmin) && !scope.All() && scope.TenantID() == c.TenantID {
		return c, nil
	}
	return store.Certificate{}, &model.DetailedError{Kind: model.ErrNotFound, Detail: "There is no such certificate, or you may not see it."}
}

// Verification is what the public learns about a certificate: validity, holder, course and
// dates — nothing else.
type Verification struct {
	Status      certificate.Status
	HolderName  string
	CourseTitle string
	IssuedAt    time.Time
	ExpiresAt   *time.Time
}

// Verify looks a certificate up by its code.
func (s *Service) Verify(ctx context.Context, code string) (Verification, error) {
	code = certificate.NormalizeCode(code)
	if len(code) < 26 || strings.Trim(code, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return Verification{}, &model.DetailedError{Kind: model.ErrNotFound, Detail: "No certificate has this code."}
	}
	c, err := s.store.CertificateByCode(ctx, code)
	if errors.Is(err, model.ErrNotFound) {
		return Verification{}, &model.DetailedError{Kind: model.ErrNotFound, Detail: "No certificate has this code."}
	}
	if err != nil {
		return Verification{}, err
	}
	return Verification{Status: certificate.StatusAt(s.store.Now(), c.ExpiresAt, c.RevokedAt), HolderName: c.HolderName,
		CourseTitle: c.CourseTitle, IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt}, nil
}

// Revoke withdraws a certificate of the scope's municipality, with a reason for the record.
func (s *Service) Revoke(ctx context.Context, p auth.Principal, scope store.Scope, id, reason string) (store.Certificate, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return store.Certificate{}, model.Invalid("reason", "say in 1–500 characters why the certificate is revoked")
	}
	if err := s.store.RevokeCertificate(ctx, scope, id, reason, p.UserID); err != nil {
		return store.Certificate{}, err
	}
	c, err := s.store.CertificateByID(ctx, scope, id)
	if err != nil {
		return c, err
	}
	return c, s.store.Audit(ctx, model.AuditEntry{TenantID: c.TenantID, ActorID: p.UserID, Action: "certificate.revoke",
		Target: c.HolderName + " – " + c.CourseTitle, Details: map[string]string{"reason": reason, "user_id": c.UserID}})
}
