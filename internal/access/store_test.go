package access

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/auth"
	"custodia/internal/fieldtype"
	"custodia/internal/vault"
)

// memStore is an in-memory Store: custom roles, purposes and each subject's
// latest consent action per purpose.
type memStore struct {
	mu       sync.Mutex
	roles    []Role
	purposes []Purpose
	consents map[[2]string]bool  // subject, purpose -> latest event is a grant
	restrict map[string][]string // restricted subject -> purposes still allowed

	roleLoads    atomic.Int64
	consentCalls atomic.Int64

	// afterListRoles, when set, runs after ListRoles has read the roles and
	// before it returns them: a reload in flight.
	afterListRoles func()
}

func (m *memStore) ListRoles(context.Context) ([]Role, error) {
	m.roleLoads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Role, len(m.roles))
	for i, r := range m.roles {
		r.Grants = slices.Clone(r.Grants)
		r.Permissions = slices.Clone(r.Permissions)
		out[i] = r
	}
	hook := m.afterListRoles
	m.mu.Unlock()
	if hook != nil {
		hook()
	}
	m.mu.Lock()
	return out, nil
}

func (m *memStore) ListPurposes(context.Context) ([]Purpose, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Purpose, len(m.purposes))
	for i, p := range m.purposes {
		p.Roles = slices.Clone(p.Roles)
		out[i] = p
	}
	return out, nil
}

func (m *memStore) ConsentActive(_ context.Context, subjectID, purpose string) (bool, error) {
	m.consentCalls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.consents[[2]string{subjectID, purpose}], nil
}

func (m *memStore) ListRestrictions(context.Context) (map[string][]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]string, len(m.restrict))
	for k, v := range m.restrict {
		out[k] = slices.Clone(v)
	}
	return out, nil
}

func (m *memStore) ListObjections(context.Context) (map[string][]string, error) {
	return map[string][]string{}, nil
}

func (m *memStore) SubjectLimits(context.Context, string, string) (bool, []string, bool, error) {
	return false, nil, false, nil
}

func (m *memStore) setConsent(subjectID, purpose string, active bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.consents == nil {
		m.consents = map[[2]string]bool{}
	}
	m.consents[[2]string{subjectID, purpose}] = active
}

func (m *memStore) putRole(r Role) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.roles {
		if m.roles[i].Name == r.Name {
			m.roles[i] = r
			return
		}
	}
	m.roles = append(m.roles, r)
}

func (m *memStore) deleteRole(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.roles = slices.DeleteFunc(m.roles, func(r Role) bool { return r.Name == name })
}

func (m *memStore) putPurpose(p Purpose) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.purposes {
		if m.purposes[i].Name == p.Name {
			m.purposes[i] = p
			return
		}
	}
	m.purposes = append(m.purposes, p)
}

// Test roles and purposes on top of the built-in ones and DefaultPurposes.
const (
	roleTester  = "tester"  // custom; its grants vary per test
	roleTrained = "trained" // custom; full reads, requires training
)

// newStore returns a store with the default purposes, plus "review" (for
// admin and auditor, which no default purpose lets read data) and the test
// roles added to the purposes the tests use.
func newStore(t testing.TB, custom ...Role) *memStore {
	t.Helper()
	ps := DefaultPurposes()
	for i := range ps {
		switch ps[i].Name {
		case "support", "marketing", "billing":
			ps[i].Roles = append(ps[i].Roles, roleTester, roleTrained)
		}
	}
	ps = append(ps, Purpose{Name: "review", Description: "Reviewing what staff roles can see.", LegalBasis: BasisLegitimateInterests,
		Roles: []string{RoleAdmin, RoleAuditor, RoleDPO}})
	for i := range ps {
		if err := ps[i].Normalize(func(string) bool { return true }); err != nil {
			t.Fatalf("purpose %s: %v", ps[i].Name, err)
		}
	}
	for i := range custom {
		if err := custom[i].Normalize(); err != nil {
			t.Fatalf("role %s: %v", custom[i].Name, err)
		}
	}
	return &memStore{purposes: ps, roles: custom}
}

func ctxAs(role string, lapsed bool) context.Context {
	return auth.WithPrincipal(context.Background(), &auth.Principal{Kind: auth.KindUser, UserID: "u_1", Name: "u1", Role: auth.Role(role), TrainingLapsed: lapsed})
}

func collection(t testing.TB, name string, version int64, fields ...vault.Field) *vault.Collection {
	t.Helper()
	c := &vault.Collection{Name: name, Kind: vault.KindPersons, Version: version, Fields: fields}
	if err := c.Validate(); err != nil {
		t.Fatalf("collection %s: %v", name, err)
	}
	return c
}

var allPurposes = []string{"support", "marketing", "sales", "billing", "analytics", "legal", "erasure", "review"}

// customers is the collection most tests read: one field per interesting
// category, each collected for every purpose.
func customers(t testing.TB) *vault.Collection {
	f := func(name string, typ fieldtype.Type, category string) vault.Field {
		return vault.Field{Name: name, Type: typ, Category: category, Purposes: allPurposes}
	}
	return collection(t, "customers", 1,
		f("email", fieldtype.Email, "user.contact.email"),
		f("phone", fieldtype.Phone, "user.contact.phone_number"),
		f("name", fieldtype.Name, "user.name"),
		f("street", fieldtype.Address, "user.contact.address.street"),
		f("contactless", fieldtype.Bool, "user.contactless"), // an extension of "user", not of "user.contact"
		f("national_id", fieldtype.NationalID, "user.government_id.national_identification_number"),
		f("iban", fieldtype.IBAN, "user.financial.bank_account"),
		f("card", fieldtype.Card, "user.financial.credit_card"),
		f("notes", fieldtype.Text, "user.content.private"),
	)
}

// decisions is a plan in short form: field -> "allow", "mask:reason" or
// "deny:reason".
func decisions(p *vault.ReadPlan) map[string]string {
	out := map[string]string{}
	for name, fa := range p.Fields {
		switch fa.Decision {
		case vault.Allow:
			out[name] = "allow"
			if fa.Reason != "" {
				out[name] += ":" + fa.Reason
			}
		case vault.Mask:
			out[name] = "mask:" + fa.Reason
		case vault.Deny:
			out[name] = "deny:" + fa.Reason
		default:
			out[name] = "?"
		}
	}
	return out
}

func wantErr(t testing.TB, err error, kind apperr.Kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("error %v, want kind %d code %s", err, kind, code)
	}
}
