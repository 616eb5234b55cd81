package identity

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)
	langPattern = regexp.MustCompile(`^[a-z]{2}$`)
)

// Languages Wachsam's pages are translated into.
var Languages = []string{"de", "en"}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CheckEmail says what is wrong with an e-mail address, or returns its normal form.
func CheckEmail(e string) (string, error) {
	e = normEmail(e)
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		return "", model.Invalid("email", "must be an e-mail address such as anna.schmidt@musterstadt.de")
	}
	return e, nil
}

// TenantInput is what creating or changing a tenant takes.
type TenantInput struct {
	Slug     string
	Name     string
	Demo     bool
	Settings *model.Settings // nil = defaults
}

// CreateTenant validates and stores a municipality.
func (s *Service) CreateTenant(ctx context.Context, actor auth.Principal, in TenantInput) (model.Tenant, error) {
	v := &model.ValidationError{}
	in.Slug = strings.TrimSpace(in.Slug)
	if !slugPattern.MatchString(in.Slug) {
		v.Add("slug", "use 1–64 lowercase letters, digits and hyphens, such as \"musterstadt\"")
	}
	settings := model.DefaultSettings()
	if in.Settings != nil {
		settings = *in.Settings
	}
	checkTenantFields(v, &in.Name, settings)
	if err := v.OrNil(); err != nil {
		return model.Tenant{}, err
	}
	t := model.Tenant{Slug: in.Slug, Name: in.Name, Demo: in.Demo, Settings: settings}
	if err := s.store.CreateTenant(ctx, &t); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return model.Tenant{}, model.Conflict("a municipality with the slug %q exists already", in.Slug)
		}
		return model.Tenant{}, err
	}
	return t, s.audit(ctx, actor, t.ID, "tenant.create", t.Slug, nil)
}

func checkTenantFields(v *model.ValidationError, name *string, st model.Settings) {
	*name = strings.TrimSpace(*name)
	if *name == "" || utf8.RuneCountInString(*name) > 200 {
		v.Add("name", "must be 1–200 characters, such as \"Stadt Musterstadt\"")
	}
	if !slices.Contains(Languages, st.DefaultLanguage) {
		v.Add("settings.default_language", "must be one of: "+strings.Join(Languages, ", "))
	}
	if st.MinGroupSize < 2 || st.MinGroupSize > 100 {
		v.Add("settings.min_group_size", "must be between 2 and 100 (staff councils commonly agree on 5)")
	}
	if st.RetentionDays != 0 && (st.RetentionDays < 30 || st.RetentionDays > 3650) {
		v.Add("settings.retention_days", "must be 0 (never anonymise by itself) or between 30 and 3650 days")
	}
}

// UpdateTenant changes a tenant's name and settings; the audit entry says what changed, from
// what to what (switching named lists off or on is a matter for the staff council).
func (s *Service) UpdateTenant(ctx context.Context, actor auth.Principal, t model.Tenant) (model.Tenant, error) {
	v := &model.ValidationError{}
	checkTenantFields(v, &t.Name, t.Settings)
	if err := v.OrNil(); err != nil {
		return model.Tenant{}, err
	}
	before, err := s.store.TenantByID(ctx, t.ID)
	if err != nil {
		return model.Tenant{}, err
	}
	if err := s.store.UpdateTenant(ctx, &t); err != nil {
		return model.Tenant{}, err
	}
	updated, err := s.store.TenantByID(ctx, t.ID)
	if err != nil {
		return model.Tenant{}, err
	}
	return updated, s.audit(ctx, actor, t.ID, "tenant.update", t.Slug, tenantChanges(before, updated))
}

// tenantChanges names each changed field of a tenant by its API name with "old → new"; nil
// when nothing changed.
func tenantChanges(a, b model.Tenant) map[string]string {
	changes := map[string]string{}
	diff := func(key, old, new string) {
		if old != new {
			changes[key] = old + " → " + new
		}
	}
	diff("name", a.Name, b.Name)
	diff("default_language", a.Settings.DefaultLanguage, b.Settings.DefaultLanguage)
	diff("min_group_size", strconv.Itoa(a.Settings.MinGroupSize), strconv.Itoa(b.Settings.MinGroupSize))
	diff("named_reports", strconv.FormatBool(a.Settings.NamedReports), strconv.FormatBool(b.Settings.NamedReports))
	diff("reminder_mails", strconv.FormatBool(a.Settings.ReminderMails), strconv.FormatBool(b.Settings.ReminderMails))
	diff("retention_days", strconv.Itoa(a.Settings.RetentionDays), strconv.Itoa(b.Settings.RetentionDays))
	if len(changes) == 0 {
		return nil
	}
	return changes
}

// UserInput is what creating a user takes; on update, nil fields stay as they are.
type UserInput struct {
	Email          *string
	Name           *string
	EmployeeNumber *string
	OrgUnit        *string // path; "" = none
	Language       *string // "" = the tenant's default
	Roles          []model.Role
	Active         *bool
	Password       string // only on create; "" = the user sets it through a link
}

// CreateUser validates and stores a user of scope's tenant. Without a password it returns a
// single-use set-password link to hand to the user.
func (s *Service) CreateUser(ctx context.Context, scope store.Scope, actor auth.Principal, in UserInput) (model.User, string, error) {
	var u model.User
	if in.Email == nil || in.Name == nil {
		v := &model.ValidationError{}
		if in.Email == nil {
			v.Add("email", "is required")
		}
		if in.Name == nil {
			v.Add("name", "is required")
		}
		return u, "", v
	}
	if len(in.Roles) == 0 {
		in.Roles = []model.Role{model.RoleLearner}
	}
	operatorOnly := len(in.Roles) == 1 && in.Roles[0] == model.RoleOperator
	switch {
	case operatorOnly:
		scope = store.Scope{} // operators belong to the platform, not to a tenant
	case scope.All() || scope.TenantID() == "":
		return u, "", model.Invalid("tenant", "choose the municipality with ?tenant=<slug> (or --tenant)")
	}
	u.TenantID = scope.TenantID()
	if err := s.apply(ctx, scope, actor, &u, in, true); err != nil {
		return model.User{}, "", err
	}
	hash := ""
	if in.Password != "" {
		if err := auth.CheckPolicy(in.Password); err != nil {
			return model.User{}, "", model.Invalid("password", err.Error())
		}
		hash = s.hasher.Hash(in.Password)
	}
	if err := s.store.CreateUser(ctx, &u, hash); err != nil {
		return model.User{}, "", err
	}
	if err := s.audit(ctx, actor, u.TenantID, "user.create", u.Email, map[string]string{"roles": model.JoinRoles(u.Roles), "user_id": u.ID}); err != nil {
		return model.User{}, "", err
	}
	link := ""
	if hash == "" {
		var err error
		if link, err = s.SetPasswordLink(ctx, u.ID); err != nil {
			return model.User{}, "", err
		}
	}
	return u, link, nil
}

// UpdateUser changes the given fields of a user inside scope. Deactivating ends every session.
func (s *Service) UpdateUser(ctx context.Context, scope store.Scope, actor auth.Principal, id string, in UserInput) (model.User, error) {
	u, err := s.store.UserByID(ctx, scope, id)
	if err != nil {
		return model.User{}, err
	}
	if actor.UserID != u.ID { // people change their own language (PATCH /me); role changes stay checked in apply
		if err := CheckManage(actor, u); err != nil {
			return model.User{}, err
		}
	}
	if u.AnonymisedAt != nil {
		return model.User{}, model.Conflict("the person is anonymised; nothing about them can be changed")
	}
	if in.Password != "" {
		return model.User{}, model.Invalid("password", "cannot be changed here; send the user a set-password link")
	}
	wasActive := u.Active
	if err := s.apply(ctx, store.TenantScope(u.TenantID), actor, &u, in, false); err != nil {
		return model.User{}, err
	}
	if actor.UserID == u.ID && !u.Active {
		return model.User{}, model.Forbidden("you cannot deactivate yourself")
	}
	if err := s.store.UpdateUser(ctx, scope, &u); err != nil {
		return model.User{}, err
	}
	if wasActive && !u.Active {
		if err := s.store.RevokeUserTokens(ctx, u.ID); err != nil {
			return model.User{}, err
		}
	}
	return u, s.audit(ctx, actor, u.TenantID, "user.update", u.Email, map[string]string{"roles": model.JoinRoles(u.Roles), "active": strconv.FormatBool(u.Active), "user_id": u.ID})
}

// apply validates in and copies it onto u.
func (s *Service) apply(ctx context.Context, scope store.Scope, actor auth.Principal, u *model.User, in UserInput, creating bool) error {
	v := &model.ValidationError{}
	if in.Email != nil {
		if e, err := CheckEmail(*in.Email); err != nil {
			v.Add("email", err.(*model.ValidationError).Fields["email"])
		} else {
			u.Email = e
		}
	}
	if in.Name != nil {
		name := strings.Join(strings.Fields(*in.Name), " ")
		if name == "" || utf8.RuneCountInString(name) > 200 {
			v.Add("name", "must be 1–200 characters")
		}
		u.Name = name
	}
	if in.EmployeeNumber != nil {
		n := strings.TrimSpace(*in.EmployeeNumber)
		if utf8.RuneCountInString(n) > 64 {
			v.Add("employee_number", "must be at most 64 characters")
		}
		u.EmployeeNumber = n
	}
	if in.Language != nil {
		l := strings.TrimSpace(*in.Language)
		if l != "" && !slices.Contains(Languages, l) {
			v.Add("language", "must be one of: "+strings.Join(Languages, ", ")+", or empty for the municipality's default")
		}
		u.Language = l
	}
	if in.Roles != nil {
		if err := checkRoles(actor, u, in.Roles, creating); err != nil {
			return err
		}
		u.Roles = in.Roles
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	if in.OrgUnit != nil {
		u.OrgUnitID = ""
		if strings.TrimSpace(*in.OrgUnit) != "" {
			unit, err := s.store.EnsureOrgUnit(ctx, scope, *in.OrgUnit)
			if err != nil {
				return err
			}
			u.OrgUnitID = unit.ID
		}
	}
	return nil
}

func checkRoles(actor auth.Principal, u *model.User, roles []model.Role, creating bool) error {
	seen := map[model.Role]bool{}
	for _, r := range roles {
		if _, ok := model.ParseRole(string(r)); !ok {
			return model.Invalid("roles", "unknown role \""+string(r)+"\"; use learner, hr, admin or operator")
		}
		if seen[r] {
			return model.Invalid("roles", "role \""+string(r)+"\" is listed twice")
		}
		seen[r] = true
	}
	if seen[model.RoleOperator] && len(roles) > 1 {
		return model.Invalid("roles", "operator is a platform role and cannot be combined with tenant roles")
	}
	if seen[model.RoleOperator] != (u.TenantID == "") && !creating {
		return model.Invalid("roles", "operators belong to no municipality and tenant users cannot become operators")
	}
	// Every role added or removed must be one the actor may grant.
	before := map[model.Role]bool{}
	for _, r := range u.Roles {
		before[r] = true
	}
	for _, r := range model.AllRoles {
		if seen[r] != before[r] && !actor.CanGrant(r) {
			return model.Forbidden("you may not grant or remove the role %q", r)
		}
	}
	return nil
}

func (s *Service) audit(ctx context.Context, actor auth.Principal, tenantID, action, target string, details map[string]string) error {
	return s.store.Audit(ctx, model.AuditEntry{TenantID: tenantID, ActorID: actor.UserID, APIKeyID: actor.APIKeyID, Action: action, Target: target, Details: details})
}

// Audit records a named access made by actor (reports, exports), a person or an API key.
func (s *Service) Audit(ctx context.Context, actor auth.Principal, tenantID, action, target string, details map[string]string) error {
	return s.audit(ctx, actor, tenantID, action, target, details)
}

// CheckManage refuses when actor may not manage u (see auth.Principal.CanManage): hr manages
// learners, admins everyone in their municipality, operators everyone.
func CheckManage(actor auth.Principal, u model.User) error {
	if actor.CanManage(u.Roles) {
		return nil
	}
	return model.Forbidden("only an administrator can change, deactivate or send access to an account with the roles %s", model.JoinRoles(u.Roles))
}
