package media

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/wachsam/wachsam/internal/model"
)

const (
	// objectPrefix is where objects live in the bucket, so the bucket can be shared with
	// other data and a bucket policy can grant exactly this prefix.
	objectPrefix = "media/"
	// stagingPrefix holds uploads until their hash is checked. It sits inside objectPrefix
	// (a policy for "media/*" covers it) but starts with a dot, which no key does. Uploads
	// orphaned by a crash stay here; a bucket lifecycle rule expiring "media/.staging/"
	// after a day removes them.
	stagingPrefix = objectPrefix + ".staging/"
)

// S3Config says how to reach an S3-compatible service (MinIO, Ceph, AWS, …).
type S3Config struct {
	Endpoint  string // host or host:port, without scheme
	Bucket    string
	AccessKey string
	SecretKey string
	UseSSL    bool
	Region    string // may be empty for MinIO
}

// S3 is a Store in an S3 bucket, objects named "media/<key>".
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the service and creates the bucket if it is missing. Several instances
// starting at once may race to create it; losing that race is fine.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("media: S3 endpoint and bucket are required")
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseSSL,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("media: S3 client for %s: %w", cfg.Endpoint, err)
	}
	s := &S3{client: client, bucket: cfg.Bucket}
	if err := s.ensureBucket(ctx, cfg.Region); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *S3) ensureBucket(ctx context.Context, region string) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("media: check bucket %s: %w", s.bucket, err)
	}
	if exists {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	if err == nil {
		return nil
	}
	// Another instance may have created it since we looked. Services disagree on the error
	// code for that (BucketAlreadyOwnedByYou, BucketAlreadyExists), so ask again instead of
	// matching codes.
	if exists, err2 := s.client.BucketExists(ctx, s.bucket); err2 == nil && exists {
		return nil
	}
	return fmt.Errorf("media: create bucket %s: %w", s.bucket, err)
}

func objectName(key string) string { return objectPrefix + key }

// Put implements Store.
//
// The bytes are uploaded to a staging object while being hashed, and only after the hash
// matches the key are they copied (server-side) to their final name. Uploading straight to
// the final name and deleting on a mismatch would briefly expose wrong bytes, and a crash in
// between would leave them for good: every later Put would skip the key as "already stored".
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (bool, error) {
	if !ValidKey(key) {
		return false, errInvalidKey(key)
	}
	if size < 0 {
		return false, fmt.Errorf("media: put %s: negative size %d", key, size)
	}
	switch _, err := s.Stat(ctx, key); {
	case err == nil:
		return false, nil
	case !errors.Is(err, model.ErrNotFound):
		return false, err
	}
	if contentType == "" {
		contentType = ContentTypeFor(key)
	}

	staging, err := stagingName()
	if err != nil {
		return false, err
	}
	// Remove the staging object whatever happens, even when ctx is already cancelled.
	defer func() {
		_ = s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, staging, minio.RemoveObjectOptions{})
	}()

	h := sha256.New()
	// The TeeReader is neither a Seeker nor a ReaderAt, so minio-go reads it once, in order,
	// and h sees exactly the bytes that were uploaded.
	info, err := s.client.PutObject(ctx, s.bucket, staging, io.TeeReader(r, h), size,
		minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return false, fmt.Errorf("media: put %s: %w", key, err)
	}
	if info.Size != size {
		return false, fmt.Errorf("media: put %s: uploaded %d bytes, want %d", key, info.Size, size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != keyHash(key) {
		return false, fmt.Errorf("%w: key %s, content sha256 %s", ErrHashMismatch, key, got)
	}

	// ComposeObject is a plain server-side copy up to 5 GiB and a multipart copy beyond.
	// Metadata is replaced so the content type survives the multipart path too.
	_, err = s.client.ComposeObject(ctx,
		minio.CopyDestOptions{
			Bucket:          s.bucket,
			Object:          objectName(key),
			ReplaceMetadata: true,
			UserMetadata:    map[string]string{"Content-Type": contentType},
		},
		minio.CopySrcOptions{Bucket: s.bucket, Object: staging},
	)
	if err != nil {
		return false, fmt.Errorf("media: put %s: copy from staging: %w", key, err)
	}
	return true, nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Object, error) {
	if !ValidKey(key) {
		return Object{}, errNotFoundKey(key)
	}
	info, err := s.client.StatObject(ctx, s.bucket, objectName(key), minio.StatObjectOptions{})
	if err != nil {
		return Object{}, s.readErr(key, err)
	}
	return toObject(key, info), nil
}

// Open implements Store. The reader is the *minio.Object, which fetches lazily and turns a
// Seek into a ranged GET, so serving a Range request does not download the whole video. It
// keeps using ctx for those requests: pass one that lives as long as the reader.
func (s *S3) Open(ctx context.Context, key string) (ReadSeekCloser, Object, error) {
	if !ValidKey(key) {
		return nil, Object{}, errNotFoundKey(key)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, objectName(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, Object{}, s.readErr(key, err)
	}
	// GetObject only prepares the request; Stat sends it, and so is where NoSuchKey shows.
	info, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, Object{}, s.readErr(key, err)
	}
	return obj, toObject(key, info), nil
}

func (s *S3) readErr(key string, err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return errNotFoundKey(key)
	}
	return fmt.Errorf("media: %s: %w", key, err)
}

func toObject(key string, info minio.ObjectInfo) Object {
	return Object{Key: key, Size: info.Size, ContentType: info.ContentType, ModTime: info.LastModified}
}

// stagingName returns a fresh, unguessable staging object name, so concurrent Puts (even of
// the same key) never share one.
func stagingName() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("media: staging name: %w", err)
	}
	return stagingPrefix + hex.EncodeToString(b[:]), nil
}
