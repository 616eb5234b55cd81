// Package course loads, validates and renders the Markdown course library.
//
// A course tree is a directory (any fs.FS) with one sub-directory per course;
// docs/course-format.md describes the format for authors. Load reads the whole
// tree once, reports every problem it finds as a Diagnostic, and renders all
// Markdown to HTML up front, so serving a lesson never touches Markdown again.
// The package does no I/O beyond reading the fs.FS it is given.
package course

import (
	"slices"
	"strings"
	"time"
)

// Catalogue is the set of courses that loaded without errors.
type Catalogue struct {
	Courses []*Course // sorted by slug
}

// Course returns the course with the given slug, or nil.
func (c *Catalogue) Course(slug string) *Course {
	i, ok := slices.BinarySearchFunc(c.Courses, slug, func(c *Course, s string) int { return strings.Compare(c.Slug, s) })
	if !ok {
		return nil
	}
	return c.Courses[i]
}

// Course is one course, fully rendered.
type Course struct {
	Slug            string
	DefaultLanguage string
	// Languages holds the default language first, then every language that
	// has a course.<lang>.md, in alphabetical order.
	Languages []string
	// Text holds the course's texts per language; use TextFor to read it.
	Text     map[string]CourseText
	Duration time.Duration // from course.md, else the sum of the lessons' durations
	Validity Validity      // zero: certificates do not expire
	PassMark int           // percent, default 80
	Tags     []string
	Draft    bool // loaded and validated, but not offered to learners

	Lessons []*Lesson // ordered by number
	Quiz    *Quiz     // nil when the course has no quiz.md
	// Media lists the media files the course's Markdown refers to, by path.
	Media []MediaFile
	// ContentHash identifies this version of the course: the hex SHA-256
	// over every file of the course directory (paths and contents). Equal
	// content gives an equal hash; any change gives a new one.
	ContentHash string
}

// CourseText is the translatable part of a course.
type CourseText struct {
	Title           string
	Summary         string
	DescriptionHTML string // the body of course.md
}

// TextFor returns the course's text in lang, or in the default language when
// there is no translation. lang may be a tag such as "de-DE".
func (c *Course) TextFor(lang string) CourseText { return pick(c.Text, lang, c.DefaultLanguage) }

// PickLanguage returns the first of prefs (tags such as "en" or "de-DE", most
// preferred first) that the course is available in, else the default language.
func (c *Course) PickLanguage(prefs ...string) string {
	for _, p := range prefs {
		if l := baseLanguage(p); slices.Contains(c.Languages, l) {
			return l
		}
	}
	return c.DefaultLanguage
}

// Lesson returns the lesson with the given slug, or nil.
func (c *Course) Lesson(slug string) *Lesson {
	for _, l := range c.Lessons {
		if l.Slug == slug {
			return l
		}
	}
	return nil
}

// Lesson is one lesson of a course.
type Lesson struct {
	Number   int    // NN of the file name
	Slug     string // the file name without "NN-" and ".md"
	Text     map[string]LessonText
	Duration time.Duration // 0 when the lesson does not say

	defaultLang string
}

// LessonText is a lesson in one language.
type LessonText struct {
	Title string
	HTML  string
}

// TextFor returns the lesson in lang, or in the course's default language.
func (l *Lesson) TextFor(lang string) LessonText { return pick(l.Text, lang, l.defaultLang) }

// Quiz is a course's final assessment.
type Quiz struct {
	Text        map[string]QuizText
	PassMark    int  // percent; the course's when quiz.md does not set one
	Draw        int  // questions drawn per attempt; 0 = all
	Shuffle     bool // shuffle questions and options per attempt (default true)
	MaxAttempts int  // 0 = unlimited
	Questions   []*Question

	defaultLang string
}

// QuizText is the translatable part of a quiz.
type QuizText struct {
	Title string
}

// TextFor returns the quiz text in lang, or in the course's default language.
func (q *Quiz) TextFor(lang string) QuizText { return pick(q.Text, lang, q.defaultLang) }

// Question returns the question with the given ID, or nil.
func (q *Quiz) Question(id string) *Question {
	for _, qq := range q.Questions {
		if qq.ID == id {
			return qq
		}
	}
	return nil
}

// Question types.
const (
	SingleChoice   = "single"   // ( ) / (x): exactly one correct option
	MultipleChoice = "multiple" // [ ] / [x]: one or more correct options, scored all-or-nothing
)

// Question is one quiz question. Its options are the same, in the same order,
// in every language; only their texts differ.
type Question struct {
	// ID is the author's {#id}: stable across versions and languages.
	ID   string
	Type string // SingleChoice or MultipleChoice
	Text map[string]QuestionText
	// OptionIDs identify the options by position: "a", "b", "c", …
	OptionIDs []string
	// Correct holds the indexes of the correct options.
	Correct []int

	defaultLang string
}

// TextFor returns the question in lang, or in the course's default language.
func (q *Question) TextFor(lang string) QuestionText { return pick(q.Text, lang, q.defaultLang) }

// CorrectIDs returns the IDs of the correct options.
func (q *Question) CorrectIDs() []string {
	ids := make([]string, 0, len(q.Correct))
	for _, i := range q.Correct {
		ids = append(ids, q.OptionIDs[i])
	}
	return ids
}

// QuestionText is a question in one language. Everything but Title,
// TitleHTML, StemHTML and the options' HTML is for after submission:
// correctness, feedback and explanations must not reach the browser before.
type QuestionText struct {
	Title           string // the heading as plain text
	TitleHTML       string // the heading's inline HTML, without <h2>
	StemHTML        string // the blocks between heading and options; may be empty
	Options         []OptionText
	ExplanationHTML string // the blocks after the options; may be empty
}

// OptionText is one answer option in one language.
type OptionText struct {
	HTML         string
	FeedbackHTML string // the option's "> …" quote; may be empty
}

// OptionID returns the ID of the option at index i: "a" … "z", then "aa", "ab", ….
func OptionID(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('a' + (i-1)%26)}, b...)
	}
	return string(b)
}

// pick returns m[lang], falling back to m[def], then to any entry, so a
// caller always gets some text.
func pick[T any](m map[string]T, lang, def string) T {
	if t, ok := m[baseLanguage(lang)]; ok {
		return t
	}
	if t, ok := m[def]; ok {
		return t
	}
	if keys := sortedKeys(m); len(keys) > 0 {
		return m[keys[0]]
	}
	var zero T
	return zero
}

// baseLanguage reduces a language tag to its primary subtag: "de-DE" → "de".
func baseLanguage(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}
