package httpapi

import (
	"context"
	"io"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/report"
)

// LongDownload names the routes whose answers may take longer to send than the server's
// write timeout: the streamed named exports of a large municipality.
func LongDownload(path string) bool {
	return path == "/api/v1/reports/learners.csv" || path == "/api/v1/reports/learners.xlsx"
}

// learnerExport checks a request for the named export and writes its audit entry; the rows
// are written afterwards, while the client downloads. The audit entry is written first: an
// export that breaks off has still been seen in part.
func (a *API) learnerExport(c *fiber.Ctx, format string) (*report.LearnerExport, string, error) {
	t, err := a.ownTenant(c)
	if err != nil {
		return nil, "", err
	}
	q := report.ExportQuery{Course: c.Query("course"), Status: c.Query("status"), OrgUnit: c.Query("org_unit")}
	exp, err := a.Reports.LearnerExport(c.UserContext(), t, q)
	if err != nil {
		return nil, "", err
	}
	details := map[string]string{"format": format}
	for k, v := range map[string]string{"status": q.Status, "org_unit": q.OrgUnit} {
		if v != "" {
			details[k] = v
		}
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, report.AuditLearnersExport, q.Course, details); err != nil {
		return nil, "", err
	}
	name := "learners"
	if q.Course != "" {
		name += "-" + q.Course // a slug: safe in a header
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.`+format+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return exp, exportLang(c), nil
}

// learnersCSV streams the named list across the municipality's mandatory courses (or one,
// with ?course=) as CSV, straight from the database cursor to the client.
func (a *API) learnersCSV(c *fiber.Ctx) error {
	exp, lang, err := a.learnerExport(c, "csv")
	if err != nil {
		return err
	}
	sep := csvSeparator(c)
	c.Set(fiber.HeaderContentType, typeCSV)
	httpx.Stream(c, a.log(), a.spoolOnSQLite(func(ctx context.Context, w io.Writer) error {
		_, err := exp.WriteCSV(ctx, w, lang, sep)
		return err
	}))
	return nil
}

// learnersXLSX is the same export as an Excel workbook (several sheets beyond Excel's row
// limit). The workbook is assembled on disk by excelize and sent as it is zipped.
func (a *API) learnersXLSX(c *fiber.Ctx) error {
	exp, lang, err := a.learnerExport(c, "xlsx")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, typeXLSX)
	httpx.Stream(c, a.log(), a.spoolOnSQLite(func(ctx context.Context, w io.Writer) error {
		_, err := exp.WriteXLSX(ctx, w, lang)
		return err
	}))
	return nil
}

func (a *API) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

// spoolOnSQLite reads the export to a temporary file first on SQLite, whose one connection
// would otherwise wait for the client's download (see httpx.Spooled); PostgreSQL streams.
func (a *API) spoolOnSQLite(write func(ctx context.Context, w io.Writer) error) func(ctx context.Context, w io.Writer) error {
	if a.Store.Dialect() == "sqlite" {
		return httpx.Spooled(write)
	}
	return write
}
