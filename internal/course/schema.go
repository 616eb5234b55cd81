package course

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The keys each kind of file may set in its front matter, and how their
// values are checked.

// fieldKind says how a front-matter value is read and checked.
type fieldKind int

const (
	fieldText     fieldKind = iota // non-empty text
	fieldLanguage                  // ISO 639-1 code
	fieldDuration                  // Go duration > 0, e.g. 20m, 1h30m
	fieldValidity                  // 12mo, 365d, 2y
	fieldPercent                   // integer 0..100
	fieldCount                     // integer >= 0
	fieldBool                      // true / false
	fieldTags                      // list of words
)

// field is one key a front matter may hold.
type field struct {
	key      string
	kind     fieldKind
	required bool
	// translatable keys may appear in a language variant (NAME.<lang>.md);
	// the others describe the course itself and are set in the default file only.
	translatable bool
}

// schema lists the keys of one kind of file.
type schema struct {
	file   string // the kind of file, for messages ("course.md")
	fields []field
}

var (
	courseSchema = schema{file: "course.md", fields: []field{
		{key: "title", kind: fieldText, required: true, translatable: true},
		{key: "summary", kind: fieldText, required: true, translatable: true},
		{key: "language", kind: fieldLanguage, required: true, translatable: true},
		{key: "duration", kind: fieldDuration},
		{key: "validity", kind: fieldValidity},
		{key: "pass_mark", kind: fieldPercent},
		{key: "tags", kind: fieldTags},
		{key: "draft", kind: fieldBool},
	}}
	lessonSchema = schema{file: "lesson", fields: []field{
		{key: "title", kind: fieldText, required: true, translatable: true},
		{key: "duration", kind: fieldDuration},
	}}
	quizSchema = schema{file: "quiz.md", fields: []field{
		{key: "title", kind: fieldText, translatable: true},
		{key: "pass_mark", kind: fieldPercent},
		{key: "draw", kind: fieldCount},
		{key: "shuffle", kind: fieldBool},
		{key: "max_attempts", kind: fieldCount},
	}}
)

func (s schema) keys() []string {
	keys := make([]string, len(s.fields))
	for i, f := range s.fields {
		keys[i] = f.key
	}
	return keys
}

func (s schema) field(key string) (field, bool) {
	for _, f := range s.fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// value is a checked front-matter value; which member is set depends on the field's kind.
type value struct {
	pos      pos
	text     string
	dur      time.Duration
	validity Validity
	num      int
	flag     bool
	list     []string
}

// values are the keys a file set, after checking.
type values map[string]value

func translatableKeys(s schema) []string {
	var keys []string
	for _, f := range s.fields {
		if f.translatable {
			keys = append(keys, f.key)
		}
	}
	return keys
}

// checkValue reads one value according to its kind.
func checkValue(path, key string, kind fieldKind, n *yaml.Node, at func(*yaml.Node) pos, r *reporter) (value, bool) {
	val := value{pos: at(n)}
	bad := func(format string, args ...any) (value, bool) {
		r.errorf(path, at(n), "%s: "+format, append([]any{key}, args...)...)
		return value{}, false
	}
	if kind == fieldTags {
		if n.Kind != yaml.SequenceNode {
			return bad("must be a list of words, e.g. [phishing, e-mail]")
		}
		for _, item := range n.Content {
			item = deref(item)
			t := strings.TrimSpace(item.Value)
			if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" || t == "" {
				r.errorf(path, at(item), "tags: every tag must be a word or short phrase")
				return value{}, false
			}
			val.list = append(val.list, t)
		}
		return val, true
	}
	if n.Kind != yaml.ScalarNode {
		return bad("must be a single value, not a list or a map")
	}
	text := strings.TrimSpace(n.Value)
	if n.ShortTag() == "!!null" || text == "" {
		return bad("must not be empty")
	}
	switch kind {
	case fieldText:
		val.text = text
	case fieldLanguage:
		if !isLanguage(text) {
			return bad("%q is not an ISO 639-1 language code (two lowercase letters, e.g. de or en)", text)
		}
		val.text = text
	case fieldDuration:
		d, err := time.ParseDuration(text)
		switch {
		case err != nil && n.ShortTag() == "!!int":
			return bad("%q needs a unit, e.g. %sm for minutes", text, text)
		case err != nil:
			return bad("%q is not a duration (write e.g. 20m, 1h30m)", text)
		case d <= 0:
			return bad("must be longer than zero")
		}
		val.dur = d
	case fieldValidity:
		v, err := ParseValidity(text)
		if err != nil {
			return bad("%v", err)
		}
		val.validity = v
	case fieldPercent, fieldCount:
		var i int
		if n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			return bad("%q is not a whole number", text)
		}
		if i < 0 || (kind == fieldPercent && i > 100) {
			if kind == fieldPercent {
				return bad("%d is out of range (0 to 100 percent)", i)
			}
			return bad("must not be negative")
		}
		val.num = i
	case fieldBool:
		if n.ShortTag() != "!!bool" || n.Decode(&val.flag) != nil {
			return bad("%q must be true or false", text)
		}
	}
	return val, true
}
