package course

import "strings"

// iso6391 holds the two-letter ISO 639-1 language codes. Checking against
// the real list (not just "two letters") catches typos such as "dt" or "ge".
var iso6391 = func() map[string]bool {
	const codes = `aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca
ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl
gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk
kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my
na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc
sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw
ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu`
	m := map[string]bool{}
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}()

// isLanguage reports whether s is an ISO 639-1 code in lower case.
func isLanguage(s string) bool { return iso6391[s] }

// calloutTitles are the visible headings of callouts. Languages without an
// entry use English.
var calloutTitles = map[string]map[string]string{
	"de": {"NOTE": "Hinweis", "TIP": "Tipp", "IMPORTANT": "Wichtig", "WARNING": "Warnung", "CAUTION": "Vorsicht"},
	"en": {"NOTE": "Note", "TIP": "Tip", "IMPORTANT": "Important", "WARNING": "Warning", "CAUTION": "Caution"},
}

// calloutKinds lists the callout kinds in the order the docs give them.
var calloutKinds = []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"}

func calloutTitle(lang, kind string) string {
	if t, ok := calloutTitles[lang][kind]; ok {
		return t
	}
	return calloutTitles["en"][kind]
}

// defaultQuizTitle is the quiz title used when quiz.md sets none.
func defaultQuizTitle(lang string) string {
	if lang == "de" {
		return "Abschlusstest"
	}
	return "Final quiz"
}
