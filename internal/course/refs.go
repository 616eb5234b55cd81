package course

import (
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// schemeRE recognises a URL scheme ("https:", "mailto:") at the start of a link.
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// externalRel is set on links to other sites: the target page gets no handle
// on the learner's window and no Referer revealing the learning platform.
var externalRel = []byte("noopener noreferrer")

// resolveRefs checks every link and image of doc and rewrites the ones that
// point into the course to the URLs the server serves them at. It runs after
// all files of the course are parsed, so links can be checked against every
// lesson's headings.
func (b *courseBuild) resolveRefs(doc *mdDoc) {
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Image:
			b.resolveImage(doc, t)
		case *ast.Link:
			b.resolveLink(doc, t)
		case *ast.AutoLink:
			b.resolveAutoLink(doc, t)
		}
		return ast.WalkContinue, nil
	})
}

func (b *courseBuild) resolveLink(doc *mdDoc, link *ast.Link) {
	dest := strings.TrimSpace(string(link.Destination))
	p := doc.pos(link)
	switch {
	case dest == "":
		b.r.errorf(doc.path, p, "link has no target")
	case strings.HasPrefix(dest, "#"):
		if a := unescape(dest[1:]); a != "" && !doc.ids[a] {
			b.r.warnf(doc.path, p, "link %q: there is no heading with the ID %q in this file", dest, a)
		}
	case strings.HasPrefix(dest, "//"):
		b.r.errorf(doc.path, p, "link %q: write the full address, starting with https://", dest)
	case schemeRE.MatchString(dest):
		switch scheme := strings.ToLower(dest[:strings.IndexByte(dest, ':')]); scheme {
		case "http", "https":
			link.SetAttribute([]byte("rel"), externalRel)
		case "mailto", "tel":
		default:
			b.r.errorf(doc.path, p, "link %q: %s: links are not allowed; use https://, http://, mailto: or tel:", dest, scheme)
		}
	default:
		if u, ok := b.localTarget(doc, p, dest, "link", false); ok {
			link.Destination = []byte(u)
		}
	}
}

func (b *courseBuild) resolveAutoLink(doc *mdDoc, link *ast.AutoLink) {
	if link.AutoLinkType == ast.AutoLinkEmail {
		return
	}
	u := string(link.URL(doc.src))
	if !schemeRE.MatchString(u) { // linkify's "www.example.de"
		link.SetAttribute([]byte("rel"), externalRel)
		return
	}
	switch scheme := strings.ToLower(u[:strings.IndexByte(u, ':')]); scheme {
	case "http", "https":
		link.SetAttribute([]byte("rel"), externalRel)
	case "mailto":
	default:
		b.r.errorf(doc.path, doc.pos(link), "link %q: %s: links are not allowed; use https://, http://, mailto: or tel:", u, scheme)
	}
}

func (b *courseBuild) resolveImage(doc *mdDoc, img *ast.Image) {
	dest := strings.TrimSpace(string(img.Destination))
	p := doc.pos(img)
	if plainText(doc.src, img) == "" {
		b.r.errorf(doc.path, p, "image %q has no alt text: describe what it shows, e.g. ![Beispiel einer Phishing-Mail](%s)", dest, dest)
	}
	switch {
	case dest == "":
		b.r.errorf(doc.path, p, "image has no source; write ![alt text](media/file.png)")
		return
	case strings.HasPrefix(dest, "//") || schemeRE.MatchString(dest):
		b.r.errorf(doc.path, p, "image %q: images must be files in the course's media/ folder; nothing may be loaded from another host", dest)
		return
	}
	if u, ok := b.localTarget(doc, p, dest, "image", true); ok {
		img.Destination = []byte(u)
		// Lessons can be long and learners' connections slow.
		img.SetAttribute([]byte("loading"), []byte("lazy"))
	}
}

// localTarget checks a relative link or image source and returns the URL to
// render in its place.
func (b *courseBuild) localTarget(doc *mdDoc, p pos, dest, what string, image bool) (string, bool) {
	rawPath, frag, _ := strings.Cut(dest, "#")
	if strings.Contains(rawPath, "?") {
		b.r.errorf(doc.path, p, "%s %q: remove the \"?…\" part; course files take no query", what, dest)
		return "", false
	}
	rel, err := url.PathUnescape(rawPath)
	if err != nil {
		b.r.errorf(doc.path, p, "%s %q: not a valid path (%v)", what, dest, err)
		return "", false
	}
	if strings.Contains(rel, `\`) {
		b.r.errorf(doc.path, p, "%s %q: write paths with /, not \\", what, dest)
		return "", false
	}
	if strings.HasPrefix(rel, "/") {
		b.r.errorf(doc.path, p, "%s %q: absolute paths are not allowed; write the path relative to the course directory, e.g. media/bild.png or 02-merkmale.md", what, dest)
		return "", false
	}
	clean := path.Clean(rel)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		b.r.errorf(doc.path, p, "%s %q points outside the course directory", what, dest)
		return "", false
	}
	if image {
		f := b.media[clean]
		switch {
		case !strings.HasPrefix(clean, "media/"):
			b.r.errorf(doc.path, p, "image %q: images must be in the course's media/ folder", dest)
		case f == nil:
			b.r.errorf(doc.path, p, "image file %q not found in the course", clean)
		case !isImage(clean):
			b.r.errorf(doc.path, p, "%q is not an image; use PNG, JPEG, GIF, WebP, AVIF or SVG", clean)
		default:
			b.usedMedia[clean] = true
			return b.mediaURL(f), true
		}
		return "", false
	}
	if ls := b.lessonFiles[clean]; ls != nil {
		u := b.lessonURL(ls.slug)
		if frag != "" {
			if a := unescape(frag); !ls.anchors(doc.lang)[a] {
				b.r.warnf(doc.path, p, "link %q: lesson %s has no heading with the ID %q", dest, ls.fileName(), a)
			}
			u += "#" + frag
		}
		return u, true
	}
	if strings.HasPrefix(clean, "media/") {
		f := b.media[clean]
		if f == nil {
			b.r.errorf(doc.path, p, "link %q: file %q not found in the course", dest, clean)
			return "", false
		}
		b.usedMedia[clean] = true
		u := b.mediaURL(f)
		if frag != "" {
			u += "#" + frag
		}
		return u, true
	}
	if strings.HasSuffix(clean, ".md") {
		b.r.errorf(doc.path, p, "link %q: there is no lesson %q in this course; link to lessons by file name, e.g. 02-merkmale.md", dest, clean)
	} else {
		b.r.errorf(doc.path, p, "link %q: no such file; links may point to lessons (NN-slug.md), files in media/ or web addresses", dest)
	}
	return "", false
}

func (b *courseBuild) mediaURL(f *courseFile) string {
	if b.opts.MediaURL != nil {
		return b.opts.MediaURL(b.slug, f.rel, f.sha256)
	}
	return f.rel
}

func (b *courseBuild) lessonURL(lesson string) string {
	if b.opts.LessonURL != nil {
		return b.opts.LessonURL(b.slug, lesson)
	}
	return "/courses/" + b.slug + "/lessons/" + lesson
}

// unescape decodes %XX in an anchor, keeping the text as it is when that fails.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
