package app

import (
	"io/fs"
	"log/slog"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/i18n"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/web"
)

func newWeb(cfg *config.Config, st *store.Store, id *identity.Service, messages *i18n.Catalog, courses *catalog.Catalog, log *slog.Logger) (*web.Web, error) {
	static, err := fs.Sub(frontend.Static, "static")
	if err != nil {
		return nil, err
	}
	return web.New(web.Options{Store: st, Identity: id, Frontend: frontend.Templates, Static: static, Catalog: messages, Courses: courses, TLS: cfg.TLS(), Log: log})
}
