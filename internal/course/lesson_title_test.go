package course

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A lesson that repeats its title as "# Title" does not get a second h1: the page shows the
// title already. Other headings stay.
func TestRepeatedLessonTitleIsLeftOut(t *testing.T) {
	fsys := fstest.MapFS{
		"k/course.md":  {Data: []byte("---\ntitle: K\nsummary: S.\nlanguage: de\n---\n\nText.\n")},
		"k/01-eins.md": {Data: []byte("---\ntitle: Der Anfang\n---\n\n# Der Anfang\n\nText.\n\n## Mehr\n\nNoch mehr.\n")},
		"k/02-zwei.md": {Data: []byte("---\ntitle: Zwei\n---\n\n# Etwas anderes\n\nText.\n")},
	}
	cat, diags := Load(fsys, LoadOptions{})
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	one := cat.Courses[0].Lessons[0].TextFor("de").HTML
	if strings.Contains(one, "<h1") || !strings.Contains(one, "<h2") || !strings.Contains(one, "Noch mehr") {
		t.Errorf("lesson one: %s", one)
	}
	if two := cat.Courses[0].Lessons[1].TextFor("de").HTML; !strings.Contains(two, "Etwas anderes") {
		t.Errorf("a different h1 must stay: %s", two)
	}
}
