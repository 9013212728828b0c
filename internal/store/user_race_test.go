package store_test

import (
	"context"
	"sync"
	"testing"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/keys"
	"custodia/internal/store"
)

// interleaving is the real store with a hook run once, right after the
// first read of a person: another request's write lands between this
// request's read and its write, as it can while a password is hashed.
type interleaving struct {
	*store.DB
	once sync.Once
	hook func()
}

func (s *interleaving) UserByID(ctx context.Context, id string) (auth.User, error) {
	u, err := s.DB.UserByID(ctx, id)
	s.once.Do(s.hook)
	return u, err
}

// TestUserUpdateKeepsAConcurrentChange: a password change whose read of
// the person is followed by another request's disabling of them keeps the
// disabling (QA: the change wrote back the row it had read, re-enabling
// an offboarded person).
func TestUserUpdateKeepsAConcurrentChange(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := mustUser(t, e.db, "leaver@example.com", "auditor")
		secret, err := keys.NewRandomSecret(32)
		if err != nil {
			t.Fatal(err)
		}
		st := &interleaving{DB: e.db}
		svc := auth.NewService(st, secret, secret, nil)
		other := auth.NewService(e.db, secret, secret, nil)
		st.hook = func() {
			if _, err := other.UpdateUser(ctx, u.ID, auth.UserRequest{Disabled: new(true)}, &audit.Entry{Actor: "test", Action: "user.update"}); err != nil {
				t.Errorf("the concurrent disable: %v", err)
			}
		}
		pw := "a new and long password"
		if _, err := svc.UpdateUser(ctx, u.ID, auth.UserRequest{Password: &pw}, &audit.Entry{Actor: "test", Action: "user.password_change"}); err != nil {
			t.Fatal(err)
		}
		got, err := e.db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DisabledAt == nil {
			t.Error("the concurrent disabling was undone by the password change")
		}
		if got.PasswordHash == u.PasswordHash {
			t.Error("the password did not change")
		}
		if !got.UpdatedAt.After(u.UpdatedAt) {
			t.Errorf("updated_at %v did not move on from %v", got.UpdatedAt, u.UpdatedAt)
		}
	})
}
