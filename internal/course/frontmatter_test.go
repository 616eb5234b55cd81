package course

import "testing"

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name, in       string
		present, close bool
		yaml, body     string
		bodyLine       int
	}{
		{"none", "# Titel\n", false, false, "", "# Titel\n", 1},
		{"plain", "---\ntitle: x\n---\nText\n", true, true, "title: x\n", "Text\n", 4},
		{"CRLF", "---\r\ntitle: x\r\n---\r\nText\r\n", true, true, "title: x\r\n", "Text\r\n", 4},
		{"BOM", "\uFEFF---\ntitle: x\n---\n", true, true, "title: x\n", "", 4},
		{"trailing blanks on fences", "--- \ntitle: x\n---\t\nText", true, true, "title: x\n", "Text", 4},
		{"empty", "---\n---\nText\n", true, true, "", "Text\n", 3},
		{"unclosed", "---\ntitle: x\n", true, false, "title: x\n", "", 3},
		{"not at the top", "\n---\ntitle: x\n---\n", false, false, "", "\n---\ntitle: x\n---\n", 1},
		{"thematic break later", "---\na: 1\n---\n\n---\n", true, true, "a: 1\n", "\n---\n", 4},
	}
	for _, tt := range tests {
		fm := splitFrontMatter([]byte(tt.in))
		if fm.present != tt.present || fm.closed != tt.close || string(fm.yaml) != tt.yaml || string(fm.body) != tt.body || fm.bodyLine != tt.bodyLine {
			t.Errorf("%s: got present=%v closed=%v yaml=%q body=%q bodyLine=%d", tt.name, fm.present, fm.closed, fm.yaml, fm.body, fm.bodyLine)
		}
	}
}

func TestSuggestKey(t *testing.T) {
	known := courseSchema.keys()
	for in, want := range map[string]string{
		"titel": "title", "Title": "title", "summray": "summary", "passmark": "pass_mark", "pass-mark": "pass_mark",
		"langauge": "language", "sprache": "language", "dauer": "duration", "gültigkeit": "validity",
		"author": "", "x": "", "description": "",
	} {
		if got := suggestKey(in, known); got != want {
			t.Errorf("suggestKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFrontMatterValues(t *testing.T) {
	src := "---\ntitle: Kurs\nsummary: |\n  Zwei\n  Zeilen\nlanguage: de\nduration: 1h30m\nvalidity: 2y\npass_mark: 0x50\ntags: [a, \"b c\"]\ndraft: true\n---\n"
	r := &reporter{}
	v := decodeFrontMatter("c.md", splitFrontMatter([]byte(src)), courseSchema, false, r)
	if len(r.diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", r.diags)
	}
	if v["summary"].text != "Zwei\n  Zeilen" && v["summary"].text != "Zwei\nZeilen" {
		t.Errorf("summary = %q", v["summary"].text)
	}
	if v["duration"].dur.Minutes() != 90 || v["validity"].validity.Months != 24 || v["pass_mark"].num != 80 ||
		len(v["tags"].list) != 2 || v["tags"].list[1] != "b c" || !v["draft"].flag {
		t.Errorf("values = %+v", v)
	}
	if p := v["draft"].pos; p.line != 11 || p.col != 8 {
		t.Errorf("draft at %v, want line 11 col 8", p)
	}
}

func TestYAMLErrorLine(t *testing.T) {
	// yaml.v3 numbers lines differently for scanner and parser errors;
	// both must come out as the real line.
	for in, want := range map[string]int{
		"a: 1\nb: c: d\n":        2, // scanner error
		"a: 1\nb: [x\nc: 2\n":    2, // parser error, reported by yaml.v3 one line early
		"a: 1\n\n\nb: \"open\n":  4,
		"a: 1\n  b: 2\n":         2,
		"a:\n\t- x\n":            2,
		"- a\nb: 1\n":            2,
		"a: 1\nb: 2\nc: {x: 1\n": 3,
	} {
		if got := yamlErrorLine([]byte(in)); got != want {
			t.Errorf("yamlErrorLine(%q) = %d, want %d", in, got, want)
		}
	}
}
