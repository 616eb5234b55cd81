package notify

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/frontend"
	"github.com/wachsam/wachsam/internal/mail"
)

// Every kind of mail exists in German and English and renders all its parts with the data
// the worker fills in.
func TestEveryMailRendersInGermanAndEnglish(t *testing.T) {
	sub, err := fs.Sub(frontend.Mail, "mail")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := mail.LoadTemplates(sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{KindInvitation, KindDueSoon, KindOverdue, KindExpiring, KindDigest} {
		langs := tpl.Languages(kind)
		slices.Sort(langs)
		if !slices.Equal(langs, []string{"de", "en"}) {
			t.Errorf("%s is written in %v, want de and en", kind, langs)
		}
		for _, lang := range []string{"de", "en"} {
			v := view{Name: "Jürgen Groß", Tenant: "Musterstadt", BaseURL: "https://lernen.example", Link: "https://lernen.example/courses/phishing?x=<1>",
				Until: "15.01.2027", Course: "Phishing & Co.", Days: 7, lang: lang,
				Digest: []DigestRow{{Course: "Phishing & Co.", Assigned: 10, Completed: 7, Overdue: 1, Rate: 70}, {Course: "Passwörter", Suppressed: true}}}
			subject, text, html, err := tpl.Render(kind, lang, v)
			if err != nil {
				t.Fatalf("%s.%s: %v", kind, lang, err)
			}
			for part, s := range map[string]string{"subject": subject, "text": text, "html": html} {
				if strings.TrimSpace(s) == "" || strings.Contains(s, "<no value>") {
					t.Errorf("%s.%s %s: %q", kind, lang, part, s)
				}
			}
			if !strings.Contains(html, `lang="`+lang+`"`) || !strings.Contains(text, "Musterstadt") {
				t.Errorf("%s.%s: language or tenant missing", kind, lang)
			}
			// Data is escaped in HTML, verbatim in text.
			if strings.Contains(html, "Phishing & Co.") && kind != KindInvitation {
				t.Errorf("%s.%s: unescaped ampersand in HTML", kind, lang)
			}
		}
	}
}
