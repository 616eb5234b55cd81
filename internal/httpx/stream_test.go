package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// serve runs app on a real connection: fasthttp's chunked encoding and connection handling
// are what is tested.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func TestStreamDeliversTheWholeBody(t *testing.T) {
	app := NewApp(Options{Log: slog.New(slog.DiscardHandler)})
	line := strings.Repeat("x", 99) + "\n"
	app.Get("/", func(c *fiber.Ctx) error {
		c.Set("Content-Type", "text/plain")
		Stream(c, slog.New(slog.DiscardHandler), func(ctx context.Context, w io.Writer) error {
			for range 10_000 { // 1 MB, many times the buffer
				if _, err := io.WriteString(w, line); err != nil {
					return err
				}
			}
			return nil
		})
		return nil
	})
	res, err := http.Get(serve(t, app) + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || len(body) != 1_000_000 || res.ContentLength != -1 || res.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("body %d bytes, length %d, %v, %s", len(body), res.ContentLength, err, res.Header)
	}
}

// A failure after the answer has started must not look like a complete (shorter) file.
func TestStreamBreaksOffOnError(t *testing.T) {
	app := NewApp(Options{Log: slog.New(slog.DiscardHandler)})
	app.Get("/", func(c *fiber.Ctx) error {
		Stream(c, slog.New(slog.DiscardHandler), func(ctx context.Context, w io.Writer) error {
			_, _ = io.WriteString(w, strings.Repeat("x", 3*StreamBufferSize))
			return errors.New("database gone")
		})
		return nil
	})
	res, err := http.Get(serve(t, app) + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if _, err := io.ReadAll(res.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading a broken-off body: %v, want unexpected EOF", err)
	}
}

// A client that goes away stops the writer: its context ends and its writes fail.
func TestStreamStopsWhenTheClientLeaves(t *testing.T) {
	app := NewApp(Options{Log: slog.New(slog.DiscardHandler)})
	stopped := make(chan error, 1)
	app.Get("/", func(c *fiber.Ctx) error {
		Stream(c, slog.New(slog.DiscardHandler), func(ctx context.Context, w io.Writer) error {
			chunk := []byte(strings.Repeat("x", 4096))
			for {
				if ctx.Err() != nil {
					stopped <- ctx.Err()
					return ctx.Err()
				}
				if _, err := w.Write(chunk); err != nil {
					stopped <- err
					return err
				}
			}
		})
		return nil
	})
	res, err := http.Get(serve(t, app) + "/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	select {
	case err := <-stopped:
		if err == nil {
			t.Fatal("writer stopped without an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the writer still runs after the client left")
	}
}

// Streamed exports may take longer to send than the write timeout; the paths named by
// LongDownload get LongWriteTimeout.
func TestLongDownloadGetsTheLongWriteTimeout(t *testing.T) {
	app := NewApp(Options{Log: slog.New(slog.DiscardHandler), LongDownload: func(p string) bool { return p == "/export.csv" }})
	var h fasthttp.RequestHeader
	for path, want := range map[string]time.Duration{"/export.csv?x=1": LongWriteTimeout, "/export.csv": LongWriteTimeout, "/other": 0} {
		h.SetRequestURI(path)
		if got := app.Server().HeaderReceived(&h).WriteTimeout; got != want {
			t.Errorf("%s: write timeout %v, want %v", path, got, want)
		}
	}
}

func TestSpooledWritesEverythingThenSendsIt(t *testing.T) {
	var produced bool
	write := Spooled(func(ctx context.Context, w io.Writer) error {
		for i := range 1000 {
			fmt.Fprintf(w, "line %d\n", i)
		}
		produced = true
		return nil
	})
	var out strings.Builder
	if err := write(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if !produced || !strings.HasPrefix(out.String(), "line 0\n") || !strings.HasSuffix(out.String(), "line 999\n") {
		t.Errorf("spooled body: %d bytes", out.Len())
	}
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), "wachsam-export-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	failing := Spooled(func(ctx context.Context, w io.Writer) error { return errors.New("database gone") })
	if err := failing(context.Background(), io.Discard); err == nil || err.Error() != "database gone" {
		t.Errorf("error not passed on: %v", err)
	}
}

func TestStaleSpoolsAreRemovedAtStart(t *testing.T) {
	old, err := os.CreateTemp("", spoolPattern)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	fresh, err := os.CreateTemp("", spoolPattern)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Close()
	defer os.Remove(fresh.Name())
	two := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old.Name(), two, two); err != nil {
		t.Fatal(err)
	}
	RemoveStaleSpools()
	if _, err := os.Stat(old.Name()); !os.IsNotExist(err) {
		t.Error("a two-hour-old spool file survived")
	}
	if _, err := os.Stat(fresh.Name()); err != nil {
		t.Error("an export in progress lost its spool file")
	}
}
