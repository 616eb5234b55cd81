package course

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Callouts use GitHub's alert syntax, so authors see the same thing in their
// merge-request preview as learners do in Wachsam:
//
//	> [!TIP]
//	> Prüfen Sie die Absenderadresse.
//
// The transformer turns such a blockquote into a calloutNode; the renderer
// writes it as a labelled <aside>.

// kindCallout is the goldmark node kind of a callout.
var kindCallout = ast.NewNodeKind("Callout")

// calloutNode is a callout block; its children are the callout's content.
type calloutNode struct {
	ast.BaseBlock
	kind  string // NOTE, TIP, IMPORTANT, WARNING or CAUTION
	title string // visible heading in the document's language
	id    string // id of the heading, which labels the aside
}

func (n *calloutNode) Kind() ast.NodeKind { return kindCallout }

func (n *calloutNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Kind": n.kind}, nil)
}

// calloutExtension adds the callout transformer and renderer to goldmark.
type calloutExtension struct{}

func (calloutExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(calloutTransformer{}, 200)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(calloutRenderer{}, 500)))
}

// calloutMarkerRE matches the first line of a callout: "[!TIP]". Anything
// after the marker is captured so that it can be reported.
var calloutMarkerRE = regexp.MustCompile(`^\[!([A-Za-z]+)\](.*)$`)

// calloutTransformer replaces blockquotes that start with [!KIND] by callout nodes.
type calloutTransformer struct{}

func (calloutTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(docStateKey).(*docState)
	if st == nil {
		return
	}
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if bq, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, bq)
		}
		return ast.WalkContinue, nil
	})
	for _, bq := range quotes {
		p, ok := bq.FirstChild().(*ast.Paragraph)
		if !ok || p.Lines().Len() == 0 {
			continue
		}
		first := p.Lines().At(0)
		m := calloutMarkerRE.FindSubmatch(bytes.TrimSpace(first.Value(src)))
		if m == nil {
			continue
		}
		kind := strings.ToUpper(string(m[1]))
		if !slices.Contains(calloutKinds, kind) {
			if sug := suggestCallout(kind); sug != "" {
				st.r.errorf(st.doc.path, st.doc.pos(p), "unknown callout kind [!%s] (did you mean [!%s]?)", m[1], sug)
			} else {
				st.r.errorf(st.doc.path, st.doc.pos(p), "unknown callout kind [!%s]; use [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]", m[1])
			}
			continue
		}
		if len(bytes.TrimSpace(m[2])) > 0 {
			st.r.errorf(st.doc.path, st.doc.pos(p), "put the text of a [!%s] callout on the lines after the marker, not on the same line", kind)
			continue
		}
		dropFirstLine(p, first.Stop)
		if p.ChildCount() == 0 {
			bq.RemoveChild(bq, p)
		}
		if !bq.HasChildren() {
			st.r.errorf(st.doc.path, st.doc.pos(bq), "callout [!%s] is empty", kind)
		}
		st.callouts++
		c := &calloutNode{
			kind:  kind,
			title: calloutTitle(st.doc.lang, kind),
			id:    fmt.Sprintf("%scallout-%d", st.idPrefix, st.callouts),
		}
		c.SetPos(nodeOffset(bq))
		parent := bq.Parent()
		parent.ReplaceChild(parent, bq, c)
		for ch := bq.FirstChild(); ch != nil; {
			next := ch.NextSibling()
			c.AppendChild(c, ch)
			ch = next
		}
	}
}

// germanCallouts maps the German names authors may write to the kinds,
// which follow GitHub's English names.
var germanCallouts = map[string]string{
	"HINWEIS": "NOTE", "NOTIZ": "NOTE", "TIPP": "TIP", "WICHTIG": "IMPORTANT",
	"WARNUNG": "WARNING", "ACHTUNG": "WARNING", "VORSICHT": "CAUTION",
}

// suggestCallout returns the callout kind an unknown one probably means, or "".
func suggestCallout(kind string) string {
	if k, ok := germanCallouts[kind]; ok {
		return k
	}
	lower := make([]string, len(calloutKinds))
	for i, k := range calloutKinds {
		lower[i] = strings.ToLower(k)
	}
	return strings.ToUpper(suggestKey(strings.ToLower(kind), lower))
}

// dropFirstLine removes the inline nodes of p that lie on its first line
// (which ends at stop) together with that line.
func dropFirstLine(p *ast.Paragraph, stop int) {
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		if nodeOffset(c) >= stop {
			break
		}
		p.RemoveChild(p, c)
		c = next
	}
	lines := text.NewSegments()
	for i := 1; i < p.Lines().Len(); i++ {
		lines.Append(p.Lines().At(i))
	}
	p.SetLines(lines)
}

// calloutRenderer writes a callout as an <aside> with role="note", labelled
// by its visible heading, so screen readers announce "Tipp" before the text.
type calloutRenderer struct{}

func (calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCallout, renderCallout)
}

func renderCallout(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*calloutNode)
	if entering {
		fmt.Fprintf(w, "<aside class=\"callout callout-%s\" role=\"note\" aria-labelledby=\"%s\">\n", strings.ToLower(c.kind), c.id)
		fmt.Fprintf(w, "<p class=\"callout-title\" id=\"%s\">%s</p>\n", c.id, html.EscapeString(c.title))
	} else {
		_, _ = w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}
