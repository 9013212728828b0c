package httpapi

import (
	"context"
	"net/http"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
)

// passwordChange is the body of POST /v1/users/me/password.
type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword sets the caller's own password (POST
// /v1/users/me/password). The current password is guessed against the
// account's sign-in limits, as at sign-in: a stolen session must not try
// passwords without end. All the person's sessions end, this one too.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p, err := needUser(r)
	if err != nil {
		return err
	}
	if p.MFAPending {
		return errMFARequired
	}
	var in passwordChange
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if in.CurrentPassword == "" || in.NewPassword == "" {
		return apperr.New(apperr.Invalid, "password_fields_required", "give current_password and new_password")
	}
	u, err := s.tokens.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	account := "acct:" + s.tokens.AccountKey(u.Email)
	release, err := s.beginPasswordCheck(account, "", "too many failed password attempts; try again later")
	if err != nil {
		return err
	}
	defer release()
	err = audited(r, func(e *audit.Entry) error {
		return s.tokens.ChangePassword(r.Context(), p.UserID, in.CurrentPassword, in.NewPassword, e)
	})
	if err != nil {
		if apperr.CodeOf(err) == "wrong_password" {
			s.passwordFailed(r, account, "", "user:"+p.UserID)
		}
		return err
	}
	s.guard.Succeed(account, "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resetPassword gives a person a new random password (POST
// /v1/users/{id}/password), shown in this answer only, ends their
// sessions and revokes the API tokens they made: a reset follows a lost
// password, or an account taken over. As for any change to a person, the
// caller must be able to manage the person's role; and not be the person,
// who changes their own password with the current one.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var none struct{}
	if err := decodeOptional(r, &none); err != nil {
		return err
	}
	current, err := s.tokens.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	if err := s.checkManage(r.Context(), p, current.Role, "person"); err != nil {
		return err
	}
	self, err := s.actsFor(r.Context(), p, current.ID)
	if err != nil {
		return err
	}
	if self {
		// A stolen session, or a token it made, must not set its victim's
		// password without the current one (QA).
		return apperr.New(apperr.Forbidden, "own_password", "to change your own password, give your current one: POST /v1/users/me/password")
	}
	var u auth.User
	var pw string
	err = audited(r, func(e *audit.Entry) (err error) {
		u, pw, err = s.tokens.ResetPassword(r.Context(), current.ID, e)
		return err
	})
	if err != nil {
		return err
	}
	revoked, err := s.revokeTokensOf(r, current.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u, "new_password": pw, "revoked_tokens": revoked})
	return nil
}

// actsFor reports whether p is the person userID: their session, or an
// API token they made (directly or through tokens they made).
func (s *Server) actsFor(ctx context.Context, p *auth.Principal, userID string) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.Kind == auth.KindUser {
		return p.UserID == userID, nil
	}
	tokens, err := s.tokens.List(ctx)
	if err != nil {
		return false, err
	}
	for _, t := range tokens {
		if t.ID == p.TokenID {
			return auth.Maker(t, tokens) == "user:"+userID, nil
		}
	}
	return false, nil
}
