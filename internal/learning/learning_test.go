package learning_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

type attemptJSON struct {
	ID        string `json:"id"`
	Questions []struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Options []struct {
			ID string `json:"id"`
		} `json:"options"`
	} `json:"questions"`
	Answers map[string][]string `json:"answers"`
}

type resultJSON struct {
	Score          int    `json:"score"`
	Passed         bool   `json:"passed"`
	Correct        int    `json:"correct"`
	Total          int    `json:"total"`
	AttemptsLeft   *int   `json:"attempts_left"`
	CourseComplete bool   `json:"course_completed"`
	CertificateID  string `json:"certificate_id"`
	Questions      []struct {
		ID              string `json:"id"`
		Correct         bool   `json:"correct"`
		ExplanationHTML string `json:"explanation_html"`
		Options         []struct {
			ID           string `json:"id"`
			Chosen       bool   `json:"chosen"`
			Correct      bool   `json:"correct"`
			FeedbackHTML string `json:"feedback_html"`
		} `json:"options"`
	} `json:"questions"`
}

// wrongAnswers picks a wrong option for every question.
func wrongAnswers(e *testenv.Env, a attemptJSON) map[string][]string {
	right := e.CorrectAnswers("basis")
	out := map[string][]string{}
	for _, q := range a.Questions {
		for _, o := range q.Options {
			if !contains(right[q.ID], o.ID) {
				out[q.ID] = []string{o.ID}
				break
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func setup(t *testing.T, dialect string) (*testenv.Env, string, string) {
	e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
	ten := e.Tenant("a")
	anna := e.User(&ten, "anna@a.example", "", model.RoleLearner)
	return e, e.Token(anna.Email), anna.ID
}

func start(t *testing.T, e *testenv.Env, tok string, wantStatus int) (attemptJSON, string) {
	t.Helper()
	r := e.Do("POST", "/api/v1/courses/basis/attempts", tok, nil)
	if r.StatusCode != wantStatus {
		t.Fatalf("start attempt: %d, want %d: %s", r.StatusCode, wantStatus, r.Body)
	}
	var a attemptJSON
	r.JSON(t, &a)
	return a, r.Body
}

func TestLearnerCompletesACourse(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		var crs struct {
			Progress struct {
				Status  string `json:"status"`
				Percent int    `json:"percent"`
			} `json:"progress"`
			Lessons []struct {
				Slug      string `json:"slug"`
				Completed bool   `json:"completed"`
			} `json:"lessons"`
		}
		e.Do("GET", "/api/v1/courses/basis", tok, nil).JSON(t, &crs)
		if crs.Progress.Status != "not_started" {
			t.Fatalf("status %q", crs.Progress.Status)
		}
		if r := e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", tok, nil); r.StatusCode != 204 {
			t.Fatalf("complete lesson: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/courses/basis/lessons/nope/complete", tok, nil); r.StatusCode != 404 {
			t.Errorf("unknown lesson: %d", r.StatusCode)
		}
		e.Do("GET", "/api/v1/courses/basis", tok, nil).JSON(t, &crs)
		if crs.Progress.Status != "in_progress" || !crs.Lessons[0].Completed || crs.Lessons[1].Completed || crs.Progress.Percent != 33 {
			t.Fatalf("after one lesson: %+v", crs)
		}

		// Fail first.
		a, _ := start(t, e, tok, 201)
		r := e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": wrongAnswers(e, a)})
		var res resultJSON
		r.JSON(t, &res)
		if r.StatusCode != 200 || res.Passed || res.Score != 0 || res.Total != 3 || res.AttemptsLeft == nil || *res.AttemptsLeft != 2 {
			t.Fatalf("failed attempt: %d %s", r.StatusCode, r.Body)
		}
		// Feedback and explanations come after submission.
		q := res.Questions[0]
		if q.Correct || q.ExplanationHTML == "" {
			t.Errorf("review: %+v", q)
		}
		for _, qq := range res.Questions {
			if qq.ID != "verdacht-melden" {
				continue
			}
			for _, o := range qq.Options {
				if o.ID == "a" && !strings.Contains(o.FeedbackHTML, "bestätigt dem Absender") {
					t.Errorf("option feedback missing: %+v", o)
				}
				if o.ID == "b" && !o.Correct {
					t.Errorf("right option not marked: %+v", o)
				}
			}
		}

		// Then pass. Lesson two is still open, so no certificate yet.
		a, _ = start(t, e, tok, 201)
		r = e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": e.CorrectAnswers("basis")})
		r.JSON(t, &res)
		if !res.Passed || res.Score != 100 || res.CourseComplete || res.CertificateID != "" {
			t.Fatalf("passed attempt before the last lesson: %s", r.Body)
		}
		// The last lesson completes the course and issues the certificate.
		e.Do("POST", "/api/v1/courses/basis/lessons/weiter/complete", tok, nil)
		var certs []struct {
			ID        string     `json:"id"`
			Code      string     `json:"code"`
			Status    string     `json:"status"`
			ExpiresAt *time.Time `json:"expires_at"`
			IssuedAt  time.Time  `json:"issued_at"`
			VerifyURL string     `json:"verify_url"`
		}
		e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
		if len(certs) != 1 || certs[0].Status != "valid" || len(certs[0].Code) < 26 || certs[0].ExpiresAt == nil {
			t.Fatalf("certificates: %+v", certs)
		}
		if months := certs[0].ExpiresAt.Sub(certs[0].IssuedAt).Hours() / 24 / 30; months < 11.9 || months > 12.3 {
			t.Errorf("validity %.1f months, want 12", months)
		}
		if !strings.HasSuffix(certs[0].VerifyURL, "/verify/"+certs[0].Code) {
			t.Errorf("verify url %q", certs[0].VerifyURL)
		}
		e.Do("GET", "/api/v1/courses/basis", tok, nil).JSON(t, &crs)
		if crs.Progress.Status != "completed" || crs.Progress.Percent != 100 {
			t.Errorf("after completion: %+v", crs.Progress)
		}
		// Completing again changes nothing; no second certificate; no new attempt.
		e.Do("POST", "/api/v1/courses/basis/lessons/weiter/complete", tok, nil)
		e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
		if len(certs) != 1 {
			t.Errorf("%d certificates", len(certs))
		}
		start(t, e, tok, 409)

		// PDF for the holder.
		pdf := e.Do("GET", "/api/v1/certificates/"+certs[0].ID+"/pdf", tok, nil)
		if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Errorf("pdf: %d %s", pdf.StatusCode, pdf.Header.Get("Content-Type"))
		}
	})
}

// Before submission the attempt carries nothing that tells the right answers.
func TestAttemptRevealsNothingBeforeSubmission(t *testing.T) {
	e, tok, _ := setup(t, "sqlite")
	_, body := start(t, e, tok, 201)
	for _, leak := range []string{"correct", "feedback", "explanation", "Nur eine Meldung warnt alle", "bestätigt dem Absender", "(x)", "[x]"} {
		if strings.Contains(body, leak) {
			t.Errorf("attempt JSON contains %q: %s", leak, body)
		}
	}
	var a attemptJSON
	json.Unmarshal([]byte(body), &a)
	if r := e.Do("GET", "/api/v1/attempts/"+a.ID, tok, nil); strings.Contains(r.Body, "correct") || strings.Contains(r.Body, "explanation") {
		t.Errorf("GET attempt leaks: %s", r.Body)
	}
}

func TestSubmissionIsAcceptedOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		a, _ := start(t, e, tok, 201)
		var wg sync.WaitGroup
		statuses := make(chan int, 10)
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": wrongAnswers(e, a)}).StatusCode
			}()
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		for s := range statuses {
			counts[s]++
		}
		if counts[200] != 1 || counts[409] != 9 {
			t.Fatalf("concurrent submissions: %v", counts)
		}
		// A later submission with the right answers changes nothing.
		r := e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": e.CorrectAnswers("basis")})
		if r.StatusCode != 409 || !strings.Contains(r.Body, "submitted already") {
			t.Fatalf("second submission: %d %s", r.StatusCode, r.Body)
		}
		var got struct {
			Result resultJSON `json:"result"`
		}
		e.Do("GET", "/api/v1/attempts/"+a.ID, tok, nil).JSON(t, &got)
		if got.Result.Passed || got.Result.Score != 0 {
			t.Errorf("result changed: %+v", got.Result)
		}
		if r := e.Do("PUT", "/api/v1/attempts/"+a.ID+"/answers", tok, map[string]any{"answers": map[string]any{}}); r.StatusCode != 409 {
			t.Errorf("saving answers after submission: %d", r.StatusCode)
		}
	})
}

// A passing submission after the last lesson completes the course and issues the certificate
// in the same transaction as the result; of concurrent submissions exactly one does, once.
func TestFinalSubmissionCompletesTheCourseOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		for _, l := range []string{"start", "weiter"} {
			if r := e.Do("POST", "/api/v1/courses/basis/lessons/"+l+"/complete", tok, nil); r.StatusCode != 204 {
				t.Fatalf("complete lesson %s: %d %s", l, r.StatusCode, r.Body)
			}
		}
		a, _ := start(t, e, tok, 201)
		var wg sync.WaitGroup
		type answer struct {
			status int
			res    resultJSON
		}
		answers := make(chan answer, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": e.CorrectAnswers("basis")})
				var got answer
				got.status = r.StatusCode
				if r.StatusCode == 200 {
					r.JSON(t, &got.res)
				}
				answers <- got
			}()
		}
		wg.Wait()
		close(answers)
		var won []resultJSON
		for got := range answers {
			switch got.status {
			case 200:
				won = append(won, got.res)
			case 409:
			default:
				t.Errorf("submission answered %d", got.status)
			}
		}
		if len(won) != 1 {
			t.Fatalf("%d submissions accepted, want 1", len(won))
		}
		res := won[0]
		if !res.Passed || !res.CourseComplete || res.CertificateID == "" || res.AttemptsLeft == nil || *res.AttemptsLeft != 2 {
			t.Fatalf("final submission: %+v", res)
		}
		var certs []struct {
			ID string `json:"id"`
		}
		e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
		if len(certs) != 1 || certs[0].ID != res.CertificateID {
			t.Fatalf("certificates %+v, answer named %s", certs, res.CertificateID)
		}
		var crs struct {
			Progress struct {
				Status string `json:"status"`
			} `json:"progress"`
		}
		e.Do("GET", "/api/v1/courses/basis", tok, nil).JSON(t, &crs)
		if crs.Progress.Status != "completed" {
			t.Errorf("course status %q after the final submission", crs.Progress.Status)
		}
		// The stored result reads back as it was answered.
		var got struct {
			Submitted bool       `json:"submitted"`
			Result    resultJSON `json:"result"`
		}
		e.Do("GET", "/api/v1/attempts/"+a.ID, tok, nil).JSON(t, &got)
		if !got.Submitted || got.Result.Score != 100 || !got.Result.Passed || got.Result.CertificateID != res.CertificateID {
			t.Errorf("attempt read back: %+v", got)
		}
	})
}

func TestMaxAttemptsAndResume(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		a, _ := start(t, e, tok, 201)
		// Answers are kept as the learner goes; starting again resumes the open attempt.
		saved := map[string][]string{a.Questions[0].ID: {a.Questions[0].Options[1].ID}}
		if r := e.Do("PUT", "/api/v1/attempts/"+a.ID+"/answers", tok, map[string]any{"answers": saved}); r.StatusCode != 204 {
			t.Fatalf("save: %d %s", r.StatusCode, r.Body)
		}
		resumed, _ := start(t, e, tok, 200)
		if resumed.ID != a.ID || len(resumed.Answers[a.Questions[0].ID]) != 1 {
			t.Fatalf("resume: %+v", resumed)
		}
		for _, bad := range []map[string][]string{{"erfunden": {"a"}}, {a.Questions[0].ID: {"zz"}}} {
			if r := e.Do("PUT", "/api/v1/attempts/"+a.ID+"/answers", tok, map[string]any{"answers": bad}); r.StatusCode != 422 {
				t.Errorf("bad answers %v: %d", bad, r.StatusCode)
			}
		}
		// max_attempts: 3 in the fixture.
		for i := range 3 {
			if i > 0 {
				a, _ = start(t, e, tok, 201)
			}
			e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": wrongAnswers(e, a)})
		}
		r := e.Do("POST", "/api/v1/courses/basis/attempts", tok, nil)
		if r.StatusCode != 409 || !strings.Contains(r.Body, "all attempts") {
			t.Fatalf("4th attempt: %d %s", r.StatusCode, r.Body)
		}
	})
}

func TestAttemptsArePrivate(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		a, _ := start(t, e, tok, 201)
		ten := e.Tenant("b")
		other := e.Token(e.User(&ten, "x@b.example", "", model.RoleAdmin).Email)
		ten2, _ := e.Srv.Store.TenantBySlug(context.Background(), "a")
		colleague := e.Token(e.User(&ten2, "hr@a.example", "", model.RoleHR).Email)
		for _, who := range []string{other, colleague} {
			for _, req := range []struct{ method, path string }{{"GET", ""}, {"PUT", "/answers"}, {"POST", "/submit"}} {
				r := e.Do(req.method, "/api/v1/attempts/"+a.ID+req.path, who, map[string]any{"answers": map[string]any{}})
				if r.StatusCode != 404 {
					t.Errorf("%s %s by another user: %d", req.method, req.path, r.StatusCode)
				}
			}
		}
	})
}

// A learner in progress stays on their version when authors publish a new one; new starts get
// the newest.
func TestLearnersStayOnTheirVersion(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", tok, nil)
		changed := testenv.CourseTree(map[string]string{"basis/02-weiter.md": "---\ntitle: Ganz neu\n---\n\nNeu.\n"})
		if rep, err := e.Srv.Catalog.Sync(context.Background(), changed, catalog.Source{Kind: "dir"}); err != nil || !rep.OK {
			t.Fatalf("sync: %v %+v", err, rep)
		}
		title := func(token string) string {
			var l struct{ Title string }
			e.Do("GET", "/api/v1/courses/basis/lessons/weiter", token, nil).JSON(t, &l)
			return l.Title
		}
		if got := title(tok); got != "Es geht weiter" {
			t.Errorf("learner in progress sees %q", got)
		}
		ten, _ := e.Srv.Store.TenantBySlug(context.Background(), "a")
		newcomer := e.Token(e.User(&ten, "neu@a.example", "", model.RoleLearner).Email)
		if got := title(newcomer); got != "Ganz neu" {
			t.Errorf("new learner sees %q", got)
		}
		// The pinned learner can still finish and is certified on their version.
		e.PassCourse(tok, "basis")
	})
}

func TestVerificationAndRevocation(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, _ := setup(t, dialect)
		certID := e.PassCourse(tok, "basis")
		var certs []struct{ Code string }
		e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
		code := certs[0].Code

		r := e.Do("GET", "/api/v1/verify/"+code, "", nil)
		var v map[string]any
		r.JSON(t, &v)
		if r.StatusCode != 200 || v["status"] != "valid" || v["holder_name"] != "anna" || v["course_title"] != "Grundlagen" {
			t.Fatalf("verify: %d %s", r.StatusCode, r.Body)
		}
		for k := range v {
			if !contains([]string{"status", "holder_name", "course_title", "issued_at", "expires_at"}, k) {
				t.Errorf("verification tells more than it should: %q", k)
			}
		}
		// Codes are accepted as printed (grouped, upper case).
		grouped := strings.ToUpper(code[:4] + "-" + code[4:8] + " " + code[8:])
		if r := e.Do("GET", "/api/v1/verify/"+strings.ReplaceAll(grouped, " ", "%20"), "", nil); r.StatusCode != 200 {
			t.Errorf("grouped code: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/api/v1/verify/"+strings.Repeat("a", 32), "", nil); r.StatusCode != 404 {
			t.Errorf("unknown code: %d", r.StatusCode)
		}
		// The public page shows the same.
		page := e.Do("GET", "/verify/"+code, "", nil)
		if page.StatusCode != 200 || !strings.Contains(page.Body, "Grundlagen") || !strings.Contains(page.Body, "anna") {
			t.Errorf("verify page: %d", page.StatusCode)
		}

		// Expiry.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(1, 0, 2) })
		e.Do("GET", "/api/v1/verify/"+code, "", nil).JSON(t, &v)
		if v["status"] != "expired" {
			t.Errorf("after a year: %v", v["status"])
		}
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC() })

		// Revocation by the municipality's admin, with a reason, audited.
		ten, _ := e.Srv.Store.TenantBySlug(context.Background(), "a")
		admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
		if r := e.Do("POST", "/api/v1/admin/certificates/"+certID+"/revoke", admin, map[string]any{"reason": " "}); r.StatusCode != 422 {
			t.Errorf("revoke without reason: %d", r.StatusCode)
		}
		if r := e.Do("POST", "/api/v1/admin/certificates/"+certID+"/revoke", admin, map[string]any{"reason": "Test mit fremder Hilfe abgelegt"}); r.StatusCode != 200 {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/admin/certificates/"+certID+"/revoke", admin, map[string]any{"reason": "nochmal"}); r.StatusCode != 409 {
			t.Errorf("second revoke: %d", r.StatusCode)
		}
		e.Do("GET", "/api/v1/verify/"+code, "", nil).JSON(t, &v)
		if v["status"] != "revoked" {
			t.Errorf("after revocation: %v", v["status"])
		}
		var audit []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		if audit[0].Action != "certificate.revoke" || audit[0].Details["reason"] != "Test mit fremder Hilfe abgelegt" {
			t.Errorf("audit: %+v", audit[0])
		}
		// Another learner cannot download it; hr of the municipality can, and that is audited.
		other := e.Token(e.User(&ten, "other@a.example", "", model.RoleLearner).Email)
		if r := e.Do("GET", "/api/v1/certificates/"+certID+"/pdf", other, nil); r.StatusCode != 404 {
			t.Errorf("other learner: %d", r.StatusCode)
		}
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		if r := e.Do("GET", "/api/v1/certificates/"+certID+"/pdf", hr, nil); r.StatusCode != 200 {
			t.Errorf("hr: %d", r.StatusCode)
		}
		e.Do("GET", "/api/v1/admin/audit", admin, nil).JSON(t, &audit)
		if audit[0].Action != "certificate.download" {
			t.Errorf("hr download not audited: %+v", audit[0])
		}
	})
}

// Close to expiry, the learner may take the course again and earn a fresh certificate.
func TestRecertification(t *testing.T) {
	e, tok, _ := setup(t, "sqlite")
	e.PassCourse(tok, "basis")
	start(t, e, tok, 409)
	e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 11, 0) })
	e.PassCourse(tok, "basis")
	var certs []struct{ ID string }
	e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
	if len(certs) != 2 {
		t.Fatalf("%d certificates after renewal", len(certs))
	}
}

func TestCourseWithoutQuizCompletesWithItsLessons(t *testing.T) {
	tree := testenv.CourseTree(map[string]string{"basis/quiz.md": ""})
	e := testenv.WithCourses(t, "sqlite", nil, tree)
	ten := e.Tenant("a")
	tok := e.Token(e.User(&ten, "anna@a.example", "", model.RoleLearner).Email)
	e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", tok, nil)
	e.Do("POST", "/api/v1/courses/basis/lessons/weiter/complete", tok, nil)
	var certs []struct{ ID string }
	e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
	if len(certs) != 1 {
		t.Fatalf("%d certificates", len(certs))
	}
	if r := e.Do("POST", "/api/v1/courses/basis/attempts", tok, nil); r.StatusCode != 404 && r.StatusCode != 409 {
		t.Errorf("attempt on a course without quiz: %d", r.StatusCode)
	}
}

// Learners get everything stored about them as JSON.
func TestPersonalDataExport(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, tok, id := setup(t, dialect)
		e.PassCourse(tok, "basis")
		r := e.Do("GET", "/api/v1/me/export", tok, nil)
		var out struct {
			Profile struct {
				ID    string `json:"id"`
				Email string `json:"email"`
			} `json:"profile"`
			Enrolments []struct {
				Course   string `json:"course"`
				Lessons  []any  `json:"lessons"`
				Attempts []any  `json:"quiz_attempts"`
			} `json:"enrolments"`
			Certificates []any `json:"certificates"`
		}
		r.JSON(t, &out)
		if r.StatusCode != 200 || out.Profile.ID != id || len(out.Enrolments) != 1 || out.Enrolments[0].Course != "basis" ||
			len(out.Enrolments[0].Lessons) != 2 || len(out.Enrolments[0].Attempts) != 1 || len(out.Certificates) != 1 {
			t.Fatalf("export: %d %s", r.StatusCode, r.Body)
		}
		if strings.Contains(r.Body, "argon2") || strings.Contains(r.Body, "password_hash") {
			t.Error("export contains the password hash")
		}
	})
}

// The last lesson completed in one tab while the passing quiz is submitted in another: the
// course ends complete, with one certificate, whichever request commits first.
func TestLastLessonAndPassingSubmitAtOnceCompleteTheCourse(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		for i := range 12 {
			u := e.User(&ten, fmt.Sprintf("tab%d@a.example", i), "", model.RoleLearner)
			tok := e.Token(u.Email)
			if r := e.Do("POST", "/api/v1/courses/basis/lessons/start/complete", tok, nil); r.StatusCode != 204 {
				t.Fatalf("first lesson: %d %s", r.StatusCode, r.Body)
			}
			a, _ := start(t, e, tok, 201)
			var wg sync.WaitGroup
			wg.Add(2)
			go func() {
				defer wg.Done()
				if r := e.Do("POST", "/api/v1/courses/basis/lessons/weiter/complete", tok, nil); r.StatusCode != 204 {
					t.Errorf("last lesson: %d %s", r.StatusCode, r.Body)
				}
			}()
			go func() {
				defer wg.Done()
				if r := e.Do("POST", "/api/v1/attempts/"+a.ID+"/submit", tok, map[string]any{"answers": e.CorrectAnswers("basis")}); r.StatusCode != 200 {
					t.Errorf("submit: %d %s", r.StatusCode, r.Body)
				}
			}()
			wg.Wait()
			var crs struct {
				Progress struct {
					Status string `json:"status"`
				} `json:"progress"`
			}
			e.Do("GET", "/api/v1/courses/basis", tok, nil).JSON(t, &crs)
			var certs []struct {
				ID string `json:"id"`
			}
			e.Do("GET", "/api/v1/me/certificates", tok, nil).JSON(t, &certs)
			if crs.Progress.Status != "completed" || len(certs) != 1 {
				t.Fatalf("round %d: status %q with %d certificates", i, crs.Progress.Status, len(certs))
			}
		}
	})
}
