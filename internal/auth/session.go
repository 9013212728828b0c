package auth

import (
	"context"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/mfa"
	"custodia/internal/password"
)

// The errors of signing in. Unknown e-mail and wrong password give the same
// answer, so the API does not reveal which accounts exist.
var (
	errBadLogin       = apperr.New(apperr.Unauthenticated, "invalid_credentials", "the e-mail address or password is wrong")
	errMFACodeMissing = apperr.New(apperr.Unauthenticated, "mfa_code_required", "this account has two-factor authentication: send totp_code (or a recovery_code)")
	errUserDisabled   = apperr.New(apperr.Unauthenticated, "invalid_credentials", "the e-mail address or password is wrong")
)

// LoginRequest is the body of POST /v1/sessions.
type LoginRequest struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	TOTPCode     string `json:"totp_code"`
	RecoveryCode string `json:"recovery_code"`
}

// LoginResult is a new session; Token is shown only here.
type LoginResult struct {
	Token     string    `json:"token"`
	SessionID string    `json:"session_id"`
	UserID    string    `json:"user_id"`
	Role      Role      `json:"role"`
	MFA       bool      `json:"mfa"`
	ExpiresAt time.Time `json:"expires_at"`
	// MFAEnrollmentRequired is set when the role requires MFA and the person
	// has not enrolled: the session can only enrol (POST /v1/users/me/totp).
	MFAEnrollmentRequired bool `json:"mfa_enrollment_required,omitempty"`
}

// Login checks a person's password and second factor and opens a session.
// The returned user id (also on failure when the e-mail matched an
// account) lets the caller count failures per account.
func (s *Service) Login(ctx context.Context, req LoginRequest, e *audit.Entry) (LoginResult, string, error) {
	email := NormalizeEmail(req.Email)
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		if apperr.IsNotFound(err) {
			password.VerifyDummy(req.Password) // same time as a real check
			return LoginResult{}, "", errBadLogin
		}
		return LoginResult{}, "", err
	}
	ok, err := password.Verify(req.Password, u.PasswordHash)
	if err != nil {
		return LoginResult{}, u.ID, apperr.Wrap(err, "password hash")
	}
	if !ok {
		return LoginResult{}, u.ID, errBadLogin
	}
	if u.DisabledAt != nil {
		return LoginResult{}, u.ID, errUserDisabled
	}
	if u.BlockedAt != nil {
		return LoginResult{}, u.ID, ErrBlocked
	}
	passedMFA := false
	if u.TOTPSecret != nil {
		if err := s.secondFactor(ctx, u, req); err != nil {
			return LoginResult{}, u.ID, err
		}
		passedMFA = true
	}
	info, err := s.roles.RoleInfo(ctx, string(u.Role))
	if err != nil {
		return LoginResult{}, u.ID, err
	}
	secret, err := newSecret(SessionPrefix)
	if err != nil {
		return LoginResult{}, u.ID, apperr.Wrap(err, "session secret")
	}
	now := s.Now().UTC()
	sess := Session{ID: NewID("ses_"), UserID: u.ID, SecretHash: s.hash(secret), MFA: passedMFA, CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL)}
	e.Actor = "user:" + u.ID
	if err := s.store.CreateSession(ctx, sess, e); err != nil {
		return LoginResult{}, u.ID, err
	}
	return LoginResult{Token: secret, SessionID: sess.ID, UserID: u.ID, Role: u.Role, MFA: passedMFA, ExpiresAt: sess.ExpiresAt,
		MFAEnrollmentRequired: info.MFARequired && !passedMFA}, u.ID, nil
}

// secondFactor checks a TOTP code (once per time step) or uses up a
// recovery code.
func (s *Service) secondFactor(ctx context.Context, u User, req LoginRequest) error {
	switch {
	case strings.TrimSpace(req.TOTPCode) != "":
		return s.checkTOTP(ctx, u.ID, u.TOTPSecret, u.TOTPLastStep, req.TOTPCode)
	case strings.TrimSpace(req.RecoveryCode) != "":
		used, err := s.store.UseRecoveryCode(ctx, u.ID, s.recoveryHash(u.ID, req.RecoveryCode), s.Now().UTC())
		if err != nil {
			return err
		}
		if !used {
			return apperr.New(apperr.Unauthenticated, "mfa_code_invalid", "the recovery code is wrong or was already used")
		}
		return nil
	}
	return errMFACodeMissing
}

func (s *Service) checkTOTP(ctx context.Context, userID string, sealed []byte, lastStep int64, code string) error {
	seed, err := s.openSeed(userID, sealed)
	if err != nil {
		return err
	}
	step, err := mfa.ValidateTOTP(seed, code, s.Now(), lastStep)
	if err != nil {
		return err
	}
	advanced, err := s.store.AdvanceTOTPStep(ctx, userID, step)
	if err != nil {
		return err
	}
	if !advanced { // another request used this step first
		return mfa.ErrReplayed
	}
	return nil
}

func (s *Service) recoveryHash(userID, code string) []byte {
	return s.key.MAC([]byte("recovery"), []byte(userID), []byte(mfa.NormalizeRecoveryCode(code)))
}

func (s *Service) sealSeed(userID, seed string) ([]byte, error) {
	b, err := s.account.Seal([]byte(seed), []byte("custodia/totp/v1|"+userID))
	if err != nil {
		return nil, apperr.Wrap(err, "seal TOTP seed")
	}
	return b, nil
}

func (s *Service) openSeed(userID string, sealed []byte) (string, error) {
	b, err := s.account.Open(sealed, []byte("custodia/totp/v1|"+userID))
	if err != nil {
		return "", apperr.Wrap(err, "open TOTP seed")
	}
	return string(b), nil
}

// Logout revokes a session.
func (s *Service) Logout(ctx context.Context, sessionID string, e *audit.Entry) error {
	if err := s.store.RevokeSession(ctx, sessionID, s.Now().UTC(), e); err != nil {
		return err
	}
	s.Forget()
	return nil
}

func (s *Service) sessionPrincipal(ctx context.Context, h []byte, now time.Time) (*Principal, *time.Time, error) {
	sess, err := s.store.SessionByHash(ctx, h)
	if err != nil {
		if apperr.IsNotFound(err) {
			return nil, nil, errBadToken
		}
		return nil, nil, err
	}
	if !sess.Active(now) {
		return nil, nil, nil
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.DisabledAt != nil {
		return nil, nil, nil
	}
	if u.BlockedAt != nil {
		return nil, nil, ErrBlocked
	}
	info, err := s.roles.RoleInfo(ctx, string(u.Role))
	if err != nil {
		return nil, nil, err
	}
	p := &Principal{Kind: KindUser, UserID: u.ID, SessionID: sess.ID, Name: u.ID, Role: u.Role}
	if info.Exists {
		p.can = info.Can
	}
	p.MFAPending = info.MFARequired && !sess.MFA
	if info.TrainingRequired {
		current, any, err := s.store.TrainingState(ctx, u.ID, now)
		if err != nil {
			return nil, nil, err
		}
		p.TrainingLapsed = !current
		p.TrainingMissing = !any
	}
	exp := sess.ExpiresAt
	return p, &exp, nil
}

// NormalizeEmail is the form e-mail addresses of people are stored in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
