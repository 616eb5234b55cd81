package notify

import (
	"context"
	"fmt"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// reminder fills in a reminder or digest.
func (n *Notifier) reminder(ctx context.Context, ev store.MailEvent, user model.User, tenant model.Tenant, v *view) (string, error) {
	return "", fmt.Errorf("notify: unknown mail kind %q", ev.Kind)
}
