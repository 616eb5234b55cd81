package course

// Parsing a course: each Markdown file's front matter is checked and its
// body parsed to an AST, and the files are checked against each other
// (lesson numbers, translations). Links are resolved later, in build.go,
// once every lesson's headings are known.

import (
	"cmp"
	"path"
	"slices"

	"github.com/yuin/goldmark"
)

// parse reads front matter and Markdown of every file of the course and
// checks names, languages and translations across files.
func (b *courseBuild) parse() {
	if b.course == nil {
		b.r.errorf(b.slug, pos{}, "missing course.md: every course needs one, with title, summary and language in its front matter")
	} else {
		b.parseSrc(b.course, courseSchema, b.md.lesson, "", "course-")
	}
	for _, lang := range sortedKeys(b.courseVariants) {
		v := b.courseVariants[lang]
		if !b.variantLanguageOK(v) {
			delete(b.courseVariants, lang)
			continue
		}
		b.parseSrc(v, courseSchema, b.md.lesson, lang, "course-")
		if l, ok := v.vals["language"]; ok && l.text != lang {
			b.r.errorf(v.path, l.pos, "language: %q does not match the file name, which says %q", l.text, lang)
		}
	}

	b.sortLessons()
	for _, ls := range b.lessons {
		b.parseSrc(ls.def, lessonSchema, b.md.lesson, "", "lesson-"+ls.slug+"-")
		for _, lang := range sortedKeys(ls.variants) {
			v := ls.variants[lang]
			if !b.variantLanguageOK(v) {
				delete(ls.variants, lang)
				continue
			}
			b.parseSrc(v, lessonSchema, b.md.lesson, lang, "lesson-"+ls.slug+"-")
		}
	}

	if b.quiz != nil {
		b.parseSrc(b.quiz, quizSchema, b.md.quiz, "", "quiz-")
	}
	for _, lang := range sortedKeys(b.quizVariants) {
		v := b.quizVariants[lang]
		switch {
		case b.quiz == nil:
			b.r.errorf(v.path, fileStart, "translation of a quiz that does not exist: add quiz.md in the default language")
			delete(b.quizVariants, lang)
		case !b.variantLanguageOK(v):
			delete(b.quizVariants, lang)
		default:
			b.parseSrc(v, quizSchema, b.md.quiz, lang, "quiz-")
		}
	}

	if len(b.lessons) == 0 && b.quiz == nil {
		b.r.errorf(b.slug, pos{}, "the course has no lessons (NN-slug.md) and no quiz.md")
	}
	b.checkTranslations()
}

// parseSrc parses the front matter and body of f; lang "" means the default language.
func (b *courseBuild) parseSrc(f *srcFile, s schema, md goldmark.Markdown, lang, idPrefix string) {
	if lang == "" {
		lang = b.lang
	}
	data := normalizeNewlines(f.data)
	if i := firstInvalidUTF8(data); i >= 0 {
		b.r.errorf(f.path, newLineIndex(data, 1).pos(i), "the file is not valid UTF-8; save it with UTF-8 encoding")
	}
	fm := splitFrontMatter(data)
	f.vals = decodeFrontMatter(f.path, fm, s, f.name.lang != "", b.r)
	if f == b.course {
		// course.md sets the default language, which its own body is in.
		b.lang = f.vals["language"].text
		lang = b.lang
	}
	f.doc = parseDoc(md, f.path, lang, fm.body, fm.bodyLine, idPrefix, b.r)
}

// variantLanguageOK checks that a translation is not in the default language.
func (b *courseBuild) variantLanguageOK(v *srcFile) bool {
	if v.name.lang == b.lang {
		b.r.errorf(v.path, fileStart, "%s is in the course's default language %q; put this text in %s", path.Base(v.path), b.lang, fileName(v.name.base, ""))
		return false
	}
	return true
}

// sortLessons orders the lessons by number and reports clashes and
// translations without a default-language file.
func (b *courseBuild) sortLessons() {
	byNumber := map[int]*lessonSrc{}
	bySlug := map[string]*lessonSrc{}
	for _, base := range sortedKeys(b.lessonByBase) {
		ls := b.lessonByBase[base]
		if ls.def == nil {
			for _, lang := range sortedKeys(ls.variants) {
				b.r.errorf(ls.variants[lang].path, fileStart, "translation of a lesson that does not exist: add %s in the default language", ls.fileName())
			}
			continue
		}
		if other := byNumber[ls.number]; other != nil {
			b.r.errorf(ls.def.path, fileStart, "lesson number %02d is used twice (%s and %s); number the lessons 01, 02, … in order", ls.number, other.fileName(), ls.fileName())
			continue
		}
		if other := bySlug[ls.slug]; other != nil {
			b.r.errorf(ls.def.path, fileStart, "lesson name %q is used twice (%s and %s); lesson URLs must be unique", ls.slug, other.fileName(), ls.fileName())
			continue
		}
		byNumber[ls.number], bySlug[ls.slug] = ls, ls
		b.lessons = append(b.lessons, ls)
		b.lessonFiles[ls.fileName()] = ls
		for lang := range ls.variants {
			b.lessonFiles[fileName(ls.base, lang)] = ls
		}
	}
	slices.SortFunc(b.lessons, func(x, y *lessonSrc) int { return cmp.Compare(x.number, y.number) })
}

// checkTranslations warns about files missing in a language that other
// files of the course are translated into; learners then see the default.
func (b *courseBuild) checkTranslations() {
	langs := map[string]bool{}
	for l := range b.courseVariants {
		langs[l] = true
	}
	for _, ls := range b.lessons {
		for l := range ls.variants {
			langs[l] = true
		}
	}
	for l := range b.quizVariants {
		langs[l] = true
	}
	missing := func(f *srcFile, lang string) {
		b.r.warnf(f.path, fileStart, "no %q translation (%s); learners reading %q see the %q text", lang,
			fileName(f.name.base, lang), lang, b.lang)
	}
	for _, lang := range sortedKeys(langs) {
		if b.course != nil && b.courseVariants[lang] == nil {
			missing(b.course, lang)
		}
		for _, ls := range b.lessons {
			if ls.variants[lang] == nil {
				missing(ls.def, lang)
			}
		}
		if b.quiz != nil && b.quizVariants[lang] == nil {
			missing(b.quiz, lang)
		}
	}
}

// allDocs lists every parsed document of the course.
func (b *courseBuild) allDocs() []*mdDoc {
	var docs []*mdDoc
	add := func(f *srcFile) {
		if f != nil && f.doc != nil {
			docs = append(docs, f.doc)
		}
	}
	add(b.course)
	for _, l := range sortedKeys(b.courseVariants) {
		add(b.courseVariants[l])
	}
	for _, ls := range b.lessons {
		add(ls.def)
		for _, l := range sortedKeys(ls.variants) {
			add(ls.variants[l])
		}
	}
	add(b.quiz)
	for _, l := range sortedKeys(b.quizVariants) {
		add(b.quizVariants[l])
	}
	return docs
}
