package course

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

// headingIDs generates the automatic IDs of lesson headings. Goldmark's own
// generator drops every non-ASCII letter ("Merkmale für Phishing" becomes
// "merkmale-fr-phishing"); German authors linking to a section expect
// "merkmale-fuer-phishing", so umlauts and ß are spelled out.
type headingIDs struct {
	used map[string]bool
}

var _ parser.IDs = (*headingIDs)(nil)

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ß", "ss")

// Generate implements parser.IDs.
func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range umlauts.Replace(string(value)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			dash = false
		case r == ' ' || r == '-' || r == '_' || r == '\t':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	id := strings.TrimRight(b.String(), "-")
	if id == "" {
		id = "heading"
	}
	if h.used[id] {
		for i := 1; ; i++ {
			if c := fmt.Sprintf("%s-%d", id, i); !h.used[c] {
				id = c
				break
			}
		}
	}
	h.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs; explicit {#id}s are recorded so that generated
// IDs do not collide with them.
func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }
