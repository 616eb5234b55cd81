package course

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// slugRE is the form of course slugs and lesson slugs: lowercase letters,
// digits and hyphens, as they appear in URLs.
var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// lessonNameRE is the form of a lesson file name without ".md": NN-slug.
var lessonNameRE = regexp.MustCompile(`^([0-9]{2})-([a-z0-9][a-z0-9-]*)$`)

// twoLettersRE recognises a language suffix (in any case, so that ".EN.md"
// is reported as a bad language code rather than a bad lesson name).
var twoLettersRE = regexp.MustCompile(`^[A-Za-z]{2}$`)

// docKind is what a Markdown file in a course is.
type docKind int

const (
	docCourse docKind = iota
	docLesson
	docQuiz
)

// mdName is a parsed Markdown file name.
type mdName struct {
	kind   docKind
	base   string // file name without language and ".md": "course", "quiz", "01-einleitung"
	lang   string // language of a variant; "" for the default-language file
	number int    // lessons only
	slug   string // lessons only
}

// expectedLessonName explains the lesson file-name form in error messages.
const expectedLessonName = "lessons are named NN-slug.md (two digits, a hyphen, then lowercase letters, digits and hyphens), e.g. 01-was-ist-phishing.md, and translations NN-slug.<lang>.md"

// parseMDName classifies the Markdown file name (the last path element,
// ending in ".md") of a file at the top of a course directory.
func parseMDName(name string) (mdName, error) {
	stem, ok := strings.CutSuffix(name, ".md")
	if !ok {
		return mdName{}, fmt.Errorf("bad file name %q: Markdown files must end in .md (lowercase); %s", name, expectedLessonName)
	}
	var n mdName
	if i := strings.LastIndexByte(stem, '.'); i >= 0 && twoLettersRE.MatchString(stem[i+1:]) {
		n.lang = stem[i+1:]
		stem = stem[:i]
		if !isLanguage(n.lang) {
			return mdName{}, fmt.Errorf("bad file name %q: %q is not an ISO 639-1 language code (two lowercase letters, e.g. %s.en.md)", name, n.lang, stem)
		}
	}
	n.base = stem
	switch {
	case stem == "course":
		n.kind = docCourse
	case stem == "quiz":
		n.kind = docQuiz
	default:
		m := lessonNameRE.FindStringSubmatch(stem)
		if m == nil {
			return mdName{}, fmt.Errorf("bad file name %q: %s", name, expectedLessonName)
		}
		n.kind = docLesson
		n.number, _ = strconv.Atoi(m[1])
		n.slug = m[2]
	}
	return n, nil
}

// fileName returns the file name of the variant of base in lang ("" = default).
func fileName(base, lang string) string {
	if lang == "" {
		return base + ".md"
	}
	return base + "." + lang + ".md"
}
