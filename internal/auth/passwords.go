package auth

import (
	"context"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/password"
)

// ChangePassword sets a person's own password once they have given their
// current one. Like any password change it ends all their sessions, the
// one that asked included: they sign in again with the new password.
// A wrong current password is wrong_password (403); the caller counts it
// against the sign-in limits.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next string, e *audit.Entry) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	e.RecordID = u.ID
	ok, err := password.Verify(current, u.PasswordHash)
	if err != nil && current != "" {
		return apperr.Wrap(err, "verify password")
	}
	if !ok {
		return apperr.New(apperr.Forbidden, "wrong_password", "the current password is not right")
	}
	if next == current {
		return apperr.New(apperr.Invalid, "password_unchanged", "the new password is the current one: choose another")
	}
	_, err = s.UpdateUser(ctx, userID, UserRequest{Password: &next}, e)
	return err
}

// ResetPassword gives a person a new random password, for one who has
// forgotten theirs, and returns it: the only time it is shown. It ends
// all their sessions. Their two-factor authentication is kept.
func (s *Service) ResetPassword(ctx context.Context, userID string, e *audit.Entry) (User, string, error) {
	pw, err := newSecret("")
	if err != nil {
		return User{}, "", apperr.Wrap(err, "new password")
	}
	u, err := s.UpdateUser(ctx, userID, UserRequest{Password: &pw}, e)
	if err != nil {
		return User{}, "", err
	}
	return u, pw, nil
}
