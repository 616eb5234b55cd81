package httpapi_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/httpapi"
	"github.com/wachsam/wachsam/internal/testenv"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIMatchesRoutes keeps the hand-written document honest: every API route is
// documented and every documented operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPIDocument(), &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		fiberPath := pathParam.ReplaceAllString(path, ":$1")
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+fiberPath] = true
		}
	}

	e := testenv.New(t, "sqlite", nil)
	served := map[string]bool{}
	for _, r := range e.Srv.App.GetRoutes(true) {
		if r.Method == "HEAD" || !(strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz") {
			continue
		}
		served[r.Method+" "+r.Path] = true
		if !documented[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("openapi.json documents %s, which the server does not serve", op)
		}
	}
	res := e.Do("GET", "/api/openapi.json", "", nil)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("GET /api/openapi.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// Every list that comes in pages says so in the document: limit and cursor among its
// parameters, Next-Cursor and Link among the headers of its answer. An HR system generated from
// the document would otherwise never learn that a list goes on.
func TestOpenAPIDocumentsThePagedLists(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/reports/learners", "/api/v1/reports/expiring", "/api/v1/reports/exemptions-and-completions",
		"/api/v1/admin/users", "/api/v1/admin/audit"} {
		var op struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]struct {
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		}
		if err := json.Unmarshal(doc.Paths[path]["get"], &op); err != nil {
			t.Errorf("%s: GET is not documented (%v)", path, err)
			continue
		}
		params := map[string]bool{}
		for _, p := range op.Parameters {
			if p.In == "query" {
				params[p.Name] = true
			}
		}
		for _, name := range []string{"limit", "cursor"} {
			if !params[name] {
				t.Errorf("%s: the query parameter %s is not documented", path, name)
			}
		}
		for _, h := range []string{"Next-Cursor", "Link"} {
			if _, ok := op.Responses["200"].Headers[h]; !ok {
				t.Errorf("%s: the header %s of the answer is not documented", path, h)
			}
		}
	}
}
