package course

import "encoding/json"

// UnmarshalJSON restores a course encoded with encoding/json — the catalog keeps every
// published version in the database this way, so learners can finish the version they
// started — including the default language that its lessons and questions fall back to.
func (c *Course) UnmarshalJSON(b []byte) error {
	type plain Course // without methods, so this does not recurse
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	for _, l := range c.Lessons {
		l.defaultLang = c.DefaultLanguage
	}
	if c.Quiz != nil {
		c.Quiz.defaultLang = c.DefaultLanguage
		for _, q := range c.Quiz.Questions {
			q.defaultLang = c.DefaultLanguage
		}
	}
	return nil
}
