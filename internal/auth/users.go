package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/freetext"
	"custodia/internal/mfa"
	"custodia/internal/password"
)

// UserRequest is the body of POST /v1/users and PATCH /v1/users/{id}.
// On PATCH, absent fields keep their values.
type UserRequest struct {
	Email       string  `json:"email"`
	DisplayName *string `json:"display_name"`
	Role        *Role   `json:"role"`
	// Password is optional on create: without one a random initial
	// password is generated and returned once.
	Password *string `json:"password"`
	Disabled *bool   `json:"disabled"`
}

// CreateUser adds a person. It returns the generated initial password when
// the request did not set one.
func (s *Service) CreateUser(ctx context.Context, req UserRequest, e *audit.Entry) (User, string, error) {
	email := NormalizeEmail(req.Email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return User{}, "", apperr.New(apperr.Invalid, "invalid_email", "a person needs a valid e-mail address")
	}
	if req.Role == nil {
		return User{}, "", apperr.New(apperr.Invalid, "invalid_role", "a person needs a role")
	}
	if err := s.checkRole(ctx, *req.Role); err != nil {
		return User{}, "", err
	}
	name := ""
	if req.DisplayName != nil {
		name = strings.TrimSpace(*req.DisplayName)
	}
	if name == "" || utf8.RuneCountInString(name) > 200 || !printable(name) {
		return User{}, "", apperr.New(apperr.Invalid, "invalid_display_name", "a person needs a display_name of 1 to 200 characters, without control characters")
	}
	generated := ""
	pw := ""
	if req.Password != nil {
		pw = *req.Password
	} else {
		var err error
		if generated, err = newSecret(""); err != nil {
			return User{}, "", apperr.Wrap(err, "initial password")
		}
		pw = generated
	}
	if err := checkPassword(pw, email); err != nil {
		return User{}, "", err
	}
	h, err := password.Hash(pw)
	if err != nil {
		return User{}, "", apperr.Wrap(err, "hash password")
	}
	now := s.Now().UTC()
	u := User{ID: NewID("usr_"), Email: email, DisplayName: name, Role: *req.Role, PasswordHash: h, CreatedAt: now, UpdatedAt: now}
	if req.Disabled != nil && *req.Disabled {
		u.DisabledAt = &now // created ahead of a start date, say: no sign-in until enabled
	}
	e.RecordID = u.ID
	if err := s.store.CreateUser(ctx, u, e); err != nil {
		return User{}, "", err
	}
	return u, generated, nil
}

func (s *Service) checkRole(ctx context.Context, r Role) error {
	info, err := s.roles.RoleInfo(ctx, string(r))
	if err != nil {
		return err
	}
	if !info.Exists {
		return apperr.New(apperr.Invalid, "invalid_role", "role must be a built-in role or one defined under /v1/roles")
	}
	return nil
}

// after is the time of a write of a row last written at prev: now, or
// just after prev when the clock has not moved past it, so that every
// write changes updated_at (UpdateUser compares it).
func (s *Service) after(prev time.Time) time.Time {
	now := s.Now().UTC().Truncate(time.Microsecond)
	if !now.After(prev) {
		now = prev.Add(time.Microsecond)
	}
	return now
}

// ErrUserChanged is a UserStore's answer to a write of a person whose row
// another request changed since it was read.
var ErrUserChanged = apperr.New(apperr.Conflict, "user_changed", "the person was changed by another request at the same moment; try again")

// maxUserRetries bounds the re-reads of a person changed meanwhile.
const maxUserRetries = 5

// UpdateUser changes a person's display name, role, password or disabled
// state. Changing the role or password, or disabling, ends their sessions.
// The change is applied to the row as stored when it is written: a
// concurrent change (an offboarding, a demotion) is never overwritten by
// this one's older copy, which is read again and the request re-applied.
func (s *Service) UpdateUser(ctx context.Context, id string, req UserRequest, e *audit.Entry) (User, error) {
	// The password is checked and hashed first: argon2 takes long, and
	// the row is read and written after it, within one short step.
	var hash string
	if req.Password != nil {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return User{}, err
		}
		if err := checkPassword(*req.Password, u.Email); err != nil {
			return User{}, err
		}
		if hash, err = password.Hash(*req.Password); err != nil {
			return User{}, apperr.Wrap(err, "hash password")
		}
	}
	for attempt := 0; ; attempt++ {
		u, endSessions, enabled, err := s.applyUserRequest(ctx, id, req, hash, e)
		if errors.Is(err, ErrUserChanged) && attempt < maxUserRetries {
			continue
		}
		if err != nil {
			return User{}, err
		}
		if enabled {
			s.Forget() // the person's tokens, refused while disabled, work again
		}
		if endSessions {
			if err := s.store.RevokeUserSessions(ctx, u.ID, u.UpdatedAt); err != nil {
				return User{}, err
			}
			s.Forget()
		}
		return u, nil
	}
}

// changes reports whether applying req turned before into after.
func (req UserRequest) changes(before, after User) bool {
	return req.Password != nil || after.DisplayName != before.DisplayName || after.Role != before.Role ||
		(after.DisabledAt == nil) != (before.DisabledAt == nil)
}

// applyUserRequest reads the person, applies req (hash: the new password's,
// hashed) and writes the row if no one changed it meanwhile.
func (s *Service) applyUserRequest(ctx context.Context, id string, req UserRequest, hash string, e *audit.Entry) (u User, endSessions, enabled bool, err error) {
	if u, err = s.store.UserByID(ctx, id); err != nil {
		return User{}, false, false, err
	}
	prev := u.UpdatedAt
	e.RecordID = u.ID
	if req.Email != "" && NormalizeEmail(req.Email) != u.Email {
		return User{}, false, false, apperr.New(apperr.Invalid, "email_immutable", "a person's e-mail address cannot change; create a new account")
	}
	before := u
	if req.DisplayName != nil {
		name := strings.TrimSpace(*req.DisplayName)
		if name == "" || utf8.RuneCountInString(name) > 200 || !printable(name) {
			return User{}, false, false, apperr.New(apperr.Invalid, "invalid_display_name", "a display name has 1 to 200 characters")
		}
		u.DisplayName = name
	}
	if req.Role != nil && *req.Role != u.Role {
		if err := s.checkRole(ctx, *req.Role); err != nil {
			return User{}, false, false, err
		}
		u.Role, endSessions = *req.Role, true
	}
	if req.Password != nil {
		u.PasswordHash, endSessions = hash, true
	}
	now := s.after(prev)
	if req.Disabled != nil {
		switch {
		case *req.Disabled && u.DisabledAt == nil:
			u.DisabledAt, endSessions = &now, true
		case !*req.Disabled && u.DisabledAt != nil:
			u.DisabledAt, enabled = nil, true
		}
	}
	if !req.changes(before, u) {
		return before, false, false, nil // nothing to write: no new version to race others' writes
	}
	u.UpdatedAt = now
	if err := s.store.UpdateUser(ctx, u, prev, e); err != nil {
		return User{}, false, false, err
	}
	return u, endSessions, enabled, nil
}

// User returns a person.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	return s.store.UserByID(ctx, id)
}

// Users lists people.
func (s *Service) Users(ctx context.Context) ([]User, error) { return s.store.ListUsers(ctx) }

// TOTPEnrollment is the answer to starting TOTP enrolment.
type TOTPEnrollment struct {
	Secret   string `json:"secret"`
	URI      string `json:"otpauth_uri"`
	QRPNG    []byte `json:"qr_png"` // base64 in JSON
	QRPNGURL string `json:"qr_png_url"`
}

// StartTOTP begins TOTP enrolment: a new seed, kept pending until a code
// from it is confirmed. A confirmed factor is only replaced by confirming
// a new one, and only after the person gives currentPassword.
func (s *Service) StartTOTP(ctx context.Context, userID, currentPassword string, e *audit.Entry) (TOTPEnrollment, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return TOTPEnrollment{}, err
	}
	// Replacing an authenticator in use takes the password too: a stolen
	// session alone must not move the second factor to another device.
	if u.MFAEnabled {
		ok, err := password.Verify(currentPassword, u.PasswordHash)
		if err != nil && currentPassword != "" {
			return TOTPEnrollment{}, apperr.Wrap(err, "verify password")
		}
		if !ok {
			return TOTPEnrollment{}, apperr.New(apperr.Forbidden, "password_required", "two-factor authentication is on: give your current password ({\"password\": …}) to enrol another authenticator")
		}
	}
	en, err := mfa.NewTOTP(s.Issuer, u.Email)
	if err != nil {
		return TOTPEnrollment{}, err // already an apperr: invalid label or internal
	}
	if u.TOTPPending, err = s.sealSeed(u.ID, en.Secret); err != nil {
		return TOTPEnrollment{}, err
	}
	prev := u.UpdatedAt
	u.UpdatedAt = s.after(prev)
	if err := s.store.UpdateUser(ctx, u, prev, e); err != nil {
		return TOTPEnrollment{}, err
	}
	return TOTPEnrollment{Secret: en.Secret, URI: en.URI, QRPNG: en.QRPNG, QRPNGURL: "/v1/users/me/totp/qr.png"}, nil
}

// PendingTOTPQR returns the QR code PNG of the pending enrolment.
func (s *Service) PendingTOTPQR(ctx context.Context, userID string) ([]byte, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.TOTPPending == nil {
		return nil, apperr.New(apperr.NotFound, "no_pending_enrollment", "start an enrolment with POST /v1/users/me/totp first")
	}
	seed, err := s.openSeed(u.ID, u.TOTPPending)
	if err != nil {
		return nil, err
	}
	return mfa.QRCode(s.Issuer, u.Email, seed)
}

// ConfirmTOTP activates the pending seed when code matches it, marks the
// calling session as having passed MFA, and returns fresh one-time
// recovery codes (shown only here; only their hashes are stored).
func (s *Service) ConfirmTOTP(ctx context.Context, userID, sessionID, code string, e *audit.Entry) ([]string, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.TOTPPending == nil {
		return nil, apperr.New(apperr.Conflict, "no_pending_enrollment", "start an enrolment with POST /v1/users/me/totp first")
	}
	if err := s.checkTOTP(ctx, u.ID, u.TOTPPending, u.TOTPLastStep, code); err != nil {
		return nil, err
	}
	codes, err := mfa.NewRecoveryCodes(10)
	if err != nil {
		return nil, apperr.Wrap(err, "recovery codes")
	}
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = s.recoveryHash(u.ID, c)
	}
	if err := s.store.ReplaceRecoveryCodes(ctx, u.ID, hashes, nil); err != nil {
		return nil, err
	}
	u, err = s.store.UserByID(ctx, userID) // AdvanceTOTPStep moved the step
	if err != nil {
		return nil, err
	}
	prev := u.UpdatedAt
	u.TOTPSecret, u.TOTPPending, u.MFAEnabled, u.UpdatedAt = u.TOTPPending, nil, true, s.after(prev)
	if err := s.store.UpdateUser(ctx, u, prev, e); err != nil {
		return nil, err
	}
	if sessionID != "" {
		if err := s.store.SetSessionMFA(ctx, sessionID); err != nil {
			return nil, err
		}
	}
	s.Forget()
	return codes, nil
}

// SetUserBlocked blocks or unblocks a person (after a bulk-read alert).
func (s *Service) SetUserBlocked(ctx context.Context, id string, blocked bool) error {
	for attempt := 0; ; attempt++ {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		prev := u.UpdatedAt
		now := s.after(prev)
		u.BlockedAt = nil
		if blocked {
			u.BlockedAt = &now
		}
		u.UpdatedAt = now
		err = s.store.UpdateUser(ctx, u, prev, nil)
		if errors.Is(err, ErrUserChanged) && attempt < maxUserRetries {
			continue
		}
		if err != nil {
			return err
		}
		s.Forget()
		return nil
	}
}

// SetTokenBlocked blocks or unblocks a token.
func (s *Service) SetTokenBlocked(ctx context.Context, id string, blocked bool) error {
	var at *time.Time
	if blocked {
		now := s.Now().UTC()
		at = &now
	}
	if err := s.store.SetTokenBlocked(ctx, id, at); err != nil {
		return err
	}
	s.Forget()
	return nil
}

// AccountKey is an opaque key for counting failed sign-ins of an e-mail
// address without keeping the address.
func (s *Service) AccountKey(email string) string {
	return base64.RawURLEncoding.EncodeToString(s.key.MAC([]byte("login-account"), []byte(NormalizeEmail(email)))[:12])
}

// TrainingStore is the storage training records need.
type TrainingStore interface {
	AddTraining(ctx context.Context, t TrainingRecord, e *audit.Entry) error
}

// AddTraining records a completed privacy training for a person named by
// id or e-mail address.
func (s *Service) AddTraining(ctx context.Context, person, course string, completed time.Time, expires *time.Time, by string, e *audit.Entry) (TrainingRecord, error) {
	u, err := s.store.UserByID(ctx, person)
	if apperr.IsNotFound(err) {
		u, err = s.store.UserByEmail(ctx, NormalizeEmail(person))
	}
	if err != nil {
		if apperr.IsNotFound(err) {
			return TrainingRecord{}, apperr.New(apperr.Invalid, "unknown_person", "person must be the id or e-mail address of a person")
		}
		return TrainingRecord{}, err
	}
	course = strings.TrimSpace(course)
	if course == "" || utf8.RuneCountInString(course) > 200 {
		return TrainingRecord{}, apperr.New(apperr.Invalid, "invalid_course", "course is required (1 to 200 characters)")
	}
	if err := freetext.Check("course", course); err != nil {
		return TrainingRecord{}, err
	}
	now := s.Now().UTC()
	if completed.IsZero() || completed.After(now.Add(time.Minute)) {
		return TrainingRecord{}, apperr.New(apperr.Invalid, "invalid_completed_at", "completed_at is required and cannot be in the future")
	}
	if expires != nil && !expires.After(completed) {
		return TrainingRecord{}, apperr.New(apperr.Invalid, "invalid_expires_at", "expires_at must be after completed_at")
	}
	t := TrainingRecord{ID: NewID("trn_"), UserID: u.ID, Course: course, CompletedAt: completed.UTC(), ExpiresAt: expires, RecordedBy: by, CreatedAt: now}
	e.RecordID = u.ID
	ts, ok := s.store.(TrainingStore)
	if !ok {
		return TrainingRecord{}, apperr.New(apperr.Internal, "internal", "training records are not supported by this store")
	}
	if err := ts.AddTraining(ctx, t, e); err != nil {
		return TrainingRecord{}, err
	}
	s.Forget()
	return t, nil
}

// checkPassword is password.CheckStrength, and refuses the person's own
// e-mail address or its local part as the password: the first guess.
func checkPassword(pw, email string) error {
	if err := password.CheckStrength(pw); err != nil {
		return err
	}
	local, _, _ := strings.Cut(email, "@")
	if p := strings.TrimSpace(pw); strings.EqualFold(p, email) || len(local) > 0 && strings.EqualFold(p, local) {
		return apperr.New(apperr.Invalid, "password_is_email", "the password may not be the e-mail address or its part before the @")
	}
	return nil
}

// printable reports whether s holds no control characters.
func printable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
