package media

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestLocal(t *testing.T) {
	testStore(t, harness{
		newStore: func(t *testing.T) Store {
			l, err := NewLocal(filepath.Join(t.TempDir(), "media"))
			if err != nil {
				t.Fatal(err)
			}
			return l
		},
		list: func(t *testing.T, s Store) []string {
			var names []string
			root := s.(*Local).dir
			err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() {
					rel, _ := filepath.Rel(root, path)
					names = append(names, rel)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return names
		},
	})
}

func TestLocalLayoutAndPermissions(t *testing.T) {
	root := filepath.Join(t.TempDir(), "media")
	l, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("Passwort-Richtlinie.pdf")
	key := keyOf(data, "pdf")
	if _, err := l.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), ""); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(root, key[:2], key)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("object not at dir/<first 2 hex>/<key>: %v", err)
	}
	if got := fi.Mode().Perm(); got != 0o640 {
		t.Errorf("file mode %o; want 640", got)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o750 {
		t.Errorf("directory mode %o; want 750", got)
	}
	if obj, err := l.Stat(context.Background(), key); err != nil || obj.ContentType != "application/pdf" {
		t.Errorf("Stat = %+v, %v; want application/pdf derived from the extension", obj, err)
	}
}

func TestNewLocalErrors(t *testing.T) {
	if _, err := NewLocal(""); err == nil {
		t.Error("NewLocal(\"\") succeeded")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLocal(file); err == nil {
		t.Error("NewLocal on a regular file succeeded")
	}
}
