package identity

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/staffimport"
	"github.com/wachsam/wachsam/internal/store"
)

// ImportOptions choose how a staff import treats its file.
type ImportOptions struct {
	DryRun            bool // compute and report everything, write nothing
	SkipInvalid       bool // import the valid rows even if some are invalid
	DeactivateMissing bool // deactivate learners who are not in the file
	// Invite, when set, queues invitations for the people the import creates, in the
	// import's transaction (not in a dry run).
	Invite func(ctx context.Context, tx *store.Store, tenantID string, userIDs ...string) error
}

// ImportProblem is an invalid row, by its line in the file: the problem's code and
// parameters, from which a page writes it in its own language, and Message, the same in
// English with the line ("line 5: …"), for the API and the command line.
type ImportProblem struct {
	staffimport.Problem
	Message string `json:"message"`
}

// ImportReport says what an import did, or — in a dry run, or when invalid rows stopped it —
// what it would do.
type ImportReport struct {
	DryRun      bool            `json:"dry_run"`
	Written     bool            `json:"written"`
	Rows        int             `json:"rows"`
	Created     int             `json:"created"`
	Invited     int             `json:"invited"`
	Updated     int             `json:"updated"`
	Unchanged   int             `json:"unchanged"`
	Invalid     []ImportProblem `json:"invalid"`
	Deactivated []string        `json:"deactivated"` // e-mail addresses of learners missing from the file
	// NewOrgUnits are the org units the valid rows name that do not exist yet, parents first:
	// created by the import (a typo in a unit's name would show here before it is written).
	NewOrgUnits []string `json:"new_org_units"`
	// DeactivationDone says whether they were deactivated (asked for, no invalid rows, not a dry run).
	DeactivationDone bool   `json:"deactivation_done"`
	Delimiter        string `json:"delimiter"`
	Encoding         string `json:"encoding"`
}

// InvalidLines is how many of the file's lines are invalid, as Rows counts lines: Invalid has
// one entry per problem, and a line with two bad values has two.
func (r ImportReport) InvalidLines() int {
	problems := make([]staffimport.Problem, len(r.Invalid))
	for i, p := range r.Invalid {
		problems[i] = p.Problem
	}
	return len(problemLines(problems))
}

// errRollback ends a dry run's transaction without writing.
var errRollback = errors.New("roll back")

// ImportStaff brings the tenant's staff list in line with a parsed file, in one transaction:
// people are matched by employee number, else by e-mail; new ones become learners (they get
// their password through a link), changed ones are updated, and — with DeactivateMissing —
// learners missing from the file are deactivated (admins, hr and the importing user never
// are). Importing the same file twice changes nothing the second time. With invalid rows and
// without SkipInvalid, nothing is written.
func (s *Service) ImportStaff(ctx context.Context, scope store.Scope, actor auth.Principal, parsed *staffimport.Parsed, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opts.DryRun, Rows: len(parsed.Rows) + len(problemLines(parsed.Problems)), Invalid: []ImportProblem{},
		Deactivated: []string{}, NewOrgUnits: []string{}, Delimiter: string(parsed.Delimiter), Encoding: parsed.Encoding}
	for _, p := range parsed.Problems {
		rep.Invalid = append(rep.Invalid, s.importProblem(p))
	}
	if scope.All() || scope.TenantID() == "" {
		return rep, model.Invalid("tenant", "choose the municipality with ?tenant=<slug> (or --tenant)")
	}
	// Even when the file's own problems already stop the import, the rows are matched (in a
	// transaction that is rolled back below), so that the report names every invalid line at
	// once, those that clash with stored accounts too: HR fixes the file once, not twice.
	tenantID := scope.TenantID()
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var updated []string
		staff, err := tx.StaffOf(ctx, tenantID)
		if err != nil {
			return err
		}
		byEmp, byEmail := map[string]*store.StaffRecord{}, map[string]*store.StaffRecord{}
		for i := range staff {
			if staff[i].EmployeeNumber != "" {
				byEmp[staff[i].EmployeeNumber] = &staff[i]
			}
			byEmail[staff[i].Email] = &staff[i]
		}
		emails := make([]string, len(parsed.Rows))
		for i, r := range parsed.Rows {
			emails[i] = r.Email
		}
		elsewhere, err := tx.EmailsTakenElsewhere(ctx, tenantID, emails)
		if err != nil {
			return err
		}
		// Org units are planned while the rows are decided and created together afterwards.
		units, err := tx.PlanOrgUnits(ctx, scope)
		if err != nil {
			return err
		}
		// unitID is the id of the unit at path; plan says whether to plan it when it is new, which
		// only rows that are taken do, so that a rejected row's unit is neither listed nor created.
		unitID := func(path string, plan bool) (string, error) {
			switch {
			case path == "":
				return "", nil
			case plan:
				return units.ID(path)
			default:
				return units.Existing(path)
			}
		}
		var changes []store.StaffRecord // updates, written after the org units, in file order
		seen := map[string]bool{}
		// claimed is the line of the first row that named each stored person: a later row for the
		// same person (one found by number, the other by the address stored for them) would be a
		// second change of which the later silently wins.
		claimed := map[string]int{}
		hasUnits := slices.Contains(parsed.Columns, "org_unit")
		var fresh []*store.StaffRecord
		for _, r := range parsed.Rows {
			bad := func(field, code string, args ...any) {
				rep.Invalid = append(rep.Invalid, s.importProblem(staffimport.Problem{Line: r.Line, Field: field, Code: code, Args: args}))
			}
			if elsewhere[r.Email] {
				bad("email", staffimport.CodeEmailElsewhere, r.Email)
				continue
			}
			match := byEmp[r.EmployeeNumber]
			if r.EmployeeNumber == "" || match == nil {
				match = byEmail[r.Email]
			}
			if match != nil && r.EmployeeNumber != "" && match.EmployeeNumber != "" && match.EmployeeNumber != r.EmployeeNumber {
				bad("email", staffimport.CodeEmailOtherEmployeeNumber, r.Email, match.EmployeeNumber, r.EmployeeNumber)
				continue
			}
			if other := byEmail[r.Email]; match != nil && other != nil && other.ID != match.ID {
				bad("email", staffimport.CodeEmailOtherPerson, r.Email)
				continue
			}
			if match != nil && match.Anonymised {
				bad("email", staffimport.CodeAnonymised)
				continue
			}
			if match != nil {
				if first, ok := claimed[match.ID]; ok {
					field := "email"
					if r.EmployeeNumber != "" && byEmp[r.EmployeeNumber] == match {
						field = "employee_number"
					}
					bad(field, staffimport.CodePersonDuplicate, match.Email, first)
					continue
				}
				claimed[match.ID] = r.Line
			}
			// A new person is taken; a known one only if the change is theirs to make (below).
			// A row's path is one staffimport checked and normalised with the model's own rules, so
			// an error here is not the file's (an invalid path is a problem of its line already).
			orgID, err := unitID(r.OrgUnit, match == nil)
			if err != nil {
				return err
			}
			newUnit := r.OrgUnit != "" && orgID == "" // a known person's row names a unit not there yet
			want := store.StaffRecord{Email: r.Email, Name: r.Name(), EmployeeNumber: r.EmployeeNumber, OrgUnitID: orgID}
			if !hasUnits && match != nil {
				want.OrgUnitID = match.OrgUnitID // a file without the column keeps what is stored
			}
			if match == nil {
				rec := want
				fresh = append(fresh, &rec)
				continue
			}
			seen[match.ID] = true
			if r.EmployeeNumber == "" {
				want.EmployeeNumber = match.EmployeeNumber // a file without the column keeps what is stored
			}
			if !newUnit && match.Email == want.Email && match.Name == want.Name && match.EmployeeNumber == want.EmployeeNumber && match.OrgUnitID == want.OrgUnitID && match.Active {
				rep.Unchanged++
				continue
			}
			// An import may change only accounts its actor could change by hand: hr's file
			// must not re-address, rename or reactivate an administrator (see CheckManage).
			if !actor.CanManage(match.Roles) {
				bad("email", staffimport.CodeRolesAdminOnly, match.Email, staffimport.Roles(match.Roles))
				continue
			}
			if hasUnits {
				if want.OrgUnitID, err = unitID(r.OrgUnit, true); err != nil {
					return err // the same path was valid a moment ago
				}
			}
			want.ID = match.ID
			changes = append(changes, want)
			updated = append(updated, want.ID)
			rep.Updated++
		}
		// What the valid rows would do is reported whether or not it is written.
		rep.Created, rep.NewOrgUnits = len(fresh), append(rep.NewOrgUnits, units.New()...)
		var missing []string
		for _, u := range staff {
			keep := seen[u.ID] || !u.Active || u.ID == actor.UserID ||
				slices.ContainsFunc(u.Roles, func(r model.Role) bool { return r != model.RoleLearner })
			if !keep {
				missing = append(missing, u.ID)
				rep.Deactivated = append(rep.Deactivated, u.Email)
			}
		}
		if len(rep.Invalid) > 0 && !opts.SkipInvalid {
			return errRollback
		}
		if err := units.Create(ctx, tx); err != nil {
			return err
		}
		for _, c := range changes {
			if err := tx.UpdateStaff(ctx, c); err != nil {
				return err
			}
		}
		// Moved and re-activated people: their obligations, once for all of them.
		if len(updated) > 0 {
			if err := tx.RefreshObligations(ctx, tenantID, updated, nil); err != nil {
				return err
			}
		}
		if err := tx.InsertStaff(ctx, tenantID, fresh); err != nil {
			return err
		}
		if opts.Invite != nil && !opts.DryRun && len(fresh) > 0 {
			ids := make([]string, len(fresh))
			for i, r := range fresh {
				ids[i] = r.ID
			}
			if err := opts.Invite(ctx, tx, tenantID, ids...); err != nil {
				return err
			}
			rep.Invited = len(ids)
		}
		// With invalid rows we cannot tell who those lines meant; deactivating "missing" people
		// could hit exactly them. The list is reported, nobody is deactivated.
		if opts.DeactivateMissing && len(rep.Invalid) == 0 {
			if err := tx.DeactivateStaff(ctx, missing); err != nil {
				return err
			}
			rep.DeactivationDone = true
		}
		if opts.DryRun {
			return errRollback
		}
		return tx.Audit(ctx, model.AuditEntry{TenantID: tenantID, ActorID: actor.UserID, Action: "users.import", Details: map[string]string{
			"created": strconv.Itoa(rep.Created), "updated": strconv.Itoa(rep.Updated), "unchanged": strconv.Itoa(rep.Unchanged),
			"invalid": strconv.Itoa(len(rep.Invalid)), "deactivated": strconv.Itoa(len(missing) * boolInt(rep.DeactivationDone)),
			"org_units_created": strconv.Itoa(len(rep.NewOrgUnits))}})
	})
	// The file's problems were found first and the matching's after them; the reader fixes the
	// file from top to bottom.
	slices.SortStableFunc(rep.Invalid, func(a, b ImportProblem) int { return cmp.Compare(problemOrder(a), problemOrder(b)) })
	if errors.Is(err, errRollback) {
		rep.DeactivationDone = false
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	rep.Written = true
	return rep, nil
}

// importProblem adds the English text to a problem. English, because the API's errors are
// English throughout; the pages write the problem in their own language from its code.
func (s *Service) importProblem(p staffimport.Problem) ImportProblem {
	return ImportProblem{Problem: p, Message: p.Text(s.english)}
}

// ImportFileMessage is why a file cannot be imported at all, as the API and the command line
// report it: in English, with the line where there is one ("line 1: …"). The upload page writes
// the same error in its own language from its code.
func (s *Service) ImportFileMessage(fe *staffimport.FileError) string { return fe.Text(s.english) }

// english looks up an entry of the English catalogue.
func (s *Service) english(key string, args ...any) string { return s.messages.T("en", key, args...) }

// problemOrder is a problem's place in the report: its line, and the summary of the problems
// not listed (line 0) at the end.
func problemOrder(p ImportProblem) int {
	if p.Line == 0 {
		return math.MaxInt
	}
	return p.Line
}

// problemLines counts the distinct lines with problems (a row may have several).
func problemLines(problems []staffimport.Problem) map[int]bool {
	lines := map[int]bool{}
	for _, p := range problems {
		if p.Line > 1 {
			lines[p.Line] = true
		}
	}
	return lines
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
