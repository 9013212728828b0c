package access

import (
	"context"
	"maps"
	"reflect"
	"sync"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/auth"
	"custodia/internal/fieldtype"
	"custodia/internal/vault"
)

// Shorthands for decisions.
const (
	allow    = "allow"
	denyRole = "deny:" + ReasonRoleDenied
	denyPurp = "deny:" + ReasonPurposeMismatch
	maskRole = "mask:" + ReasonRoleMasked
	maskTrng = "mask:" + ReasonTraining
)

// TestPlanReadSpecificity runs the grant-specificity rules end to end: the
// decisions PlanRead compiles for a custom role with the grants given.
func TestPlanReadSpecificity(t *testing.T) {
	g := func(collection, field, category string, read ReadLevel) Grant {
		return Grant{Collection: collection, Field: field, Category: category, Read: read}
	}
	tests := []struct {
		name   string
		grants []Grant
		want   map[string]string // fields not listed: denyRole
	}{
		{name: "no grants", grants: nil, want: map[string]string{}},
		{name: "named field beats category beats *",
			grants: []Grant{g("*", "*", "", ReadFull), g("*", "", "user.contact", ReadMasked), g("*", "email", "", ReadNone)},
			want: map[string]string{"phone": maskRole, "street": maskRole, "name": allow, "contactless": allow, "national_id": allow,
				"iban": allow, "card": allow, "notes": allow}},
		{name: "longer category beats shorter",
			grants: []Grant{g("*", "", "user.contact", ReadFull), g("*", "", "user.contact.phone_number", ReadMasked), g("*", "", "user", ReadNone)},
			want:   map[string]string{"email": allow, "street": allow, "phone": maskRole}},
		{name: "named collection beats * at equal specificity",
			grants: []Grant{g("*", "*", "", ReadFull), g("customers", "*", "", ReadMasked),
				g("*", "", "user.financial", ReadFull), g("customers", "", "user.financial", ReadNone),
				g("customers", "name", "", ReadFull), g("*", "name", "", ReadNone)},
			want: map[string]string{"email": maskRole, "phone": maskRole, "street": maskRole, "contactless": maskRole, "national_id": maskRole,
				"notes": maskRole, "name": allow}},
		{name: "field specificity beats collection specificity",
			grants: []Grant{g("customers", "*", "", ReadNone), g("*", "", "user.contact", ReadMasked), g("*", "notes", "", ReadFull)},
			want:   map[string]string{"email": maskRole, "phone": maskRole, "street": maskRole, "notes": allow}},
		{name: "category prefix stops at a dot",
			grants: []Grant{g("*", "", "user.contact", ReadFull)},
			want:   map[string]string{"email": allow, "phone": allow, "street": allow}}, // not contactless
		{name: "grants for another collection do not apply",
			grants: []Grant{g("orders", "*", "", ReadFull), g("orders", "email", "", ReadFull)},
			want:   map[string]string{}},
	}
	c := customers(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t, Role{Name: roleTester, Grants: tc.grants})
			e := NewEngine(st)
			plan, err := e.PlanRead(ctxAs(roleTester, false), c, "support")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for _, f := range c.Fields {
				want[f.Name] = denyRole
			}
			maps.Copy(want, tc.want)
			if got := decisions(plan); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestPlanRead(t *testing.T) {
	trained := Role{Name: roleTrained, RequireTraining: true, Grants: []Grant{
		{Collection: "*", Field: "*", Read: ReadFull},
		{Collection: "*", Category: "user.contact.phone_number", Read: ReadMasked},
		{Collection: "*", Category: "user.financial", Read: ReadNone},
	}}
	tester := Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull}}}
	// orders has fields collected for some purposes only.
	orders := collection(t, "orders", 3,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: []string{"support", "marketing"}},
		vault.Field{Name: "phone", Type: fieldtype.Phone, Category: "user.contact.phone_number", Purposes: []string{"support"}},
		vault.Field{Name: "iban", Type: fieldtype.IBAN, Category: "user.financial.bank_account", Purposes: []string{"billing"}},
		vault.Field{Name: "notes", Type: fieldtype.Text, Category: "user.content.private", Purposes: []string{"billing", "support"}},
	)
	tests := []struct {
		name      string
		role      string // "" for no principal
		lapsed    bool
		never     bool // no training record at all
		purpose   string
		kind      apperr.Kind
		code      string
		status    int
		want      map[string]string
		consented bool
	}{
		{name: "unknown purpose", role: roleTester, purpose: "profiling", kind: apperr.Invalid, code: "unknown_purpose", status: 400},
		{name: "empty purpose", role: roleTester, purpose: "", kind: apperr.Invalid, code: "unknown_purpose", status: 400},
		{name: "role may not invoke the purpose", role: roleTester, purpose: "sales", kind: apperr.Forbidden, code: "purpose_not_allowed_for_role", status: 403},
		{name: "built-in role may not invoke the purpose", role: RoleMarketing, purpose: "support", kind: apperr.Forbidden, code: "purpose_not_allowed_for_role", status: 403},
		{name: "unknown role", role: "ghost", purpose: "support", kind: apperr.Forbidden, code: "unknown_role", status: 403},

		{name: "purpose mismatch", role: roleTester, purpose: "billing",
			want: map[string]string{"email": denyPurp, "phone": denyPurp, "iban": allow, "notes": allow}},
		{name: "purpose mismatch comes before role decisions", role: roleTrained, lapsed: true, purpose: "billing",
			want: map[string]string{"email": denyPurp, "phone": denyPurp, "iban": denyRole, "notes": maskTrng}},
		{name: "masked and denied grants", role: roleTrained, purpose: "support",
			want: map[string]string{"email": allow, "phone": maskRole, "iban": denyPurp, "notes": allow}},
		{name: "training lapsed masks full grants", role: roleTrained, lapsed: true, purpose: "support",
			want: map[string]string{"email": maskTrng, "phone": maskRole, "iban": denyPurp, "notes": maskTrng}},
		{name: "never trained masks full grants, saying so", role: roleTrained, lapsed: true, never: true, purpose: "support",
			want: map[string]string{"email": "mask:" + ReasonNoTraining, "phone": maskRole, "iban": denyPurp, "notes": "mask:" + ReasonNoTraining}},
		{name: "training lapsed, role does not require it", role: roleTester, lapsed: true, purpose: "support",
			want: map[string]string{"email": allow, "phone": allow, "iban": denyPurp, "notes": allow}},
		{name: "training lapsed, built-in role", role: RoleSupport, lapsed: true, purpose: "support",
			want: map[string]string{"email": allow, "phone": maskRole, "iban": denyPurp, "notes": allow}},
		{name: "consent purpose", role: roleTester, purpose: "marketing", consented: true,
			want: map[string]string{"email": allow, "phone": denyPurp, "iban": denyPurp, "notes": denyPurp}},
		{name: "contract purpose", role: roleTester, purpose: "support",
			want: map[string]string{"email": allow, "phone": allow, "iban": denyPurp, "notes": allow}},

		{name: "no principal allows all", role: "", purpose: "support",
			want: map[string]string{"email": allow, "phone": allow, "iban": allow, "notes": allow}},
		{name: "no principal allows all, even an unknown purpose", role: "", purpose: "profiling",
			want: map[string]string{"email": allow, "phone": allow, "iban": allow, "notes": allow}},
		{name: "no principal, consent purpose: no consent check", role: "", purpose: "marketing",
			want: map[string]string{"email": allow, "phone": allow, "iban": allow, "notes": allow}},
	}
	st := newStore(t, trained, tester)
	e := NewEngine(st)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.role != "" {
				ctx = ctxAs(tc.role, tc.lapsed)
				if tc.never {
					auth.PrincipalFrom(ctx).TrainingMissing = true
				}
			}
			// Twice: compiled, then from the cache.
			for pass := range 2 {
				plan, err := e.PlanRead(ctx, orders, tc.purpose)
				if tc.code != "" {
					wantErr(t, err, tc.kind, tc.code)
					if s := apperr.KindOf(err).HTTPStatus(); s != tc.status {
						t.Errorf("status %d, want %d", s, tc.status)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := decisions(plan); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("pass %d: got  %v\nwant %v", pass, got, tc.want)
				}
				if (plan.Consented != nil) != tc.consented {
					t.Errorf("pass %d: Consented set %v, want %v", pass, plan.Consented != nil, tc.consented)
				}
			}
		})
	}
}

func TestPlanReadConsented(t *testing.T) {
	st := newStore(t)
	e := NewEngine(st)
	c := customers(t)
	plan, err := e.PlanRead(ctxAs(RoleMarketing, false), c, "marketing")
	if err != nil {
		t.Fatal(err)
	}
	if plan.Consented == nil {
		t.Fatal("a consent-based purpose without a consent check")
	}
	ctx := context.Background()
	check := func(subject string, want bool) {
		t.Helper()
		got, err := plan.Consented(ctx, subject)
		if err != nil || got != want {
			t.Errorf("Consented(%s) = %v, %v; want %v", subject, got, err, want)
		}
	}
	check("sub_1", false)
	st.setConsent("sub_1", "marketing", true)
	st.setConsent("sub_2", "analytics", true) // another purpose does not count
	check("sub_1", true)
	check("sub_2", false)
	st.setConsent("sub_1", "marketing", false) // withdrawn
	check("sub_1", false)
	// The check is asked per subject and per call, never cached in the plan.
	before := st.consentCalls.Load()
	check("sub_1", false)
	if st.consentCalls.Load() != before+1 {
		t.Error("Consented does not ask the store")
	}
	// The same plan from the cache asks about its own purpose.
	plan2, _ := e.PlanRead(ctxAs(RoleDPO, false), c, "marketing")
	st.setConsent("sub_3", "marketing", true)
	if ok, _ := plan2.Consented(ctx, "sub_3"); !ok {
		t.Error("dpo plan: consent not seen")
	}
	// A purpose on another basis has no check.
	for _, p := range []string{"support", "sales", "billing", "analytics", "legal"} {
		role := RoleDPO
		plan, err := e.PlanRead(ctxAs(role, false), c, p)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Consented != nil {
			t.Errorf("%s: consent check on a non-consent purpose", p)
		}
	}
}

// TestBuiltinRolePlans checks what each built-in role sees of customers.
func TestBuiltinRolePlans(t *testing.T) {
	e := NewEngine(newStore(t))
	c := customers(t)
	all := func(d string) map[string]string {
		m := map[string]string{}
		for _, f := range c.Fields {
			m[f.Name] = d
		}
		return m
	}
	tests := []struct {
		role, purpose string
		want          map[string]string
	}{
		{RoleSupport, "support", map[string]string{"email": allow, "phone": maskRole, "name": allow, "street": allow, "contactless": allow,
			"national_id": maskRole, "iban": maskRole, "card": maskRole, "notes": allow}},
		{RoleSupport, "billing", map[string]string{"email": allow, "phone": maskRole, "name": allow, "street": allow, "contactless": allow,
			"national_id": maskRole, "iban": maskRole, "card": maskRole, "notes": allow}},
		{RoleSales, "sales", map[string]string{"email": allow, "phone": allow, "name": allow, "street": allow, "contactless": denyRole,
			"national_id": denyRole, "iban": denyRole, "card": denyRole, "notes": denyRole}},
		{RoleSales, "support", map[string]string{"email": allow, "phone": allow, "name": allow, "street": allow, "contactless": denyRole,
			"national_id": denyRole, "iban": denyRole, "card": denyRole, "notes": denyRole}},
		{RoleMarketing, "marketing", map[string]string{"email": allow, "phone": maskRole, "name": allow, "street": denyRole, "contactless": denyRole,
			"national_id": denyRole, "iban": denyRole, "card": denyRole, "notes": denyRole}},
		{RoleMarketing, "analytics", map[string]string{"email": allow, "phone": maskRole, "name": allow, "street": denyRole, "contactless": denyRole,
			"national_id": denyRole, "iban": denyRole, "card": denyRole, "notes": denyRole}},
		{RoleDPO, "legal", all(allow)},
		{RoleDPO, "review", all(allow)},
		{RoleAdmin, "erasure", all(denyRole)},
		{RoleAdmin, "review", all(denyRole)},
		{RoleAuditor, "review", all(denyRole)},
	}
	for _, tc := range tests {
		t.Run(tc.role+"/"+tc.purpose, func(t *testing.T) {
			plan, err := e.PlanRead(ctxAs(tc.role, false), c, tc.purpose)
			if err != nil {
				t.Fatal(err)
			}
			if got := decisions(plan); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
	// No default purpose lets the auditor read records at all.
	for _, p := range DefaultPurposes() {
		if _, err := e.PlanRead(ctxAs(RoleAuditor, false), c, p.Name); apperr.CodeOf(err) != "purpose_not_allowed_for_role" {
			t.Errorf("auditor, purpose %s: %v", p.Name, err)
		}
	}
}

func TestCheckWrite(t *testing.T) {
	writer := Role{Name: roleTester, Grants: []Grant{
		{Collection: "*", Field: "*", Read: ReadFull, Write: true},
		{Collection: "*", Field: "notes", Read: ReadFull, Write: false},
		{Collection: "*", Category: "user.contact.phone_number", Read: ReadMasked, Write: true},
	}}
	orders := collection(t, "orders", 1,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: []string{"support", "marketing", "sales"}},
		vault.Field{Name: "phone", Type: fieldtype.Phone, Category: "user.contact.phone_number", Purposes: []string{"support", "sales"}},
		vault.Field{Name: "national_id", Type: fieldtype.NationalID, Category: "user.government_id", Purposes: []string{"support"}},
		vault.Field{Name: "iban", Type: fieldtype.IBAN, Category: "user.financial.bank_account", Purposes: []string{"billing"}},
		vault.Field{Name: "notes", Type: fieldtype.Text, Category: "user.content.private", Purposes: []string{"support", "billing"}},
	)
	tests := []struct {
		name    string
		role    string
		purpose string
		fields  []string
		kind    apperr.Kind
		code    string
	}{
		{name: "writable fields", role: roleTester, purpose: "support", fields: []string{"email", "phone", "national_id"}},
		{name: "masked but writable", role: RoleSupport, purpose: "support", fields: []string{"phone"}},
		{name: "no fields", role: RoleSupport, purpose: "support", fields: nil},
		{name: "unknown fields are left to the vault", role: RoleSupport, purpose: "support", fields: []string{"nope"}},
		{name: "field not writable", role: roleTester, purpose: "support", fields: []string{"email", "notes"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "support may not write government ids", role: RoleSupport, purpose: "support", fields: []string{"national_id"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "support may not write financial data", role: RoleSupport, purpose: "billing", fields: []string{"iban"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "marketing reads only", role: RoleMarketing, purpose: "marketing", fields: []string{"email"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "sales writes contacts", role: RoleSales, purpose: "sales", fields: []string{"email", "phone"}},
		{name: "sales may not write other data", role: RoleSales, purpose: "support", fields: []string{"notes"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "admin writes nothing", role: RoleAdmin, purpose: "erasure", fields: []string{"email"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "field purpose mismatch", role: roleTester, purpose: "marketing", fields: []string{"email", "phone"}, kind: apperr.Forbidden, code: "field_purpose_mismatch"},
		{name: "dpo, field purpose mismatch", role: RoleDPO, purpose: "billing", fields: []string{"iban", "email"}, kind: apperr.Forbidden, code: "field_purpose_mismatch"},
		{name: "not writable is reported before purpose mismatch", role: roleTester, purpose: "marketing", fields: []string{"notes"}, kind: apperr.Forbidden, code: "field_not_writable"},
		{name: "unknown purpose", role: roleTester, purpose: "profiling", fields: []string{"email"}, kind: apperr.Invalid, code: "unknown_purpose"},
		{name: "role may not invoke the purpose", role: RoleSales, purpose: "billing", fields: []string{"iban"}, kind: apperr.Forbidden, code: "purpose_not_allowed_for_role"},
		{name: "unknown role", role: "ghost", purpose: "support", fields: []string{"email"}, kind: apperr.Forbidden, code: "unknown_role"},
		{name: "no principal", role: "", purpose: "profiling", fields: []string{"iban", "notes"}},
	}
	e := NewEngine(newStore(t, writer))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.role != "" {
				ctx = ctxAs(tc.role, false)
			}
			err := e.CheckWrite(ctx, orders, tc.purpose, tc.fields)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantErr(t, err, tc.kind, tc.code)
		})
	}
}

func TestInvalidate(t *testing.T) {
	st := newStore(t, Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked}}})
	e := NewEngine(st)
	e.ttl = time.Hour // only Invalidate reloads
	c := customers(t)
	ctx := ctxAs(roleTester, false)
	email := func() string {
		t.Helper()
		plan, err := e.PlanRead(ctx, c, "support")
		if err != nil {
			return apperr.CodeOf(err)
		}
		return decisions(plan)["email"]
	}
	if got := email(); got != maskRole {
		t.Fatalf("before: %s", got)
	}
	loads := st.roleLoads.Load()

	// A change in the store is not seen until Invalidate.
	st.putRole(Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull}}})
	if got := email(); got != maskRole {
		t.Errorf("changed without Invalidate: %s", got)
	}
	if st.roleLoads.Load() != loads {
		t.Error("the roles were reloaded within the interval")
	}
	e.Invalidate()
	if got := email(); got != allow {
		t.Errorf("after Invalidate: %s, want allow", got)
	}
	if info, _ := e.RoleInfo(ctx, roleTester); !info.MFARequired {
		t.Error("RoleInfo: the new full grant does not require MFA")
	}

	// Training requirement added.
	st.putRole(Role{Name: roleTester, RequireTraining: true, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull}}})
	e.Invalidate()
	plan, err := e.PlanRead(ctxAs(roleTester, true), c, "support")
	if err != nil || decisions(plan)["email"] != maskTrng {
		t.Errorf("training requirement: %v %v", err, plan)
	}

	// The role removed from the purpose.
	p, _, _ := e.Purpose(ctx, "support")
	changed := *p
	changed.Roles = []string{RoleDPO}
	st.putPurpose(changed)
	e.Invalidate()
	if got := email(); got != "purpose_not_allowed_for_role" {
		t.Errorf("role removed from the purpose: %s", got)
	}
	if err := e.CheckWrite(ctx, c, "support", []string{"email"}); apperr.CodeOf(err) != "purpose_not_allowed_for_role" {
		t.Errorf("CheckWrite, role removed from the purpose: %v", err)
	}

	// The purpose now rests on consent.
	changed.Roles, changed.LegalBasis = []string{roleTester}, BasisConsent
	st.putPurpose(changed)
	e.Invalidate()
	if plan, err := e.PlanRead(ctx, c, "support"); err != nil || plan.Consented == nil {
		t.Errorf("purpose now on consent: %v, consent check %v", err, plan != nil && plan.Consented != nil)
	}

	// The role deleted.
	st.deleteRole(roleTester)
	e.Invalidate()
	if got := email(); got != "unknown_role" {
		t.Errorf("role deleted: %s", got)
	}
	if info, err := e.RoleInfo(ctx, roleTester); err != nil || info.Exists {
		t.Errorf("RoleInfo of a deleted role: %+v %v", info, err)
	}
}

func TestReloadAfterTTL(t *testing.T) {
	st := newStore(t, Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked}}})
	e := NewEngine(st)
	e.ttl = 10 * time.Millisecond
	c := customers(t)
	ctx := ctxAs(roleTester, false)
	if plan, _ := e.PlanRead(ctx, c, "support"); decisions(plan)["email"] != maskRole {
		t.Fatal("before")
	}
	st.putRole(Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadNone}}})
	time.Sleep(20 * time.Millisecond)
	if plan, _ := e.PlanRead(ctx, c, "support"); decisions(plan)["email"] != denyRole {
		t.Error("a change made elsewhere is not seen after the reload interval")
	}
}

// TestPlanCacheKeys: a plan is cached per role, collection version, purpose
// and training state, never shared across them.
func TestPlanCacheKeys(t *testing.T) {
	st := newStore(t, Role{Name: roleTrained, RequireTraining: true, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull}}})
	e := NewEngine(st)
	v1 := collection(t, "leads", 1,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: []string{"support"}})
	v2 := collection(t, "leads", 2,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: []string{"marketing"}})
	get := func(ctx context.Context, c *vault.Collection, purpose string) string {
		t.Helper()
		plan, err := e.PlanRead(ctx, c, purpose)
		if err != nil {
			t.Fatal(err)
		}
		return decisions(plan)["email"]
	}
	for range 2 {
		if got := get(ctxAs(roleTrained, false), v1, "support"); got != allow {
			t.Errorf("v1 support: %s", got)
		}
		if got := get(ctxAs(roleTrained, true), v1, "support"); got != maskTrng {
			t.Errorf("v1 support, lapsed: %s", got)
		}
		if got := get(ctxAs(roleTrained, false), v2, "support"); got != denyPurp {
			t.Errorf("v2 support: %s", got)
		}
		if got := get(ctxAs(roleTrained, false), v1, "marketing"); got != denyPurp {
			t.Errorf("v1 marketing: %s", got)
		}
		if got := get(ctxAs(RoleSupport, false), v1, "support"); got != allow {
			t.Errorf("support role: %s", got)
		}
		if got := get(ctxAs(RoleMarketing, false), v2, "marketing"); got != allow {
			t.Errorf("marketing role: %s", got)
		}
	}
}

func TestCustomRoleCannotShadowBuiltin(t *testing.T) {
	st := newStore(t)
	st.roles = []Role{{Name: RoleAdmin, Permissions: []auth.Permission{}, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull, Write: true}}}}
	e := NewEngine(st)
	plan, err := e.PlanRead(ctxAs(RoleAdmin, false), customers(t), "erasure")
	if err != nil {
		t.Fatal(err)
	}
	if got := decisions(plan)["email"]; got != denyRole {
		t.Errorf("a stored role named admin changed the built-in: %s", got)
	}
	r, ok, _ := e.Role(context.Background(), RoleAdmin)
	if !ok || !r.Builtin || len(r.Grants) != 0 {
		t.Errorf("Role(admin) = %+v", r)
	}
}

func TestRolesAndRoleInfo(t *testing.T) {
	st := newStore(t,
		Role{Name: "zeta", Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked, Write: true}}},
		Role{Name: "alpha", RequireTraining: true, Permissions: []auth.Permission{auth.PermAuditRead}},
	)
	e := NewEngine(st)
	ctx := context.Background()
	roles, err := e.Roles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	want := []string{RoleAdmin, RoleAuditor, RoleDPO, RoleMarketing, RoleSales, RoleSupport, "alpha", "zeta"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Roles order %v, want %v", names, want)
	}

	tests := []struct {
		name                   string
		exists, mfa, training  bool
		read, write, auditRead bool
	}{
		{"zeta", true, false, false, true, true, false},
		{"alpha", true, false, true, false, false, true},
		{RoleAdmin, true, true, false, false, false, true},
		{RoleAuditor, true, false, false, false, false, true},
		{RoleDPO, true, true, false, true, true, true},
		{RoleMarketing, true, true, false, true, false, false},
		{"ghost", false, false, false, false, false, false},
	}
	for _, tc := range tests {
		info, err := e.RoleInfo(ctx, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if info.Exists != tc.exists || info.MFARequired != tc.mfa || info.TrainingRequired != tc.training {
			t.Errorf("%s: %+v", tc.name, info)
		}
		if !tc.exists {
			if info.Can != nil {
				t.Errorf("%s: Can set for a missing role", tc.name)
			}
			continue
		}
		if info.Can(auth.PermRecordsRead) != tc.read || info.Can(auth.PermRecordsWrite) != tc.write || info.Can(auth.PermAuditRead) != tc.auditRead {
			t.Errorf("%s: Can read %v write %v audit %v", tc.name, info.Can(auth.PermRecordsRead), info.Can(auth.PermRecordsWrite), info.Can(auth.PermAuditRead))
		}
	}
	var _ auth.Roles = e
	var _ vault.Policy = e
}

// TestConcurrentDecisions runs decisions while the engine reloads; run
// with -race.
func TestConcurrentDecisions(t *testing.T) {
	st := newStore(t, Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull, Write: true}}})
	e := NewEngine(st)
	c := customers(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ctx := ctxAs([]string{roleTester, RoleSupport, RoleSales, RoleDPO}[i%4], i%2 == 0)
			for range 200 {
				if _, err := e.PlanRead(ctx, c, "support"); err != nil {
					t.Error(err)
					return
				}
				if i%4 == 0 {
					if err := e.CheckWrite(ctx, c, "support", []string{"email"}); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			e.Invalidate()
			st.putRole(Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull, Write: true}}})
		}
	})
	wg.Wait()
}

// TestInvalidateDuringReload: a change made, and Invalidate called, while
// another decision is reloading the old roles must still apply to the next
// decisions. The reload in flight read the roles before the change; it must
// neither mark them fresh nor replace a newer load.
func TestInvalidateDuringReload(t *testing.T) {
	for _, newerFirst := range []bool{false, true} {
		name := "stale reload finishes first"
		if newerFirst {
			name = "newer reload finishes first"
		}
		t.Run(name, func(t *testing.T) {
			st := newStore(t, Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull}}})
			e := NewEngine(st)
			e.ttl = time.Hour
			c := customers(t)
			ctx := ctxAs(roleTester, false)
			email := func() string {
				plan, err := e.PlanRead(ctx, c, "support")
				if err != nil {
					return err.Error()
				}
				return decisions(plan)["email"]
			}

			loading, release := make(chan struct{}), make(chan struct{})
			st.mu.Lock()
			st.afterListRoles = func() { close(loading); <-release }
			st.mu.Unlock()
			done := make(chan string)
			go func() { done <- email() }() // reloads: the old, full grant
			<-loading
			st.mu.Lock()
			st.afterListRoles = nil
			st.mu.Unlock()
			// The grant is revoked, as the API does it: store, then Invalidate.
			st.putRole(Role{Name: roleTester, Grants: []Grant{{Collection: "*", Field: "*", Read: ReadNone}}})
			e.Invalidate()
			if newerFirst {
				if got := email(); got != denyRole {
					t.Errorf("the newer reload: %s, want %s", got, denyRole)
				}
			}
			close(release)
			if got := <-done; got != allow {
				t.Fatalf("the decision in flight: %s, want allow (it began before the change)", got)
			}
			for range 2 {
				if got := email(); got != denyRole {
					t.Errorf("after the change and Invalidate: %s, want %s (the revocation was lost)", got, denyRole)
				}
			}
		})
	}
}

// TestPlanReadRestricted: restricted subjects are reported for purposes
// their restriction does not allow; Invalidate makes a new restriction
// apply at once.
func TestPlanReadRestricted(t *testing.T) {
	st := newStore(t)
	e := NewEngine(st)
	c := customers(t)
	plan, err := e.PlanRead(ctxAs(RoleDPO, false), c, "support")
	if err != nil {
		t.Fatal(err)
	}
	if plan.Withhold != nil {
		t.Fatal("a restriction check without restricted subjects")
	}
	st.mu.Lock()
	st.restrict = map[string][]string{"sub_r": {"legal"}}
	st.mu.Unlock()
	e.Invalidate()
	for _, tc := range []struct {
		purpose, subject string
		want             bool
	}{{"support", "sub_r", true}, {"support", "sub_other", false}, {"legal", "sub_r", false}} {
		plan, err := e.PlanRead(ctxAs(RoleDPO, false), c, tc.purpose)
		if err != nil {
			t.Fatal(err)
		}
		got := false
		if plan.Withhold != nil {
			reason, err := plan.Withhold(context.Background(), tc.subject)
			got = err == nil && reason == ReasonRestricted
		}
		if got != tc.want {
			t.Errorf("purpose %s, subject %s: restricted %v, want %v", tc.purpose, tc.subject, got, tc.want)
		}
	}
}
