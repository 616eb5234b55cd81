package course

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// frontMatter is a Markdown file split into its YAML header and its body.
type frontMatter struct {
	present  bool   // the file starts with a "---" line
	closed   bool   // a closing "---" line was found
	yaml     []byte // the text between the two "---" lines
	yamlLine int    // file line of the first YAML line
	body     []byte // everything after the closing "---" (the whole file without front matter)
	bodyLine int    // file line of the first body line
}

// splitFrontMatter splits src at the "---" fences. Front matter counts only
// when the very first line is "---", as in Jekyll and Hugo, so a thematic
// break further down is never mistaken for it.
func splitFrontMatter(src []byte) frontMatter {
	// Editors on Windows like to start UTF-8 files with a byte order mark.
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	line, rest, ok := nextLine(src)
	if !ok || !isFence(line) {
		return frontMatter{body: src, bodyLine: 1}
	}
	fm := frontMatter{present: true, yamlLine: 2}
	start := len(src) - len(rest)
	off, n := start, 2
	for len(rest) > 0 {
		line, rest, _ = nextLine(rest)
		if isFence(line) {
			fm.closed = true
			fm.yaml = src[start:off]
			fm.body = rest
			fm.bodyLine = n + 1
			return fm
		}
		off = len(src) - len(rest)
		n++
	}
	// Unclosed: the whole file is (broken) front matter and there is no body.
	fm.yaml = src[start:]
	fm.bodyLine = n
	return fm
}

// normalizeNewlines turns CRLF and lone CR line endings into LF. YAML counts
// a lone CR as a line break and goldmark does not; after this, YAML, goldmark
// and the reported line numbers agree with each other and with editors.
func normalizeNewlines(b []byte) []byte {
	if !bytes.ContainsRune(b, '\r') {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// yamlBreaks are characters YAML (as yaml.v3 reads it) takes for line breaks
// but editors and goldmark do not. In front matter they can only be
// invisible junk, so they become spaces and line numbers stay aligned.
var yamlBreaks = strings.NewReplacer("\u0085", " ", "\u2028", " ", "\u2029", " ")

// nextLine returns the first line of b (without its line ending) and the rest.
func nextLine(b []byte) (line, rest []byte, ok bool) {
	if len(b) == 0 {
		return nil, nil, false
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, true
}

func isFence(line []byte) bool {
	return string(bytes.TrimRight(line, " \t\r")) == "---"
}

// yamlErrRE splits yaml.v3's syntax errors ("yaml: line 3: …") to keep the message.
var yamlErrRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeFrontMatter checks the front matter of the file at path against s and
// returns the values that passed. Every problem goes to r; a value that fails
// its check is left out, so callers fall back to defaults and keep going.
// variant says the file is a translation, which may set translatable keys only.
func decodeFrontMatter(path string, fm frontMatter, s schema, variant bool, r *reporter) values {
	vals := values{}
	var required []string
	for _, f := range s.fields {
		// A translation names its language in the file name, so it need
		// not repeat it; the other required texts must be translated.
		if f.required && (!variant || (f.translatable && f.kind != fieldLanguage)) {
			required = append(required, f.key)
		}
	}
	if !fm.present {
		if len(required) > 0 {
			r.errorf(path, pos{1, 1}, "missing front matter: start the file with a line \"---\", then %s, then another \"---\"",
				strings.Join(required, ", "))
		}
		return vals
	}
	if !fm.closed {
		r.errorf(path, pos{1, 1}, "front matter is not closed: add a line \"---\" after the last key")
		return vals
	}
	text := []byte(yamlBreaks.Replace(string(fm.yaml)))
	root, err := parseYAML(text)
	if err != nil {
		p := pos{line: 1}
		msg := err.Error()
		if m := yamlErrRE.FindStringSubmatch(msg); m != nil {
			msg = m[2]
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		if n := yamlErrorLine(text); n > 0 {
			p.line = fm.yamlLine + n - 1
		}
		r.errorf(path, p, "front matter is not valid YAML: %s", msg)
		return vals
	}
	at := func(n *yaml.Node) pos { return pos{fm.yamlLine + n.Line - 1, n.Column} }

	var m *yaml.Node
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		m = deref(root.Content[0])
		if m.Kind == yaml.ScalarNode && m.ShortTag() == "!!null" {
			m = nil // only comments: an empty header
		} else if m.Kind != yaml.MappingNode {
			r.errorf(path, at(m), "front matter must be \"key: value\" lines")
			return vals
		}
	}
	seen := map[string]pos{}
	suggested := map[string]bool{} // a "did you mean" already covers the missing key
	if m != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := deref(m.Content[i]), deref(m.Content[i+1])
			if k.Kind != yaml.ScalarNode {
				r.errorf(path, at(k), "front matter keys must be plain words such as title")
				continue
			}
			key := k.Value
			if first, dup := seen[key]; dup {
				r.errorf(path, at(k), "duplicate key %q (first set on line %d)", key, first.line)
				continue
			}
			seen[key] = at(k)
			f, ok := s.field(key)
			if !ok {
				if sug := suggestKey(key, s.keys()); sug != "" {
					r.errorf(path, at(k), "unknown key %q (did you mean %q?)", key, sug)
					suggested[sug] = true
				} else {
					r.errorf(path, at(k), "unknown key %q (%s keys: %s)", key, s.file, strings.Join(s.keys(), ", "))
				}
				continue
			}
			if variant && !f.translatable {
				r.errorf(path, at(k), "key %q can only be set in the default-language file; a translation sets only %s",
					key, strings.Join(translatableKeys(s), ", "))
				continue
			}
			if val, ok := checkValue(path, key, f.kind, v, at, r); ok {
				vals[key] = val
			}
		}
	}
	for _, key := range required {
		if _, ok := seen[key]; !ok && !suggested[key] {
			r.errorf(path, pos{1, 1}, "missing required key %q in front matter", key)
		}
	}
	return vals
}

// parseYAML parses front matter into a node tree. yaml.v3 reports syntax
// errors itself; the recover is a last line of defence so that no course file,
// however mangled, can crash the server through the YAML library.
func parseYAML(b []byte) (root *yaml.Node, err error) {
	defer func() {
		if p := recover(); p != nil {
			root, err = nil, fmt.Errorf("yaml: %v", p)
		}
	}()
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// yamlErrorLine returns the 1-based line of b where its YAML first breaks,
// or 0. yaml.v3's messages do carry a line, but it is 0-based for parser
// errors and 1-based for scanner errors, and the message does not say
// which; so the line is found as the first line at which a prefix of the
// text stops parsing. Front matter is short, so parsing prefixes is cheap;
// very long input falls back to "unknown".
func yamlErrorLine(b []byte) int {
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) > 200 {
		return 0
	}
	for k := 1; k <= len(lines); k++ {
		if _, err := parseYAML(bytes.Join(lines[:k], nil)); err != nil {
			return k
		}
	}
	return 0
}

// deref follows YAML aliases (*name) to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}
