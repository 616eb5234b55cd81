package httpapi

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/certificate"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// certCourse names the course a certificate is for, with its title as printed on it.
type certCourse struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

type certificateJSON struct {
	ID        string     `json:"id"`
	Code      string     `json:"code"`
	Course    certCourse `json:"course"`
	Holder    string     `json:"holder_name"`
	Status    string     `json:"status"`
	IssuedAt  time.Time  `json:"issued_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	VerifyURL string     `json:"verify_url"`
}

func (a *API) certificateOf(c store.Certificate) certificateJSON {
	return certificateJSON{ID: c.ID, Code: c.Code, Course: certCourse{Slug: c.CourseSlug, Title: c.CourseTitle}, Holder: c.HolderName,
		Status: string(certificate.StatusAt(time.Now(), c.ExpiresAt, c.RevokedAt)), IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt,
		RevokedAt: c.RevokedAt, VerifyURL: a.BaseURL + "/verify/" + c.Code}
}

func (a *API) myCertificates(c *fiber.Ctx) error {
	certs, err := a.Learning.Certificates(c.UserContext(), httpx.MustPrincipal(c))
	if err != nil {
		return err
	}
	out := make([]certificateJSON, len(certs))
	for i, cert := range certs {
		out[i] = a.certificateOf(cert)
	}
	return c.JSON(out)
}

// certificatePDF sends the certificate as an A4 PDF: to its holder, and to the municipality's
// hr and admin as evidence.
func (a *API) certificatePDF(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	cert, err := a.Learning.Certificate(c.UserContext(), p, scope, c.Params("id"))
	if err != nil {
		return err
	}
	lang := "de"
	if l := c.Query("lang", p.Language); l == "en" {
		lang = "en"
	}
	pdf, err := a.RenderCertificate(c.UserContext(), cert, lang)
	if err != nil {
		return err
	}
	if cert.UserID != p.UserID {
		if err := a.Identity.Audit(c.UserContext(), p, cert.TenantID, "certificate.download", cert.HolderName+" – "+cert.CourseTitle, map[string]string{"user_id": cert.UserID}); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="zertifikat-`+cert.CourseSlug+`.pdf"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

type verificationJSON struct {
	Status      string     `json:"status"`
	HolderName  string     `json:"holder_name"`
	CourseTitle string     `json:"course_title"`
	IssuedAt    time.Time  `json:"issued_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
}

// verify is public: anyone holding a certificate's code may check it.
func (a *API) verify(c *fiber.Ctx) error {
	code, _ := url.PathUnescape(c.Params("code")) // printed codes may carry spaces
	v, err := a.Learning.Verify(c.UserContext(), code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(verificationJSON{Status: string(v.Status), HolderName: v.HolderName, CourseTitle: v.CourseTitle, IssuedAt: v.IssuedAt, ExpiresAt: v.ExpiresAt})
}

// listCertificates is the municipality's certificates with their holders' names: a named list,
// so it is for hr and admin only (the route's Require; operators, who hold no other role, see
// municipalities only in aggregate) and refused while named lists are off. Their scope is always
// their own municipality; ownTenant refuses a scope across municipalities by name, and any
// error reading the municipality fails the request rather than skip the rule.
func (a *API) listCertificates(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	if err := report.NamedListsAllowed(t); err != nil {
		return err
	}
	certs, err := a.Store.ListCertificates(c.UserContext(), store.TenantScope(t.ID), 500)
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), t.ID, "certificates.list", "", nil); err != nil {
		return err
	}
	out := make([]certificateJSON, len(certs))
	for i, cert := range certs {
		out[i] = a.certificateOf(cert)
	}
	return c.JSON(out)
}

func (a *API) revokeCertificate(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if scope.All() {
		return model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cert, err := a.Learning.Revoke(c.UserContext(), httpx.MustPrincipal(c), scope, c.Params("id"), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(a.certificateOf(cert))
}
