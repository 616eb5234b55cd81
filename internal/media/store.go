// Package media stores the files that courses reference (images, SVG, video, PDF, captions)
// under content-addressed keys and hands them back for serving to signed-in users.
//
// A key is the lowercase hex SHA-256 of the bytes, optionally followed by an extension
// (see KeyFor). Because the key is derived from the content, a key that exists never needs
// to be written again, and every store checks on write that the bytes really hash to the
// key. Keys are validated on every call, so a key coming from a URL can never name
// anything outside the store.
//
// Two backends implement Store: Local (a directory) and S3 (any S3-compatible service via
// minio-go). ParseRange helps an HTTP handler answer Range requests on top of Open.
package media

import (
	"context"
	"errors"
	"io"
	"time"
)

// Object describes a stored file.
type Object struct {
	Key         string
	Size        int64
	ContentType string
	ModTime     time.Time
}

// ReadSeekCloser is what Open returns: seekable so that HTTP Range requests can be
// answered without reading the whole object.
type ReadSeekCloser interface {
	io.ReadSeeker
	io.Closer
}

// Store keeps media by key.
//
// Read methods report an invalid or unknown key as model.ErrNotFound (test with
// errors.Is); Put reports an invalid key as ErrInvalidKey.
type Store interface {
	// Put stores r (exactly size bytes) under key unless an object with that key exists
	// already (content-addressed, so it is the same bytes): it returns stored=false then,
	// without reading r. It fails with ErrHashMismatch, storing nothing, when the bytes do
	// not hash to the key. contentType may be empty; see ContentTypeFor.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (stored bool, err error)
	// Stat describes the object; model.ErrNotFound when it is missing.
	Stat(ctx context.Context, key string) (Object, error)
	// Open returns a seekable reader that the caller must close, and the object's
	// description; model.ErrNotFound when it is missing.
	Open(ctx context.Context, key string) (ReadSeekCloser, Object, error)
}

var (
	// ErrInvalidKey is returned by Put for a key that is not a lowercase hex SHA-256 with an
	// optional lowercase extension.
	ErrInvalidKey = errors.New("media: invalid key")
	// ErrHashMismatch is returned by Put when the bytes do not hash to the key; nothing is
	// stored then.
	ErrHashMismatch = errors.New("media: content does not match key")
)

// Compile-time checks that both backends satisfy Store.
var (
	_ Store = (*Local)(nil)
	_ Store = (*S3)(nil)
)

// ctxReader stops a long copy once ctx is done, so that a cancelled course sync does not
// keep streaming a large video into a file nobody will use.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
