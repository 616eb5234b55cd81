package course

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// The fuzz targets check that no input panics and that what Load reports
// stays consistent. Run one with, e.g.:
//
//	go test -run='^$' -fuzz=FuzzLoad -fuzztime=60s ./internal/course/
//
// Inputs that once failed live in testdata/fuzz/<Target>/ and run as
// ordinary tests.

func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		okCourse, okLesson,
		"---\ntitle: Kurs\nsummary: Kurz.\nlanguage: de\nduration: 1h30m\nvalidity: 2y\npass_mark: 80\ntags: [a, b]\ndraft: true\n---\nText\n",
		"\uFEFF---\r\ntitle: x\r\n---\r\n",
		"---\ntitle: &a x\nsummary: *a\n---\n",
		"---\n- a\n---\n", "---\ntitle: [\n---\n", "---\n", "---\n---\n", "",
		"---\ntitel: x\ndraw: -1\nshuffle: ja\nmax_attempts: 1.5\n---\n",
		"---\n? [a, b]\n: c\n---\n",
		"---\nvalidity: 99999999999y\nduration: 9999999999999h\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data = normalizeNewlines(data) // as Load does
		fm := splitFrontMatter(data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, s := range []schema{courseSchema, lessonSchema, quizSchema} {
			for _, variant := range []bool{false, true} {
				r := &reporter{}
				vals := decodeFrontMatter("f.md", fm, s, variant, r)
				for _, d := range r.diags {
					if d.Line < 1 || d.Line > lines || d.Col < 0 {
						t.Errorf("diagnostic outside the file (%d lines): %v", lines, d)
					}
				}
				for key, v := range vals {
					if _, ok := s.field(key); !ok {
						t.Errorf("value for unknown key %q", key)
					}
					if v.pos.line < 1 || v.pos.line > lines {
						t.Errorf("value %q at line %d outside the file", key, v.pos.line)
					}
				}
			}
		}
	})
}

func FuzzQuiz(f *testing.F) {
	seeds := []string{okQuiz, "## A {#a}\n\n- [x] 1\n- [X] 2\n  > f\n- [ ] 3\n\nErklärung\n",
		"---\ndraw: 1\nshuffle: false\n---\n" + okQuiz,
		"# Titel\n\n## {#}\n- ( )\n- (x)\n", "## Q {#q}\n1. (x) a\n2. ( ) b\n", "## Q {#q}\n- () a\n- (x) b\n- c\n",
		"## Q[^1] {#q}\n- (x) a\n- ( ) b\n\n[^1]: n\n", "## Q {#q}\n- (x) a\n  > x\n\n  > y\n- ( ) [x](01-start.md)\n",
		"## Q {#q .c style=x}\n\n> [!TIP]\n> t\n\n- (x) ![b](media/x.png)\n- ( ) <b>b</b>\n"}
	if b, err := os.ReadFile("testdata/goldencourse/phishing-test/quiz.md"); err == nil {
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add([]byte(s), []byte(strings.ReplaceAll(s, "Ja", "Yes")))
	}
	f.Fuzz(func(t *testing.T, quiz, translated []byte) {
		fsys := tree(map[string]string{
			"kurs/quiz.md":        string(quiz),
			"kurs/quiz.en.md":     string(translated),
			"kurs/course.en.md":   "---\ntitle: C\nsummary: S\n---\n",
			"kurs/01-start.en.md": okLesson,
			"kurs/media/x.png":    "\x89PNG\r\n\x1a\n",
		})
		cat, diags := Load(fsys, LoadOptions{})
		checkDiagnostics(t, fsys, cat, diags)
		c := cat.Course("kurs")
		if c == nil || c.Quiz == nil {
			return
		}
		ids := map[string]bool{}
		for _, q := range c.Quiz.Questions {
			if ids[q.ID] || !questionIDRE.MatchString(q.ID) {
				t.Errorf("bad or duplicate question ID %q", q.ID)
			}
			ids[q.ID] = true
			if len(q.OptionIDs) < 2 {
				t.Errorf("question %q has %d options", q.ID, len(q.OptionIDs))
			}
			switch q.Type {
			case SingleChoice:
				if len(q.Correct) != 1 {
					t.Errorf("single-choice %q with %d correct", q.ID, len(q.Correct))
				}
			case MultipleChoice:
				if len(q.Correct) == 0 {
					t.Errorf("multiple-choice %q with none correct", q.ID)
				}
			default:
				t.Errorf("question %q of type %q", q.ID, q.Type)
			}
			for lang, qt := range q.Text {
				if len(qt.Options) != len(q.OptionIDs) {
					t.Errorf("question %q in %s has %d option texts for %d options", q.ID, lang, len(qt.Options), len(q.OptionIDs))
				}
			}
			for _, i := range q.Correct {
				if i < 0 || i >= len(q.OptionIDs) {
					t.Errorf("question %q: correct index %d out of range", q.ID, i)
				}
			}
		}
		if d := c.Quiz.Draw; d < 0 || d > len(c.Quiz.Questions) {
			t.Errorf("draw %d for %d questions", d, len(c.Quiz.Questions))
		}
	})
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(archive(tree(nil))))
	f.Add([]byte(archive(os.DirFS("testdata/goldencourse"))))
	f.Add([]byte("-- a/course.md --\n---\nlanguage: en\n---\n-- a/01-x.en.md --\n<p>\n-- a/media/y --\n-- README.md --\n"))
	f.Add([]byte("-- course.md --\n-- k/quiz.md --\n## Q {#q}\n- (x) a\n- ( ) b\n-- k/.git/x --\n-- k/Ex/01-a.md --\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := unarchive(data)
		cat, diags := Load(fsys, LoadOptions{
			MediaURL:  func(slug, rel, sha string) string { return "/m/" + sha },
			LessonURL: func(slug, lesson string) string { return "/l/" + lesson },
		})
		checkDiagnostics(t, fsys, cat, diags)
	})
}

// checkDiagnostics asserts what must hold for any tree: diagnostics are
// sorted, point at real files and lines, and no course with an error is in
// the catalogue.
func checkDiagnostics(t *testing.T, fsys fs.FS, cat *Catalogue, diags []Diagnostic) {
	t.Helper()
	for i, d := range diags {
		if i > 0 && diags[i-1].Path > d.Path {
			t.Errorf("diagnostics not sorted: %v before %v", diags[i-1], d)
		}
		if d.Message == "" || d.Path == "" {
			t.Errorf("diagnostic without message or path: %#v", d)
		}
		if d.Line < 0 || d.Col < 0 || (d.Line == 0 && d.Col != 0) {
			t.Errorf("bad position: %v", d)
		}
		if d.Line > 0 {
			data, err := fs.ReadFile(fsys, d.Path)
			if err != nil {
				t.Errorf("diagnostic with a line in a file that cannot be read: %v", d)
			} else if n := bytes.Count(normalizeNewlines(data), []byte("\n")) + 1; d.Line > n {
				t.Errorf("diagnostic on line %d of a %d-line file: %v", d.Line, n, d)
			}
		}
		if d.Severity == SeverityError {
			slug, _, _ := strings.Cut(d.Path, "/")
			if cat.Course(slug) != nil {
				t.Errorf("course %q loaded despite %v", slug, d)
			}
		}
	}
	for _, c := range cat.Courses {
		if len(c.ContentHash) != 64 || c.Text[c.DefaultLanguage].Title == "" {
			t.Errorf("course %q loaded incomplete", c.Slug)
		}
		for _, html := range allHTML(c) {
			checkSafeHTML(t, html)
		}
	}
}

// allHTML collects every piece of HTML a course carries.
func allHTML(c *Course) []string {
	var out []string
	for _, t := range c.Text {
		out = append(out, t.DescriptionHTML)
	}
	for _, l := range c.Lessons {
		for _, t := range l.Text {
			out = append(out, t.HTML)
		}
	}
	if c.Quiz != nil {
		for _, q := range c.Quiz.Questions {
			for _, t := range q.Text {
				out = append(out, t.TitleHTML, t.StemHTML, t.ExplanationHTML)
				for _, o := range t.Options {
					out = append(out, o.HTML, o.FeedbackHTML)
				}
			}
		}
	}
	return out
}

// checkSafeHTML fails on markup that only raw HTML or a dangerous link
// could have produced.
func checkSafeHTML(t *testing.T, html string) {
	t.Helper()
	lower := strings.ToLower(html)
	for _, bad := range []string{"<script", "<iframe", "<style", "<!--", "href=\"javascript:", "src=\"javascript:", "src=\"http", "src=\"//", "src=\"data:"} {
		if strings.Contains(lower, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, html)
		}
	}
}

// archive writes a file tree in the txtar-like form unarchive reads:
// a line "-- path --" before each file's content.
func archive(fsys fs.FS) string {
	var b strings.Builder
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(fsys, p)
			b.WriteString("-- " + p + " --\n")
			b.Write(data)
			if len(data) > 0 && data[len(data)-1] != '\n' {
				b.WriteByte('\n')
			}
		}
		return nil
	})
	return b.String()
}

// unarchive builds a MapFS from fuzz bytes; lines "-- path --" start files.
// Paths that fs.FS would reject are dropped, as no real tree can hold them.
func unarchive(data []byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	var name string
	var buf []byte
	flush := func() {
		if name != "" && fs.ValidPath(name) && name != "." {
			fsys[name] = &fstest.MapFile{Data: append([]byte(nil), buf...)}
		}
	}
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		if n, ok := bytes.CutPrefix(line, []byte("-- ")); ok && bytes.HasSuffix(n, []byte(" --")) {
			flush()
			name, buf = path.Clean(string(bytes.TrimSuffix(n, []byte(" --")))), nil
		} else {
			buf = append(append(buf, line...), '\n')
		}
		data = rest
	}
	flush()
	// A path cannot be both a file and a directory.
	for p := range fsys {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			delete(fsys, dir)
		}
	}
	return fsys
}
