package testenv

import (
	"io/fs"

	"bytes"
	"context"
	"encoding/json"
	"github.com/wachsam/wachsam/internal/catalog"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/app"
	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Password is the password of every user a test creates.
const Password = "correct horse battery"

// Env is a server plus helpers to populate it and call it.
type Env struct {
	T   testing.TB
	Srv *app.Server
}

// New builds an Env on dialect.
func New(t testing.TB, dialect string, env map[string]string) *Env {
	return &Env{T: t, Srv: Server(t, dialect, env)}
}

// WithCourses builds an Env whose catalogue is synced from tree.
func WithCourses(t testing.TB, dialect string, env map[string]string, tree fs.FS) *Env {
	t.Helper()
	e := &Env{T: t, Srv: ServerWith(t, dialect, env, app.ServerOptions{Courses: catalog.StaticTree{FS: tree, Kind: "dir"}})}
	rep, err := e.Srv.SyncCourses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("test course tree has errors: %v", rep.Diagnostics)
	}
	return e
}

var system = auth.Principal{Roles: []model.Role{model.RoleOperator}}

// Tenant creates a municipality.
func (e *Env) Tenant(slug string) model.Tenant {
	e.T.Helper()
	t, err := e.Srv.Identity.CreateTenant(context.Background(), system, identity.TenantInput{Slug: slug, Name: "Stadt " + slug})
	if err != nil {
		e.T.Fatalf("create tenant %s: %v", slug, err)
	}
	return t
}

// User creates a user with Password in tenant (nil = platform operator) and org unit path.
func (e *Env) User(tenant *model.Tenant, email, orgUnit string, roles ...model.Role) model.User {
	e.T.Helper()
	name := strings.Split(email, "@")[0]
	in := identity.UserInput{Email: &email, Name: &name, Roles: roles, Password: Password}
	if orgUnit != "" {
		in.OrgUnit = &orgUnit
	}
	scope := store.Scope{}
	if tenant != nil {
		scope = store.TenantScope(tenant.ID)
	}
	u, _, err := e.Srv.Identity.CreateUser(context.Background(), scope, system, in)
	if err != nil {
		e.T.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// Login returns an access and a refresh token for email.
func (e *Env) Login(email string) (access, refresh string) {
	e.T.Helper()
	res := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": Password})
	if res.StatusCode != 200 {
		e.T.Fatalf("login %s: %d %s", email, res.StatusCode, res.Body)
	}
	var t struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	res.JSON(e.T, &t)
	return t.AccessToken, t.RefreshToken
}

// Token logs in and returns just the access token.
func (e *Env) Token(email string) string {
	a, _ := e.Login(email)
	return a
}

// Response is a finished response with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request through the real router. body is JSON-encoded unless it is a string.
func (e *Env) Do(method, path, token string, body any) Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Send(req)
}

// Send sends a prepared request through the real router.
func (e *Env) Send(req *http.Request) Response {
	e.T.Helper()
	res, err := e.Srv.App.Test(req, -1)
	if err != nil {
		e.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
}

// PassCourse completes every lesson of the course and passes its quiz as the token's user,
// answering from the course's own key; it returns the certificate's id.
func (e *Env) PassCourse(token, slug string) string {
	e.T.Helper()
	var crs struct {
		Lessons []struct{ Slug string } `json:"lessons"`
	}
	e.Do("GET", "/api/v1/courses/"+slug, token, nil).JSON(e.T, &crs)
	for _, l := range crs.Lessons {
		if r := e.Do("POST", "/api/v1/courses/"+slug+"/lessons/"+l.Slug+"/complete", token, nil); r.StatusCode != 204 {
			e.T.Fatalf("complete %s: %d %s", l.Slug, r.StatusCode, r.Body)
		}
	}
	r := e.Do("POST", "/api/v1/courses/"+slug+"/attempts", token, nil)
	var attempt struct {
		ID        string `json:"id"`
		Questions []struct {
			ID string `json:"id"`
		} `json:"questions"`
	}
	r.JSON(e.T, &attempt)
	var result struct {
		Passed        bool   `json:"passed"`
		CertificateID string `json:"certificate_id"`
	}
	e.Do("POST", "/api/v1/attempts/"+attempt.ID+"/submit", token, map[string]any{"answers": e.CorrectAnswers(slug)}).JSON(e.T, &result)
	if !result.Passed || result.CertificateID == "" {
		e.T.Fatalf("passing %s failed: %+v", slug, result)
	}
	return result.CertificateID
}

// CorrectAnswers returns the right answers to every question of the course's current version.
func (e *Env) CorrectAnswers(slug string) map[string][]string {
	e.T.Helper()
	entry, err := e.Srv.Catalog.Get(slug, true)
	if err != nil {
		e.T.Fatal(err)
	}
	out := map[string][]string{}
	for _, q := range entry.Course.Quiz.Questions {
		out[q.ID] = q.CorrectIDs()
	}
	return out
}
