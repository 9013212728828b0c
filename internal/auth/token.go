package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"custodia/internal/audit"
)

// TokenPrefix starts every token secret Custodia issues, so leaked tokens
// are easy to spot by secret scanners.
const TokenPrefix = "cst_"

// Token is a stored API token. It never holds the secret, only its hash.
type Token struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Role        Role       `json:"role"`
	Collections []string   `json:"collections"`
	Purposes    []string   `json:"purposes"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	RateLimit   int        `json:"rate_limit"` // requests per second; 0 is unlimited
	BlockedAt   *time.Time `json:"blocked_at,omitempty"`
	SecretHash  []byte     `json:"-"`
}

// Active reports whether the token may be used at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// Principal returns the caller the token authenticates.
func (t *Token) Principal() *Principal {
	return &Principal{Kind: KindToken, TokenID: t.ID, Name: t.Name, Role: t.Role, Collections: t.Collections,
		Purposes: t.Purposes, RateLimit: t.RateLimit}
}

// TokenStore is the storage tokens need.
type TokenStore interface {
	CreateToken(ctx context.Context, t Token, e *audit.Entry) error
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	ListTokens(ctx context.Context) ([]Token, error)
	RevokeToken(ctx context.Context, id string, at time.Time, e *audit.Entry) error
	CountTokens(ctx context.Context) (int64, error)
	// SetTokenBlocked blocks (at non-nil) or unblocks a token.
	SetTokenBlocked(ctx context.Context, id string, at *time.Time) error
}

// NewSecret returns a fresh token secret: the prefix and 32 random bytes.
func NewSecret() (string, error) { return newSecret(TokenPrefix) }

func newSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// NewID returns a random identifier with a prefix, such as "tok_…".
func NewID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// bearer extracts the token from an Authorization header value.
func bearer(header string) (string, bool) {
	const p = "Bearer "
	if len(header) <= len(p) || !strings.EqualFold(header[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(header[len(p):]), true
}

// Maker returns who stands behind token t: "user:ID" for the person at the
// top of the chain of tokens that made tokens, or else "token:ID" of the
// token at the top of it (the bootstrap token, or one whose maker is
// gone). all is every stored token. A token made by a token records its
// maker as "token:NAME" (names are unique); an id is accepted too.
func Maker(t Token, all []Token) string {
	byID := make(map[string]Token, len(all))
	byName := make(map[string]Token, len(all))
	for _, o := range all {
		byID[o.ID], byName[o.Name] = o, o
	}
	for range len(all) + 1 { // a chain is no longer than the tokens; this also ends a cycle
		if strings.HasPrefix(t.CreatedBy, "user:") {
			return t.CreatedBy
		}
		ref, ok := strings.CutPrefix(t.CreatedBy, "token:")
		if !ok {
			break
		}
		next, ok := byName[ref]
		if !ok {
			next, ok = byID[ref]
		}
		if !ok || next.ID == t.ID {
			break
		}
		t = next
	}
	return "token:" + t.ID
}
