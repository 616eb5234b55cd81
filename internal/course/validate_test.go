package course

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A valid one-lesson course; each case below changes a few files of it and
// lists every diagnostic it expects, with exact path, line and column.
const (
	okCourse = "---\ntitle: Kurs\nsummary: Kurz.\nlanguage: de\n---\n\nBeschreibung.\n"
	okLesson = "---\ntitle: Start\n---\n\nText.\n"
	okQuiz   = "## Frage? {#frage}\n\n- (x) Ja\n- ( ) Nein\n"
)

// courseWith is okCourse with extra front-matter lines (on line 5 onwards).
func courseWith(extra string) string {
	return "---\ntitle: Kurs\nsummary: Kurz.\nlanguage: de\n" + extra + "---\n\nBeschreibung.\n"
}

func tree(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"kurs/course.md":   {Data: []byte(okCourse)},
		"kurs/01-start.md": {Data: []byte(okLesson)},
	}
	for name, data := range files {
		if data == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func diagStrings(diags []Diagnostic) []string {
	s := make([]string, len(diags))
	for i, d := range diags {
		s[i] = d.String()
	}
	return s
}

func TestValidationErrors(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		// Layout and file names.
		{"bad course slug", map[string]string{"Kurs_1/course.md": okCourse, "Kurs_1/01-start.md": okLesson},
			[]string{`Kurs_1: course directory "Kurs_1": a course slug may contain only lowercase letters, digits and hyphens (e.g. phishing-erkennen)`}},
		{"missing course.md", map[string]string{"kurs/course.md": ""},
			[]string{`kurs: missing course.md: every course needs one, with title, summary and language in its front matter`}},
		{"no lessons", map[string]string{"kurs/01-start.md": ""},
			[]string{`kurs: the course has no lessons (NN-slug.md) and no quiz.md`}},
		{"lesson name without two digits", map[string]string{"kurs/1-intro.md": okLesson},
			[]string{`kurs/1-intro.md:1: bad file name "1-intro.md": ` + expectedLessonName}},
		{"lesson name with underscore", map[string]string{"kurs/02_intro.md": okLesson},
			[]string{`kurs/02_intro.md:1: bad file name "02_intro.md": ` + expectedLessonName}},
		{"lesson name in capitals", map[string]string{"kurs/02-Intro.md": okLesson},
			[]string{`kurs/02-Intro.md:1: bad file name "02-Intro.md": ` + expectedLessonName}},
		{"stray markdown file", map[string]string{"kurs/notizen.md": okLesson},
			[]string{`kurs/notizen.md:1: bad file name "notizen.md": ` + expectedLessonName}},
		{"upper-case extension", map[string]string{"kurs/02-intro.MD": okLesson},
			[]string{`kurs/02-intro.MD:1: bad file name "02-intro.MD": Markdown files must end in .md (lowercase); ` + expectedLessonName}},
		{"bad language code", map[string]string{"kurs/01-start.xx.md": okLesson},
			[]string{`kurs/01-start.xx.md:1: bad file name "01-start.xx.md": "xx" is not an ISO 639-1 language code (two lowercase letters, e.g. 01-start.en.md)`}},
		{"upper-case language code", map[string]string{"kurs/01-start.EN.md": okLesson},
			[]string{`kurs/01-start.EN.md:1: bad file name "01-start.EN.md": "EN" is not an ISO 639-1 language code (two lowercase letters, e.g. 01-start.en.md)`}},
		{"markdown in a sub-directory", map[string]string{"kurs/extra/02-mehr.md": okLesson},
			[]string{
				`kurs/extra: warning: directory "extra" is not part of the course format and is ignored (media files belong in media/)`,
				`kurs/extra/02-mehr.md:1: Markdown files belong directly in the course directory; this one is not part of the course`,
			}},
		{"duplicate lesson number", map[string]string{"kurs/01-zweite.md": okLesson},
			[]string{`kurs/01-zweite.md:1: lesson number 01 is used twice (01-start.md and 01-zweite.md); number the lessons 01, 02, … in order`}},
		{"duplicate lesson slug", map[string]string{"kurs/02-start.md": okLesson},
			[]string{`kurs/02-start.md:1: lesson name "start" is used twice (01-start.md and 02-start.md); lesson URLs must be unique`}},
		{"translation without default", map[string]string{"kurs/02-mehr.en.md": okLesson},
			[]string{`kurs/02-mehr.en.md:1: translation of a lesson that does not exist: add 02-mehr.md in the default language`}},
		{"translation into the default language", map[string]string{"kurs/01-start.de.md": okLesson},
			[]string{`kurs/01-start.de.md:1: 01-start.de.md is in the course's default language "de"; put this text in 01-start.md`}},
		{"quiz translation without quiz", map[string]string{"kurs/quiz.en.md": okQuiz},
			[]string{`kurs/quiz.en.md:1: translation of a quiz that does not exist: add quiz.md in the default language`}},
		{"course.md at the tree root", map[string]string{"course.md": okCourse},
			[]string{`course.md: course.md at the top of the tree: a course tree has one directory per course; validate the directory above this course, or move the course into its own directory`}},
		{"invalid UTF-8", map[string]string{"kurs/01-start.md": "---\ntitle: Start\n---\n\nGr\xfc\xdfe\n"},
			[]string{`kurs/01-start.md:5:3: the file is not valid UTF-8; save it with UTF-8 encoding`}},

		// Front matter.
		{"missing front matter", map[string]string{"kurs/01-start.md": "# Start\n"},
			[]string{`kurs/01-start.md:1:1: missing front matter: start the file with a line "---", then title, then another "---"`}},
		{"unclosed front matter", map[string]string{"kurs/01-start.md": "---\ntitle: Start\n\nText.\n"},
			[]string{`kurs/01-start.md:1:1: front matter is not closed: add a line "---" after the last key`}},
		{"invalid YAML", map[string]string{"kurs/course.md": "---\ntitle: Kurs\nsummary: [Kurz\nlanguage: de\n---\n"},
			[]string{`kurs/course.md:3: front matter is not valid YAML: did not find expected ',' or ']'`}},
		{"front matter not a map", map[string]string{"kurs/01-start.md": "---\n- title\n---\n"},
			[]string{`kurs/01-start.md:2:1: front matter must be "key: value" lines`}},
		{"unknown key with suggestion", map[string]string{"kurs/01-start.md": "---\ntitle: Start\ndauer: 5m\n---\n"},
			[]string{`kurs/01-start.md:3:1: unknown key "dauer" (did you mean "duration"?)`}},
		{"misspelt key", map[string]string{"kurs/01-start.md": "---\ntitel: Start\n---\n"},
			[]string{`kurs/01-start.md:2:1: unknown key "titel" (did you mean "title"?)`}},
		{"German callout kind", map[string]string{"kurs/01-start.md": okLesson + "\n> [!Tipp]\n> Text\n"},
			[]string{`kurs/01-start.md:7:3: unknown callout kind [!Tipp] (did you mean [!TIP]?)`}},
		{"misspelt callout kind", map[string]string{"kurs/01-start.md": okLesson + "\n> [!WARNIGN]\n> Text\n"},
			[]string{`kurs/01-start.md:7:3: unknown callout kind [!WARNIGN] (did you mean [!WARNING]?)`}},
		{"unknown key", map[string]string{"kurs/01-start.md": "---\ntitle: Start\nautor: Max\n---\n"},
			[]string{`kurs/01-start.md:3:1: unknown key "autor" (lesson keys: title, duration)`}},
		{"duplicate key", map[string]string{"kurs/01-start.md": "---\ntitle: Start\ntitle: Nochmal\n---\n"},
			[]string{`kurs/01-start.md:3:1: duplicate key "title" (first set on line 2)`}},
		{"missing required keys", map[string]string{"kurs/course.md": "---\ntitle: Kurs\n---\n"},
			[]string{`kurs/course.md:1:1: missing required key "summary" in front matter`, `kurs/course.md:1:1: missing required key "language" in front matter`}},
		{"key that is not a word", map[string]string{"kurs/01-start.md": "---\ntitle: Start\n[a]: b\n---\n"},
			[]string{`kurs/01-start.md:3:1: front matter keys must be plain words such as title`}},
		{"list where a value belongs", map[string]string{"kurs/01-start.md": "---\ntitle: [Start, Anfang]\n---\n"},
			[]string{`kurs/01-start.md:2:8: title: must be a single value, not a list or a map`}},
		{"empty title", map[string]string{"kurs/01-start.md": "---\ntitle:\n---\n"},
			[]string{`kurs/01-start.md:2:7: title: must not be empty`}},
		{"pass_mark out of range", map[string]string{"kurs/course.md": courseWith("pass_mark: 120\n")},
			[]string{`kurs/course.md:5:12: pass_mark: 120 is out of range (0 to 100 percent)`}},
		{"pass_mark not a number", map[string]string{"kurs/course.md": courseWith("pass_mark: 80%\n")},
			[]string{`kurs/course.md:5:12: pass_mark: "80%" is not a whole number`}},
		{"duration without unit", map[string]string{"kurs/01-start.md": "---\ntitle: Start\nduration: 20\n---\n"},
			[]string{`kurs/01-start.md:3:11: duration: "20" needs a unit, e.g. 20m for minutes`}},
		{"duration unparsable", map[string]string{"kurs/01-start.md": "---\ntitle: Start\nduration: 20 Minuten\n---\n"},
			[]string{`kurs/01-start.md:3:11: duration: "20 Minuten" is not a duration (write e.g. 20m, 1h30m)`}},
		{"duration zero", map[string]string{"kurs/01-start.md": "---\ntitle: Start\nduration: 0m\n---\n"},
			[]string{`kurs/01-start.md:3:11: duration: must be longer than zero`}},
		{"validity bad unit", map[string]string{"kurs/course.md": courseWith("validity: 12 Monate\n")},
			[]string{`kurs/course.md:5:11: validity: "12 Monate": unit must be y, mo or d (e.g. 12mo, 365d, 2y)`}},
		{"validity zero", map[string]string{"kurs/course.md": courseWith("validity: 0mo\n")},
			[]string{`kurs/course.md:5:11: validity: "0mo": validity must be positive (leave the key out for no expiry)`}},
		{"bad language", map[string]string{"kurs/course.md": "---\ntitle: Kurs\nsummary: Kurz.\nlanguage: deutsch\n---\n"},
			[]string{`kurs/course.md:4:11: language: "deutsch" is not an ISO 639-1 language code (two lowercase letters, e.g. de or en)`}},
		{"draft not a bool", map[string]string{"kurs/course.md": courseWith("draft: ja\n")},
			[]string{`kurs/course.md:5:8: draft: "ja" must be true or false`}},
		{"tags not a list", map[string]string{"kurs/course.md": courseWith("tags: phishing\n")},
			[]string{`kurs/course.md:5:7: tags: must be a list of words, e.g. [phishing, e-mail]`}},
		{"tags with a map", map[string]string{"kurs/course.md": courseWith("tags: [phishing, {a: b}]\n")},
			[]string{`kurs/course.md:5:18: tags: every tag must be a word or short phrase`}},
		{"variant sets course-wide key", map[string]string{"kurs/course.en.md": "---\ntitle: Course\nsummary: Short.\nduration: 5m\n---\n"},
			[]string{`kurs/01-start.md:1: warning: no "en" translation (01-start.en.md); learners reading "en" see the "de" text`, `kurs/course.en.md:4:1: key "duration" can only be set in the default-language file; a translation sets only title, summary, language`}},
		{"variant language mismatch", map[string]string{"kurs/course.en.md": "---\ntitle: Course\nsummary: Short.\nlanguage: fr\n---\n"},
			[]string{`kurs/01-start.md:1: warning: no "en" translation (01-start.en.md); learners reading "en" see the "de" text`, `kurs/course.en.md:4:11: language: "fr" does not match the file name, which says "en"`}},

		// Quiz front matter.
		{"draw negative", map[string]string{"kurs/quiz.md": "---\ndraw: -1\n---\n" + okQuiz},
			[]string{`kurs/quiz.md:2:7: draw: must not be negative`}},
		{"draw larger than pool", map[string]string{"kurs/quiz.md": "---\ndraw: 2\n---\n" + okQuiz},
			[]string{`kurs/quiz.md:2:7: draw: 2 is more than the 1 questions of the quiz`}},
		{"shuffle not a bool", map[string]string{"kurs/quiz.md": "---\nshuffle: 1\n---\n" + okQuiz},
			[]string{`kurs/quiz.md:2:10: shuffle: "1" must be true or false`}},
		{"max_attempts not a number", map[string]string{"kurs/quiz.md": "---\nmax_attempts: drei\n---\n" + okQuiz},
			[]string{`kurs/quiz.md:2:15: max_attempts: "drei" is not a whole number`}},

		// Markdown.
		{"raw HTML block", map[string]string{"kurs/01-start.md": okLesson + "\n<div class=\"box\">\nText\n</div>\n"},
			[]string{"kurs/01-start.md:7:1: raw HTML is not allowed (`<div class=\"box\"> …`); write Markdown instead"}},
		{"raw HTML inline", map[string]string{"kurs/01-start.md": okLesson + "\nEin <b>fetter</b> Text.\n"},
			[]string{
				"kurs/01-start.md:7:5: raw HTML is not allowed (`<b>`); write Markdown instead",
				"kurs/01-start.md:7:14: raw HTML is not allowed (`</b>`); write Markdown instead",
			}},
		{"heading attribute", map[string]string{"kurs/01-start.md": okLesson + "\n## Titel {#t style=\"color:red\"}\n"},
			[]string{`kurs/01-start.md:7:1: heading attribute "style" is not allowed; only {#id} and {.class} are`}},
		{"unknown callout kind", map[string]string{"kurs/01-start.md": okLesson + "\n> [!FOO]\n> Text\n"},
			[]string{`kurs/01-start.md:7:3: unknown callout kind [!FOO]; use [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]`}},
		{"callout text on marker line", map[string]string{"kurs/01-start.md": okLesson + "\n> [!TIP] Text\n"},
			[]string{`kurs/01-start.md:7:3: put the text of a [!TIP] callout on the lines after the marker, not on the same line`}},
		{"empty callout", map[string]string{"kurs/01-start.md": okLesson + "\n> [!NOTE]\n"},
			[]string{`kurs/01-start.md:7:1: callout [!NOTE] is empty`}},
		{"image without alt text", map[string]string{"kurs/01-start.md": okLesson + "\n![](media/a.png)\n", "kurs/media/a.png": png},
			[]string{`kurs/01-start.md:7:1: image "media/a.png" has no alt text: describe what it shows, e.g. ![Beispiel einer Phishing-Mail](media/a.png)`}},
		{"image without source", map[string]string{"kurs/01-start.md": okLesson + "\n![Bild]()\n"},
			[]string{`kurs/01-start.md:7:1: image has no source; write ![alt text](media/file.png)`}},
		{"link with bad escape", map[string]string{"kurs/01-start.md": okLesson + "\n[x](media/a%zz.pdf)\n"},
			[]string{`kurs/01-start.md:7:1: link "media/a%zz.pdf": not a valid path (invalid URL escape "%zz")`}},
		{"image file missing", map[string]string{"kurs/01-start.md": okLesson + "\nSiehe ![Bild](media/fehlt.png)\n"},
			[]string{`kurs/01-start.md:7:7: image file "media/fehlt.png" not found in the course`}},
		{"image outside the course", map[string]string{"kurs/01-start.md": okLesson + "\n![Bild](../anderer/media/a.png)\n"},
			[]string{`kurs/01-start.md:7:1: image "../anderer/media/a.png" points outside the course directory`}},
		{"image absolute path", map[string]string{"kurs/01-start.md": okLesson + "\n![Bild](/media/a.png)\n"},
			[]string{`kurs/01-start.md:7:1: image "/media/a.png": absolute paths are not allowed; write the path relative to the course directory, e.g. media/bild.png or 02-merkmale.md`}},
		{"external image", map[string]string{"kurs/01-start.md": okLesson + "\n![Logo](https://example.org/logo.png)\n"},
			[]string{`kurs/01-start.md:7:1: image "https://example.org/logo.png": images must be files in the course's media/ folder; nothing may be loaded from another host`}},
		{"image outside media", map[string]string{"kurs/01-start.md": okLesson + "\n![Bild](bild.png)\n", "kurs/bild.png": png},
			[]string{
				`kurs/01-start.md:7:1: image "bild.png": images must be in the course's media/ folder`,
				`kurs/bild.png: warning: file is not part of the course format and is ignored`,
			}},
		{"image not an image", map[string]string{"kurs/01-start.md": okLesson + "\n![Liste](media/liste.pdf)\n", "kurs/media/liste.pdf": "%PDF"},
			[]string{
				`kurs/01-start.md:7:1: "media/liste.pdf" is not an image; use PNG, JPEG, GIF, WebP, AVIF or SVG`,
				`kurs/media/liste.pdf: warning: media file is not used by the course`,
			}},
		{"link to missing lesson", map[string]string{"kurs/01-start.md": okLesson + "\n[weiter](02-merkmale.md)\n"},
			[]string{`kurs/01-start.md:7:1: link "02-merkmale.md": there is no lesson "02-merkmale.md" in this course; link to lessons by file name, e.g. 02-merkmale.md`}},
		{"link to missing file", map[string]string{"kurs/01-start.md": okLesson + "\n[Datei](anhang.pdf)\n"},
			[]string{`kurs/01-start.md:7:1: link "anhang.pdf": no such file; links may point to lessons (NN-slug.md), files in media/ or web addresses`}},
		{"link to missing media", map[string]string{"kurs/01-start.md": okLesson + "\n[Datei](media/anhang.pdf)\n"},
			[]string{`kurs/01-start.md:7:1: link "media/anhang.pdf": file "media/anhang.pdf" not found in the course`}},
		{"link outside the course", map[string]string{"kurs/01-start.md": okLesson + "\n[anderer Kurs](../anderer/01-a.md)\n"},
			[]string{`kurs/01-start.md:7:1: link "../anderer/01-a.md" points outside the course directory`}},
		{"link with bad scheme", map[string]string{"kurs/01-start.md": okLesson + "\n[x](javascript:alert(1))\n"},
			[]string{`kurs/01-start.md:7:1: link "javascript:alert(1)": javascript: links are not allowed; use https://, http://, mailto: or tel:`}},
		{"link without target", map[string]string{"kurs/01-start.md": okLesson + "\n[x]()\n"},
			[]string{`kurs/01-start.md:7:1: link has no target`}},
		{"protocol-relative link", map[string]string{"kurs/01-start.md": okLesson + "\n[x](//example.org)\n"},
			[]string{`kurs/01-start.md:7:1: link "//example.org": write the full address, starting with https://`}},
		{"link with query", map[string]string{"kurs/01-start.md": okLesson + "\n[x](01-start.md?a=1)\n"},
			[]string{`kurs/01-start.md:7:1: link "01-start.md?a=1": remove the "?…" part; course files take no query`}},
		{"link with backslash", map[string]string{"kurs/01-start.md": okLesson + "\n[x](media\\a.png)\n"},
			[]string{`kurs/01-start.md:7:1: link "media\\a.png": write paths with /, not \`}},

		// Quiz structure.
		{"content before first question", map[string]string{"kurs/quiz.md": "# Test\n\nEinleitung.\n\n" + okQuiz},
			[]string{`kurs/quiz.md:1:1: content before the first question: a quiz file holds only questions, each starting with a "## …" heading (set the quiz title with title: in the front matter)`}},
		{"question without ID", map[string]string{"kurs/quiz.md": "## Frage?\n\n- (x) Ja\n- ( ) Nein\n"},
			[]string{`kurs/quiz.md:1:1: question heading has no ID: end the line with {#some-id}, e.g. ## Was tun Sie? {#verdacht-melden}`}},
		{"bad question ID", map[string]string{"kurs/quiz.md": "## Frage? {#Frage_1}\n\n- (x) Ja\n- ( ) Nein\n"},
			[]string{`kurs/quiz.md:1:1: question ID "Frage_1": use lowercase letters, digits and hyphens`}},
		{"duplicate question ID", map[string]string{"kurs/quiz.md": okQuiz + "\n" + okQuiz},
			[]string{`kurs/quiz.md:6:1: question ID "frage" is used twice (first on line 1)`}},
		{"question without option list", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- Ja\n- Nein\n"},
			[]string{`kurs/quiz.md:1:1: question "frage" has no option list: add a bullet list whose items start with ( ) / (x) (single choice) or [ ] / [x] (multiple choice)`}},
		{"mixed markers", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n- [ ] Nein\n"},
			[]string{`kurs/quiz.md:4:1: options mix ( ) and [ ] markers: use ( ) / (x) for single choice or [ ] / [x] for multiple choice, not both`}},
		{"option without marker", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n- ( ) Nein\n- Vielleicht\n"},
			[]string{`kurs/quiz.md:5:1: option has no choice marker: start every option of the list with ( ) / (x) or [ ] / [x]`}},
		{"empty marker", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n- () Nein\n"},
			[]string{`kurs/quiz.md:4:1: empty choice marker: write ( ) or [ ] with a space inside`}},
		{"only one option", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n"},
			[]string{`kurs/quiz.md:3:1: question "frage" needs at least two options`}},
		{"single choice without (x)", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- ( ) Ja\n- ( ) Nein\n"},
			[]string{`kurs/quiz.md:3:1: single-choice question "frage" needs exactly one (x), found 0`}},
		{"single choice with two (x)", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n- (x) Nein\n"},
			[]string{`kurs/quiz.md:3:1: single-choice question "frage" needs exactly one (x), found 2`}},
		{"multiple choice without [x]", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- [ ] Ja\n- [ ] Nein\n"},
			[]string{`kurs/quiz.md:3:1: multiple-choice question "frage" needs at least one [x]`}},
		{"numbered option list", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n1. (x) Ja\n2. ( ) Nein\n"},
			[]string{`kurs/quiz.md:3:1: options must be a bullet list ("- ( ) …"), not a numbered list`}},
		{"empty option", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n- ( )\n"},
			[]string{`kurs/quiz.md:4:1: option has no text`}},
		{"two feedback quotes", map[string]string{"kurs/quiz.md": "## Frage? {#frage}\n\n- (x) Ja\n  > Gut.\n\n  > Sehr gut.\n- ( ) Nein\n"},
			[]string{`kurs/quiz.md:6:3: an option takes one feedback quote (> …); merge the two`}},
		{"footnote in quiz", map[string]string{"kurs/quiz.md": "## Frage?[^1] {#frage}\n\n- (x) Ja\n- ( ) Nein\n\n[^1]: Anmerkung.\n"},
			[]string{`kurs/quiz.md:1:10: footnotes are not supported in quiz files; put the note in the explanation`}},
		{"quiz without questions", map[string]string{"kurs/quiz.md": "---\ntitle: Test\n---\n"},
			[]string{`kurs/quiz.md:1: the quiz has no questions; start each question with a "## Frage? {#frage-id}" heading`}},
		{"question heading without text", map[string]string{"kurs/quiz.md": "## {#frage}\n\n- (x) Ja\n- ( ) Nein\n"},
			[]string{`kurs/quiz.md:1:1: question heading has no text`}},

		// Quiz translations.
		{"translated quiz with other ID", map[string]string{"kurs/quiz.md": okQuiz, "kurs/quiz.en.md": "## Question? {#question}\n\n- (x) Yes\n- ( ) No\n"},
			[]string{
				`kurs/course.md:1: warning: no "en" translation (course.en.md); learners reading "en" see the "de" text`,
				`kurs/01-start.md:1: warning: no "en" translation (01-start.en.md); learners reading "en" see the "de" text`,
				`kurs/quiz.en.md:1:1: question 1 has the ID "question" here but "frage" in quiz.md; keep the IDs and their order`,
			}},
		{"translated quiz with other type", map[string]string{"kurs/quiz.md": okQuiz, "kurs/quiz.en.md": "## Question? {#frage}\n\n- [x] Yes\n- [ ] No\n", "kurs/course.en.md": okCourse, "kurs/01-start.en.md": okLesson},
			[]string{
				`kurs/course.en.md:4:11: language: "de" does not match the file name, which says "en"`,
				`kurs/quiz.en.md:1:1: question "frage" is multiple choice here but single choice in quiz.md`,
			}},
		{"translated quiz with other option count", map[string]string{"kurs/quiz.md": okQuiz, "kurs/quiz.en.md": "## Question? {#frage}\n\n- (x) Yes\n- ( ) No\n- ( ) Maybe\n", "kurs/course.en.md": "---\ntitle: C\nsummary: S\n---\n", "kurs/01-start.en.md": okLesson},
			[]string{`kurs/quiz.en.md:3:1: question "frage" has 3 options here but 2 in quiz.md`}},
		{"translated quiz with other correct option", map[string]string{"kurs/quiz.md": okQuiz, "kurs/quiz.en.md": "## Question? {#frage}\n\n- ( ) Yes\n- (x) No\n", "kurs/course.en.md": "---\ntitle: C\nsummary: S\n---\n", "kurs/01-start.en.md": okLesson},
			[]string{`kurs/quiz.en.md:3:1: question "frage" marks b as correct here but a in quiz.md`}},
		{"translated quiz missing a question", map[string]string{"kurs/quiz.md": okQuiz + "\n## Zwei {#zwei}\n\n- (x) A\n- ( ) B\n", "kurs/quiz.en.md": "## Question? {#frage}\n\n- (x) Yes\n- ( ) No\n", "kurs/course.en.md": "---\ntitle: C\nsummary: S\n---\n", "kurs/01-start.en.md": okLesson},
			[]string{`kurs/quiz.en.md:1: question "zwei" of quiz.md is missing; a translation must have the same questions in the same order`}},
		{"translated quiz with an extra question", map[string]string{"kurs/quiz.md": okQuiz, "kurs/quiz.en.md": "## Question? {#frage}\n\n- (x) Yes\n- ( ) No\n\n## Two {#two}\n\n- (x) A\n- ( ) B\n", "kurs/course.en.md": "---\ntitle: C\nsummary: S\n---\n", "kurs/01-start.en.md": okLesson},
			[]string{`kurs/quiz.en.md:6:1: question "two" is not in quiz.md; a translation must have the same questions in the same order`}},

		// Warnings only.
		{"missing translation", map[string]string{"kurs/course.en.md": "---\ntitle: Course\nsummary: Short.\n---\n"},
			[]string{`kurs/01-start.md:1: warning: no "en" translation (01-start.en.md); learners reading "en" see the "de" text`}},
		{"unknown anchor", map[string]string{"kurs/02-mehr.md": okLesson + "\n[zurück](01-start.md#gibt-es-nicht)\n"},
			[]string{`kurs/02-mehr.md:7:1: warning: link "01-start.md#gibt-es-nicht": lesson 01-start.md has no heading with the ID "gibt-es-nicht"`}},
		{"unknown local anchor", map[string]string{"kurs/01-start.md": okLesson + "\n[oben](#oben)\n"},
			[]string{`kurs/01-start.md:7:1: warning: link "#oben": there is no heading with the ID "oben" in this file`}},
		{"unused media", map[string]string{"kurs/media/alt.png": png},
			[]string{`kurs/media/alt.png: warning: media file is not used by the course`}},
		{"second choice list", map[string]string{"kurs/quiz.md": okQuiz + "\nErklärung.\n\n- (x) A\n- ( ) B\n"},
			[]string{`kurs/quiz.md:8:1: warning: a second list with choice markers in question "frage" is treated as explanation; did you forget a "## …" heading?`}},
		{"empty tree", map[string]string{"kurs/course.md": "", "kurs/01-start.md": ""},
			[]string{`.: warning: no courses found: a course tree has one directory per course`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, diags := Load(tree(tt.files), LoadOptions{})
			got := diagStrings(diags)
			if !equalUnordered(got, tt.want) {
				t.Errorf("diagnostics:\n got  %q\n want %q", got, tt.want)
			}
			// The course must be in the catalogue exactly when it has no errors.
			courseErrors := slices.ContainsFunc(diags, func(d Diagnostic) bool {
				return d.Severity == SeverityError && (d.Path == "kurs" || strings.HasPrefix(d.Path, "kurs/"))
			})
			fsys := tree(tt.files)
			exists := slices.ContainsFunc(slices.Collect(maps.Keys(fsys)), func(p string) bool { return strings.HasPrefix(p, "kurs/") })
			if loaded := cat.Course("kurs") != nil; exists && loaded == courseErrors {
				t.Errorf("course has errors: %v, but loaded: %v", courseErrors, loaded)
			}
		})
	}
}

// equalUnordered compares as multisets; Load sorts by position, which the
// want lists above need not repeat.
func equalUnordered(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
		if m[s] < 0 {
			return false
		}
	}
	return true
}
