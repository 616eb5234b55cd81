package course

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Path: "k/01-a.md", Line: 3, Col: 7, Message: "m"}, "k/01-a.md:3:7: m"},
		{Diagnostic{Path: "k/01-a.md", Line: 3, Message: "m"}, "k/01-a.md:3: m"},
		{Diagnostic{Path: "k", Message: "m"}, "k: m"},
		{Diagnostic{Path: "k/01-a.md", Line: 1, Col: 2, Severity: SeverityWarning, Message: "m"}, "k/01-a.md:1:2: warning: m"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestWriteDiagnostics(t *testing.T) {
	diags := []Diagnostic{
		{Path: "k/course.md", Line: 2, Col: 1, Message: "unknown key \"titel\""},
		{Path: "k/01-a.md", Line: 1, Severity: SeverityWarning, Message: "no translation"},
	}
	var text bytes.Buffer
	if err := WriteDiagnostics(&text, diags, "text"); err != nil {
		t.Fatal(err)
	}
	if want := "k/course.md:2:1: unknown key \"titel\"\nk/01-a.md:1: warning: no translation\n"; text.String() != want {
		t.Errorf("text = %q, want %q", text.String(), want)
	}

	var js bytes.Buffer
	if err := WriteDiagnostics(&js, diags, "json"); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["path"] != "k/course.md" || got[0]["line"] != 2.0 || got[0]["col"] != 1.0 ||
		got[0]["severity"] != "error" || got[1]["severity"] != "warning" || got[0]["message"] != "unknown key \"titel\"" {
		t.Errorf("json = %s", js.String())
	}
	var back []Diagnostic
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back[1] != diags[1] {
		t.Errorf("round trip = %v, %v", back, err)
	}

	js.Reset()
	if err := WriteDiagnostics(&js, nil, "json"); err != nil || js.String() != "[]\n" {
		t.Errorf("empty json = %q, %v", js.String(), err)
	}
	if err := WriteDiagnostics(&js, diags, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestHasErrors(t *testing.T) {
	if HasErrors(nil) || HasErrors([]Diagnostic{{Severity: SeverityWarning}}) {
		t.Error("warnings counted as errors")
	}
	if !HasErrors([]Diagnostic{{Severity: SeverityWarning}, {Severity: SeverityError}}) {
		t.Error("error not found")
	}
}
