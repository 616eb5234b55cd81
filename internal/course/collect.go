package course

import (
	"cmp"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// collect walks the course directory, hashes every file and sorts the
// Markdown files into course, lessons and quiz.
func (b *courseBuild) collect() {
	_ = fs.WalkDir(b.fsys, b.slug, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			b.r.errorf(p, pos{}, "cannot read: %v", err)
			return nil
		}
		if p == b.slug {
			return nil
		}
		rel := strings.TrimPrefix(p, b.slug+"/")
		name := d.Name()
		if strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		top := !strings.Contains(rel, "/")
		inMedia := rel == "media" || strings.HasPrefix(rel, "media/")
		if d.IsDir() {
			if top && !inMedia {
				b.r.warnf(p, pos{}, "directory %q is not part of the course format and is ignored (media files belong in media/)", rel)
			}
			return nil
		}
		isMD := strings.HasSuffix(strings.ToLower(name), ".md")
		f, err := readCourseFile(b.fsys, p, rel, top && isMD)
		if err != nil {
			b.r.errorf(p, pos{}, "cannot read: %v", err)
			return nil
		}
		b.files = append(b.files, f)
		switch {
		case inMedia:
			b.media[rel] = f
		case top && isMD:
			b.addMarkdown(p, f)
		case isMD:
			b.r.errorf(p, fileStart, "Markdown files belong directly in the course directory; this one is not part of the course")
		case top:
			b.r.warnf(p, pos{}, "file is not part of the course format and is ignored")
		}
		return nil
	})
	slices.SortFunc(b.files, func(x, y *courseFile) int { return cmp.Compare(x.rel, y.rel) })
}

// addMarkdown files a Markdown file at the top of the course directory.
func (b *courseBuild) addMarkdown(p string, f *courseFile) {
	n, err := parseMDName(path.Base(f.rel))
	if err != nil {
		b.r.errorf(p, fileStart, "%v", err)
		return
	}
	src := &srcFile{name: n, path: p, data: f.data}
	switch n.kind {
	case docCourse:
		if n.lang == "" {
			b.course = src
		} else {
			b.courseVariants[n.lang] = src
		}
	case docQuiz:
		if n.lang == "" {
			b.quiz = src
		} else {
			b.quizVariants[n.lang] = src
		}
	case docLesson:
		ls := b.lessonByBase[n.base]
		if ls == nil {
			ls = &lessonSrc{base: n.base, number: n.number, slug: n.slug, variants: map[string]*srcFile{}}
			b.lessonByBase[n.base] = ls
		}
		if n.lang == "" {
			ls.def = src
		} else {
			ls.variants[n.lang] = src
		}
	}
}
