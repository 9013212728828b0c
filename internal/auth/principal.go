package auth

import (
	"context"
	"slices"
)

// Kinds of principal.
const (
	KindToken = "token"
	KindUser  = "user"
)

// Principal is an authenticated caller: an API token or a person's session.
type Principal struct {
	Kind        string // KindToken or KindUser
	TokenID     string // the token's id, for tokens
	UserID      string // the person's id, for sessions
	SessionID   string // the session's id, for sessions
	Name        string // the token's name, or the person's user id
	Role        Role
	Collections []string // empty: all collections
	Purposes    []string // empty: all purposes
	RateLimit   int      // requests per second, 0 unlimited (tokens)

	// MFAPending is set for a session of a person whose role requires MFA
	// and who has not passed it: only MFA enrolment and sign-out are open.
	MFAPending bool
	// TrainingLapsed is set for a person with no current privacy training;
	// TrainingMissing besides when they have no training record at all.
	TrainingLapsed, TrainingMissing bool

	can func(Permission) bool
}

// Can reports whether the principal's role grants p.
func (p *Principal) Can(perm Permission) bool {
	return p != nil && p.can != nil && !p.MFAPending && p.can(perm)
}

// AllowsCollection reports whether the token's scope includes collection c.
func (p *Principal) AllowsCollection(c string) bool {
	return p != nil && (len(p.Collections) == 0 || slices.Contains(p.Collections, c))
}

// AllowsPurpose reports whether the token's scope includes purpose.
func (p *Principal) AllowsPurpose(purpose string) bool {
	return p != nil && (len(p.Purposes) == 0 || slices.Contains(p.Purposes, purpose))
}

// Actor is the audit log's name for the principal: "token:NAME" or
// "user:ID" (an id, so the log holds no staff e-mail addresses).
func (p *Principal) Actor() string {
	switch {
	case p == nil:
		return "anonymous"
	case p.Kind == KindUser:
		return "user:" + p.UserID
	}
	return "token:" + p.Name
}

// Key identifies the principal for rate limits and bulk-read detection.
func (p *Principal) Key() string {
	if p.Kind == KindUser {
		return "user:" + p.UserID
	}
	return "token:" + p.TokenID
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
