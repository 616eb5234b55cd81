package course

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenOptions rewrite media the way a server would, so the golden files
// show that MediaURL is applied.
var goldenOptions = LoadOptions{
	MediaURL: func(slug, rel, sha string) string { return "/media/" + slug + "/" + sha[:12] + "/" + rel },
}

// TestGolden renders the fixture course in testdata/goldencourse (tables,
// footnotes, callouts, images, lesson and media links, a quiz with feedback
// and explanations, an English translation) and compares every piece of
// HTML with testdata/golden. Run with -update after an intended change and
// review the diff.
func TestGolden(t *testing.T) {
	cat, diags := Load(os.DirFS("testdata/goldencourse"), goldenOptions)
	if HasErrors(diags) {
		t.Fatalf("fixture has errors:\n%s", strings.Join(diagStrings(diags), "\n"))
	}
	c := cat.Course("phishing-test")
	if c == nil {
		t.Fatal("fixture course not loaded")
	}
	var text strings.Builder
	_ = WriteDiagnostics(&text, diags, "text")
	golden(t, "diagnostics.txt", text.String())

	for _, lang := range []string{"de", "en"} {
		ct := c.TextFor(lang)
		golden(t, "course."+lang+".html", fmt.Sprintf("<h1>%s</h1>\n<p class=\"summary\">%s</p>\n%s", ct.Title, ct.Summary, ct.DescriptionHTML))
		for _, l := range c.Lessons {
			lt := l.TextFor(lang)
			golden(t, fmt.Sprintf("lesson-%02d-%s.%s.html", l.Number, l.Slug, lang), "<h1>"+lt.Title+"</h1>\n"+lt.HTML)
		}
		golden(t, "quiz."+lang+".html", quizHTML(c.Quiz, lang))
	}
	meta, _ := json.MarshalIndent(struct {
		Slug, DefaultLanguage string
		Languages             []string
		Duration, Validity    string
		PassMark              int
		Tags                  []string
		Lessons               []string
		Quiz                  any
		Media                 []MediaFile
		ContentHash           string
	}{
		c.Slug, c.DefaultLanguage, c.Languages, c.Duration.String(), c.Validity.String(), c.PassMark, c.Tags,
		lessonSlugs(c), map[string]any{"PassMark": c.Quiz.PassMark, "Draw": c.Quiz.Draw, "Shuffle": c.Quiz.Shuffle, "MaxAttempts": c.Quiz.MaxAttempts},
		c.Media, c.ContentHash,
	}, "", "  ")
	golden(t, "course.json", string(meta)+"\n")
}

func lessonSlugs(c *Course) []string {
	var s []string
	for _, l := range c.Lessons {
		s = append(s, fmt.Sprintf("%02d %s (%s)", l.Number, l.Slug, l.Duration))
	}
	return s
}

// quizHTML lays out every part of a quiz in one page, with the data the
// grader sees (type, option IDs, correct options) as comments.
func quizHTML(q *Quiz, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<h1>%s</h1>\n", q.TextFor(lang).Title)
	for _, qq := range q.Questions {
		qt := qq.TextFor(lang)
		fmt.Fprintf(&b, "<!-- question %s: %s choice, correct %s -->\n", qq.ID, qq.Type, strings.Join(qq.CorrectIDs(), ","))
		fmt.Fprintf(&b, "<h2>%s</h2>\n<!-- plain title: %s -->\n", qt.TitleHTML, qt.Title)
		fmt.Fprintf(&b, "<div class=\"stem\">\n%s\n</div>\n<ul class=\"options\">\n", qt.StemHTML)
		for i, o := range qt.Options {
			fmt.Fprintf(&b, "<li id=\"%s\">%s", qq.OptionIDs[i], o.HTML)
			if o.FeedbackHTML != "" {
				fmt.Fprintf(&b, "\n<div class=\"feedback\">%s</div>", o.FeedbackHTML)
			}
			b.WriteString("</li>\n")
		}
		fmt.Fprintf(&b, "</ul>\n<div class=\"explanation\">\n%s\n</div>\n", qt.ExplanationHTML)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// TestLoadIsDeterministic loads the same tree twice: the HTML and the
// content hash must not depend on map order or timing.
func TestLoadIsDeterministic(t *testing.T) {
	a, _ := Load(os.DirFS("testdata/goldencourse"), goldenOptions)
	b, _ := Load(os.DirFS("testdata/goldencourse"), goldenOptions)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Error("two loads of the same tree differ")
	}
}
