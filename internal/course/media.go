package course

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// MediaFile is a media file that a course's Markdown refers to.
type MediaFile struct {
	// Path is relative to the course directory ("media/beispiel-mail.png");
	// the file itself is at Course.Slug + "/" + Path in the loaded fs.FS.
	Path        string
	SHA256      string // hex SHA-256 of the file's bytes
	ContentType string
	Size        int64
}

// contentTypes fixes the types of the usual media files. mime.TypeByExtension
// would consult the host's /etc/mime.types and could answer differently on
// another machine; course versions must not depend on the host.
var contentTypes = map[string]string{
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".avif": "image/avif",
	".svg":  "image/svg+xml",
	".pdf":  "application/pdf",
	".mp4":  "video/mp4",
	".webm": "video/webm",
	".mp3":  "audio/mpeg",
	".ogg":  "audio/ogg",
	".vtt":  "text/vtt; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".csv":  "text/csv; charset=utf-8",
	".zip":  "application/zip",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
}

// imageExts are the file types a browser shows in <img>.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true, ".svg": true}

func isImage(rel string) bool { return imageExts[strings.ToLower(path.Ext(rel))] }

// courseFile is one file of a course with its checksum. data is kept for
// Markdown files only; media may be large and is streamed through the hash.
type courseFile struct {
	rel         string // relative to the course directory
	size        int64
	sha256      string
	contentType string
	data        []byte
}

// readCourseFile reads and hashes the file name of fsys. rel is its path
// inside the course; keep says to hold on to the bytes.
func readCourseFile(fsys fs.FS, name, rel string, keep bool) (*courseFile, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	var head headBuffer
	var data bytes.Buffer
	w := io.MultiWriter(h, &head)
	if keep {
		w = io.MultiWriter(h, &head, &data)
	}
	n, err := io.Copy(w, f)
	if err != nil {
		return nil, err
	}
	cf := &courseFile{rel: rel, size: n, sha256: hex.EncodeToString(h.Sum(nil))}
	if keep {
		cf.data = data.Bytes()
	}
	cf.contentType = contentTypes[strings.ToLower(path.Ext(rel))]
	if cf.contentType == "" {
		cf.contentType = http.DetectContentType(head.b)
	}
	return cf, nil
}

// headBuffer keeps the first 512 bytes written to it, all that
// http.DetectContentType looks at.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := 512 - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// contentHash identifies a version of a course: SHA-256 over the sorted list
// of "path NUL size NUL sha256(bytes) LF" of every file of the course. Hashing
// each file's hash instead of its bytes lets media stream through once;
// it still changes with any byte of any file, and equal trees hash equally.
// files must be sorted by rel.
func contentHash(files []*courseFile) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", f.rel, f.size, f.sha256)
	}
	return hex.EncodeToString(h.Sum(nil))
}
