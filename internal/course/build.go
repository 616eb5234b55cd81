package course

import (
	"cmp"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
)

// build resolves links, reads the quiz, renders everything and assembles the Course.
func (b *courseBuild) build() *Course {
	for _, d := range b.allDocs() {
		b.resolveRefs(d)
	}
	c := &Course{
		Slug:            b.slug,
		DefaultLanguage: b.lang,
		Languages:       append([]string{b.lang}, sortedKeys(b.courseVariants)...),
		Text:            map[string]CourseText{},
		PassMark:        80,
		ContentHash:     contentHash(b.files),
	}
	if b.course != nil {
		v := b.course.vals
		c.Validity = v["validity"].validity
		c.Duration = v["duration"].dur
		c.Tags = v["tags"].list
		c.Draft = v["draft"].flag
		if pm, ok := v["pass_mark"]; ok {
			c.PassMark = pm.num
		}
		c.Text[b.lang] = b.courseText(b.course)
	}
	for lang, f := range b.courseVariants {
		c.Text[lang] = b.courseText(f)
	}

	var total time.Duration
	for _, ls := range b.lessons {
		lesson := &Lesson{
			Number: ls.number, Slug: ls.slug, Duration: ls.def.vals["duration"].dur,
			Text: map[string]LessonText{}, defaultLang: b.lang,
		}
		lesson.Text[b.lang] = b.lessonText(ls.def)
		for lang, f := range ls.variants {
			lesson.Text[lang] = b.lessonText(f)
		}
		total += lesson.Duration
		c.Lessons = append(c.Lessons, lesson)
	}
	if c.Duration == 0 {
		c.Duration = total
	}
	if b.quiz != nil {
		c.Quiz = b.buildQuiz(c.PassMark)
	}
	for _, rel := range sortedKeys(b.media) {
		f := b.media[rel]
		if !b.usedMedia[rel] {
			b.r.warnf(b.slug+"/"+rel, pos{}, "media file is not used by the course")
			continue
		}
		c.Media = append(c.Media, MediaFile{Path: rel, SHA256: f.sha256, ContentType: f.contentType, Size: f.size})
	}
	return c
}

func (b *courseBuild) courseText(f *srcFile) CourseText {
	return CourseText{
		Title:           f.vals["title"].text,
		Summary:         f.vals["summary"].text,
		DescriptionHTML: f.doc.render(b.md.lesson, f.doc.root),
	}
}

func (b *courseBuild) lessonText(f *srcFile) LessonText {
	title := f.vals["title"].text
	// Authors often open a lesson with "# <its title>". The lesson page shows the title as
	// its own heading already, so the repeat would give the page two h1 and read the title
	// out twice; it is left out.
	if h, ok := f.doc.root.FirstChild().(*ast.Heading); ok && h.Level == 1 &&
		strings.TrimSpace(plainText(f.doc.src, h)) == strings.TrimSpace(title) {
		var rest []ast.Node
		for n := h.NextSibling(); n != nil; n = n.NextSibling() {
			rest = append(rest, n)
		}
		return LessonText{Title: title, HTML: f.doc.render(b.md.lesson, rest...)}
	}
	return LessonText{Title: title, HTML: f.doc.render(b.md.lesson, f.doc.root)}
}

// buildQuiz reads the quiz and its translations into a Quiz.
func (b *courseBuild) buildQuiz(coursePassMark int) *Quiz {
	f := b.quiz
	q := &Quiz{
		Text:        map[string]QuizText{},
		PassMark:    coursePassMark,
		Shuffle:     true,
		defaultLang: b.lang,
	}
	if v, ok := f.vals["pass_mark"]; ok {
		q.PassMark = v.num
	}
	if v, ok := f.vals["shuffle"]; ok {
		q.Shuffle = v.flag
	}
	q.MaxAttempts = f.vals["max_attempts"].num
	f.quiz = b.parseQuiz(f.doc)
	if v, ok := f.vals["draw"]; ok {
		q.Draw = v.num
		if v.num > len(f.quiz) {
			b.r.errorf(f.path, v.pos, "draw: %d is more than the %d questions of the quiz", v.num, len(f.quiz))
		}
	}
	q.Text[b.lang] = QuizText{Title: cmp.Or(f.vals["title"].text, defaultQuizTitle(b.lang))}
	for _, lang := range sortedKeys(b.quizVariants) {
		v := b.quizVariants[lang]
		v.quiz = b.parseQuiz(v.doc)
		b.compareQuiz(f.quiz, v.quiz, v.path, "quiz.md")
		q.Text[lang] = QuizText{Title: cmp.Or(v.vals["title"].text, defaultQuizTitle(lang))}
	}
	for i, dq := range f.quiz {
		qq := &Question{
			ID: dq.id, Type: dq.typ, Correct: dq.correct,
			Text: map[string]QuestionText{b.lang: b.questionText(f.doc, dq)}, defaultLang: b.lang,
		}
		for j := range dq.options {
			qq.OptionIDs = append(qq.OptionIDs, OptionID(j))
		}
		for lang, v := range b.quizVariants {
			if len(v.quiz) == len(f.quiz) {
				qq.Text[lang] = b.questionText(v.doc, v.quiz[i])
			}
		}
		q.Questions = append(q.Questions, qq)
	}
	return q
}

// questionText renders the parts of a question.
func (b *courseBuild) questionText(doc *mdDoc, q *quizQuestion) QuestionText {
	md := b.md.quiz
	var title []string
	for c := q.heading.FirstChild(); c != nil; c = c.NextSibling() {
		title = append(title, doc.render(md, c))
	}
	qt := QuestionText{
		Title:           plainText(doc.src, q.heading),
		TitleHTML:       strings.TrimSpace(strings.Join(title, "")),
		StemHTML:        strings.TrimSpace(doc.render(md, q.stem...)),
		ExplanationHTML: strings.TrimSpace(doc.render(md, q.explanation...)),
	}
	for _, o := range q.options {
		ot := OptionText{HTML: strings.TrimSpace(doc.render(md, o.content...))}
		if o.feedback != nil {
			var parts []string
			for c := o.feedback.FirstChild(); c != nil; c = c.NextSibling() {
				parts = append(parts, doc.render(md, c))
			}
			ot.FeedbackHTML = strings.TrimSpace(strings.Join(parts, ""))
		}
		qt.Options = append(qt.Options, ot)
	}
	return qt
}
