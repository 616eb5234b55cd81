package httpapi_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

type exemptionEntry struct {
	ID             string     `json:"id"`
	Kind           string     `json:"kind"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	OrgUnit        string     `json:"org_unit"`
	Course         string     `json:"course"`
	Reason         string     `json:"reason"`
	Note           string     `json:"note"`
	CompletedOn    string     `json:"completed_on"`
	ValidUntil     *time.Time `json:"valid_until"`
	RecordedByName string     `json:"recorded_by_name"`
	Active         bool       `json:"active"`
	RevokedAt      *time.Time `json:"revoked_at"`
	RevokedByName  string     `json:"revoked_by_name"`
}

const exemptionList = "/api/v1/reports/exemptions-and-completions"

// exemptionsWorld: municipality a with exemptions and manual completions in two courses (one
// revoked), and municipality b with one of its own. Returns the environment, a, and the
// tokens of a's admin and hr.
func exemptionsWorld(t *testing.T, dialect string) (e *testenv.Env, a model.Tenant, admin, hr string) {
	e = testenv.WithCourses(t, dialect, nil, testenv.CourseTree(map[string]string{
		"zwei/course.md":  "---\ntitle: Zweiter Kurs\nsummary: Noch einer.\nlanguage: de\n---\n\nText.\n",
		"zwei/01-eins.md": "---\ntitle: Eins\n---\n\nText.\n",
	}))
	a = e.Tenant("a")
	b := e.Tenant("b")
	admin = e.Token(e.User(&a, "admin@a.example", "", model.RoleAdmin).Email)
	hr = e.Token(e.User(&a, "hr@a.example", "", model.RoleHR).Email)
	anna := e.User(&a, "anna@a.example", "Amt/Sachgebiet", model.RoleLearner)
	bert := e.User(&a, "bert@a.example", "Amt", model.RoleLearner)
	cem := e.User(&a, "cem@a.example", "Bauhof", model.RoleLearner)
	hrB := e.Token(e.User(&b, "hr@b.example", "", model.RoleHR).Email)
	bea := e.User(&b, "bea@b.example", "Amt", model.RoleLearner)

	post := func(token, path string, body map[string]any) string {
		t.Helper()
		r := e.Do("POST", path, token, body)
		if r.StatusCode != 201 {
			t.Fatalf("POST %s: %d %s", path, r.StatusCode, r.Body)
		}
		var created struct{ ID string }
		r.JSON(t, &created)
		return created.ID
	}
	yesterday := time.Now().In(model.Berlin).AddDate(0, 0, -1).Format(time.DateOnly)
	post(hr, "/api/v1/admin/exemptions", map[string]any{"user_id": anna.ID, "course": "basis", "reason": "Elternzeit"})
	post(admin, "/api/v1/admin/manual-completions", map[string]any{"user_id": bert.ID, "course": "basis", "completed_on": yesterday, "note": "Schulung im Rathaus"})
	revoked := post(hr, "/api/v1/admin/exemptions", map[string]any{"user_id": cem.ID, "course": "zwei", "reason": "Irrtum"})
	post(hr, "/api/v1/admin/manual-completions", map[string]any{"user_id": anna.ID, "course": "zwei", "completed_on": yesterday, "note": "Kurs beim Landkreis"})
	if r := e.Do("DELETE", "/api/v1/admin/exemptions/"+revoked, admin, nil); r.StatusCode != 204 {
		t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
	}
	post(hrB, "/api/v1/admin/exemptions", map[string]any{"user_id": bea.ID, "course": "basis", "reason": "Geheim in b"})
	return e, a, admin, hr
}

func entriesOf(t *testing.T, e *testenv.Env, token, query string) []exemptionEntry {
	t.Helper()
	r := e.Do("GET", exemptionList+"?"+query, token, nil)
	if r.StatusCode != 200 {
		t.Fatalf("list ?%s: %d %s", query, r.StatusCode, r.Body)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	var out []exemptionEntry
	r.JSON(t, &out)
	return out
}

// summary lists entries as "kind:email:course", in the list's order.
func summary(list []exemptionEntry) string {
	var parts []string
	for _, x := range list {
		parts = append(parts, x.Kind+":"+strings.TrimSuffix(x.Email, "@a.example")+":"+x.Course)
	}
	return strings.Join(parts, " ")
}

func TestExemptionsAndCompletionsAcrossCourses(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin, hr := exemptionsWorld(t, dialect)

		// Both kinds of every course, newest first; nothing of b.
		all := entriesOf(t, e, hr, "")
		if got, want := summary(all), "manual_completion:anna:zwei exemption:cem:zwei manual_completion:bert:basis exemption:anna:basis"; got != want {
			t.Fatalf("list:\n got %s\nwant %s", got, want)
		}
		yesterday := time.Now().In(model.Berlin).AddDate(0, 0, -1).Format(time.DateOnly)
		if x := all[3]; x.Name != "anna" || x.OrgUnit != "Amt/Sachgebiet" || x.Reason != "Elternzeit" || x.Note != "" || x.RecordedByName != "hr" || !x.Active || x.RevokedAt != nil {
			t.Errorf("the exemption: %+v", x)
		}
		if x := all[2]; x.Note != "Schulung im Rathaus" || x.CompletedOn != yesterday || x.ValidUntil == nil || x.RecordedByName != "admin" || x.Reason != "" {
			t.Errorf("the manual completion: %+v", x) // basis is valid for 12 months
		}
		if x := all[1]; x.Active || x.RevokedAt == nil || x.RevokedByName != "admin" || x.Reason != "Irrtum" {
			t.Errorf("the revoked exemption: %+v", x)
		}

		// Filters, alone and together; org units include their sub-units.
		for query, want := range map[string]string{
			"kind=exemption":                  "exemption:cem:zwei exemption:anna:basis",
			"kind=manual_completion":          "manual_completion:anna:zwei manual_completion:bert:basis",
			"state=active":                    "manual_completion:anna:zwei manual_completion:bert:basis exemption:anna:basis",
			"state=revoked":                   "exemption:cem:zwei",
			"state=all":                       summary(all),
			"course=zwei":                     "manual_completion:anna:zwei exemption:cem:zwei",
			"org_unit=Amt":                    "manual_completion:anna:zwei manual_completion:bert:basis exemption:anna:basis",
			"org_unit=Amt/Sachgebiet":         "manual_completion:anna:zwei exemption:anna:basis",
			"org_unit=Am":                     "",
			"course=basis&kind=exemption":     "exemption:anna:basis",
			"course=zwei&state=active&kind=":  "manual_completion:anna:zwei",
			"org_unit=Bauhof&state=revoked":   "exemption:cem:zwei",
			"org_unit=Bauhof&state=active":    "",
			"course=basis&org_unit=" + "Amt ": "manual_completion:bert:basis exemption:anna:basis",
		} {
			if got := summary(entriesOf(t, e, hr, strings.ReplaceAll(query, " ", "%20"))); got != want {
				t.Errorf("?%s:\n got %s\nwant %s", query, got, want)
			}
		}

		// Bad filters say what to fix; none of them is audited.
		audited := func() int {
			var entries []model.AuditEntry
			e.Do("GET", "/api/v1/admin/audit?action=report.exemptions_and_completions&limit=500", admin, nil).JSON(t, &entries)
			return len(entries)
		}
		before := audited()
		for query, want := range map[string]string{
			"kind=alle":          "422 kind",
			"state=offen":        "422 state",
			"org_unit=Amt//Sub":  "422 org_unit",
			"limit=0":            "422 limit",
			"limit=1001":         "422 limit",
			"course=gibt-es-nie": `404 There is no course \"gibt-es-nie\"`,
			"cursor=abc":         "400 cursor",
		} {
			r := e.Do("GET", exemptionList+"?"+query, hr, nil)
			code, text, _ := strings.Cut(want, " ")
			if r.StatusCode != map[string]int{"422": 422, "404": 404, "400": 400}[code] || !strings.Contains(r.Body, text) {
				t.Errorf("?%s: %d %s", query, r.StatusCode, r.Body)
			}
		}
		if n := audited(); n != before {
			t.Errorf("refused queries wrote %d audit entries", n-before)
		}

		// Pages of one, following the Link header: every entry once, in the same order; the
		// filters travel with the cursor, and a cursor is refused with other filters.
		var paged []exemptionEntry
		next := exemptionList + "?limit=1&state=all"
		for range 10 {
			if next == "" {
				break
			}
			r := e.Do("GET", next, hr, nil)
			var page []exemptionEntry
			r.JSON(t, &page)
			if r.StatusCode != 200 || len(page) != 1 {
				t.Fatalf("%s: %d %s", next, r.StatusCode, r.Body)
			}
			paged = append(paged, page...)
			next = ""
			if link := r.Header.Get("Link"); link != "" {
				next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
				if cur := r.Header.Get("Next-Cursor"); cur == "" || !strings.Contains(next, "cursor="+url.QueryEscape(cur)) {
					t.Errorf("Link %s and Next-Cursor %s disagree", link, cur)
				}
				if strings.Contains(next, "cursor=") {
					tampered := strings.Replace(next, "state=all", "state=active", 1)
					if r := e.Do("GET", tampered, hr, nil); r.StatusCode != 400 {
						t.Errorf("a cursor with another filter: %d", r.StatusCode)
					}
				}
			}
		}
		if summary(paged) != summary(all) {
			t.Errorf("pages:\n got %s\nwant %s", summary(paged), summary(all))
		}

		// Every answer is audited, with the filters and the number of entries.
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.exemptions_and_completions&limit=1", admin, nil).JSON(t, &entries)
		if len(entries) != 1 || entries[0].ActorName != "hr" || entries[0].Details["entries"] != "1" || entries[0].Details["state"] != "all" {
			t.Errorf("the last audit entry: %+v", entries)
		}
		if n := audited(); n != before+len(paged) {
			t.Errorf("%d audit entries for %d pages", n-before, len(paged))
		}
	})
}

func TestExemptionsAndCompletionsFollowTheNamedListsRules(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, a, admin, hr := exemptionsWorld(t, dialect)
		if got := entriesOf(t, e, admin, ""); len(got) != 4 {
			t.Errorf("admin sees %d entries", len(got))
		}

		// Learners and operators (who see municipalities only in aggregate) are refused.
		learner := e.Token(e.User(&a, "lena@a.example", "Amt", model.RoleLearner).Email)
		op := e.Token(e.User(nil, "op@example.org", "", model.RoleOperator).Email)
		for who, token := range map[string]string{"learner": learner, "operator": op} {
			for _, q := range []string{"", "?tenant=a"} {
				if r := e.Do("GET", exemptionList+q, token, nil); r.StatusCode != 403 || strings.Contains(r.Body, "Elternzeit") {
					t.Errorf("%s%s: %d", who, q, r.StatusCode)
				}
			}
		}

		// Another municipality's hr sees its own entries only, and a's not even by name.
		hrB := e.Token("hr@b.example")
		if got := entriesOf(t, e, hrB, ""); len(got) != 1 || got[0].Reason != "Geheim in b" {
			t.Errorf("b's list: %+v", got)
		}
		if r := e.Do("GET", exemptionList+"?tenant=a", hrB, nil); r.StatusCode != 404 {
			t.Errorf("b's hr naming a: %d", r.StatusCode)
		}
		if got := entriesOf(t, e, hr, "course=basis"); strings.Contains(summary(got), "bea") || len(got) != 2 {
			t.Errorf("a's list of basis: %s", summary(got))
		}
		// A cursor of a's list is refused in b's.
		r := e.Do("GET", exemptionList+"?limit=1", hr, nil)
		if r := e.Do("GET", exemptionList+"?limit=1&cursor="+url.QueryEscape(r.Header.Get("Next-Cursor")), hrB, nil); r.StatusCode != 400 {
			t.Errorf("a's cursor in b: %d", r.StatusCode)
		}

		// API keys: reports:named reads it (audited with the key as actor), reports:read not.
		named := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "LOGA", "scopes": []string{"reports:named"}}).Key
		aggregates := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "Statistik", "scopes": []string{"reports:read"}}).Key
		if got := entriesOf(t, e, named, "kind=exemption"); len(got) != 2 {
			t.Errorf("the named key sees %d exemptions", len(got))
		}
		if r := e.Do("GET", exemptionList, aggregates, nil); r.StatusCode != 403 {
			t.Errorf("a key without reports:named: %d", r.StatusCode)
		}
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.exemptions_and_completions&limit=1", admin, nil).JSON(t, &entries)
		if len(entries) != 1 || entries[0].APIKeyName != "LOGA" || entries[0].ActorID != "" || entries[0].Details["kind"] != "exemption" || entries[0].Details["entries"] != "2" {
			t.Errorf("audit of the key's call: %+v", entries)
		}

		// Named lists switched off: refused for people and keys alike, and nothing audited.
		if r := e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		for _, token := range []string{hr, admin, named} {
			if r := e.Do("GET", exemptionList, token, nil); r.StatusCode != 403 || !strings.Contains(r.Body, "switched off") || strings.Contains(r.Body, "Elternzeit") {
				t.Errorf("named lists off: %d %s", r.StatusCode, r.Body)
			}
		}
		var after []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.exemptions_and_completions&limit=1", admin, nil).JSON(t, &after)
		if len(after) != 1 || after[0].ID != entries[0].ID {
			t.Error("a refused list was audited")
		}
	})
}
