package web

import (
	"errors"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/media"
	"github.com/wachsam/wachsam/internal/model"
)

// sessionOrBearer lets a request through with a browser session, else demands a Bearer token.
func (w *Web) sessionOrBearer(c *fiber.Ctx) error {
	if _, ok := httpx.PrincipalOf(c); ok {
		return c.Next()
	}
	return httpx.Bearer(w.identity)(c)
}

// courseMedia serves a course's image, video or document to a signed-in user (browser cookie
// or API Bearer token), with Range support for video. Keys are content hashes, so a response
// never changes and may be cached for a year — privately, since it needs a login.
func (w *Web) courseMedia(c *fiber.Ctx) error {
	p := httpx.MustPrincipal(c)
	key := c.Params("key")
	if etag := `"` + key + `"`; c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	rc, obj, err := w.courses.OpenMedia(c.UserContext(), c.Params("slug"), key, p.HasAny(model.RoleAdmin, model.RoleOperator))
	if err != nil {
		return err
	}
	start, length, partial, err := media.ParseRange(c.Get(fiber.HeaderRange), obj.Size)
	if errors.Is(err, media.ErrRangeNotSatisfiable) {
		rc.Close()
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(obj.Size, 10))
		return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
	}
	if err != nil {
		rc.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, obj.ContentType)
	// Media opened on their own (an SVG in a new tab) must not run scripts on our origin.
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
	c.Set(fiber.HeaderETag, `"`+key+`"`)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	status := fiber.StatusOK
	if partial {
		if _, err := rc.Seek(start, io.SeekStart); err != nil {
			rc.Close()
			return err
		}
		status = fiber.StatusPartialContent
		c.Set(fiber.HeaderContentRange, "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(start+length-1, 10)+"/"+strconv.FormatInt(obj.Size, 10))
	}
	c.Status(status)
	// fasthttp closes the stream when it is done with it (the reader implements io.Closer).
	return c.SendStream(struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, length), rc}, int(length))
}
