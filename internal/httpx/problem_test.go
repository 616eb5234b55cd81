package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/model"
)

// A code is added to the problem an error would have had anyway, and only where it was given:
// other problem documents keep exactly their fields, and an unexpected error says nothing.
func TestProblemCode(t *testing.T) {
	invalid := model.Invalid("file", "the file is empty")
	for _, c := range []struct {
		name string
		err  error
		want Problem
	}{
		{"validation", WithCode("empty", invalid), Problem{Type: "about:blank", Title: "Unprocessable Content", Status: 422,
			Detail: "The request has invalid fields: file: the file is empty", Errors: invalid.Fields, Code: "empty"}},
		{"wrapped again", fmt.Errorf("import: %w", WithCode("too_large", fiber.NewError(413, "the file is larger than the limit of 16 MB"))),
			Problem{Type: "about:blank", Title: "Payload Too Large", Status: 413, Detail: "the file is larger than the limit of 16 MB", Code: "too_large"}},
		{"without a code", invalid, Problem{Type: "about:blank", Title: "Unprocessable Content", Status: 422,
			Detail: "The request has invalid fields: file: the file is empty", Errors: invalid.Fields}},
		{"unexpected", WithCode("secret", errors.New("store: disk full")), Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500,
			Detail: details[500]}},
	} {
		got := ProblemFor(c.err)
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(c.want)
		if string(a) != string(b) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, a, b)
		}
	}
	// The field is left out when empty, so documents without a code read as before.
	if b, _ := json.Marshal(ProblemFor(invalid)); string(b) != `{"type":"about:blank","title":"Unprocessable Content","status":422,"detail":"The request has invalid fields: file: the file is empty","errors":{"file":"the file is empty"}}` {
		t.Errorf("without a code: %s", b)
	}
}
