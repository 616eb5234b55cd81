// Package i18n translates the interface of the server-rendered pages (German first, English)
// and picks a request's language.
package i18n

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Default is the language used when nothing else decides.
const Default = "de"

// Catalog holds every language's messages.
type Catalog struct {
	messages map[string]map[string]string
}

// Load reads one JSON object of key → message per language from fsys (files like "de.json").
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	c := &Catalog{messages: map[string]map[string]string{}}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		c.messages[strings.TrimSuffix(path.Base(f), ".json")] = m
	}
	if _, ok := c.messages[Default]; !ok {
		return nil, fmt.Errorf("i18n: no %s.json in %s", Default, dir)
	}
	return c, nil
}

// Languages lists the languages with a catalogue, sorted.
func (c *Catalog) Languages() []string {
	langs := make([]string, 0, len(c.messages))
	for l := range c.messages {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return langs
}

// Has reports whether lang has a catalogue.
func (c *Catalog) Has(lang string) bool { _, ok := c.messages[lang]; return ok }

// Keys returns the keys of lang's catalogue, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T translates key into lang, falling back to German, then to the key itself (which a test
// makes sure never reaches a user).
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.messages[lang][key]
	if !ok {
		if msg, ok = c.messages[Default][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Negotiate picks the first language of candidates (in order of precedence: query, cookie,
// user setting, …) that has a catalogue, then the best match of an Accept-Language header,
// then fallback.
func (c *Catalog) Negotiate(acceptLanguage, fallback string, candidates ...string) string {
	for _, l := range candidates {
		if c.Has(l) {
			return l
		}
	}
	if l := c.matchAccept(acceptLanguage); l != "" {
		return l
	}
	if c.Has(fallback) {
		return fallback
	}
	return Default
}

// matchAccept returns the supported language the client prefers most, or "".
func (c *Catalog) matchAccept(header string) string {
	for _, tag := range AcceptLanguages(header) {
		if base, _, _ := strings.Cut(strings.ToLower(tag), "-"); c.Has(base) {
			return base
		}
	}
	return ""
}

// AcceptLanguages returns the language tags of an Accept-Language header, most preferred
// first (by q; equal q keeps the header's order), without "*" and q=0 entries.
func AcceptLanguages(header string) []string {
	type tag struct {
		name string
		q    float64
	}
	var tags []tag
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			var err error
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		if name = strings.TrimSpace(name); name != "" && name != "*" && q > 0 {
			tags = append(tags, tag{name, q})
		}
	}
	slices.SortStableFunc(tags, func(a, b tag) int { return cmp.Compare(b.q, a.q) })
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.name
	}
	return out
}
