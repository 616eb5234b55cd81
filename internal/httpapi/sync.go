package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/coursegit"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// syncCourses refreshes the course tree and publishes it now. A tree with errors answers 200
// with ok=false and every problem: the request worked, the content was refused.
func (a *API) syncCourses(c *fiber.Ctx) error {
	rep, err := a.SyncCourses(c.UserContext())
	if err != nil {
		return err
	}
	if err := a.Identity.Audit(c.UserContext(), httpx.MustPrincipal(c), "", "courses.sync", rep.Commit, map[string]string{"ok": strconv.FormatBool(rep.OK)}); err != nil {
		return err
	}
	return c.JSON(rep)
}

type syncHistoryEntry struct {
	store.SyncRecord
	Diagnostics []course.Diagnostic `json:"diagnostics"`
}

// syncStatus shows operators the recent syncs with their problems, newest first.
func (a *API) syncStatus(c *fiber.Ctx) error {
	recs, err := a.Store.RecentSyncs(c.UserContext(), 20)
	if err != nil {
		return err
	}
	out := make([]syncHistoryEntry, len(recs))
	for i, r := range recs {
		out[i] = syncHistoryEntry{SyncRecord: r}
		if err := json.Unmarshal([]byte(r.Diagnostics), &out[i].Diagnostics); err != nil || out[i].Diagnostics == nil {
			out[i].Diagnostics = []course.Diagnostic{}
		}
	}
	return c.JSON(fiber.Map{"syncs": out})
}

// coursesWebhook receives push events from the course repository (GitHub, Gitea, GitLab) and
// asks the poller to pull. It answers at once; the sync runs in the poller.
func (a *API) coursesWebhook(c *fiber.Ctx) error {
	if a.WebhookSecret == "" || a.TriggerGitSync == nil {
		return &model.DetailedError{Kind: model.ErrNotFound, Detail: "Course webhooks are not enabled: set WACHSAM_COURSES_GIT and WACHSAM_COURSES_WEBHOOK_SECRET."}
	}
	if err := coursegit.VerifyWebhook(a.WebhookSecret, func(name string) string { return c.Get(name) }, c.Body()); err != nil {
		return &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "The webhook signature does not match the configured secret."}
	}
	if branch, ok := coursegit.PushedBranch(c.Body()); ok && branch != a.WebhookBranch {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"triggered": false, "reason": "push to another branch"})
	}
	if !a.TriggerGitSync() {
		return &model.DetailedError{Kind: model.ErrNotFound, Detail: "Courses are not loaded from git."}
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"triggered": true})
}
