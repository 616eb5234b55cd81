package course

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown holds the two goldmark configurations a course needs. Both are
// safe for concurrent use; all per-document state travels in the parser
// context (see docState).
type markdown struct {
	// lesson is for course descriptions and lessons: headings get
	// automatic IDs so that other lessons can link to #anchors.
	lesson goldmark.Markdown
	// quiz has no automatic heading IDs, because a question heading must
	// carry an explicit {#id} and an automatic one would hide its absence.
	quiz goldmark.Markdown
}

func newMarkdown() *markdown {
	return &markdown{lesson: newGoldmark(true), quiz: newGoldmark(false)}
}

// newGoldmark configures CommonMark plus the GFM parts the format allows.
// The GFM task-list extension is deliberately absent: it would turn the
// quiz's "[ ]" and "[x]" markers into checkboxes before the quiz parser sees
// them. html.WithUnsafe is absent too, so raw HTML can never reach the output
// (and the sanitizer reports it as an error besides).
func newGoldmark(autoHeadingID bool) goldmark.Markdown {
	popts := []parser.Option{
		parser.WithHeadingAttribute(),
		parser.WithASTTransformers(
			util.Prioritized(sanitizer{}, 100),
		),
	}
	if autoHeadingID {
		popts = append(popts, parser.WithAutoHeadingID())
	}
	return goldmark.New(
		goldmark.WithExtensions(
			// Alignment as an attribute rather than style="…", so pages can
			// run under a Content-Security-Policy that forbids inline styles.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
			extension.Footnote,
			calloutExtension{},
		),
		goldmark.WithParserOptions(popts...),
	)
}

// docStateKey finds the docState in a parser context.
var docStateKey = parser.NewContextKey()

// docState is what the AST transformers need to know about the document they
// work on: where it lives (for diagnostics) and its language (for callout titles).
type docState struct {
	doc *mdDoc
	r   *reporter
	// idPrefix keeps element IDs that the transformers invent (callouts)
	// unique on a page that shows several documents.
	idPrefix string
	callouts int
}

// mdDoc is one parsed Markdown body with what it takes to report positions
// in its file and to render parts of it later.
type mdDoc struct {
	path string // tree-relative path of the file
	lang string
	src  []byte // the body, without front matter
	li   lineIndex
	root ast.Node
	// ids are the heading IDs of the document, for checking #anchor links.
	ids map[string]bool
}

// parseDoc parses body (the part of the file at path after its front
// matter, starting on file line bodyLine) with md. Diagnostics go to r.
func parseDoc(md goldmark.Markdown, path, lang string, body []byte, bodyLine int, idPrefix string, r *reporter) *mdDoc {
	doc := &mdDoc{path: path, lang: lang, src: body, li: newLineIndex(body, bodyLine), ids: map[string]bool{}}
	st := &docState{doc: doc, r: r, idPrefix: idPrefix}
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(docStateKey, st)
	doc.root = md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if id, ok := h.AttributeString("id"); ok {
				doc.ids[attrString(id)] = true
			}
		}
		return ast.WalkContinue, nil
	})
	return doc
}

// render renders nodes of doc to HTML, one after the other.
func (d *mdDoc) render(md goldmark.Markdown, nodes ...ast.Node) string {
	var buf bytes.Buffer
	for _, n := range nodes {
		// The HTML renderer writes to a buffer and never fails for our node kinds.
		_ = md.Renderer().Render(&buf, d.src, n)
	}
	return buf.String()
}

// pos returns the file position of node n.
func (d *mdDoc) pos(n ast.Node) pos { return d.li.pos(nodeOffset(n)) }

// nodeOffset finds a byte offset for n in the source. Goldmark records a
// position for most nodes; for the rest the first child or the parent is
// close enough to point the author at the right line.
func nodeOffset(n ast.Node) int {
	for m := n; m != nil; m = m.FirstChild() {
		if p := m.Pos(); p >= 0 {
			return p
		}
		if m.Type() == ast.TypeBlock && m.Lines().Len() > 0 {
			return m.Lines().At(0).Start
		}
	}
	for m := n.Parent(); m != nil; m = m.Parent() {
		if _, ok := m.(*ast.Document); ok {
			break
		}
		if p := m.Pos(); p >= 0 {
			return p
		}
	}
	return 0
}

// plainText is the text content of n and its descendants, without markup,
// e.g. an image's alt text or a heading's title.
func plainText(src []byte, n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			for cc := t.FirstChild(); cc != nil; cc = cc.NextSibling() {
				if tt, ok := cc.(*ast.Text); ok {
					b.Write(tt.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(t.Label(src))
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// attrString turns a goldmark attribute value into a string.
func attrString(v any) string {
	switch t := v.(type) {
	case []byte:
		return string(t)
	case string:
		return t
	}
	return ""
}

// lineIndex maps byte offsets in a body to file positions.
type lineIndex struct {
	src    []byte
	starts []int // offset of each line start
	base   int   // file line of the body's first line
}

func newLineIndex(src []byte, base int) lineIndex {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{src: src, starts: starts, base: base}
}

// pos converts a byte offset to a 1-based line and character column.
func (li lineIndex) pos(off int) pos {
	off = max(0, min(off, len(li.src)))
	i := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	i = max(i, 0)
	return pos{line: li.base + i, col: utf8.RuneCount(li.src[li.starts[i]:off]) + 1}
}

// firstInvalidUTF8 returns the offset of the first byte that is not valid
// UTF-8, or -1.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
