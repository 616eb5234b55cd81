package course

import (
	"cmp"
	"io/fs"
	"slices"
	"strings"
)

// LoadOptions tell Load how to write URLs into the rendered HTML.
type LoadOptions struct {
	// MediaURL maps a media file referenced by a course (its path relative
	// to the course directory, like "media/x.png", and the hex SHA-256 of its
	// bytes) to the URL put in rendered HTML. nil leaves the relative path.
	MediaURL func(courseSlug, relPath, sha256hex string) string
	// LessonURL maps a link to another lesson to its URL.
	// nil gives "/courses/{courseSlug}/lessons/{lessonSlug}".
	LessonURL func(courseSlug, lessonSlug string) string
}

// Load reads, checks and renders every course of the tree fsys: each
// top-level directory is a course. It reports every problem it finds, not
// just the first, sorted by file and position. The catalogue holds the
// courses without errors; a course with warnings only is included.
// Load never panics on bad input and does not stop at a broken course.
func Load(fsys fs.FS, opts LoadOptions) (*Catalogue, []Diagnostic) {
	l := &loader{fsys: fsys, opts: opts, md: newMarkdown(), r: &reporter{}}
	cat := &Catalogue{}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		l.r.errorf(".", pos{}, "cannot read the course tree: %v", err)
		return cat, l.r.diags
	}
	dirs := 0
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
			// .git, .github, .gitlab-ci.yml, editor files
		case !e.IsDir():
			l.rootFile(name)
		default:
			dirs++
			if c := l.loadCourse(name); c != nil {
				cat.Courses = append(cat.Courses, c)
			}
		}
	}
	if dirs == 0 {
		l.r.warnf(".", pos{}, "no courses found: a course tree has one directory per course")
	}
	slices.SortFunc(cat.Courses, func(a, b *Course) int { return cmp.Compare(a.Slug, b.Slug) })
	sortDiagnostics(l.r.diags)
	return cat, l.r.diags
}

// loader is the state of one Load call.
type loader struct {
	fsys fs.FS
	opts LoadOptions
	md   *markdown
	r    *reporter
}

// rootFile handles a file at the top of the tree. README.md and non-Markdown
// files (an embed.go, a LICENSE) are left alone.
func (l *loader) rootFile(name string) {
	switch {
	case name == "course.md":
		l.r.errorf(name, pos{}, "course.md at the top of the tree: a course tree has one directory per course; validate the directory above this course, or move the course into its own directory")
	case name != "README.md" && strings.HasSuffix(strings.ToLower(name), ".md"):
		l.r.warnf(name, pos{}, "Markdown file at the top of the tree is not part of any course and is ignored (only README.md is expected here)")
	}
}

// courseBuild is the state of loading one course directory.
type courseBuild struct {
	*loader
	slug string
	lang string // default language, from course.md

	files     []*courseFile          // every file, for the content hash
	media     map[string]*courseFile // files under media/, by course-relative path
	usedMedia map[string]bool

	course         *srcFile
	courseVariants map[string]*srcFile
	lessonByBase   map[string]*lessonSrc
	lessons        []*lessonSrc          // with a default-language file, by number
	lessonFiles    map[string]*lessonSrc // every lesson file name, for links
	quiz           *srcFile
	quizVariants   map[string]*srcFile
}

// srcFile is one Markdown file of a course.
type srcFile struct {
	name mdName
	path string // tree-relative
	data []byte
	vals values // checked front matter
	doc  *mdDoc // parsed body
	quiz []*quizQuestion
}

// lessonSrc is a lesson with its translations.
type lessonSrc struct {
	base     string // "01-einleitung"
	number   int
	slug     string
	def      *srcFile
	variants map[string]*srcFile
}

func (ls *lessonSrc) fileName() string { return ls.base + ".md" }

// anchors returns the heading IDs of the lesson as a learner reading lang sees it.
func (ls *lessonSrc) anchors(lang string) map[string]bool {
	if v := ls.variants[lang]; v != nil && v.doc != nil {
		return v.doc.ids
	}
	if ls.def != nil && ls.def.doc != nil {
		return ls.def.doc.ids
	}
	return nil
}

// loadCourse loads the course in directory slug; nil when it has errors.
func (l *loader) loadCourse(slug string) *Course {
	before := l.r.errors
	b := &courseBuild{
		loader: l, slug: slug,
		media: map[string]*courseFile{}, usedMedia: map[string]bool{},
		courseVariants: map[string]*srcFile{}, quizVariants: map[string]*srcFile{},
		lessonByBase: map[string]*lessonSrc{}, lessonFiles: map[string]*lessonSrc{},
	}
	if !slugRE.MatchString(slug) {
		l.r.errorf(slug, pos{}, "course directory %q: a course slug may contain only lowercase letters, digits and hyphens (e.g. phishing-erkennen)", slug)
	}
	b.collect()
	b.parse()
	c := b.build()
	if l.r.errors > before {
		return nil
	}
	return c
}
