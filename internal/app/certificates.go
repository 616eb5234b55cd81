package app

import (
	"context"

	"github.com/wachsam/wachsam/internal/certificate"
	"github.com/wachsam/wachsam/internal/store"
)

// renderCertificate makes the PDF of a certificate, with the verification link built from the
// public base URL.
func (s *Server) renderCertificate(ctx context.Context, c store.Certificate, lang string) ([]byte, error) {
	version := c.VersionID
	if crs, err := s.Catalog.Version(ctx, c.VersionID); err == nil && len(crs.ContentHash) >= 12 {
		version = crs.ContentHash[:12]
	}
	return certificate.RenderPDF(certificate.PDFData{
		Language: lang, HolderName: c.HolderName, CourseTitle: c.CourseTitle, Municipality: c.Municipality,
		IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt, Code: c.Code, VerifyURL: s.Config.BaseURL.String() + "/verify/" + c.Code,
		CourseVersion: version,
	})
}
