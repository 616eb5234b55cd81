package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

type refreshTokenRow struct {
	bun.BaseModel `bun:"table:refresh_tokens,alias:rt"`

	ID        string     `bun:"id,pk"`
	UserID    string     `bun:"user_id"`
	FamilyID  string     `bun:"family_id"`
	TokenHash string     `bun:"token_hash"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	RotatedAt *time.Time `bun:"rotated_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

// RefreshOutcome says what became of a presented refresh token.
type RefreshOutcome int

const (
	// RefreshRotated: the token was valid; it is now spent and a successor is stored.
	RefreshRotated RefreshOutcome = iota
	// RefreshInvalid: unknown, expired or revoked.
	RefreshInvalid
	// RefreshReused: the token had been rotated already — a sign it was stolen; its whole
	// family (every token of that login) is now revoked.
	RefreshReused
	// RefreshRaced: the token was rotated moments ago (within RefreshGrace), typically by a
	// second browser tab reloading at the same time. Refused, but the session lives on.
	RefreshRaced
)

// RefreshGrace is how long after its rotation a refresh token counts as raced rather than
// reused. It trades a few seconds in which a thief's replay goes unnoticed for not signing out
// users who reload two tabs at once.
const RefreshGrace = 10 * time.Second

// StoreRefreshToken records the hash of a new refresh token. familyID "" starts a new family
// (a new login); the family's id is returned.
func (s *Store) StoreRefreshToken(ctx context.Context, userID, familyID, hash string, expires time.Time) (string, error) {
	if familyID == "" {
		familyID = newID()
	}
	row := refreshTokenRow{ID: newID(), UserID: userID, FamilyID: familyID, TokenHash: hash, CreatedAt: s.now(), ExpiresAt: expires}
	_, err := s.db.NewInsert().Model(&row).Exec(ctx)
	return familyID, dbErr("store refresh token", err)
}

// RotateRefreshToken spends the token with oldHash and stores newHash in its place. The
// conditional UPDATE makes the check-and-spend atomic, so of two concurrent uses exactly one
// wins; the other counts as a race (RefreshRaced), not as theft.
func (s *Store) RotateRefreshToken(ctx context.Context, oldHash, newHash string, expires time.Time) (userID string, outcome RefreshOutcome, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		var old refreshTokenRow
		if err := tx.db.NewSelect().Model(&old).Where("token_hash = ?", oldHash).Scan(ctx); err != nil {
			if isNotFound(dbErr("", err)) {
				outcome = RefreshInvalid
				return nil
			}
			return dbErr("find refresh token", err)
		}
		now := tx.now()
		userID = old.UserID
		switch {
		case old.RevokedAt != nil || !now.Before(old.ExpiresAt):
			outcome = RefreshInvalid
			return nil
		case old.RotatedAt != nil && now.Sub(*old.RotatedAt) < RefreshGrace:
			outcome = RefreshRaced
			return nil
		case old.RotatedAt != nil:
			outcome = RefreshReused
			return tx.revokeWhere(ctx, "family_id = ?", old.FamilyID)
		}
		res, err := tx.db.NewUpdate().Model((*refreshTokenRow)(nil)).Set("rotated_at = ?", now).
			Where("id = ? AND rotated_at IS NULL AND revoked_at IS NULL", old.ID).Exec(ctx)
		if err != nil {
			return dbErr("spend refresh token", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			outcome = RefreshRaced // a concurrent request spent it a moment ago
			return nil
		}
		outcome = RefreshRotated
		_, err = tx.StoreRefreshToken(ctx, old.UserID, old.FamilyID, newHash, expires)
		return err
	})
	return userID, outcome, err
}

// RevokeRefreshFamily ends the login the token belongs to (logout). Unknown tokens are ignored:
// logging out twice is not an error.
func (s *Store) RevokeRefreshFamily(ctx context.Context, hash string) error {
	var row refreshTokenRow
	err := s.db.NewSelect().Model(&row).Column("family_id").Where("token_hash = ?", hash).Scan(ctx)
	if err = dbErr("find refresh token", err); err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return s.revokeWhere(ctx, "family_id = ?", row.FamilyID)
}

// RevokeUserTokens ends every login of a user (deactivation, password change).
func (s *Store) RevokeUserTokens(ctx context.Context, userID string) error {
	return s.revokeWhere(ctx, "user_id = ?", userID)
}

func (s *Store) revokeWhere(ctx context.Context, where string, arg any) error {
	_, err := s.db.NewUpdate().Model((*refreshTokenRow)(nil)).Set("revoked_at = ?", s.now()).
		Where(where, arg).Where("revoked_at IS NULL").Exec(ctx)
	return dbErr("revoke refresh tokens", err)
}

type passwordTokenRow struct {
	bun.BaseModel `bun:"table:password_tokens,alias:pt"`

	ID        string     `bun:"id,pk"`
	UserID    string     `bun:"user_id"`
	TokenHash string     `bun:"token_hash"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// StorePasswordToken records the hash of a set-password link's token.
func (s *Store) StorePasswordToken(ctx context.Context, userID, hash string, expires time.Time) error {
	row := passwordTokenRow{ID: newID(), UserID: userID, TokenHash: hash, CreatedAt: s.now(), ExpiresAt: expires}
	_, err := s.db.NewInsert().Model(&row).Exec(ctx)
	return dbErr("store password token", err)
}

// PasswordTokenUser returns the user of an unused, unexpired set-password token without
// spending it (to show the form).
func (s *Store) PasswordTokenUser(ctx context.Context, hash string) (string, error) {
	var row passwordTokenRow
	err := s.db.NewSelect().Model(&row).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, s.now()).Scan(ctx)
	return row.UserID, dbErr("password token", err)
}

// UsePasswordToken spends a set-password token and sets the new password hash in one
// transaction; a used or expired token is model.ErrNotFound. Every other open link of the user
// is spent too, and every login ended.
func (s *Store) UsePasswordToken(ctx context.Context, hash, passwordHash string) (string, error) {
	var userID string
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		if userID, err = tx.PasswordTokenUser(ctx, hash); err != nil {
			return err
		}
		now := tx.now()
		if _, err := tx.db.NewUpdate().Model((*passwordTokenRow)(nil)).Set("used_at = ?", now).
			Where("user_id = ? AND used_at IS NULL", userID).Exec(ctx); err != nil {
			return dbErr("spend password token", err)
		}
		if err := tx.SetPasswordHash(ctx, userID, passwordHash); err != nil {
			return err
		}
		return tx.RevokeUserTokens(ctx, userID)
	})
	return userID, err
}
