package catalog_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/app"
	"github.com/wachsam/wachsam/internal/catalog"
	"github.com/wachsam/wachsam/internal/coursegit"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

func sync(t *testing.T, srv *app.Server, tree map[string]string) *catalog.Report {
	t.Helper()
	rep, err := srv.Catalog.Sync(context.Background(), testenv.CourseTree(tree), catalog.Source{Kind: "dir"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSyncVersionsArchivesAndRefusesBrokenTrees(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		srv := testenv.Server(t, dialect, nil)

		first := sync(t, srv, nil)
		if !first.OK || !slices.Equal(first.Published, []string{"basis", "entwurf"}) {
			t.Fatalf("first sync: %+v", first)
		}
		v1, _ := srv.Catalog.Get("basis", false)

		// The same content again changes nothing.
		again := sync(t, srv, nil)
		if len(again.Published) != 0 || !slices.Equal(again.Unchanged, []string{"basis", "entwurf"}) {
			t.Errorf("unchanged sync: %+v", again)
		}
		if e, _ := srv.Catalog.Get("basis", false); e.VersionID != v1.VersionID {
			t.Error("unchanged content got a new version")
		}

		// Changed content: a new version goes live, the old one stays readable for learners who
		// started it.
		changed := sync(t, srv, map[string]string{"basis/02-weiter.md": "---\ntitle: Neu geschrieben\n---\n\nNeu.\n"})
		if !slices.Equal(changed.Published, []string{"basis"}) {
			t.Fatalf("changed sync: %+v", changed)
		}
		v2, _ := srv.Catalog.Get("basis", false)
		if v2.VersionID == v1.VersionID || v2.Course.Lesson("weiter").TextFor("de").Title != "Neu geschrieben" {
			t.Fatalf("new version not live")
		}
		old, err := srv.Catalog.Version(ctx, v1.VersionID)
		if err != nil || old.Lesson("weiter").TextFor("de").Title != "Es geht weiter" {
			t.Fatalf("old version: %v", err)
		}

		// Going back to earlier content makes the earlier version live again, without a copy.
		reverted := sync(t, srv, nil)
		if !slices.Equal(reverted.Published, []string{"basis"}) {
			t.Errorf("revert: %+v", reverted)
		}
		if e, _ := srv.Catalog.Get("basis", false); e.VersionID != v1.VersionID {
			t.Error("revert did not reuse the earlier version")
		}
		sync(t, srv, map[string]string{"basis/02-weiter.md": "---\ntitle: Neu geschrieben\n---\n\nNeu.\n"})

		// A broken tree is not published; the previous version stays live.
		broken := sync(t, srv, map[string]string{"basis/02-weiter.md": "---\ntitel: Tippfehler\n---\n\n<b>roh</b>\n"})
		if broken.OK || broken.Errors < 2 {
			t.Fatalf("broken sync: %+v", broken)
		}
		if !strings.Contains(broken.Diagnostics[0].String(), "basis/02-weiter.md:") {
			t.Errorf("diagnostic %q lacks the path", broken.Diagnostics[0].String())
		}
		if e, _ := srv.Catalog.Get("basis", false); e.VersionID != v2.VersionID {
			t.Error("broken tree replaced the live version")
		}
		if last := srv.Catalog.LastSync(); last == nil || last.OK {
			t.Error("last sync status not kept for operators")
		}

		// A course that vanishes is archived: gone from the catalogue, its versions kept.
		gone := sync(t, srv, map[string]string{"entwurf/course.md": "", "entwurf/01-eins.md": ""})
		if !slices.Equal(gone.Archived, []string{"entwurf"}) {
			t.Fatalf("archive: %+v", gone)
		}
		if _, err := srv.Catalog.Get("entwurf", true); err == nil {
			t.Error("archived course still offered")
		}
		// It comes back when it reappears.
		back := sync(t, srv, nil)
		if !slices.Contains(back.Unchanged, "entwurf") && !slices.Contains(back.Published, "entwurf") {
			t.Errorf("reappeared course: %+v", back)
		}
		if _, err := srv.Catalog.Get("entwurf", true); err != nil {
			t.Errorf("reappeared course not offered: %v", err)
		}

		// History for operators, newest first.
		recs, err := srv.Store.RecentSyncs(ctx, 10)
		if err != nil || len(recs) != 8 || recs[2].OK || !recs[0].OK || !recs[1].OK {
			t.Errorf("sync history: %d records, %v", len(recs), err)
		}
	})
}

// After a restart the published catalogue is served from the database even if the tree on
// disk is now broken.
func TestRestartServesTheLastPublishedCatalogue(t *testing.T) {
	ctx := context.Background()
	cfg := testenv.Config(t, "sqlite", nil)
	open := func(tree map[string]string) *app.Server {
		st, err := app.OpenStore(ctx, cfg, testenv.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		srv, err := app.NewServer(ctx, cfg, st, testenv.Logger(t), app.ServerOptions{Argon2: &testenv.CheapArgon2,
			Courses: catalog.StaticTree{FS: testenv.CourseTree(tree), Kind: "dir"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return srv
	}
	first := open(nil)
	want, _ := first.Catalog.Get("basis", false)
	first.Store.Close()

	second := open(map[string]string{"basis/course.md": "kaputt"})
	got, err := second.Catalog.Get("basis", false)
	if err != nil || got.VersionID != want.VersionID || got.Course.TextFor("de").Title != "Grundlagen" {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
}

func TestMediaIsServedToSignedInUsersOnly(t *testing.T) {
	for backend, env := range testenv.MediaBackends(t) {
		t.Run(backend, func(t *testing.T) {
			testenv.ForEachDialect(t, func(t *testing.T, dialect string) { testMediaServing(t, dialect, env) })
		})
	}
}

func testMediaServing(t *testing.T, dialect string, env map[string]string) {
	{
		e := testenv.WithCourses(t, dialect, env, testenv.CourseTree(map[string]string{
			"entwurf/01-eins.md":       "---\ntitle: Eins\n---\n\n![Geheimes Bild](media/geheim.png)\n",
			"entwurf/media/geheim.png": "\x89PNG\r\n\x1a\nnot really a png but distinct",
		}))
		ten := e.Tenant("a")
		tok := e.Token(e.User(&ten, "l@a.example", "", model.RoleLearner).Email)
		entry, _ := e.Srv.Catalog.Get("basis", false)
		url := ""
		for _, l := range entry.Course.Lessons {
			html := l.TextFor("de").HTML
			if i := strings.Index(html, `src="/media/`); i >= 0 {
				url = html[i+5 : i+5+strings.Index(html[i+5:], `"`)]
			}
		}
		if url == "" {
			t.Fatal("no media URL in lesson HTML")
		}

		if r := e.Do("GET", url, "", nil); r.StatusCode != 401 {
			t.Errorf("anonymous: %d", r.StatusCode)
		}
		r := e.Do("GET", url, tok, nil)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(r.Body, "\x89PNG") ||
			!strings.Contains(r.Header.Get("Cache-Control"), "private") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") || r.Header.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("media: %d %v", r.StatusCode, r.Header)
		}
		req := httptest.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Range", "bytes=1-3")
		if r := e.Send(req); r.StatusCode != 206 || r.Body != "PNG" || !strings.HasPrefix(r.Header.Get("Content-Range"), "bytes 1-3/") {
			t.Errorf("range: %d %q %s", r.StatusCode, r.Body, r.Header.Get("Content-Range"))
		}
		req.Header.Set("Range", "bytes=999999-")
		if r := e.Send(req); r.StatusCode != 416 {
			t.Errorf("unsatisfiable range: %d", r.StatusCode)
		}

		// The key exists, but not in this course: 404 like an unknown key.
		key := url[strings.LastIndex(url, "/")+1:]
		if r := e.Do("GET", "/media/entwurf/"+key, tok, nil); r.StatusCode != 404 {
			t.Errorf("key through another course: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/media/basis/"+strings.Repeat("0", 64)+".png", tok, nil); r.StatusCode != 404 {
			t.Errorf("unknown key: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/media/basis/..%2F..%2Fetc%2Fpasswd", tok, nil); r.StatusCode != 404 {
			t.Errorf("traversal: %d", r.StatusCode)
		}
		// A draft's media are hidden from learners like the draft itself.
		draft, _ := e.Srv.Catalog.Get("entwurf", true)
		if len(draft.Course.Media) != 1 {
			t.Fatal("draft has no media")
		}
		draftURL := catalog.MediaURL("entwurf", draft.Course.Media[0].Path, draft.Course.Media[0].SHA256)
		if r := e.Do("GET", draftURL, tok, nil); r.StatusCode != 404 {
			t.Errorf("draft media for a learner: %d", r.StatusCode)
		}
	}
}

// A repository that cannot be fetched changes nothing, and operators see why in the history.
func TestUnreachableGitSourceIsRecorded(t *testing.T) {
	srv := testenv.Server(t, "sqlite", nil)
	sync(t, srv, nil)
	repo := coursegit.Open(coursegit.Config{URL: t.TempDir() + "/missing.git", Dir: t.TempDir() + "/clone"})
	rep, err := srv.Catalog.SyncFrom(context.Background(), catalog.GitTree{Repo: repo})
	if err != nil || rep.OK || rep.Error == "" {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	if _, err := srv.Catalog.Get("basis", false); err != nil {
		t.Error("catalogue lost after a failed fetch")
	}
	recs, _ := srv.Store.RecentSyncs(context.Background(), 1)
	if len(recs) != 1 || recs[0].OK || !strings.Contains(recs[0].Diagnostics, rep.Error[:20]) {
		t.Errorf("history: %+v", recs)
	}
}
