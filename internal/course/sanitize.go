package course

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// sanitizer is an AST transformer that reports and removes what an author
// may not write: raw HTML (inline or block) and heading attributes other than
// {#id} and {.class}. Goldmark would already refuse to render raw HTML
// without html.WithUnsafe; reporting it as an error tells the author instead
// of silently dropping their content. HTML comments are the exception: they
// are a common way to leave notes for reviewers and never reach the output.
type sanitizer struct{}

func (sanitizer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(docStateKey).(*docState)
	if st == nil {
		return
	}
	src := reader.Source()
	var remove []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.HTMLBlock:
			raw := t.Lines().Value(src)
			if t.HasClosure() {
				raw = append(raw, t.ClosureLine.Value(src)...)
			}
			if !isComment(raw) {
				st.r.errorf(st.doc.path, st.doc.pos(n), "raw HTML is not allowed (%s); write Markdown instead", snippet(raw))
			}
			remove = append(remove, n)
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			raw := t.Segments.Value(src)
			if !isComment(raw) {
				st.r.errorf(st.doc.path, st.doc.pos(n), "raw HTML is not allowed (%s); write Markdown instead", snippet(raw))
			}
			remove = append(remove, n)
			return ast.WalkSkipChildren, nil
		case *ast.Heading:
			attrs := t.Attributes()
			t.RemoveAttributes()
			for _, a := range attrs {
				if name := string(a.Name); name == "id" || name == "class" {
					t.SetAttribute(a.Name, a.Value)
				} else {
					st.r.errorf(st.doc.path, st.doc.pos(n), "heading attribute %q is not allowed; only {#id} and {.class} are", name)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range remove {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}
}

// isComment reports whether raw is exactly one HTML comment and nothing else.
func isComment(raw []byte) bool {
	s := bytes.TrimSpace(raw)
	return bytes.HasPrefix(s, []byte("<!--")) && bytes.HasSuffix(s, []byte("-->")) &&
		bytes.Count(s, []byte("-->")) == 1 && len(s) >= len("<!---->")
}

// snippet shortens raw source for a message.
func snippet(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + " …"
	}
	return "`" + s + "`"
}
