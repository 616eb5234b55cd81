package course

import (
	"regexp"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// A quiz.md is a sequence of questions, each starting with a level-2
// heading that carries an explicit {#id}:
//
//	## Frage? {#frage-id}
//	stem blocks …
//	- ( ) option
//	  > feedback
//	- (x) option
//	explanation blocks …
//
// parseQuiz finds that structure in the parsed document. The Markdown inside
// the parts is left as AST; it is rendered once links have been resolved.

// questionIDRE is the form of question IDs.
var questionIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// quizQuestion is a question as found in one quiz file.
type quizQuestion struct {
	id          string
	pos         pos // of the heading
	heading     *ast.Heading
	stem        []ast.Node
	list        ast.Node // the option list; nil when there is none
	listPos     pos
	typ         string // SingleChoice or MultipleChoice; "" when the markers are unusable
	options     []quizOption
	correct     []int
	explanation []ast.Node
}

// quizOption is one item of an option list.
type quizOption struct {
	pos      pos
	content  []ast.Node
	feedback ast.Node // the option's blockquote, or nil
}

// marker is the choice marker at the start of an option.
type marker int

const (
	markNone    marker = iota
	markSingle         // ( )
	markSingleX        // (x)
	markMulti          // [ ]
	markMultiX         // [x]
	markEmpty          // () or [] – a marker without the space inside
)

func (m marker) single() bool  { return m == markSingle || m == markSingleX }
func (m marker) multi() bool   { return m == markMulti || m == markMultiX }
func (m marker) checked() bool { return m == markSingleX || m == markMultiX }

// readMarker reads a choice marker at the start of line and returns it with
// the number of bytes it and the blanks after it take. A marker must be
// followed by a blank or the end of the line, so "[x](url)" stays a link.
func readMarker(line []byte) (marker, int) {
	m, n := markNone, 0
	switch {
	case len(line) >= 3 && line[0] == '(' && line[2] == ')':
		n = 3
		switch line[1] {
		case ' ':
			m = markSingle
		case 'x', 'X':
			m = markSingleX
		}
	case len(line) >= 3 && line[0] == '[' && line[2] == ']':
		n = 3
		switch line[1] {
		case ' ':
			m = markMulti
		case 'x', 'X':
			m = markMultiX
		}
	case len(line) >= 2 && (string(line[:2]) == "()" || string(line[:2]) == "[]"):
		m, n = markEmpty, 2
	}
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	if m == markNone || (n < len(line) && !blank(line[n])) {
		return markNone, 0
	}
	for n < len(line) && blank(line[n]) {
		n++
	}
	return m, n
}

// itemMarker returns the marker of a list item and strips it from the
// item's first paragraph when strip is set.
func itemMarker(src []byte, item ast.Node, strip bool) marker {
	first := item.FirstChild()
	switch first.(type) {
	case *ast.TextBlock, *ast.Paragraph:
	default:
		return markNone
	}
	if first.Lines().Len() == 0 {
		return markNone
	}
	seg := first.Lines().At(0)
	m, n := readMarker(seg.Value(src))
	if m != markNone && strip {
		stripInline(first, seg.Start+n)
	}
	return m
}

// stripInline removes the inline content of block before offset cut.
func stripInline(block ast.Node, cut int) {
	for c := block.FirstChild(); c != nil; {
		next := c.NextSibling()
		t, isText := c.(*ast.Text)
		switch {
		case isText && t.Segment.Stop <= cut, !isText && nodeOffset(c) < cut:
			block.RemoveChild(block, c)
		case isText && t.Segment.Start < cut:
			t.Segment = t.Segment.WithStart(cut)
			return
		default:
			return
		}
		c = next
	}
}

// parseQuiz splits a parsed quiz file into questions and checks their
// structure. Problems go to b's reporter.
func (b *courseBuild) parseQuiz(doc *mdDoc) []*quizQuestion {
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := n.(*extast.FootnoteLink); ok && entering {
			b.r.errorf(doc.path, doc.pos(n), "footnotes are not supported in quiz files; put the note in the explanation")
		}
		return ast.WalkContinue, nil
	})
	var (
		questions []*quizQuestion
		cur       *quizQuestion
		blocks    []ast.Node
		seen      = map[string]pos{}
		strayText bool
	)
	finish := func() {
		if cur != nil {
			b.splitQuestion(doc, cur, blocks)
			questions = append(questions, cur)
		}
	}
	for n := doc.root.FirstChild(); n != nil; n = n.NextSibling() {
		if _, ok := n.(*extast.FootnoteList); ok {
			continue
		}
		h, ok := n.(*ast.Heading)
		if !ok || h.Level != 2 {
			if cur == nil && !strayText {
				strayText = true
				b.r.errorf(doc.path, doc.pos(n), "content before the first question: a quiz file holds only questions, each starting with a \"## …\" heading (set the quiz title with title: in the front matter)")
			}
			blocks = append(blocks, n)
			continue
		}
		finish()
		cur, blocks = &quizQuestion{heading: h, pos: doc.pos(h)}, nil
		b.checkQuestionID(doc, cur, seen)
	}
	finish()
	if len(questions) == 0 {
		b.r.errorf(doc.path, fileStart, "the quiz has no questions; start each question with a \"## Frage? {#frage-id}\" heading")
	}
	return questions
}

func (b *courseBuild) checkQuestionID(doc *mdDoc, q *quizQuestion, seen map[string]pos) {
	v, ok := q.heading.AttributeString("id")
	q.id = attrString(v)
	switch {
	case !ok || q.id == "":
		b.r.errorf(doc.path, q.pos, "question heading has no ID: end the line with {#some-id}, e.g. ## Was tun Sie? {#verdacht-melden}")
	case !questionIDRE.MatchString(q.id):
		b.r.errorf(doc.path, q.pos, "question ID %q: use lowercase letters, digits and hyphens", q.id)
	default:
		if first, dup := seen[q.id]; dup {
			b.r.errorf(doc.path, q.pos, "question ID %q is used twice (first on line %d)", q.id, first.line)
		} else {
			seen[q.id] = q.pos
		}
	}
	if plainText(doc.src, q.heading) == "" {
		b.r.errorf(doc.path, q.pos, "question heading has no text")
	}
}

// splitQuestion divides the blocks after a question heading into stem,
// option list and explanation, and checks the option list.
func (b *courseBuild) splitQuestion(doc *mdDoc, q *quizQuestion, blocks []ast.Node) {
	at := -1
	for i, n := range blocks {
		if hasMarkers(doc.src, n) {
			at = i
			break
		}
	}
	if at < 0 {
		q.stem = blocks
		b.r.errorf(doc.path, q.pos, "question %q has no option list: add a bullet list whose items start with ( ) / (x) (single choice) or [ ] / [x] (multiple choice)", q.id)
		return
	}
	q.stem, q.list, q.explanation = blocks[:at], blocks[at], blocks[at+1:]
	q.listPos = doc.pos(q.list)
	for _, n := range q.explanation {
		if hasMarkers(doc.src, n) {
			b.r.warnf(doc.path, doc.pos(n), "a second list with choice markers in question %q is treated as explanation; did you forget a \"## …\" heading?", q.id)
			break
		}
	}
	if list := q.list.(*ast.List); list.IsOrdered() {
		b.r.errorf(doc.path, q.listPos, "options must be a bullet list (\"- ( ) …\"), not a numbered list")
	}
	b.readOptions(doc, q)
}

// hasMarkers reports whether n is a list with at least one item that starts with a choice marker.
func hasMarkers(src []byte, n ast.Node) bool {
	if _, ok := n.(*ast.List); !ok {
		return false
	}
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		if item.HasChildren() && itemMarker(src, item, false) != markNone {
			return true
		}
	}
	return false
}

// readOptions reads the items of q's option list, checks their markers and
// sets q's type, options and correct answers.
func (b *courseBuild) readOptions(doc *mdDoc, q *quizQuestion) {
	var (
		first   marker
		usable  = true
		checked int
	)
	for item := q.list.FirstChild(); item != nil; item = item.NextSibling() {
		p := doc.pos(item)
		m := markNone
		if item.HasChildren() {
			m = itemMarker(doc.src, item, true)
		}
		switch {
		case m == markEmpty:
			usable = false
			b.r.errorf(doc.path, p, "empty choice marker: write ( ) or [ ] with a space inside")
		case m == markNone:
			usable = false
			b.r.errorf(doc.path, p, "option has no choice marker: start every option of the list with ( ) / (x) or [ ] / [x]")
		case first == markNone:
			first = m
		case first.single() != m.single():
			usable = false
			b.r.errorf(doc.path, p, "options mix ( ) and [ ] markers: use ( ) / (x) for single choice or [ ] / [x] for multiple choice, not both")
		}
		if m.checked() {
			q.correct = append(q.correct, len(q.options))
			checked++
		}
		q.options = append(q.options, b.readOption(doc, item, p))
	}
	if len(q.options) < 2 {
		usable = false
		b.r.errorf(doc.path, q.listPos, "question %q needs at least two options", q.id)
	}
	if !usable || first == markNone {
		return
	}
	if first.single() {
		q.typ = SingleChoice
		if checked != 1 {
			b.r.errorf(doc.path, q.listPos, "single-choice question %q needs exactly one (x), found %d", q.id, checked)
		}
	} else {
		q.typ = MultipleChoice
		if checked == 0 {
			b.r.errorf(doc.path, q.listPos, "multiple-choice question %q needs at least one [x]", q.id)
		}
	}
}

// readOption splits a list item into option content and feedback quote.
func (b *courseBuild) readOption(doc *mdDoc, item ast.Node, p pos) quizOption {
	opt := quizOption{pos: p}
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		if bq, ok := c.(*ast.Blockquote); ok && c != item.FirstChild() {
			if opt.feedback != nil {
				b.r.errorf(doc.path, doc.pos(bq), "an option takes one feedback quote (> …); merge the two")
				continue
			}
			opt.feedback = bq
			continue
		}
		opt.content = append(opt.content, c)
	}
	empty := true
	for _, c := range opt.content {
		if c.HasChildren() {
			empty = false
		}
	}
	if empty {
		b.r.errorf(doc.path, p, "option has no text")
	}
	return opt
}

// compareQuiz checks that a translated quiz asks the same questions as the
// default one: same IDs in the same order, same types, same number of
// options and the same correct ones. Statistics and grading rely on that.
func (b *courseBuild) compareQuiz(def []*quizQuestion, v []*quizQuestion, vpath, defName string) {
	for i := 0; i < max(len(def), len(v)); i++ {
		switch {
		case i >= len(v):
			b.r.errorf(vpath, fileStart, "question %q of %s is missing; a translation must have the same questions in the same order", def[i].id, defName)
			continue
		case i >= len(def):
			b.r.errorf(vpath, v[i].pos, "question %q is not in %s; a translation must have the same questions in the same order", v[i].id, defName)
			continue
		}
		d, t := def[i], v[i]
		if d.id != t.id {
			b.r.errorf(vpath, t.pos, "question %d has the ID %q here but %q in %s; keep the IDs and their order", i+1, t.id, d.id, defName)
			continue
		}
		if d.typ == "" || t.typ == "" {
			continue // already reported as broken
		}
		switch {
		case d.typ != t.typ:
			b.r.errorf(vpath, t.pos, "question %q is %s choice here but %s choice in %s", t.id, t.typ, d.typ, defName)
		case len(d.options) != len(t.options):
			b.r.errorf(vpath, t.listPos, "question %q has %d options here but %d in %s", t.id, len(t.options), len(d.options), defName)
		case !slices.Equal(d.correct, t.correct):
			b.r.errorf(vpath, t.listPos, "question %q marks %s as correct here but %s in %s", t.id, optionList(t.correct), optionList(d.correct), defName)
		}
	}
}

// optionList names options by their IDs for messages: "a, c".
func optionList(idx []int) string {
	ids := make([]string, len(idx))
	for i, n := range idx {
		ids[i] = OptionID(n)
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}
