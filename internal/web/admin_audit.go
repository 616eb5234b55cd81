package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/assignment"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/store"
)

// The audit log page (administrators, as GET /api/v1/admin/audit): the municipality's entries
// newest first, a page at a time, narrowed to one action. Reading it writes no audit entry of
// its own, exactly as the API does not: the log records changes and views of named data, and
// the log itself names only who did what, which is the point of showing it to admins.

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

type auditData struct {
	Action  string         // the filter as given; "" = all actions
	Actions []actionChoice // the actions that occur in the log
	Entries []auditLine
	Next    string // the next page's URL; "" = this is the last
	First   string // the first page's URL with the same filter
	Paged   bool   // not the first page: link back to it
}

type actionChoice struct {
	Action, Label string
	Selected      bool
}

// auditLine is one entry as the page shows it.
type auditLine struct {
	model.AuditEntry
	Who         string // the person's name, the API key's name, or "" for the system
	ByKey       bool   // Who is an API key
	ActionLabel string
	Details     []detail // sorted by key
}

type detail struct{ Key, Value string }

// actionLabel is an action's name in the page's language, or the action itself for one
// without a translation (a newer action, say), so nothing is hidden.
func actionLabel(v *View, action string) string { return v.tOr("audit.action."+action, action) }

// detailLabel names a detail's key in the page's language ("audit.detail.<key>"), or shows the
// key itself where the catalogue has no entry (a key added later); the API keeps the keys.
func detailLabel(v *View, key string) string { return v.tOr("audit.detail."+key, key) }

// detailValue says a detail's value in the page's language where it is one of a few words the
// code writes ("audit.value.<key>.<value>": via page, status overdue, state revoked …), and
// shows anything else (numbers, names, paths, ids) as it is stored.
func detailValue(v *View, key, value string) string {
	return v.tOr("audit.value."+key+"."+value, value)
}

// auditTarget is an entry's target as the page shows it: an assignment to everybody, stored in
// English (assignment.AuditWholeMunicipality), in the page's language. Only assignment.create
// entries are read so, and not one for a person (it carries user_id) who happens to bear that
// name; an org unit named exactly "whole municipality" would be shown translated too.
func auditTarget(v *View, e model.AuditEntry) string {
	if course, ok := strings.CutSuffix(e.Target, " → "+assignment.AuditWholeMunicipality); ok && e.Action == "assignment.create" && e.Details["user_id"] == "" {
		return course + " → " + v.T("audit.whole_municipality")
	}
	return e.Target
}

func (w *Web) auditPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v := w.pageView(c, nil)
	d := auditData{Action: strings.TrimSpace(c.Query("action"))}
	actions, err := w.store.AuditActions(c.UserContext(), scope)
	if err != nil {
		return err
	}
	for _, a := range actions {
		d.Actions = append(d.Actions, actionChoice{Action: a, Label: actionLabel(v, a), Selected: a == d.Action})
	}
	slices.SortFunc(d.Actions, func(a, b actionChoice) int { return strings.Compare(a.Label, b.Label) })

	f := store.AuditFilter{Action: d.Action, Limit: auditPageSize}
	binding := pagecursor.Binding("web audit", scope.TenantID(), d.Action)
	key, err := w.openCursor(c, binding, 1)
	if err != nil {
		return err // a changed or foreign cursor: 400, explained by the error page
	}
	if key != nil {
		f.Before, d.Paged = key[0], true
	}
	entries, more, err := w.store.ListAudit(c.UserContext(), scope, f)
	if err != nil {
		return err
	}
	for _, e := range entries {
		l := auditLine{AuditEntry: e, Who: e.ActorName, ActionLabel: actionLabel(v, e.Action)}
		if e.APIKeyID != "" {
			l.Who, l.ByKey = e.APIKeyName, true
		}
		l.Target = auditTarget(v, e)
		for k, val := range e.Details {
			if val != "" { // a filter left empty: nothing to say
				l.Details = append(l.Details, detail{detailLabel(v, k), detailValue(v, k, val)})
			}
		}
		slices.SortFunc(l.Details, func(a, b detail) int { return strings.Compare(a.Key, b.Key) })
		d.Entries = append(d.Entries, l)
	}
	q := url.Values{}
	if d.Action != "" {
		q.Set("action", d.Action)
	}
	d.First = "/admin/audit?" + q.Encode()
	if more {
		q.Set("cursor", w.cursors.Seal(binding, entries[len(entries)-1].ID))
		d.Next = "/admin/audit?" + q.Encode()
	}
	v.Data = d
	return w.renderUser(c, fiber.StatusOK, "admin_audit", "audit.title", v)
}
