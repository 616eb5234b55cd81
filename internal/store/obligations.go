package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/schedule"
)

// Stored states of an obligation. "Overdue" is not among them: it follows from the time (see
// ObligationStatus), so nothing has to be recomputed when a due date passes.
const (
	ObligationOpen       = "open"
	ObligationInProgress = "in_progress"
	ObligationCompleted  = "completed"
	ObligationExempt     = "exempt"
	// ObligationOverdue is the derived status of an open or started obligation past its due date.
	ObligationOverdue = "overdue"
)

// obligationRow is one person's mandatory course: the table the reports read. The store keeps
// it current on every write that changes what it depends on (refreshObligations).
type obligationRow struct {
	bun.BaseModel `bun:"table:obligations,alias:ob"`

	TenantID     string     `bun:"tenant_id"`
	UserID       string     `bun:"user_id,pk"`
	CourseID     string     `bun:"course_id,pk"`
	OrgUnitID    string     `bun:"org_unit_id,nullzero"`
	AssignmentID string     `bun:"assignment_id"`
	DueAt        time.Time  `bun:"due_at"`
	State        string     `bun:"state"`
	CompletedAt  *time.Time `bun:"completed_at"`
	ValidUntil   *time.Time `bun:"valid_until"`
	UpdatedAt    time.Time  `bun:"updated_at"`
}

// same reports whether two rows say the same (UpdatedAt aside).
func (r *obligationRow) same(o *obligationRow) bool {
	eq := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
	return r.OrgUnitID == o.OrgUnitID && r.AssignmentID == o.AssignmentID && r.DueAt.Equal(o.DueAt) && r.State == o.State &&
		eq(r.CompletedAt, o.CompletedAt) && eq(r.ValidUntil, o.ValidUntil)
}

// ObligationStatus is where a person stands at now: exempt, completed (a completion that still
// counts), overdue (past the due date), in_progress or open. statusSQL says the same in SQL;
// a test keeps the two in step.
func ObligationStatus(state string, dueAt time.Time, completedAt, validUntil *time.Time, now time.Time) string {
	switch {
	case state == ObligationExempt:
		return ObligationExempt
	case completedAt != nil && (validUntil == nil || validUntil.After(now)):
		return ObligationCompleted
	case dueAt.Before(now):
		return ObligationOverdue
	case state == ObligationInProgress:
		return ObligationInProgress
	}
	return ObligationOpen
}

// statusSQL is ObligationStatus as a SQL expression over the alias ob; it takes now twice.
const statusSQL = `CASE WHEN ob.state = 'exempt' THEN 'exempt'
 WHEN ob.completed_at IS NOT NULL AND (ob.valid_until IS NULL OR ob.valid_until > ?) THEN 'completed'
 WHEN ob.due_at < ? THEN 'overdue'
 WHEN ob.state = 'in_progress' THEN 'in_progress'
 ELSE 'open' END`

// RefreshObligations recomputes the obligations of users (nil: everybody in the tenant) in
// courses (nil: every course) in one transaction. Store methods that change an obligation's
// inputs call it themselves; it is public for writers that batch many changes (the staff
// import) and for repairs.
func (s *Store) RefreshObligations(ctx context.Context, tenantID string, userIDs, courseIDs []string) error {
	return s.InTx(ctx, func(tx *Store) error { return tx.refreshObligations(ctx, tenantID, userIDs, courseIDs) })
}

// RebuildObligations throws a tenant's obligations away and computes them afresh from their
// inputs — a repair, and the check that maintaining them on write gives the same rows.
func (s *Store) RebuildObligations(ctx context.Context, tenantID string) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.lockObligations(ctx, tenantID); err != nil { // before the delete: writers wait for the whole rebuild
			return err
		}
		if err := tx.deleteObligations(ctx, tenantID, nil, nil); err != nil {
			return err
		}
		return tx.refreshObligations(ctx, tenantID, nil, nil)
	})
}

// RefreshAllObligations recomputes every tenant's obligations (the backfill after the
// migration that adds the table).
func (s *Store) RefreshAllObligations(ctx context.Context) error {
	var ids []string
	if err := s.db.NewSelect().TableExpr("tenants").Column("id").Scan(ctx, &ids); err != nil {
		return dbErr("tenants", err)
	}
	for _, id := range ids {
		if err := s.RefreshObligations(ctx, id, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// lockObligations takes the tenant's obligations lock until the transaction ends (PostgreSQL;
// SQLite has one writer anyway).
func (s *Store) lockObligations(ctx context.Context, tenantID string) error {
	if s.Dialect() != "pg" {
		return nil
	}
	_, err := s.db.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(?))", 0x6f626c, tenantID)
	return dbErr("lock obligations", err)
}

// refreshChunk is how many people one round of a refresh loads and writes.
const refreshChunk = 1000

// refreshObligations recomputes obligations from their inputs and writes only what changed. It
// must run inside the transaction of the write that changed the inputs. On PostgreSQL it
// first takes a per-tenant transaction lock: two refreshes of one tenant run one after the
// other, and the second reads what the first committed, so a large assignment computed while
// a learner finishes the course cannot overwrite the completion with a stale "open".
func (s *Store) refreshObligations(ctx context.Context, tenantID string, userIDs, courseIDs []string) error {
	if tenantID == "" || (userIDs != nil && len(userIDs) == 0) || (courseIDs != nil && len(courseIDs) == 0) {
		return nil
	}
	if err := s.lockObligations(ctx, tenantID); err != nil {
		return err
	}
	plan, err := s.obligationPlan(ctx, tenantID, courseIDs)
	if err != nil {
		return err
	}
	if len(plan.asgs) == 0 { // nothing is mandatory: whatever was is gone
		return s.deleteObligations(ctx, tenantID, userIDs, courseIDs)
	}
	if userIDs == nil {
		if err := s.db.NewSelect().Model((*userRow)(nil)).Column("id").Where("tenant_id = ?", tenantID).Order("id").Scan(ctx, &userIDs); err != nil {
			return dbErr("staff for obligations", err)
		}
	}
	for start := 0; start < len(userIDs); start += refreshChunk {
		chunk := userIDs[start:min(start+refreshChunk, len(userIDs))]
		if err := s.refreshChunk(ctx, tenantID, chunk, courseIDs, plan); err != nil {
			return err
		}
	}
	return nil
}

// obligationsOfNewPeople writes the obligations of people created in this transaction. They
// have no certificates, enrolments, exemptions or obligations yet, so nothing is read about
// them and every row is new: the staff import's 100,000 new people with five mandatory
// courses write 500,000 rows without 600 queries asking about inputs that cannot exist.
func (s *Store) obligationsOfNewPeople(ctx context.Context, tenantID string, people []userRow) error {
	if len(people) == 0 {
		return nil
	}
	if err := s.lockObligations(ctx, tenantID); err != nil {
		return err
	}
	plan, err := s.obligationPlan(ctx, tenantID, nil)
	if err != nil || len(plan.asgs) == 0 {
		return err
	}
	now := s.now()
	var rows []obligationRow
	for start := 0; start < len(people); start += refreshChunk {
		want := plan.obligations(tenantID, people[start:min(start+refreshChunk, len(people))], obligationFacts{}, now)
		rows = rows[:0]
		for _, r := range want {
			rows = append(rows, *r)
		}
		if err := s.insertObligations(ctx, rows); err != nil {
			return err
		}
	}
	return nil
}

// obligationPlan is what every refresh of a tenant reads once: the live assignments (of
// courseIDs; nil: all) and the org units' paths.
type obligationPlan struct {
	asgs     []Assignment
	byID     map[string]*Assignment
	paths    map[string]string // org unit id → path
	assigned []string          // the courses the assignments are about, sorted
}

func (s *Store) obligationPlan(ctx context.Context, tenantID string, courseIDs []string) (*obligationPlan, error) {
	p := &obligationPlan{byID: map[string]*Assignment{}, paths: map[string]string{}}
	q := s.selectAssignments(&p.asgs).Where("asg.tenant_id = ? AND asg.ended_at IS NULL", tenantID).OrderExpr("asg.created_at, asg.id")
	if courseIDs != nil {
		q = q.Where("asg.course_id IN (?)", bun.In(courseIDs))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr("assignments for obligations", err)
	}
	if len(p.asgs) == 0 {
		return p, nil
	}
	var units []orgUnitRow
	if err := s.db.NewSelect().Model(&units).Column("id", "path").Where("tenant_id = ?", tenantID).Scan(ctx); err != nil {
		return nil, dbErr("org units for obligations", err)
	}
	for _, u := range units {
		p.paths[u.ID] = u.Path
	}
	assigned := map[string]bool{}
	for i := range p.asgs {
		p.byID[p.asgs[i].ID] = &p.asgs[i]
		assigned[p.asgs[i].CourseID] = true
	}
	p.assigned = keys(assigned)
	return p, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// completionFact is a completion: a certificate (RevokedAt set if withdrawn) or a manual
// completion that was not revoked.
type completionFact struct {
	UserID    string     `bun:"user_id"`
	CourseID  string     `bun:"course_id"`
	At        time.Time  `bun:"at"`
	ExpiresAt *time.Time `bun:"expires_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

type userCourse struct {
	UserID   string `bun:"user_id"`
	CourseID string `bun:"course_id"`
}

// obligationFacts are the inputs of a group of people's obligations besides the plan: their
// completion that counts per course, and which courses they have started or are exempt from.
type obligationFacts struct {
	latest           map[userCourse]completionFact
	started, exempts map[userCourse]bool
}

func (s *Store) refreshChunk(ctx context.Context, tenantID string, userIDs, courseIDs []string, plan *obligationPlan) error {
	var users []userRow
	if err := s.db.NewSelect().Model(&users).Column("id", "org_unit_id", "active", "created_at").
		Where("tenant_id = ? AND id IN (?)", tenantID, bun.In(userIDs)).Scan(ctx); err != nil {
		return dbErr("staff for obligations", err)
	}
	inputs := func(table, cols, cond string, dst any) error {
		err := s.db.NewSelect().TableExpr(table).ColumnExpr(cols).
			Where("tenant_id = ? AND user_id IN (?) AND course_id IN (?)", tenantID, bun.In(userIDs), bun.In(plan.assigned)).
			Where(cond).Scan(ctx, dst)
		return dbErr("inputs of obligations ("+table+")", err)
	}
	var certs, manual []completionFact
	var started, exempt []userCourse
	if err := inputs("certificates", "user_id, course_id, issued_at AS at, expires_at, revoked_at", "1 = 1", &certs); err != nil {
		return err
	}
	if err := inputs("manual_completions", "user_id, course_id, completed_at AS at, valid_until AS expires_at", "revoked_at IS NULL", &manual); err != nil {
		return err
	}
	if err := inputs("enrolments", "user_id, course_id", "completed_at IS NULL", &started); err != nil {
		return err
	}
	if err := inputs("exemptions", "user_id, course_id", "revoked_at IS NULL", &exempt); err != nil {
		return err
	}
	var existing []obligationRow
	q := s.db.NewSelect().Model(&existing).Where("user_id IN (?)", bun.In(userIDs))
	if courseIDs != nil {
		q = q.Where("course_id IN (?)", bun.In(courseIDs))
	}
	if err := q.Scan(ctx); err != nil {
		return dbErr("obligations", err)
	}

	// The newest certificate counts, and a revoked newest certificate settles nothing, even if
	// an older one would still hold; a manual completion counts when it is newer.
	latest := map[userCourse]completionFact{}
	newest := func(facts []completionFact) {
		for _, c := range facts {
			k := userCourse{c.UserID, c.CourseID}
			if prev, ok := latest[k]; !ok || c.At.After(prev.At) {
				latest[k] = c
			}
		}
	}
	newest(certs)
	for k, c := range latest {
		if c.RevokedAt != nil {
			delete(latest, k)
		}
	}
	newest(manual)
	want := plan.obligations(tenantID, users, obligationFacts{latest: latest, started: set(started), exempts: set(exempt)}, s.now())

	// Rows that exist and changed are updated; new ones are inserted (under the tenant's lock
	// nobody else writes them meanwhile), which on PostgreSQL goes by COPY: a whole-municipality
	// assignment writes 100,000 new rows.
	var upserts, inserts []obligationRow
	gone := map[string][]string{} // course → users
	for _, old := range existing {
		k := userCourse{old.UserID, old.CourseID}
		if w, ok := want[k]; !ok {
			gone[old.CourseID] = append(gone[old.CourseID], old.UserID)
		} else {
			if !w.same(&old) {
				upserts = append(upserts, *w)
			}
			delete(want, k)
		}
	}
	for _, r := range want {
		inserts = append(inserts, *r)
	}
	for course, users := range gone {
		if _, err := s.db.NewDelete().Model((*obligationRow)(nil)).Where("course_id = ? AND user_id IN (?)", course, bun.In(users)).Exec(ctx); err != nil {
			return dbErr("remove obligations", err)
		}
	}
	for start := 0; start < len(upserts); start += 1000 {
		batch := upserts[start:min(start+1000, len(upserts))]
		if _, err := s.db.NewInsert().Model(&batch).On("CONFLICT (user_id, course_id) DO UPDATE").
			Set("org_unit_id = EXCLUDED.org_unit_id").Set("assignment_id = EXCLUDED.assignment_id").Set("due_at = EXCLUDED.due_at").
			Set("state = EXCLUDED.state").Set("completed_at = EXCLUDED.completed_at").Set("valid_until = EXCLUDED.valid_until").
			Set("updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return dbErr("write obligations", err)
		}
	}
	return s.insertObligations(ctx, inserts)
}

// obligations computes what users owe under the plan, given the facts about them: one row per
// person and assigned course, the earliest due date winning where several assignments reach
// the person. Deactivated people owe nothing.
func (p *obligationPlan) obligations(tenantID string, users []userRow, f obligationFacts, now time.Time) map[userCourse]*obligationRow {
	want := map[userCourse]*obligationRow{}
	for _, u := range users {
		if !u.Active {
			continue // deactivated people owe nothing; their history stays
		}
		path := p.paths[u.OrgUnitID]
		for i := range p.asgs {
			a := &p.asgs[i]
			if !covers(a, u.ID, path) {
				continue
			}
			k := userCourse{u.ID, a.CourseID}
			due := schedule.FirstDue(a.DueDate, a.DueInDays, a.CreatedAt, u.CreatedAt)
			if prev, ok := want[k]; ok && !due.Before(prev.DueAt) {
				continue // several assignments reach the person: the earliest due date counts
			}
			want[k] = &obligationRow{TenantID: tenantID, UserID: u.ID, CourseID: a.CourseID, OrgUnitID: u.OrgUnitID, AssignmentID: a.ID, DueAt: due}
		}
	}
	for k, r := range want {
		r.State, r.UpdatedAt = ObligationOpen, now
		if c, ok := f.latest[k]; ok {
			rec, _ := schedule.Parse(p.byID[r.AssignmentID].Recurrence) // validated when the assignment was made
			at := c.At
			validUntil, nextDue := schedule.Renewal(rec, at, c.ExpiresAt)
			r.CompletedAt, r.ValidUntil, r.State = &at, validUntil, ObligationCompleted
			if nextDue != nil && nextDue.After(r.DueAt) {
				r.DueAt = *nextDue // from now on the date that matters is the renewal
			}
		}
		if f.started[k] {
			r.State = ObligationInProgress // a renewal under way keeps a valid completion (see ObligationStatus)
		}
		if f.exempts[k] {
			r.State = ObligationExempt
		}
	}
	return want
}

// insertObligations writes rows that do not exist yet: with COPY on PostgreSQL, else in
// multi-row INSERTs of 1,000.
func (s *Store) insertObligations(ctx context.Context, rows []obligationRow) error {
	if err := s.copyObligations(ctx, rows); !errors.Is(err, errNoCopy) {
		return dbErr("write obligations", err)
	}
	for start := 0; start < len(rows); start += 1000 {
		batch := rows[start:min(start+1000, len(rows))]
		if _, err := s.db.NewInsert().Model(&batch).Exec(ctx); err != nil {
			return dbErr("write obligations", err)
		}
	}
	return nil
}

// copyObligations writes new obligations with COPY (PostgreSQL).
func (s *Store) copyObligations(ctx context.Context, rows []obligationRow) error {
	if s.conn == nil {
		return errNoCopy
	}
	values := make([][]any, len(rows))
	for i, r := range rows {
		ids, err := copyUUIDs(r.TenantID, r.UserID, r.CourseID, r.OrgUnitID, r.AssignmentID)
		if err != nil {
			return err
		}
		values[i] = []any{ids[0], ids[1], ids[2], ids[3], ids[4], r.DueAt, r.State, r.CompletedAt, r.ValidUntil, r.UpdatedAt}
	}
	return s.copyFrom(ctx, "obligations", []string{"tenant_id", "user_id", "course_id", "org_unit_id", "assignment_id", "due_at", "state", "completed_at", "valid_until", "updated_at"}, values)
}

func set(pairs []userCourse) map[userCourse]bool {
	out := make(map[userCourse]bool, len(pairs))
	for _, p := range pairs {
		out[p] = true
	}
	return out
}

// covers reports whether an assignment reaches a person: the whole municipality, them in
// person, or their org unit or one above it.
func covers(a *Assignment, userID, path string) bool {
	switch {
	case a.UserID != "":
		return a.UserID == userID
	case a.OrgUnitID == "":
		return true
	}
	return path != "" && (path == a.OrgUnitPath || strings.HasPrefix(path, a.OrgUnitPath+"/"))
}

func (s *Store) deleteObligations(ctx context.Context, tenantID string, userIDs, courseIDs []string) error {
	del := func(users []string) error {
		q := s.db.NewDelete().Model((*obligationRow)(nil)).Where("tenant_id = ?", tenantID)
		if users != nil {
			q = q.Where("user_id IN (?)", bun.In(users))
		}
		if courseIDs != nil {
			q = q.Where("course_id IN (?)", bun.In(courseIDs))
		}
		_, err := q.Exec(ctx)
		return dbErr("remove obligations", err)
	}
	if userIDs == nil {
		return del(nil)
	}
	for start := 0; start < len(userIDs); start += refreshChunk {
		if err := del(userIDs[start:min(start+refreshChunk, len(userIDs))]); err != nil {
			return err
		}
	}
	return nil
}

// obligationStarted marks a person's obligation in a course as in progress when they start
// it: one statement on the learner's path instead of a full refresh.
func (s *Store) obligationStarted(ctx context.Context, tenantID, userID, courseID string) error {
	return s.InTx(ctx, func(tx *Store) error {
		// The tenant's refresh lock: a refresh that read the enrolments before this one
		// existed commits its "open" first, and this update then wins (see refreshObligations).
		if err := tx.lockObligations(ctx, tenantID); err != nil {
			return err
		}
		_, err := tx.db.NewUpdate().Model((*obligationRow)(nil)).Set("state = ?", ObligationInProgress).Set("updated_at = ?", tx.now()).
			Where("user_id = ? AND course_id = ? AND state IN (?)", userID, courseID, bun.In([]string{ObligationOpen, ObligationCompleted})).Exec(ctx)
		return dbErr("obligation started", err)
	})
}

// DanglingObligations counts obligations that point to a tenant, person, course, org unit or
// assignment that does not exist, or to a person of another tenant. The table has no foreign
// keys (it is derived; see migration obligations_derived), so the tests check with this that
// the writers never leave such rows; `wachsam obligations check` asks it for operators.
func (s *Store) DanglingObligations(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*obligationRow)(nil)).Where(danglingObligation).Count(ctx)
	return int(n), dbErr("count dangling obligations", err)
}

// DeleteDanglingObligations removes the rows DanglingObligations counts and says how many.
func (s *Store) DeleteDanglingObligations(ctx context.Context) (int, error) {
	res, err := s.db.NewDelete().Model((*obligationRow)(nil)).Where(danglingObligation).Exec(ctx)
	if err != nil {
		return 0, dbErr("delete dangling obligations", err)
	}
	n, err := res.RowsAffected()
	return int(n), dbErr("delete dangling obligations", err)
}

// danglingObligation is the condition of an obligation that points nowhere (over alias ob).
const danglingObligation = `(NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = ob.tenant_id)
 OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = ob.user_id AND u.tenant_id = ob.tenant_id)
 OR NOT EXISTS (SELECT 1 FROM courses c WHERE c.id = ob.course_id)
 OR (ob.org_unit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM org_units o WHERE o.id = ob.org_unit_id AND o.tenant_id = ob.tenant_id))
 OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.id = ob.assignment_id AND a.tenant_id = ob.tenant_id AND a.course_id = ob.course_id))`
