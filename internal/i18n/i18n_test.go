package i18n_test

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/i18n"
)

func load(t *testing.T) *i18n.Catalog {
	c, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every page must be complete in German and English: the catalogues have the same keys.
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c := load(t)
	if !slices.Equal(c.Languages(), []string{"de", "en"}) {
		t.Fatalf("languages %v", c.Languages())
	}
	de, en := c.Keys("de"), c.Keys("en")
	for _, k := range de {
		if !slices.Contains(en, k) {
			t.Errorf("English lacks %q", k)
		}
	}
	for _, k := range en {
		if !slices.Contains(de, k) {
			t.Errorf("German lacks %q", k)
		}
	}
}

var templateKey = regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)

// Every key a template asks for exists, so no page shows a raw key.
func TestTemplatesUseKnownKeys(t *testing.T) {
	c := load(t)
	known := c.Keys("de")
	files, _ := fs.Glob(frontend.Templates, "templates/*.html")
	if len(files) == 0 {
		t.Fatal("no templates")
	}
	for _, f := range files {
		b, _ := fs.ReadFile(frontend.Templates, f)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(known, m[1]) {
				t.Errorf("%s uses unknown key %q", f, m[1])
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	c := load(t)
	cases := []struct {
		accept, fallback string
		candidates       []string
		want             string
	}{
		{"", "de", nil, "de"},
		{"en-US,en;q=0.9", "de", nil, "en"},
		{"fr-FR, en;q=0.5, de;q=0.8", "en", nil, "de"},
		{"fr", "en", nil, "en"},
		{"en", "de", []string{"", "de"}, "de"},
		{"de", "de", []string{"xx", "en"}, "en"},
		{"en;q=0", "de", nil, "de"},
	}
	for _, tc := range cases {
		if got := c.Negotiate(tc.accept, tc.fallback, tc.candidates...); got != tc.want {
			t.Errorf("Negotiate(%q, %q, %v) = %q, want %q", tc.accept, tc.fallback, tc.candidates, got, tc.want)
		}
	}
	if got := c.T("en", "home.greeting", "Anna"); got != "Hello Anna!" {
		t.Errorf("T with args = %q", got)
	}
}
