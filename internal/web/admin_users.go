package web

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/pagecursor"
	"github.com/wachsam/wachsam/internal/report"
	"github.com/wachsam/wachsam/internal/store"
)

// The people pages: HR's and the administrators' list of their municipality's staff with
// search and filters, a page per person with their mandatory courses, and the forms to create,
// change, deactivate, invite and (admins only) anonymise someone. Every change goes through
// package identity, which checks, applies the role-granting rules and writes the audit log
// exactly as for the API (PATCH /api/v1/admin/users/{id} and its neighbours).

// usersPageSize is how many people one page of the list shows.
const usersPageSize = 50

// tenantRoles are the roles a person of a municipality can hold, in the order the forms show.
var tenantRoles = []model.Role{model.RoleLearner, model.RoleHR, model.RoleAdmin}

type usersData struct {
	Query, OrgUnit, Active string // the filters as given; Active: "", "true" or "false"
	OrgUnits               []string
	Users                  []model.User
	Next                   string // the next page's URL; "" = this is the last
	First                  string // the first page's URL with the same filters
	Paged                  bool   // not the first page: link back to it
}

// usersPage lists the municipality's people, ordered by name, filtered by a part of name or
// e-mail address, an org unit (with its sub-units) and active or not, a page at a time.
func (w *Web) usersPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	d := usersData{Query: strings.TrimSpace(c.Query("q")), OrgUnit: strings.TrimSpace(c.Query("org_unit")), Active: c.Query("active")}
	f := store.UserFilter{Query: d.Query, OrgUnit: d.OrgUnit, Limit: usersPageSize}
	switch d.Active {
	case "true", "false":
		b := d.Active == "true"
		f.Active = &b
	default:
		d.Active = ""
	}
	v := w.pageView(c, nil)
	if d.OrgUnits, err = w.orgUnitPaths(c, scope); err != nil {
		return err
	}
	binding := pagecursor.Binding("web users", scope.TenantID(), d.Query, d.OrgUnit, d.Active)
	key, err := w.openCursor(c, binding, 2)
	if err != nil {
		return err // a changed or foreign cursor: 400, explained by the error page
	}
	if key != nil {
		f.AfterName, f.AfterID, d.Paged = key[0], key[1], true
	}
	status := fiber.StatusOK
	users, more, err := w.store.ListUsers(c.UserContext(), scope, f)
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve): // an org unit path that cannot be one
		v.Error, status = "users.err.filter_unit", fiber.StatusUnprocessableEntity
	case err != nil:
		return err
	}
	d.Users = users
	q := url.Values{"q": {d.Query}, "org_unit": {d.OrgUnit}, "active": {d.Active}}
	d.First = "/admin/users?" + q.Encode()
	if more {
		last := users[len(users)-1]
		q.Set("cursor", w.cursors.Seal(binding, last.Name, last.ID))
		d.Next = "/admin/users?" + q.Encode()
	}
	switch c.Query("done") {
	case "anonymised":
		v.Notice = "users.anonymised"
	}
	v.Data = d
	return w.renderUser(c, status, "admin_users", "users.title", v)
}

// userForm is the create or edit form as the user filled it in, so that an error shows it again.
type userForm struct {
	Email, Name, OrgUnit, Language string
	EmployeeNumber                 string
	Roles                          map[model.Role]bool
	Invite                         bool
}

// roleChoice is one role of the form: a checkbox when the signed-in person may grant or remove
// it, else shown as held or not (and kept as it is).
type roleChoice struct {
	Role     model.Role
	Checked  bool
	Editable bool
}

type userData struct {
	Person      model.User // zero when creating
	Form        userForm
	Errors      map[string]string // field → message key
	Roles       []roleChoice
	OrgUnits    []string
	Obligations []obligationRow
	// What the signed-in person may do with this one.
	Self, CanAnonymise, CanInvite bool
	// Manage says whether the signed-in person may change this one at all (hr: learners only).
	Manage bool
	// NamedOff: the municipality switched named lists off, so the course states are not shown.
	NamedOff    bool
	MailEnabled bool
	Link        string // a set-password link to hand over, shown once
}

type obligationRow struct {
	store.Obligation
	Title string
}

func formOf(u model.User) userForm {
	f := userForm{Email: u.Email, Name: u.Name, EmployeeNumber: u.EmployeeNumber, OrgUnit: u.OrgUnitPath, Language: u.Language, Roles: map[model.Role]bool{}}
	for _, r := range u.Roles {
		f.Roles[r] = true
	}
	return f
}

// readUserForm reads the form; roles the signed-in person may not grant keep what before had.
func readUserForm(c *fiber.Ctx, p auth.Principal, before model.User) userForm {
	f := userForm{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")),
		EmployeeNumber: strings.TrimSpace(c.FormValue("employee_number")),
		OrgUnit:        strings.TrimSpace(c.FormValue("org_unit")), Language: c.FormValue("language"), Roles: map[model.Role]bool{},
		Invite: formBool(c, "invite")}
	args := c.Request().PostArgs()
	for _, r := range tenantRoles {
		if p.CanGrant(r) {
			f.Roles[r] = slices.ContainsFunc(args.PeekMulti("roles"), func(b []byte) bool { return string(b) == string(r) })
		} else {
			f.Roles[r] = before.HasRole(r)
		}
	}
	return f
}

func (f userForm) input() identity.UserInput {
	in := identity.UserInput{Email: &f.Email, Name: &f.Name, EmployeeNumber: &f.EmployeeNumber, OrgUnit: &f.OrgUnit, Language: &f.Language, Roles: []model.Role{}}
	for _, r := range tenantRoles {
		if f.Roles[r] {
			in.Roles = append(in.Roles, r)
		}
	}
	return in
}

func (w *Web) userView(c *fiber.Ctx, scope store.Scope, person model.User, form userForm, errs map[string]string) (*View, error) {
	p := httpx.MustPrincipal(c)
	d := userData{Person: person, Form: form, Errors: errs, MailEnabled: w.invite != nil, Self: person.ID != "" && person.ID == p.UserID,
		Manage: person.ID == "" || person.ID == p.UserID || p.CanManage(person.Roles)}
	for _, r := range tenantRoles {
		d.Roles = append(d.Roles, roleChoice{Role: r, Checked: form.Roles[r], Editable: p.CanGrant(r)})
	}
	var err error
	if d.OrgUnits, err = w.orgUnitPaths(c, scope); err != nil {
		return nil, err
	}
	if person.ID != "" {
		// A person's mandatory courses with their status are a named list of one: shown only
		// where the municipality allows named lists, and each view audited like the list.
		t, _, err := w.adminTenant(c) // the person is of this municipality (person() scoped them)
		if err != nil {
			return nil, err
		}
		d.NamedOff = report.NamedListsAllowed(t) != nil
		if !d.NamedOff {
			obs, err := w.store.UserObligations(c.UserContext(), person.ID, w.store.Now())
			if err != nil {
				return nil, err
			}
			for _, o := range obs {
				d.Obligations = append(d.Obligations, obligationRow{Obligation: o, Title: w.courseTitle(c, o.CourseSlug)})
			}
			if err := w.identity.Audit(c.UserContext(), p, person.TenantID, report.AuditLearners, person.Email,
				map[string]string{"via": "person", "people": "1", "user_id": person.ID}); err != nil {
				return nil, err
			}
		}
		d.CanAnonymise = p.Has(model.RoleAdmin) && !person.Active && person.AnonymisedAt == nil && !d.Self
		d.CanInvite = d.MailEnabled && person.Active && !person.HasPassword
	}
	v := w.pageView(c, &d)
	if person.ID != "" {
		v.Title = person.Name
	}
	return v, nil
}

// userErrors turns what identity refused into message keys at the fields.
func userErrors(err error, errs map[string]string) bool {
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		for field := range ve.Fields {
			switch field {
			case "email", "name", "language", "roles", "org_unit", "employee_number":
				errs[field] = "users.err." + field
			default:
				errs["name"] = "users.err.other"
			}
		}
	case errors.Is(err, model.ErrConflict): // the address or the employee number is taken
		errs["email"] = "users.err.email_taken"
		errs["employee_number"] = "users.err.email_taken"
	case errors.Is(err, model.ErrForbidden): // a role the signed-in person may not grant
		errs["roles"] = "users.err.roles_forbidden"
	default:
		return false
	}
	return true
}

// checkRolesChosen refuses a form without any role (identity would make a new person a
// learner, and leave a changed one with no role at all). The form then does not reach
// identity, so the address and the name are checked here too, to show every problem at once.
func checkRolesChosen(f userForm, errs map[string]string) {
	if slices.ContainsFunc(tenantRoles, func(r model.Role) bool { return f.Roles[r] }) {
		return
	}
	errs["roles"] = "users.err.roles_none"
	if _, err := identity.CheckEmail(f.Email); err != nil {
		errs["email"] = "users.err.email"
	}
	if f.Name == "" {
		errs["name"] = "users.err.name"
	}
}

// newUserPage is the form to add one person.
func (w *Web) newUserPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	form := userForm{Roles: map[model.Role]bool{model.RoleLearner: true}, Invite: w.invite != nil}
	v, err := w.userView(c, scope, model.User{}, form, nil)
	if err != nil {
		return err
	}
	return w.renderUser(c, fiber.StatusOK, "admin_user_new", "users.new_title", v)
}

// createUser adds a person. With "invite" (offered when e-mail is configured) the invitation
// is queued in the same transaction; otherwise the page shows the set-password link once.
func (w *Web) createUser(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	f := readUserForm(c, p, model.User{})
	f.Invite = f.Invite && w.invite != nil
	errs := map[string]string{}
	checkRolesChosen(f, errs)
	if len(errs) == 0 {
		var u model.User
		var link string
		err = w.store.InTx(c.UserContext(), func(tx *store.Store) error {
			var err error
			if u, link, err = w.identity.WithStore(tx).CreateUser(c.UserContext(), scope, p, f.input()); err != nil {
				return err
			}
			if f.Invite {
				return w.invite(c.UserContext(), tx, u.TenantID, u.ID)
			}
			return nil
		})
		switch {
		case err == nil && f.Invite:
			return c.Redirect("/admin/users/"+u.ID+"?done=invited", fiber.StatusSeeOther)
		case err == nil:
			// The link cannot be shown after a redirect (it is not stored), so the person's
			// page is the answer to the form.
			v, err := w.userView(c, scope, u, formOf(u), nil)
			if err != nil {
				return err
			}
			v.Data.(*userData).Link = link
			v.Notice = "users.created_link"
			return w.renderUser(c, fiber.StatusOK, "admin_user", "", v)
		case !userErrors(err, errs):
			return err
		}
	}
	v, err := w.userView(c, scope, model.User{}, f, errs)
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_user_new", "users.new_title", v)
}

// person is the person of the URL in the signed-in person's municipality; another
// municipality's is 404 like a missing one.
func (w *Web) person(c *fiber.Ctx) (model.User, store.Scope, error) {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return model.User{}, store.Scope{}, err
	}
	u, err := w.store.UserByID(c.UserContext(), scope, c.Params("id"))
	return u, scope, err
}

// userPage shows a person with their mandatory courses, the edit form and the actions.
func (w *Web) userPage(c *fiber.Ctx) error {
	u, scope, err := w.person(c)
	if err != nil {
		return err
	}
	v, err := w.userView(c, scope, u, formOf(u), nil)
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "saved":
		v.Notice = "users.saved"
	case "invited":
		v.Notice = "users.invited"
	case "deactivated":
		v.Notice = "users.deactivated"
	case "reactivated":
		v.Notice = "users.reactivated"
	}
	return w.renderUser(c, fiber.StatusOK, "admin_user", "", v)
}

// updateUser saves the edit form through identity.UpdateUser.
func (w *Web) updateUser(c *fiber.Ctx) error {
	u, scope, err := w.person(c)
	if err != nil {
		return err
	}
	if u.AnonymisedAt != nil {
		return model.Conflict("the person is anonymised; nothing about them can be changed")
	}
	p := httpx.MustPrincipal(c)
	// identity.UpdateUser checks this too, but its refusal would come back below as a role the
	// signed-in person may not grant (userErrors: the form again, 422), and a form without a role
	// would not reach it: someone one may not manage at all is refused here first (403).
	if u.ID != p.UserID {
		if err := identity.CheckManage(p, u); err != nil {
			return err
		}
	}
	f := readUserForm(c, p, u)
	errs := map[string]string{}
	checkRolesChosen(f, errs)
	if len(errs) == 0 {
		_, err = w.identity.UpdateUser(c.UserContext(), scope, p, u.ID, f.input())
		if err == nil {
			return c.Redirect("/admin/users/"+u.ID+"?done=saved", fiber.StatusSeeOther)
		}
		if !userErrors(err, errs) {
			return err
		}
	}
	v, err := w.userView(c, scope, u, f, errs)
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_user", "", v)
}

// setUserActive deactivates (ending every session at once) or reactivates a person.
func (w *Web) setUserActive(c *fiber.Ctx) error {
	u, scope, err := w.person(c)
	if err != nil {
		return err
	}
	active := formBool(c, "active")
	if u.AnonymisedAt != nil && active {
		return model.Conflict("the person is anonymised and cannot be reactivated")
	}
	p := httpx.MustPrincipal(c)
	// identity.UpdateUser refuses someone p may not manage (identity.CheckManage): that 403
	// is returned as it is below; only refusing to deactivate oneself gets the page.
	if _, err := w.identity.UpdateUser(c.UserContext(), scope, p, u.ID, identity.UserInput{Active: &active}); err != nil {
		if !errors.Is(err, model.ErrForbidden) || u.ID != p.UserID {
			return err
		}
		v, verr := w.userView(c, scope, u, formOf(u), nil)
		if verr != nil {
			return verr
		}
		v.Error = "users.err.self_deactivate"
		return w.renderUser(c, fiber.StatusForbidden, "admin_user", "", v)
	}
	done := "deactivated"
	if active {
		done = "reactivated"
	}
	return c.Redirect("/admin/users/"+u.ID+"?done="+done, fiber.StatusSeeOther)
}

// inviteUser sends the invitation again when e-mail is configured and the person has no
// password yet; otherwise it makes a set-password link to hand over (also for someone who forgot
// their password). Both are audited like the API's.
func (w *Web) inviteUser(c *fiber.Ctx) error {
	u, scope, err := w.person(c)
	if err != nil {
		return err
	}
	if !u.Active {
		return model.Conflict("the person is deactivated; reactivate them first")
	}
	p := httpx.MustPrincipal(c)
	if err := identity.CheckManage(p, u); err != nil { // the one check: invite and SetPasswordLink make none
		return err
	}
	if w.invite != nil && !u.HasPassword && !formBool(c, "link") {
		err = w.store.InTx(c.UserContext(), func(tx *store.Store) error {
			if err := w.invite(c.UserContext(), tx, u.TenantID, u.ID); err != nil {
				return err
			}
			return w.identity.WithStore(tx).Audit(c.UserContext(), p, u.TenantID, "user.invite", u.Email, map[string]string{"user_id": u.ID})
		})
		if err != nil {
			return err
		}
		return c.Redirect("/admin/users/"+u.ID+"?done=invited", fiber.StatusSeeOther)
	}
	link, err := w.identity.SetPasswordLink(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := w.identity.Audit(c.UserContext(), p, u.TenantID, "user.set_password_link", u.Email, map[string]string{"user_id": u.ID}); err != nil {
		return err
	}
	v, err := w.userView(c, scope, u, formOf(u), nil)
	if err != nil {
		return err
	}
	v.Data.(*userData).Link = link
	return w.renderUser(c, fiber.StatusOK, "admin_user", "", v)
}

// anonymisePage asks for confirmation: anonymising cannot be undone.
func (w *Web) anonymisePage(c *fiber.Ctx) error {
	u, _, err := w.person(c)
	if err != nil {
		return err
	}
	v := w.pageView(c, u)
	if u.Active || u.AnonymisedAt != nil {
		v.Error = "users.err.anonymise_active"
		if u.AnonymisedAt != nil {
			v.Error = "users.err.anonymise_done"
		}
		return w.renderUser(c, fiber.StatusConflict, "admin_user_anonymise", "users.anonymise_title", v)
	}
	return w.renderUser(c, fiber.StatusOK, "admin_user_anonymise", "users.anonymise_title", v)
}

// anonymiseUser removes what names a deactivated person, at once and for good.
func (w *Web) anonymiseUser(c *fiber.Ctx) error {
	u, scope, err := w.person(c)
	if err != nil {
		return err
	}
	if _, err := w.identity.AnonymiseUser(c.UserContext(), scope, httpx.MustPrincipal(c), u.ID); err != nil {
		return err
	}
	return c.Redirect("/admin/users?done=anonymised", fiber.StatusSeeOther)
}
