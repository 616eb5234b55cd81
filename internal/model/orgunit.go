package model

import (
	"strings"
	"unicode/utf8"
)

// MaxOrgUnitNameLength bounds one segment of an org unit path.
const MaxOrgUnitNameLength = 120

// SplitOrgUnitPath normalises a path such as " Fachbereich 1 / Bürgeramt " into its segments
// ["Fachbereich 1", "Bürgeramt"], or says what is wrong with it.
func SplitOrgUnitPath(path string) ([]string, error) {
	if strings.TrimSpace(path) == "" {
		return nil, Invalid("org_unit", "must not be empty; write a path such as \"Fachbereich 1/Bürgeramt\"")
	}
	parts := strings.Split(path, "/")
	for i, p := range parts {
		p = strings.Join(strings.Fields(p), " ")
		switch {
		case p == "":
			return nil, Invalid("org_unit", "has an empty part between slashes in \""+path+"\"")
		case utf8.RuneCountInString(p) > MaxOrgUnitNameLength:
			return nil, Invalid("org_unit", "part \""+string([]rune(p)[:40])+"…\" is longer than 120 characters")
		case !utf8.ValidString(p):
			return nil, Invalid("org_unit", "is not valid UTF-8")
		}
		parts[i] = p
	}
	return parts, nil
}

// NormalizeOrgUnitPath returns the canonical spelling of path.
func NormalizeOrgUnitPath(path string) (string, error) {
	parts, err := SplitOrgUnitPath(path)
	if err != nil {
		return "", err
	}
	return strings.Join(parts, "/"), nil
}
