package auth

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/keys"
)

// Store is the storage the service needs.
type Store interface {
	TokenStore
	UserStore
}

// Service authenticates bearer tokens and sessions, and manages tokens,
// people and sessions.
type Service struct {
	store   Store
	key     keys.Secret // hashes token, session and recovery-code secrets
	account keys.Secret // seals TOTP seeds
	roles   Roles
	Now     func() time.Time // injectable clock
	// SessionTTL is how long a session lasts (default 12 hours).
	SessionTTL time.Duration
	// Issuer names the service in authenticator apps.
	Issuer string

	// A short cache of authenticated credentials saves database reads per
	// request; revocation in this process evicts at once, in another replica
	// within cacheTTL.
	mu    sync.Mutex
	cache map[string]cachedPrincipal

	// LiveSessions makes every request with a person's session read it
	// from the database, uncached: set it where other replicas may end a
	// session (PostgreSQL), so that a sign-out there holds at once here.
	// API tokens stay cached for cacheTTL.
	LiveSessions bool
}

type cachedPrincipal struct {
	p       *Principal
	expires *time.Time
	at      time.Time
}

const cacheTTL = 2 * time.Second

// NewService returns the service. tokenKey hashes credential secrets,
// accountKey seals TOTP seeds, roles resolves role names.
func NewService(store Store, tokenKey, accountKey keys.Secret, roles Roles) *Service {
	return &Service{store: store, key: tokenKey, account: accountKey, roles: roles, Now: time.Now,
		SessionTTL: 12 * time.Hour, Issuer: "Custodia", cache: map[string]cachedPrincipal{}}
}

func (s *Service) hash(secret string) []byte { return s.key.MAC([]byte("token"), []byte(secret)) }

var errBadToken = apperr.New(apperr.Unauthenticated, "invalid_token", "the bearer token is missing, unknown, expired or revoked")

// Authenticate resolves an Authorization header to a principal: an API
// token or a person's session.
func (s *Service) Authenticate(ctx context.Context, header string) (*Principal, error) {
	secret, ok := bearer(header)
	if !ok || secret == "" {
		return nil, apperr.New(apperr.Unauthenticated, "missing_token", "send an API token or session token as 'Authorization: Bearer <token>'")
	}
	return s.AuthenticateSecret(ctx, secret)
}

// AuthenticateSecret resolves a bare token or session secret.
func (s *Service) AuthenticateSecret(ctx context.Context, secret string) (*Principal, error) {
	h := s.hash(secret)
	now := s.Now()
	s.mu.Lock()
	c, hit := s.cache[string(h)]
	s.mu.Unlock()
	session := strings.HasPrefix(secret, SessionPrefix)
	if !hit || now.Sub(c.at) > cacheTTL || session && s.LiveSessions {
		var err error
		if session {
			c.p, c.expires, err = s.sessionPrincipal(ctx, h, now)
		} else {
			c.p, c.expires, err = s.tokenPrincipal(ctx, h, now)
		}
		if err != nil {
			return nil, err
		}
		c.at = now
		s.mu.Lock()
		if len(s.cache) > 10000 {
			clear(s.cache)
		}
		s.cache[string(h)] = c
		s.mu.Unlock()
	}
	if c.p == nil || (c.expires != nil && !now.Before(*c.expires)) {
		return nil, errBadToken
	}
	return c.p, nil
}

// Forget drops cached credentials, so a revocation or block applies at once.
func (s *Service) Forget() {
	s.mu.Lock()
	clear(s.cache)
	s.mu.Unlock()
}

func (s *Service) tokenPrincipal(ctx context.Context, h []byte, now time.Time) (*Principal, *time.Time, error) {
	t, err := s.store.TokenByHash(ctx, h)
	if err != nil {
		if apperr.IsNotFound(err) {
			return nil, nil, errBadToken
		}
		return nil, nil, err
	}
	if !t.Active(now) {
		return nil, nil, nil // cached as a refusal
	}
	if t.BlockedAt != nil {
		return nil, nil, ErrBlocked
	}
	// A token a person created, or a token made by such a token, stands
	// for that person: while the person is disabled (or gone), it does
	// nothing. Disabling forgets the cache.
	maker := t.CreatedBy
	if strings.HasPrefix(maker, "token:") {
		all, err := s.store.ListTokens(ctx)
		if err != nil {
			return nil, nil, err
		}
		maker = Maker(t, all)
	}
	if id, ok := strings.CutPrefix(maker, "user:"); ok {
		u, err := s.store.UserByID(ctx, id)
		switch {
		case apperr.IsNotFound(err):
			return nil, nil, nil // cached as a refusal
		case err != nil:
			return nil, nil, err
		case u.DisabledAt != nil:
			return nil, nil, nil
		}
	}
	info, err := s.roles.RoleInfo(ctx, string(t.Role))
	if err != nil {
		return nil, nil, err
	}
	p := t.Principal()
	if info.Exists {
		p.can = info.Can
	}
	return p, t.ExpiresAt, nil
}

// MinBootstrapTokenLen is the shortest bootstrap token accepted.
const MinBootstrapTokenLen = 16

// ErrBlocked refuses a token or person blocked after an alert.
var ErrBlocked = apperr.New(apperr.Forbidden, "principal_blocked", "this credential is blocked after an alert; an administrator must clear the alert")

// CreateRequest describes a token to create.
type CreateRequest struct {
	Name        string     `json:"name"`
	Role        Role       `json:"role"`
	Collections []string   `json:"collections"`
	Purposes    []string   `json:"purposes"`
	ExpiresAt   *time.Time `json:"expires_at"`
	Expiry      *time.Time `json:"expiry"`     // the same as ExpiresAt
	TTL         string     `json:"ttl"`        // alternative to ExpiresAt, a Go duration such as "720h"
	RateLimit   int        `json:"rate_limit"` // requests per second; 0 is unlimited
}

// Create stores a new token and returns it with its secret, shown only here.
func (s *Service) Create(ctx context.Context, req CreateRequest, createdBy string, e *audit.Entry) (Token, string, error) {
	secret, err := NewSecret()
	if err != nil {
		return Token{}, "", apperr.Wrap(err, "token secret")
	}
	t, err := s.create(ctx, req, createdBy, secret, e)
	return t, secret, err
}

// Bootstrap makes sure the first admin token exists. With secret empty it
// creates a random one and returns it; with a secret it stores that one if
// no token exists yet. It returns "" when nothing was created.
func (s *Service) Bootstrap(ctx context.Context, secret string) (string, error) {
	n, err := s.store.CountTokens(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	if secret == "" {
		if secret, err = NewSecret(); err != nil {
			return "", apperr.Wrap(err, "token secret")
		}
	} else if len(secret) < MinBootstrapTokenLen {
		return "", apperr.Newf(apperr.Invalid, "weak_bootstrap_token", "the bootstrap token must be at least %d characters", MinBootstrapTokenLen)
	}
	e := &audit.Entry{Actor: "system", Action: "token.bootstrap"}
	if _, err := s.create(ctx, CreateRequest{Name: "bootstrap-admin", Role: Role("admin")}, "system", secret, e); err != nil {
		return "", err
	}
	return secret, nil
}

func (s *Service) create(ctx context.Context, req CreateRequest, createdBy, secret string, e *audit.Entry) (Token, error) {
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || utf8.RuneCountInString(req.Name) > 100 {
		return Token{}, apperr.New(apperr.Invalid, "invalid_token_name", "a token needs a name of 1 to 100 characters")
	}
	info, err := s.roles.RoleInfo(ctx, string(req.Role))
	if err != nil {
		return Token{}, err
	}
	if !info.Exists {
		return Token{}, apperr.New(apperr.Invalid, "invalid_role", "role must be a built-in role (admin, dpo, sales, support, marketing, auditor) or one defined under /v1/roles")
	}
	if req.RateLimit < 0 || req.RateLimit > 1_000_000 {
		return Token{}, apperr.New(apperr.Invalid, "invalid_rate_limit", "rate_limit is requests per second, 0 (unlimited) to 1000000")
	}
	now := s.Now().UTC()
	exp := req.ExpiresAt
	if exp == nil {
		exp = req.Expiry
	}
	if req.TTL != "" {
		d, err := time.ParseDuration(req.TTL)
		if err != nil || d <= 0 {
			return Token{}, apperr.New(apperr.Invalid, "invalid_ttl", "ttl must be a positive duration such as \"720h\"")
		}
		t := now.Add(d)
		exp = &t
	}
	if exp != nil && !exp.After(now) {
		return Token{}, apperr.New(apperr.Invalid, "invalid_expiry", "expires_at must be in the future")
	}
	t := Token{ID: NewID("tok_"), Name: req.Name, Role: req.Role, Collections: nonNil(req.Collections),
		Purposes: nonNil(req.Purposes), RateLimit: req.RateLimit, CreatedBy: createdBy, CreatedAt: now, ExpiresAt: exp, SecretHash: s.hash(secret)}
	if err := s.store.CreateToken(ctx, t, e); err != nil {
		return Token{}, err
	}
	return t, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// List returns all tokens without secrets.
func (s *Service) List(ctx context.Context) ([]Token, error) { return s.store.ListTokens(ctx) }

// Revoke revokes a token at once in this process.
func (s *Service) Revoke(ctx context.Context, id string, e *audit.Entry) error {
	if err := s.store.RevokeToken(ctx, id, s.Now().UTC(), e); err != nil {
		return err
	}
	s.Forget()
	return nil
}
