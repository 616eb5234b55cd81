package course

import "strings"

// germanKeys maps German words authors tend to write for front-matter keys
// (the key names themselves are English).
var germanKeys = map[string]string{
	"titel":           "title",
	"zusammenfassung": "summary",
	"sprache":         "language",
	"dauer":           "duration",
	"gueltigkeit":     "validity",
	"gültigkeit":      "validity",
	"bestehensgrenze": "pass_mark",
	"schlagworte":     "tags",
	"schlagwörter":    "tags",
	"entwurf":         "draft",
	"versuche":        "max_attempts",
	"mischen":         "shuffle",
}

// suggestKey returns the known key an unknown key was probably meant to be,
// or "" when none is close enough to be a plausible typo.
func suggestKey(unknown string, known []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
	}
	u := norm(unknown)
	if k, ok := germanKeys[u]; ok {
		for _, kk := range known {
			if kk == k {
				return k
			}
		}
	}
	best, bestDist := "", 3 // at most two edits away
	for _, k := range known {
		d := editDistance(u, norm(k))
		if d < bestDist && d < len([]rune(u)) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours each cost one,
// so "titel" is one edit from "title".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
