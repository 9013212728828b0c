package auth

import (
	"context"
	"slices"
)

// Principal is an authenticated caller.
type Principal struct {
	TokenID     string
	Name        string // the token's name; the audit log's actor
	Role        Role
	Collections []string // empty: all collections
	Purposes    []string // empty: all purposes
}

// Can reports whether the principal's role grants p.
func (p *Principal) Can(perm Permission) bool { return p != nil && p.Role.Can(perm) }

// AllowsCollection reports whether the token's scope includes collection c.
func (p *Principal) AllowsCollection(c string) bool {
	return p != nil && (len(p.Collections) == 0 || slices.Contains(p.Collections, c))
}

// AllowsPurpose reports whether the token's scope includes purpose.
func (p *Principal) AllowsPurpose(purpose string) bool {
	return p != nil && (len(p.Purposes) == 0 || slices.Contains(p.Purposes, purpose))
}

// Actor is the audit log's name for the principal.
func (p *Principal) Actor() string {
	if p == nil {
		return "anonymous"
	}
	return "token:" + p.Name
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
