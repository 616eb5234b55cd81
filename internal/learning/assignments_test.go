package learning_test

import (
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
	"github.com/wachsam/wachsam/internal/testenv"
)

type myAssignment struct {
	Course struct {
		Slug string `json:"slug"`
	} `json:"course"`
	DueAt      time.Time  `json:"due_at"`
	Status     string     `json:"status"`
	ValidUntil *time.Time `json:"valid_until"`
}

func TestAssignmentsReachOrgUnitsAndLaterJoiners(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		tree := testenv.CourseTree(map[string]string{
			"zweiter/course.md":  "---\ntitle: Zweiter Kurs\nsummary: Noch einer.\nlanguage: de\n---\n\nText.\n",
			"zweiter/01-eins.md": "---\ntitle: Eins\n---\n\nText.\n",
		})
		e := testenv.WithCourses(t, dialect, nil, tree)
		ten := e.Tenant("a")
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		inUnit := e.User(&ten, "amt@a.example", "Fachbereich 1/Bürgeramt", model.RoleLearner)
		elsewhere := e.User(&ten, "bauhof@a.example", "Fachbereich 3/Bauhof", model.RoleLearner)

		create := func(body map[string]any) int { return e.Do("POST", "/api/v1/admin/assignments", hr, body).StatusCode }
		if s := create(map[string]any{"course": "basis", "org_unit": "Fachbereich 1", "due_in_days": 30, "recurrence": "12mo"}); s != 201 {
			t.Fatalf("assign to unit: %d", s)
		}
		if s := create(map[string]any{"course": "zweiter", "due_date": "2020-01-15"}); s != 201 {
			t.Fatalf("assign to all: %d", s)
		}
		for name, body := range map[string]map[string]any{
			"unknown course": {"course": "nope", "due_in_days": 1},
			"draft":          {"course": "entwurf", "due_in_days": 1},
			"no due":         {"course": "basis"},
			"both dues":      {"course": "basis", "due_in_days": 1, "due_date": "2027-01-01"},
			"bad date":       {"course": "basis", "due_date": "15.01.2027"},
			"unknown unit":   {"course": "basis", "org_unit": "Gibt es nicht", "due_in_days": 1},
			"bad recurrence": {"course": "basis", "due_in_days": 1, "recurrence": "jährlich"},
			"negative due":   {"course": "basis", "due_in_days": -1},
			"unit and user":  {"course": "basis", "due_in_days": 1, "org_unit": "Fachbereich 1", "user_id": inUnit.ID},
		} {
			if s := create(body); s != 422 {
				t.Errorf("%s: %d, want 422", name, s)
			}
		}

		mine := func(u model.User) []myAssignment {
			var out []myAssignment
			e.Do("GET", "/api/v1/me/assignments", e.Token(u.Email), nil).JSON(t, &out)
			return out
		}
		// Sub-units are included; the overdue course comes first.
		got := mine(inUnit)
		if len(got) != 2 || got[0].Course.Slug != "zweiter" || got[0].Status != "overdue" || got[1].Status != "open" {
			t.Fatalf("in the unit: %+v", got)
		}
		if d := time.Until(got[1].DueAt); d < 29*24*time.Hour || d > 31*24*time.Hour {
			t.Errorf("due in %s, want 30 days", d)
		}
		if got := mine(elsewhere); len(got) != 1 || got[0].Course.Slug != "zweiter" {
			t.Errorf("other unit: %+v", got)
		}
		// Somebody who joins the unit later gets its assignment, due N days after joining.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().Add(20 * 24 * time.Hour) })
		late := e.User(&ten, "neu@a.example", "Fachbereich 1/Bürgeramt/Meldewesen", model.RoleLearner)
		got = mine(late)
		if len(got) != 2 || got[1].Course.Slug != "basis" || got[1].DueAt.Before(time.Now().Add(49*24*time.Hour)) {
			t.Errorf("later joiner: %+v", got)
		}
		// Completing the course settles it until the certificate expires.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC() })
		e.PassCourse(e.Token(inUnit.Email), "basis")
		got = mine(inUnit)
		if got[len(got)-1].Course.Slug != "basis" || got[len(got)-1].Status != "completed" || got[len(got)-1].ValidUntil == nil {
			t.Errorf("after completion: %+v", got)
		}
		// A year later it is due again.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(1, 0, 5) })
		for _, a := range mine(inUnit) {
			if a.Course.Slug == "basis" && a.Status != "overdue" {
				t.Errorf("a year later: %+v", a)
			}
		}
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC() })

		// Ending an assignment removes it for learners; HR's list no longer shows it.
		var list []struct{ ID, Course string }
		e.Do("GET", "/api/v1/admin/assignments", hr, nil).JSON(t, &list)
		for _, a := range list {
			if a.Course == "zweiter" {
				if r := e.Do("DELETE", "/api/v1/admin/assignments/"+a.ID, hr, nil); r.StatusCode != 204 {
					t.Fatalf("end: %d", r.StatusCode)
				}
			}
		}
		if got := mine(elsewhere); len(got) != 0 {
			t.Errorf("after ending: %+v", got)
		}
	})
}

func TestDueDate(t *testing.T) {
	assigned := time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)
	days := 30
	a := store.Assignment{CreatedAt: assigned, DueInDays: &days}
	if got := learning.DueDate(a, assigned.AddDate(0, 0, -100)); !got.Equal(assigned.AddDate(0, 0, 30)) {
		t.Errorf("existing staff: %s", got)
	}
	joined := assigned.AddDate(0, 2, 0)
	if got := learning.DueDate(a, joined); !got.Equal(joined.AddDate(0, 0, 30)) {
		t.Errorf("later joiner: %s", got)
	}
	fixed := time.Date(2027, 3, 1, 23, 59, 59, 0, time.UTC)
	if got := learning.DueDate(store.Assignment{CreatedAt: assigned, DueDate: &fixed}, joined); !got.Equal(fixed) {
		t.Errorf("fixed date: %s", got)
	}
}

// Renewing early does not turn a valid certificate into "overdue"; and a course whose
// certificate never expires comes round again with the assignment's recurrence.
func TestRenewalAndRecurrence(t *testing.T) {
	tree := testenv.CourseTree(map[string]string{
		"ewig/course.md":  "---\ntitle: Ohne Ablauf\nsummary: Kein Ablaufdatum.\nlanguage: de\n---\n\nText.\n",
		"ewig/01-eins.md": "---\ntitle: Eins\n---\n\nText.\n",
	})
	e := testenv.WithCourses(t, "sqlite", nil, tree)
	ten := e.Tenant("a")
	hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
	anna := e.User(&ten, "anna@a.example", "", model.RoleLearner)
	tok := e.Token(anna.Email)
	e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "basis", "due_in_days": 30})
	e.Do("POST", "/api/v1/admin/assignments", hr, map[string]any{"course": "ewig", "due_in_days": 30, "recurrence": "12mo"})
	e.PassCourse(tok, "basis")
	e.Do("POST", "/api/v1/courses/ewig/lessons/eins/complete", tok, nil)
	status := func(slug string) string {
		var list []myAssignment
		e.Do("GET", "/api/v1/me/assignments", tok, nil).JSON(t, &list)
		for _, a := range list {
			if a.Course.Slug == slug {
				return a.Status
			}
		}
		return ""
	}
	// Eleven months on: renewal window. Starting again keeps the valid certificate in force.
	e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 11, 0) })
	e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", tok, nil)
	if got := status("basis"); got != "completed" {
		t.Errorf("renewing early: %q, want completed", got)
	}
	// The never-expiring course: due again after its recurrence, and it can be taken again.
	e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(1, 1, 0) })
	if got := status("ewig"); got != "overdue" {
		t.Errorf("recurrence: %q, want overdue", got)
	}
	if r := e.Do("POST", "/api/v1/courses/ewig/lessons/eins/complete", tok, nil); r.StatusCode != 204 {
		t.Fatalf("retake: %d", r.StatusCode)
	}
	if got := status("ewig"); got != "completed" {
		t.Errorf("after retaking: %q", got)
	}
}
