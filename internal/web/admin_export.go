package web

import (
	"context"
	"io"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/report"
)

// LongDownload names the pages whose answers may take longer to send than the server's write
// timeout: the named list of a large municipality as a file.
func LongDownload(p string) bool {
	return strings.HasPrefix(p, "/admin/reports/") && (strings.HasSuffix(p, "/learners.csv") || strings.HasSuffix(p, "/learners.xlsx"))
}

// learnersDownload sends the named list of one course, with the page's filters, as CSV or
// XLSX — the API's streamed export (report.LearnerExport) under the same rules, audited as
// report.learners.export before the first row leaves.
func (w *Web) learnersDownload(c *fiber.Ctx) error {
	t, _, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	slug, format := c.Params("slug"), strings.TrimPrefix(path.Ext(c.Path()), ".")
	q := report.ExportQuery{Course: slug, Status: c.Query("status"), OrgUnit: strings.TrimSpace(c.Query("unit"))}
	exp, err := w.reports.LearnerExport(c.UserContext(), t, q)
	if err != nil {
		return err
	}
	details := map[string]string{"format": format, "via": "page"}
	for k, v := range map[string]string{"status": q.Status, "org_unit": q.OrgUnit} {
		if v != "" {
			details[k] = v
		}
	}
	if err := w.identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditLearnersExport, slug, details); err != nil {
		return err
	}
	lang := w.language(c)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="learners-`+slug+`.`+format+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if format == "xlsx" {
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		httpx.Stream(c, w.log, w.spoolOnSQLite(func(ctx context.Context, out io.Writer) error {
			_, err := exp.WriteXLSX(ctx, out, lang)
			return err
		}))
		return nil
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	httpx.Stream(c, w.log, w.spoolOnSQLite(func(ctx context.Context, out io.Writer) error {
		_, err := exp.WriteCSV(ctx, out, lang, ';')
		return err
	}))
	return nil
}

// spoolOnSQLite: see httpx.Spooled — SQLite's one connection must not wait for a download.
func (w *Web) spoolOnSQLite(write func(ctx context.Context, out io.Writer) error) func(ctx context.Context, out io.Writer) error {
	if w.store.Dialect() == "sqlite" {
		return httpx.Spooled(write)
	}
	return write
}
