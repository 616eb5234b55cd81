package httpx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// StreamBufferSize is how much of a streamed body is gathered before it goes to the client.
const StreamBufferSize = 64 << 10

// Stream answers with a body that write produces while the client downloads it, for exports
// too large to hold in memory. Status and headers must be set before; Stream returns at once
// and write runs afterwards in its own goroutine (chunked transfer encoding), so it must not
// touch c. Its context ends when the client goes away.
//
// The body is an io.Pipe rather than fasthttp's SetBodyStreamWriter, whose writer cannot
// report failure: here an error from write (the database gone mid-export, say) breaks the
// chunked encoding off without its final chunk, so the client sees a failed download instead
// of a short file that looks complete. The error is logged.
func Stream(c *fiber.Ctx, log *slog.Logger, write func(ctx context.Context, w io.Writer) error) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(c.UserContext()))
	pr, pw := io.Pipe()
	// Fiber's strings point into buffers it reuses after the handler returns: copy them.
	method, path := strings.Clone(c.Method()), strings.Clone(c.Path())
	id, _ := c.Locals(requestIDKey).(string)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
			cancel()
			if err != nil && !errors.Is(err, io.ErrClosedPipe) && !errors.Is(err, context.Canceled) {
				log.Error("streamed answer broken off", "method", method, "path", path, "request_id", id, "err", err)
			}
			pw.CloseWithError(err) // nil: the body ends normally
		}()
		bw := bufio.NewWriterSize(pw, StreamBufferSize)
		if err = write(ctx, bw); err == nil {
			err = bw.Flush()
		}
	}()
	c.Context().SetBodyStream(&streamBody{pr: pr, cancel: cancel}, -1)
}

// streamBody is what fasthttp reads the body from; fasthttp closes it when the answer is
// written or the connection fails, which stops the writer.
type streamBody struct {
	pr     *io.PipeReader
	cancel context.CancelFunc
}

func (b *streamBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

func (b *streamBody) Close() error {
	b.cancel()
	return b.pr.Close()
}

// Spooled wraps write so that it runs to its end into a temporary file first, and the file is
// sent afterwards. For SQLite: its single connection serves every request, and an export
// streamed straight from the cursor would hold it for as long as the slowest client takes to
// download. The file is removed when the answer is sent or broken off.
func Spooled(write func(ctx context.Context, w io.Writer) error) func(ctx context.Context, w io.Writer) error {
	return func(ctx context.Context, w io.Writer) error {
		f, err := os.CreateTemp("", spoolPattern)
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := write(ctx, bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err = io.Copy(w, f)
		return err
	}
}

const spoolPattern = "wachsam-export-*"

// RemoveStaleSpools deletes spool files older than an hour, which only a crash or a kill in
// the middle of an export leaves behind; the server calls it at start.
func RemoveStaleSpools() {
	files, _ := filepath.Glob(filepath.Join(os.TempDir(), spoolPattern))
	for _, f := range files {
		if info, err := os.Stat(f); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.Remove(f)
		}
	}
}
