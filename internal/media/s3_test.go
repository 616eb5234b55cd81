package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// s3Config reads the test server from the environment. Without it the S3 tests are
// skipped on a developer's machine but fail in CI, so a broken CI setup cannot silently
// stop testing the backend production uses.
func s3Config(t *testing.T) S3Config {
	t.Helper()
	cfg := S3Config{
		Endpoint:  os.Getenv("WACHSAM_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("WACHSAM_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("WACHSAM_TEST_S3_SECRET_KEY"),
	}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		const msg = "S3 tests need a MinIO server: set WACHSAM_TEST_S3_ENDPOINT (host:port), " +
			"WACHSAM_TEST_S3_ACCESS_KEY and WACHSAM_TEST_S3_SECRET_KEY (.ci/minio.sh starts one)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI must run them")
		}
		t.Skip(msg)
	}
	return cfg
}

// newTestS3 returns a store on a fresh bucket that is emptied and removed after the test.
func newTestS3(t *testing.T) *S3 {
	t.Helper()
	cfg := s3Config(t)
	cfg.Bucket = uniqueBucket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewS3(ctx, cfg)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	t.Cleanup(func() { removeBucket(t, s.client, cfg.Bucket) })
	return s
}

func uniqueBucket(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "wachsam-test-" + hex.EncodeToString(b[:])
}

// listAll returns every object name in the bucket, staging objects included.
func listAll(t *testing.T, client *minio.Client, bucket string) []string {
	t.Helper()
	var names []string
	for obj := range client.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list %s: %v", bucket, obj.Err)
		}
		names = append(names, obj.Key)
	}
	return names
}

func removeBucket(t *testing.T, client *minio.Client, bucket string) {
	ctx := context.Background()
	for _, name := range listAll(t, client, bucket) {
		if err := client.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
			t.Errorf("cleanup: remove %s/%s: %v", bucket, name, err)
		}
	}
	if err := client.RemoveBucket(ctx, bucket); err != nil {
		t.Errorf("cleanup: remove bucket %s: %v", bucket, err)
	}
}

func TestS3(t *testing.T) {
	s3Config(t) // skip or fail once here rather than in every subtest
	testStore(t, harness{
		newStore: func(t *testing.T) Store { return newTestS3(t) },
		list: func(t *testing.T, s Store) []string {
			s3 := s.(*S3)
			return listAll(t, s3.client, s3.bucket)
		},
	})
}

func TestS3ObjectsUnderMediaPrefix(t *testing.T) {
	s := newTestS3(t)
	data := []byte("Schulungsvideo")
	key := keyOf(data, "mp4")
	if _, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), ""); err != nil {
		t.Fatal(err)
	}
	names := listAll(t, s.client, s.bucket)
	if len(names) != 1 || names[0] != "media/"+key {
		t.Errorf("bucket holds %v; want [media/%s]", names, key)
	}
	if obj, err := s.Stat(context.Background(), key); err != nil || obj.ContentType != "video/mp4" {
		t.Errorf("Stat = %+v, %v; want video/mp4 from the extension", obj, err)
	}
}

// TestNewS3ConcurrentBucketCreation starts several instances on a missing bucket at once,
// as replicas of the app do on first deploy: all must come up.
func TestNewS3ConcurrentBucketCreation(t *testing.T) {
	cfg := s3Config(t)
	cfg.Bucket = uniqueBucket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const n = 6
	stores := make([]*S3, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = NewS3(ctx, cfg)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: NewS3: %v", i, err)
		}
	}
	if stores[0] != nil {
		t.Cleanup(func() { removeBucket(t, stores[0].client, cfg.Bucket) })
	}
	// And again on the bucket that now exists.
	if _, err := NewS3(ctx, cfg); err != nil {
		t.Errorf("NewS3 on existing bucket: %v", err)
	}
}

func TestNewS3Errors(t *testing.T) {
	ctx := context.Background()
	if _, err := NewS3(ctx, S3Config{Bucket: "b"}); err == nil {
		t.Error("NewS3 without endpoint succeeded")
	}
	if _, err := NewS3(ctx, S3Config{Endpoint: "127.0.0.1:9"}); err == nil {
		t.Error("NewS3 without bucket succeeded")
	}
}
