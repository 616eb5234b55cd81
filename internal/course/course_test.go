package course

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOptionID(t *testing.T) {
	for i, want := range map[int]string{0: "a", 1: "b", 25: "z", 26: "aa", 27: "ab", 51: "az", 52: "ba", 701: "zz", 702: "aaa"} {
		if got := OptionID(i); got != want {
			t.Errorf("OptionID(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestLanguageFallback(t *testing.T) {
	fsys := tree(map[string]string{
		"kurs/course.en.md":   "---\ntitle: Course\nsummary: Short.\n---\n",
		"kurs/01-start.en.md": "---\ntitle: Start (en)\n---\n",
		"kurs/02-mehr.md":     "---\ntitle: Mehr\n---\n",
		"kurs/quiz.md":        okQuiz,
		"kurs/quiz.en.md":     strings.ReplaceAll(okQuiz, "Frage?", "Question?"),
	})
	cat, diags := Load(fsys, LoadOptions{})
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	c := cat.Course("kurs")
	if got := strings.Join(c.Languages, ","); got != "de,en" {
		t.Errorf("Languages = %s", got)
	}
	if c.TextFor("en").Title != "Course" || c.TextFor("en-GB").Title != "Course" || c.TextFor("fr").Title != "Kurs" || c.TextFor("").Title != "Kurs" {
		t.Error("course text fallback wrong")
	}
	if c.Lessons[0].TextFor("EN").Title != "Start (en)" || c.Lessons[1].TextFor("en").Title != "Mehr" {
		t.Error("lesson text fallback wrong")
	}
	if c.Quiz.TextFor("en").Title != "Final quiz" || c.Quiz.TextFor("de").Title != "Abschlusstest" {
		t.Errorf("default quiz titles: %q, %q", c.Quiz.TextFor("en").Title, c.Quiz.TextFor("de").Title)
	}
	if c.Quiz.Question("frage").TextFor("en").Title != "Question?" || c.Quiz.Question("frage").TextFor("fr").Title != "Frage?" {
		t.Error("question text fallback wrong")
	}
	if c.PickLanguage("fr", "en-US", "de") != "en" || c.PickLanguage("fr") != "de" || c.PickLanguage() != "de" {
		t.Error("PickLanguage wrong")
	}
	if (&Quiz{}).TextFor("de") != (QuizText{}) {
		t.Error("empty text map should give the zero value")
	}
}

func TestCourseFields(t *testing.T) {
	fsys := tree(map[string]string{
		"kurs/course.md":   courseWith("validity: 24mo\npass_mark: 90\ntags: [a, b]\ndraft: true\n"),
		"kurs/01-start.md": "---\ntitle: Start\nduration: 10m\n---\n",
		"kurs/02-mehr.md":  "---\ntitle: Mehr\nduration: 5m\n---\n",
		"kurs/quiz.md":     "---\nshuffle: false\nmax_attempts: 2\n---\n" + okQuiz,
	})
	cat, diags := Load(fsys, LoadOptions{})
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	c := cat.Course("kurs")
	if c.Duration.Minutes() != 15 || c.Validity.Months != 24 || c.PassMark != 90 || !c.Draft || len(c.Tags) != 2 {
		t.Errorf("course = %+v", c)
	}
	q := c.Quiz
	if q.PassMark != 90 || q.Shuffle || q.MaxAttempts != 2 || q.Draw != 0 {
		t.Errorf("quiz = %+v", q)
	}
	if qq := q.Question("frage"); qq.Type != SingleChoice || strings.Join(qq.OptionIDs, "") != "ab" || strings.Join(qq.CorrectIDs(), "") != "a" {
		t.Errorf("question = %+v", qq)
	}
	if c.Lesson("mehr").Number != 2 || c.Lesson("nix") != nil || cat.Course("nix") != nil {
		t.Error("lookups wrong")
	}
}

func TestContentHash(t *testing.T) {
	load := func(files map[string]string) string {
		cat, diags := Load(tree(files), LoadOptions{})
		if HasErrors(diags) {
			t.Fatal(diags)
		}
		return cat.Course("kurs").ContentHash
	}
	base := load(nil)
	if load(nil) != base {
		t.Error("same content, different hash")
	}
	for name, files := range map[string]map[string]string{
		"lesson text":  {"kurs/01-start.md": okLesson + "Mehr.\n"},
		"unused media": {"kurs/media/x.png": "x"},
		"renamed file": {"kurs/01-start.md": "", "kurs/01-anfang.md": okLesson},
		"ignored file": {"kurs/notes.txt": "x"},
		"added lesson": {"kurs/02-mehr.md": "---\ntitle: Mehr\n---\n"},
	} {
		if load(files) == base {
			t.Errorf("%s: hash did not change", name)
		}
	}
	if load(map[string]string{"kurs/.DS_Store": "x", "kurs/.git/HEAD": "x"}) != base {
		t.Error("hidden files changed the hash")
	}
}

func TestOptions(t *testing.T) {
	fsys := tree(map[string]string{
		"kurs/01-start.md":   okLesson + "\n![Bild](media/a%20b.png) [weiter](02-mehr.md#ziel) [zurück](./01-start.md)\n",
		"kurs/02-mehr.md":    "---\ntitle: Mehr\n---\n\n## Ziel\n",
		"kurs/media/a b.png": "\x89PNG",
	})
	var gotSHA string
	cat, diags := Load(fsys, LoadOptions{
		MediaURL:  func(slug, rel, sha string) string { gotSHA = sha; return "https://cdn.example/" + slug + "/" + rel },
		LessonURL: func(slug, lesson string) string { return "/k/" + slug + "/" + lesson },
	})
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	html := cat.Course("kurs").Lesson("start").TextFor("de").HTML
	for _, want := range []string{
		`<img src="https://cdn.example/kurs/media/a%20b.png" alt="Bild" loading="lazy">`,
		`<a href="/k/kurs/mehr#ziel">weiter</a>`,
		`<a href="/k/kurs/start">zurück</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in\n%s", want, html)
		}
	}
	media := cat.Course("kurs").Media
	if len(media) != 1 || media[0].Path != "media/a b.png" || media[0].SHA256 != gotSHA || media[0].Size != 4 || media[0].ContentType != "image/png" {
		t.Errorf("media = %+v", media)
	}
}

func TestMarkdownDetails(t *testing.T) {
	fsys := tree(map[string]string{
		"kurs/01-start.md": okLesson + `
<!-- Notiz für das Review: wird nicht ausgegeben -->

## Prüfung & Übersicht

## Prüfung & Übersicht

## Eigene ID {#eigene .wichtig}

Text mit <!-- Kommentar --> Kommentar und www.example.org und [x](mailto:a@b.example).
`,
	})
	cat, diags := Load(fsys, LoadOptions{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	html := cat.Course("kurs").Lesson("start").TextFor("de").HTML
	for _, want := range []string{
		`<h2 id="pruefung-uebersicht">`, `<h2 id="pruefung-uebersicht-1">`, `<h2 id="eigene" class="wichtig">`,
		`<a href="http://www.example.org" rel="noopener noreferrer">www.example.org</a>`, `<a href="mailto:a@b.example">x</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in\n%s", want, html)
		}
	}
	if strings.Contains(html, "<!--") || strings.Contains(html, "Notiz") {
		t.Errorf("comment reached the HTML:\n%s", html)
	}
}

func TestQuizMarkerEdgeCases(t *testing.T) {
	// "[x](url)" is a link, not a marker; "\[x]" is literal text; a marker
	// alone on its line takes the text from the next line.
	quiz := "## Frage {#frage}\n\nText mit [x](01-start.md) Link.\n\n* [x](01-start.md) kein Marker\n\n- (x)\n  Ja\n- ( ) \\(x) wörtlich\n"
	cat, diags := Load(tree(map[string]string{"kurs/quiz.md": quiz}), LoadOptions{})
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	qt := cat.Course("kurs").Quiz.Questions[0].TextFor("de")
	if len(qt.Options) != 2 || qt.Options[0].HTML != "Ja" || qt.Options[1].HTML != "(x) wörtlich" {
		t.Errorf("options = %+v", qt.Options)
	}
	if !strings.Contains(qt.StemHTML, "kein Marker") {
		t.Errorf("stem = %s", qt.StemHTML)
	}
}

func TestIgnoredFiles(t *testing.T) {
	fsys := tree(map[string]string{
		"README.md":          "# Kurse",
		"embed.go":           "package courses",
		".gitlab-ci.yml":     "x",
		".git/config":        "x",
		"kurs/.hidden.md":    "x",
		"kurs/.drafts/01.md": "x",
	})
	_, diags := Load(fsys, LoadOptions{})
	if len(diags) > 0 {
		t.Errorf("unexpected diagnostics: %v", diags)
	}
	_, diags = Load(fstest.MapFS{"NOTES.md": {Data: []byte("x")}}, LoadOptions{})
	if got := diagStrings(diags); len(got) != 2 || !strings.Contains(got[1], "NOTES.md: warning: Markdown file at the top") {
		t.Errorf("diagnostics = %q", got)
	}
}

// TestCourseJSONRoundTrip: the catalog stores published versions as JSON;
// a decoded course must serve the same texts, fallbacks included. The
// default language is English here, so that falling back to the
// alphabetically first translation ("de") would show.
func TestCourseJSONRoundTrip(t *testing.T) {
	fsys := fstest.MapFS{
		"k/course.md":      {Data: []byte("---\ntitle: Course\nsummary: S\nlanguage: en\n---\n")},
		"k/course.de.md":   {Data: []byte("---\ntitle: Kurs\nsummary: S\n---\n")},
		"k/01-start.md":    {Data: []byte("---\ntitle: Start\n---\n")},
		"k/01-start.de.md": {Data: []byte("---\ntitle: Anfang\n---\n")},
		"k/quiz.md":        {Data: []byte(okQuiz)},
		"k/quiz.de.md":     {Data: []byte(okQuiz)},
	}
	cat, diags := Load(fsys, LoadOptions{})
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	b, err := json.Marshal(cat.Course("k"))
	if err != nil {
		t.Fatal(err)
	}
	var back Course
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(&back); string(b2) != string(b) {
		t.Error("JSON round trip changed the course")
	}
	if back.TextFor("fr").Title != "Course" || back.Lessons[0].TextFor("fr").Title != "Start" || back.Lessons[0].TextFor("de").Title != "Anfang" ||
		back.Quiz.TextFor("fr").Title != "Final quiz" || back.Quiz.Questions[0].TextFor("fr").Title != "Frage?" {
		t.Error("fallback to the default language lost in the round trip")
	}
}
