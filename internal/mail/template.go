package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
)

// Templates renders mails from files named <kind>.<lang>.tmpl, each defining three templates:
// "subject" (one line), "text" (the plain-text part) and "html" (the HTML part's content,
// wrapped by the "layout" template of layout.html.tmpl). The plain text is what most municipal
// mail clients show in previews and what screen readers read first, so it is written, not
// derived from the HTML.
type Templates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	// Fallback is the language used when a kind has no template in the one asked for.
	Fallback string
}

// LoadTemplates parses every template in fsys. funcs are available in both parts (the same
// functions must exist for text and HTML, e.g. date formatting).
func LoadTemplates(fsys fs.FS, funcs map[string]any) (*Templates, error) {
	layout, err := fs.ReadFile(fsys, "layout.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	files, err := fs.Glob(fsys, "*.*.tmpl")
	if err != nil {
		return nil, err
	}
	t := &Templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}, Fallback: "de"}
	for _, f := range files {
		if f == "layout.html.tmpl" {
			continue
		}
		name := strings.TrimSuffix(path.Base(f), ".tmpl") // kind.lang
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		tt, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", f, err)
		}
		ht, err := htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(layout))
		if err == nil {
			_, err = ht.Parse(string(src))
		}
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", f, err)
		}
		for _, part := range []string{"subject", "text", "html"} {
			if tt.Lookup(part) == nil {
				return nil, fmt.Errorf("mail template %s: defines no %q", f, part)
			}
		}
		t.text[name], t.html[name] = tt, ht
	}
	return t, nil
}

// Languages lists the languages kind is written in.
func (t *Templates) Languages(kind string) []string {
	var langs []string
	for name := range t.text {
		if k, lang, _ := strings.Cut(name, "."); k == kind {
			langs = append(langs, lang)
		}
	}
	return langs
}

// Render fills in the template of kind in lang (or the fallback language) with data.
func (t *Templates) Render(kind, lang string, data any) (subject, text, html string, err error) {
	name := kind + "." + lang
	if _, ok := t.text[name]; !ok {
		name = kind + "." + t.Fallback
	}
	tt, ok := t.text[name]
	if !ok {
		return "", "", "", fmt.Errorf("mail: no template for %q", kind)
	}
	var b bytes.Buffer
	if err := tt.ExecuteTemplate(&b, "subject", data); err != nil {
		return "", "", "", fmt.Errorf("mail %s subject: %w", name, err)
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := tt.ExecuteTemplate(&b, "text", data); err != nil {
		return "", "", "", fmt.Errorf("mail %s text: %w", name, err)
	}
	text = strings.TrimSpace(b.String()) + "\n"
	b.Reset()
	if err := t.html[name].ExecuteTemplate(&b, "layout", data); err != nil {
		return "", "", "", fmt.Errorf("mail %s html: %w", name, err)
	}
	return subject, text, b.String(), nil
}
