package app

import (
	"context"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/web"
)

func newWeb(cfg *config.Config, srv *Server, messages *i18n.Catalog, exportData fiber.Handler, reports *report.Service, assignments *assignment.Service, cursors *pagecursor.Codec) (*web.Web, error) {
	static, err := fs.Sub(frontend.Static, "static")
	if err != nil {
		return nil, err
	}
	var invite func(ctx context.Context, tx *store.Store, tenantID string, userIDs ...string) error
	if srv.Notify.Enabled() {
		invite = srv.Notify.Invite // the import page offers invitations only when e-mail goes out
	}
	return web.New(web.Options{Store: srv.Store, Identity: srv.Identity, Frontend: frontend.Templates, Static: static, Catalog: messages,
		Courses: srv.Catalog, Learning: srv.Learning, RenderPDF: srv.renderCertificate, ExportData: exportData, RefreshTTL: cfg.RefreshTokenTTL, Mail: cfg.SMTP.Enabled(), TLS: cfg.TLS(), Log: srv.Log,
		Reports: reports, Assignments: assignments, MaxImportBytes: cfg.MaxImportBytes, Invite: invite, Cursors: cursors})
}
