package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/wachsam/wachsam/internal/store"
)

// Invite queues an invitation with a set-password link for each user, in st's transaction
// when it is one (an import's, so that invitations exist exactly when the people do). Each
// call is a new event: sending an invitation again is a deliberate act of HR.
func (n *Notifier) Invite(ctx context.Context, st *store.Store, tenantID string, userIDs ...string) error {
	if !n.Enabled() {
		return ErrDisabled
	}
	if len(userIDs) == 0 {
		return nil
	}
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	return st.InTx(ctx, func(tx *store.Store) error {
		events := make([]*store.MailEvent, len(userIDs))
		for i, id := range userIDs {
			events[i] = &store.MailEvent{TenantID: tenantID, UserID: id, Kind: KindInvitation,
				EventKey: fmt.Sprintf("%s:%s:%s", KindInvitation, id, hex.EncodeToString(nonce))}
		}
		if err := tx.InsertMailEvents(ctx, events); err != nil {
			return err
		}
		params := make([]river.InsertManyParams, len(events))
		for i, e := range events {
			params[i] = river.InsertManyParams{Args: sendArgs{EventID: e.ID}}
		}
		for start := 0; start < len(params); start += 1000 {
			if _, err := n.client.InsertManyFastTx(ctx, tx.SQLTx(), params[start:min(start+1000, len(params))]); err != nil {
				return fmt.Errorf("queue invitations: %w", err)
			}
		}
		return nil
	})
}
