package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	dirPerm  = 0o750
	filePerm = 0o640
	// tempPrefix starts with a dot, which no valid key does, so a temp file left by a crash
	// can never be mistaken for an object.
	tempPrefix = ".tmp-"
)

// Local is a Store in a directory: each object is the file dir/<first 2 hex>/<key>. The
// two-character fan-out keeps directories small with thousands of files.
type Local struct {
	dir string
}

// NewLocal returns a Local store rooted at dir, creating it (0750) if needed.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("media: empty directory for local store")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("media: local store directory: %w", err)
	}
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, fmt.Errorf("media: create local store directory: %w", err)
	}
	return &Local{dir: abs}, nil
}

// path returns where a valid key's file lives.
func (l *Local) path(key string) string {
	return filepath.Join(l.dir, key[:2], key)
}

// Put implements Store. The bytes go to a temp file in the target directory, are hashed on
// the way, and only a file whose SHA-256 matches the key is renamed into place; the rename
// is atomic, so readers never see a half-written file and concurrent Puts of the same key
// just replace identical bytes (both may report stored=true). contentType is not kept: a
// plain file has nowhere to put it, so Stat and Open derive it from the key's extension
// (ContentTypeFor), which the course sync takes from the same file name anyway.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (bool, error) {
	if !ValidKey(key) {
		return false, errInvalidKey(key)
	}
	if size < 0 {
		return false, fmt.Errorf("media: put %s: negative size %d", key, size)
	}
	final := l.path(key)
	if exists, err := regularFileExists(final); err != nil || exists {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}

	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	// From here on every failure removes the temp file: nothing is left behind.
	renamed := false
	defer func() {
		if !renamed {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	n, err := io.CopyN(io.MultiWriter(tmp, h), ctxReader{ctx, r}, size)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return false, fmt.Errorf("media: put %s: got %d bytes, want %d: %w", key, n, size, io.ErrUnexpectedEOF)
		}
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != keyHash(key) {
		return false, fmt.Errorf("%w: key %s, content sha256 %s", ErrHashMismatch, key, got)
	}
	// CreateTemp makes 0600 files; set the documented mode explicitly so it does not depend
	// on the umask either.
	if err := tmp.Chmod(filePerm); err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	// Sync before rename: otherwise a crash could leave a correctly named but empty file,
	// which every later Put would then skip as "already stored".
	if err := tmp.Sync(); err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	renamed = true
	syncDir(dir)
	return true, nil
}

// Stat implements Store.
func (l *Local) Stat(ctx context.Context, key string) (Object, error) {
	if !ValidKey(key) {
		return Object{}, errNotFoundKey(key)
	}
	fi, err := os.Stat(l.path(key))
	if err != nil {
		return Object{}, l.readErr(key, err)
	}
	if !fi.Mode().IsRegular() {
		return Object{}, errNotFoundKey(key)
	}
	return l.object(key, fi), nil
}

// Open implements Store; the reader is the *os.File.
func (l *Local) Open(ctx context.Context, key string) (ReadSeekCloser, Object, error) {
	if !ValidKey(key) {
		return nil, Object{}, errNotFoundKey(key)
	}
	f, err := os.Open(l.path(key))
	if err != nil {
		return nil, Object{}, l.readErr(key, err)
	}
	// Stat the open file rather than the path, so size and content always belong together.
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, Object{}, fmt.Errorf("media: open %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, Object{}, errNotFoundKey(key)
	}
	return f, l.object(key, fi), nil
}

func (l *Local) object(key string, fi fs.FileInfo) Object {
	return Object{Key: key, Size: fi.Size(), ContentType: ContentTypeFor(key), ModTime: fi.ModTime()}
}

func (l *Local) readErr(key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errNotFoundKey(key)
	}
	return fmt.Errorf("media: %s: %w", key, err)
}

func regularFileExists(path string) (bool, error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		if !fi.Mode().IsRegular() {
			return false, fmt.Errorf("media: %s exists but is not a regular file", path)
		}
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("media: %w", err)
	}
}

// syncDir makes a rename durable. It is best effort: the file itself is already synced, and
// a failure here only risks losing the name in a crash, after which the next course sync
// simply uploads the file again.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
