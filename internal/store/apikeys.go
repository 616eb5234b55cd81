package store

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

type apiKeyRow struct {
	bun.BaseModel `bun:"table:api_keys,alias:ak"`

	ID         string     `bun:"id,pk"`
	TenantID   string     `bun:"tenant_id"`
	Name       string     `bun:"name"`
	Prefix     string     `bun:"prefix"`
	SecretHash string     `bun:"secret_hash"`
	Scopes     string     `bun:"scopes"` // space-separated
	CreatedBy  string     `bun:"created_by,nullzero"`
	CreatedAt  time.Time  `bun:"created_at"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
	RevokedBy  string     `bun:"revoked_by,nullzero"`

	CreatorName string `bun:"creator_name,scanonly"`
}

func (r *apiKeyRow) model() model.APIKey {
	return model.APIKey{ID: r.ID, TenantID: r.TenantID, Name: r.Name, Prefix: r.Prefix, Scopes: strings.Fields(r.Scopes),
		CreatedByID: r.CreatedBy, CreatedBy: r.CreatorName, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
		LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
}

func (s *Store) selectAPIKeys(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ColumnExpr("ak.*").ColumnExpr("u.name AS creator_name").
		Join("LEFT JOIN users AS u ON u.id = ak.created_by")
}

// CreateAPIKey stores a new key by the hash of its secret; k gets its id and creation time.
func (s *Store) CreateAPIKey(ctx context.Context, k *model.APIKey, secretHash string) error {
	row := apiKeyRow{ID: newID(), TenantID: k.TenantID, Name: k.Name, Prefix: k.Prefix, SecretHash: secretHash,
		Scopes: strings.Join(k.Scopes, " "), CreatedBy: k.CreatedByID, CreatedAt: s.now(), ExpiresAt: k.ExpiresAt}
	if _, err := s.db.NewInsert().Model(&row).Exec(ctx); err != nil {
		return dbErr("create api key", err)
	}
	k.ID, k.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// ListAPIKeys returns the scope's keys, newest first, revoked and expired ones included.
func (s *Store) ListAPIKeys(ctx context.Context, scope Scope) ([]model.APIKey, error) {
	var rows []apiKeyRow
	if err := s.selectAPIKeys(&rows).ApplyQueryBuilder(scope.where("ak.tenant_id")).OrderExpr("ak.created_at DESC, ak.id DESC").Scan(ctx); err != nil {
		return nil, dbErr("list api keys", err)
	}
	out := make([]model.APIKey, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// APIKeyByID finds a key inside the scope.
func (s *Store) APIKeyByID(ctx context.Context, scope Scope, id string) (model.APIKey, error) {
	if err := checkID("api key", id); err != nil {
		return model.APIKey{}, err
	}
	var row apiKeyRow
	err := s.selectAPIKeys(&row).ApplyQueryBuilder(scope.where("ak.tenant_id")).Where("ak.id = ?", id).Scan(ctx)
	return row.model(), dbErr("api key", err)
}

// APIKeyByHash finds a key by the hash of its secret, in whatever state it is (the caller
// decides whether it may still be used).
func (s *Store) APIKeyByHash(ctx context.Context, secretHash string) (model.APIKey, error) {
	var row apiKeyRow
	err := s.selectAPIKeys(&row).Where("ak.secret_hash = ?", secretHash).Scan(ctx)
	return row.model(), dbErr("api key by secret", err)
}

// RevokeAPIKey ends a key at once: the next request with it is refused. Revoking a revoked
// key changes nothing and reports changed = false; a key outside the scope is model.ErrNotFound.
func (s *Store) RevokeAPIKey(ctx context.Context, scope Scope, id, by string) (key model.APIKey, changed bool, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		if key, err = tx.APIKeyByID(ctx, scope, id); err != nil {
			return err
		}
		res, err := tx.db.NewUpdate().Model((*apiKeyRow)(nil)).Set("revoked_at = ?", tx.now()).Set("revoked_by = ?", nullIfEmpty(by)).
			Where("id = ? AND revoked_at IS NULL", id).Exec(ctx)
		if err != nil {
			return dbErr("revoke api key", err)
		}
		n, err := res.RowsAffected()
		changed = n > 0
		if err != nil {
			return dbErr("revoke api key", err)
		}
		key, err = tx.APIKeyByID(ctx, scope, id)
		return err
	})
	return key, changed, err
}

// TouchAPIKey records that a key was used at, at most once per interval: a busy HR system
// does not turn every read into a write.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time, interval time.Duration) error {
	_, err := s.db.NewUpdate().Model((*apiKeyRow)(nil)).Set("last_used_at = ?", at).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, at.Add(-interval)).Exec(ctx)
	return dbErr("note api key use", err)
}
