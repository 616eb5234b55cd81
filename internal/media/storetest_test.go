package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
)

// harness is one backend under test: a fresh, empty store per call, and a way to list
// every name the backend holds (objects, temp or staging files), to prove that failed Puts
// leave nothing behind.
type harness struct {
	newStore func(t *testing.T) Store
	list     func(t *testing.T, s Store) []string
}

// testStore runs the behaviour every Store must have. Local and S3 both run it.
func testStore(t *testing.T, h harness) {
	t.Run("PutStatOpenSeek", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		data := []byte("Phishing erkennen: Absender prüfen, Links nicht blind folgen.")
		key := keyOf(data, "png")

		before := time.Now().Add(-time.Minute) // S3 clocks and mtimes may round
		stored, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/png")
		if err != nil || !stored {
			t.Fatalf("Put = %v, %v; want true, nil", stored, err)
		}

		obj, err := s.Stat(ctx, key)
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if obj.Key != key || obj.Size != int64(len(data)) || obj.ContentType != "image/png" {
			t.Errorf("Stat = %+v; want key %s, size %d, image/png", obj, key, len(data))
		}
		if obj.ModTime.Before(before) || obj.ModTime.After(time.Now().Add(time.Minute)) {
			t.Errorf("ModTime %v not around now", obj.ModTime)
		}

		rc, obj2, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		if obj2.Size != obj.Size || obj2.ContentType != obj.ContentType || obj2.Key != key {
			t.Errorf("Open object %+v differs from Stat %+v", obj2, obj)
		}
		got, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("ReadAll = %q, %v; want %q", got, err, data)
		}
		// Seeks as an HTTP Range handler does them.
		if pos, err := rc.Seek(10, io.SeekStart); err != nil || pos != 10 {
			t.Fatalf("Seek(10, start) = %d, %v", pos, err)
		}
		readN(t, rc, data[10:20])
		if pos, err := rc.Seek(-5, io.SeekEnd); err != nil || pos != int64(len(data)-5) {
			t.Fatalf("Seek(-5, end) = %d, %v", pos, err)
		}
		readN(t, rc, data[len(data)-5:])
		if _, err := rc.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		readN(t, rc, data[:4])
		if pos, err := rc.Seek(2, io.SeekCurrent); err != nil || pos != 6 {
			t.Fatalf("Seek(2, current) = %d, %v", pos, err)
		}
		readN(t, rc, data[6:9])
	})

	t.Run("EmptyObject", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		key := keyOf(nil, "")
		if stored, err := s.Put(ctx, key, strings.NewReader(""), 0, ""); err != nil || !stored {
			t.Fatalf("Put = %v, %v", stored, err)
		}
		rc, obj, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		if obj.Size != 0 || obj.ContentType != "application/octet-stream" {
			t.Errorf("object = %+v; want size 0, application/octet-stream", obj)
		}
		if got, err := io.ReadAll(rc); err != nil || len(got) != 0 {
			t.Errorf("ReadAll = %q, %v", got, err)
		}
	})

	t.Run("LargeObject", func(t *testing.T) {
		// Above minio-go's 16 MiB threshold, so S3 goes through a multipart upload: the hash
		// must still see the bytes once and in order.
		s := h.newStore(t)
		ctx := context.Background()
		data := make([]byte, 20<<20)
		for i := range data {
			data[i] = byte(i*7 + i>>13)
		}
		key := keyOf(data, "mp4")
		// MultiReader hides Seek and ReadAt, like the HTTP or git stream a sync reads from.
		if stored, err := s.Put(ctx, key, io.MultiReader(bytes.NewReader(data)), int64(len(data)), ""); err != nil || !stored {
			t.Fatalf("Put = %v, %v", stored, err)
		}
		rc, obj, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		if obj.Size != int64(len(data)) || obj.ContentType != "video/mp4" {
			t.Errorf("object = %+v", obj)
		}
		if _, err := rc.Seek(17<<20, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		readN(t, rc, data[17<<20:17<<20+4096])
		if names := h.list(t, s); len(names) != 1 {
			t.Errorf("store holds %v; want just the one object", names)
		}
	})

	t.Run("IdempotentPutDoesNotRead", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		data := []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")
		key := keyOf(data, "svg")
		if stored, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), ""); err != nil || !stored {
			t.Fatalf("first Put = %v, %v", stored, err)
		}
		stored, err := s.Put(ctx, key, failReader{t}, int64(len(data)), "")
		if err != nil || stored {
			t.Fatalf("second Put = %v, %v; want false, nil", stored, err)
		}
		// Empty content type falls back to the extension's.
		if obj, err := s.Stat(ctx, key); err != nil || obj.ContentType != "image/svg+xml" {
			t.Errorf("Stat = %+v, %v; want image/svg+xml", obj, err)
		}
		if names := h.list(t, s); len(names) != 1 {
			t.Errorf("store holds %v; want just the one object", names)
		}
	})

	t.Run("HashMismatchRefused", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		key := keyOf([]byte("the real bytes"), "pdf")
		wrong := []byte("something else!")
		stored, err := s.Put(ctx, key, bytes.NewReader(wrong), int64(len(wrong)), "application/pdf")
		if !errors.Is(err, ErrHashMismatch) || stored {
			t.Fatalf("Put = %v, %v; want false, ErrHashMismatch", stored, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("Stat after refused Put: %v; want ErrNotFound", err)
		}
		if names := h.list(t, s); len(names) != 0 {
			t.Errorf("refused Put left %v behind", names)
		}
	})

	t.Run("ShortReaderRefused", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		data := []byte("0123456789")
		key := keyOf(data, "")
		stored, err := s.Put(ctx, key, bytes.NewReader(data[:4]), int64(len(data)), "")
		if err == nil || stored {
			t.Fatalf("Put of 4 bytes announced as 10 = %v, %v; want an error", stored, err)
		}
		if names := h.list(t, s); len(names) != 0 {
			t.Errorf("failed Put left %v behind", names)
		}
	})

	t.Run("InvalidKeys", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		data := []byte("x")
		hash := keyOf(data, "")
		for _, key := range []string{
			"",
			"../etc/passwd",
			"../../" + hash,
			hash[:2] + "/" + hash,
			strings.ToUpper(hash),
			hash[:63],
			hash + "0",
			hash + ".",
			hash + ".PNG",
			hash + "./png",
			hash + ".png/../x",
			hash + ".p\x00g",
			hash + ".verylongextension",
			"zz" + hash[2:],
		} {
			if stored, err := s.Put(ctx, key, failReader{t}, 1, ""); !errors.Is(err, ErrInvalidKey) || stored {
				t.Errorf("Put(%q) = %v, %v; want ErrInvalidKey", key, stored, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("Stat(%q) = %v; want ErrNotFound", key, err)
			}
			if rc, _, err := s.Open(ctx, key); !errors.Is(err, model.ErrNotFound) {
				if rc != nil {
					rc.Close()
				}
				t.Errorf("Open(%q) = %v; want ErrNotFound", key, err)
			}
		}
		if names := h.list(t, s); len(names) != 0 {
			t.Errorf("invalid keys created %v", names)
		}
	})

	t.Run("MissingIsNotFound", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		key := keyOf([]byte("never stored"), "mp4")
		if _, err := s.Stat(ctx, key); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("Stat = %v; want ErrNotFound", err)
		}
		if _, _, err := s.Open(ctx, key); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("Open = %v; want ErrNotFound", err)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := h.newStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		data := []byte("cancelled")
		key := keyOf(data, "")
		if stored, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), ""); err == nil || stored {
			t.Errorf("Put with cancelled context = %v, %v; want an error", stored, err)
		}
		if names := h.list(t, s); len(names) != 0 {
			t.Errorf("cancelled Put left %v behind", names)
		}
	})

	t.Run("ConcurrentPutsOfSameKey", func(t *testing.T) {
		s := h.newStore(t)
		ctx := context.Background()
		// Big enough that writes overlap rather than finish one after another.
		data := bytes.Repeat([]byte("Sicherheitsbewusstsein "), 40_000)
		key := keyOf(data, "webm")
		const n = 8
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			stored int
			errs   []error
		)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "video/webm")
				mu.Lock()
				defer mu.Unlock()
				if ok {
					stored++
				}
				if err != nil {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("concurrent Puts failed: %v", errs)
		}
		if stored < 1 {
			t.Errorf("no Put reported stored=true")
		}
		rc, obj, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		got, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(got, data) || obj.Size != int64(len(data)) {
			t.Errorf("content after concurrent Puts: %d bytes (size %d), err %v; want %d", len(got), obj.Size, err, len(data))
		}
		if names := h.list(t, s); len(names) != 1 {
			t.Errorf("store holds %v; want just the one object", names)
		}
	})
}

func keyOf(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return KeyFor(hex.EncodeToString(sum[:]), ext)
}

func readN(t *testing.T, r io.Reader, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %q, %v; want %q", got, err, want)
	}
}

// failReader fails the test when read: Put must not touch the reader of a key that exists.
type failReader struct{ t *testing.T }

func (f failReader) Read([]byte) (int, error) {
	f.t.Error("Put read the reader although it must not")
	return 0, errors.New("must not be read")
}
