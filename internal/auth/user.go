package auth

import (
	"context"
	"time"

	"custodia/internal/audit"
)

// SessionPrefix starts every session secret, as TokenPrefix does tokens.
const SessionPrefix = "css_"

// User is a person who signs in. Secrets are never serialised.
type User struct {
	ID           string     `json:"id"`
	Email        string     `json:"email"`
	DisplayName  string     `json:"display_name"`
	Role         Role       `json:"role"`
	MFAEnabled   bool       `json:"mfa_enabled"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
	BlockedAt    *time.Time `json:"blocked_at,omitempty"`
	PasswordHash string     `json:"-"`
	TOTPSecret   []byte     `json:"-"` // sealed; nil until enrolment is confirmed
	TOTPPending  []byte     `json:"-"` // sealed; an enrolment awaiting confirmation
	TOTPLastStep int64      `json:"-"` // the last TOTP time step accepted
}

// Session is a signed-in person's bearer credential (its secret's hash).
type Session struct {
	ID         string
	UserID     string
	SecretHash []byte
	MFA        bool // the sign-in passed a second factor
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// UserStore is the storage people and sessions need.
type UserStore interface {
	CreateUser(ctx context.Context, u User, e *audit.Entry) error
	UserByID(ctx context.Context, id string) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	// UpdateUser writes the user's mutable columns, if the stored row is
	// still the one read, whose updated_at was prev; else ErrUserChanged.
	UpdateUser(ctx context.Context, u User, prev time.Time, e *audit.Entry) error
	// AdvanceTOTPStep records step as used, atomically refusing (false) a
	// step not later than the last one: a code is accepted once, even
	// across replicas.
	AdvanceTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	ReplaceRecoveryCodes(ctx context.Context, userID string, hashes [][]byte, e *audit.Entry) error
	// UseRecoveryCode marks an unused code used; false when none matched.
	UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) (bool, error)
	CreateSession(ctx context.Context, s Session, e *audit.Entry) error
	SessionByHash(ctx context.Context, hash []byte) (Session, error)
	SetSessionMFA(ctx context.Context, id string) error
	RevokeSession(ctx context.Context, id string, at time.Time, e *audit.Entry) error
	RevokeUserSessions(ctx context.Context, userID string, at time.Time) error
	// TrainingState reports whether the person has a privacy training
	// record completed and not expired at at, and whether they have any
	// training record at all.
	TrainingState(ctx context.Context, userID string, at time.Time) (current, any bool, err error)
}

// Active reports whether the session may be used at now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// TrainingRecord is one completed privacy training of a person.
type TrainingRecord struct {
	ID          string     `json:"id"`
	UserID      string     `json:"person"`
	Course      string     `json:"course"`
	CompletedAt time.Time  `json:"completed_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	RecordedBy  string     `json:"recorded_by"`
	CreatedAt   time.Time  `json:"created_at"`
}
