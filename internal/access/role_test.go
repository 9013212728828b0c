package access

import (
	"reflect"
	"strings"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/auth"
)

func TestRoleNormalize(t *testing.T) {
	g := func(collection, field, category string, read ReadLevel, write bool, access string) Grant {
		return Grant{Collection: collection, Field: field, Category: category, Read: read, Write: write, Access: access}
	}
	many := make([]Grant, 501)
	for i := range many {
		many[i] = g("*", "*", "", ReadFull, false, "")
	}
	tests := []struct {
		name string
		in   Role
		code string // "" for success
		want Role   // on success
	}{
		{name: "minimal", in: Role{Name: "analyst"},
			want: Role{Name: "analyst", Permissions: []auth.Permission{}, Grants: []Grant{}}},
		{name: "name trimmed", in: Role{Name: "  analyst\t"},
			want: Role{Name: "analyst", Permissions: []auth.Permission{}, Grants: []Grant{}}},
		{name: "name 63 chars", in: Role{Name: "a" + strings.Repeat("b", 62)},
			want: Role{Name: "a" + strings.Repeat("b", 62), Permissions: []auth.Permission{}, Grants: []Grant{}}},
		{name: "name with digits, _ and -", in: Role{Name: "team-2_lead"},
			want: Role{Name: "team-2_lead", Permissions: []auth.Permission{}, Grants: []Grant{}}},
		{name: "name empty", in: Role{Name: ""}, code: "invalid_role_name"},
		{name: "name blank", in: Role{Name: "   "}, code: "invalid_role_name"},
		{name: "name 64 chars", in: Role{Name: "a" + strings.Repeat("b", 63)}, code: "invalid_role_name"},
		{name: "name upper case", in: Role{Name: "Analyst"}, code: "invalid_role_name"},
		{name: "name digit first", in: Role{Name: "1analyst"}, code: "invalid_role_name"},
		{name: "name with dot", in: Role{Name: "team.lead"}, code: "invalid_role_name"},
		{name: "name with space", in: Role{Name: "team lead"}, code: "invalid_role_name"},
		{name: "name with newline", in: Role{Name: "team\nlead"}, code: "invalid_role_name"},
		{name: "name non-ascii", in: Role{Name: "phân_tích"}, code: "invalid_role_name"},

		{name: "description 500", in: Role{Name: "r", Description: strings.Repeat("d", 500)},
			want: Role{Name: "r", Description: strings.Repeat("d", 500), Permissions: []auth.Permission{}, Grants: []Grant{}}},
		{name: "description 501", in: Role{Name: "r", Description: strings.Repeat("d", 501)}, code: "invalid_description"},

		{name: "permissions sorted and deduplicated",
			in:   Role{Name: "r", Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermAuditRead, auth.PermSchemaRead}},
			want: Role{Name: "r", Permissions: []auth.Permission{auth.PermAuditRead, auth.PermSchemaRead}, Grants: []Grant{}}},
		{name: "unknown permission", in: Role{Name: "r", Permissions: []auth.Permission{"schema:delete"}}, code: "invalid_permission"},
		{name: "records:read follows from grants", in: Role{Name: "r", Permissions: []auth.Permission{auth.PermRecordsRead}}, code: "invalid_permission"},
		{name: "records:write follows from grants", in: Role{Name: "r", Permissions: []auth.Permission{auth.PermRecordsWrite}}, code: "invalid_permission"},
		{name: "permission empty", in: Role{Name: "r", Permissions: []auth.Permission{""}}, code: "invalid_permission"},

		{name: "access read", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "", true, "read")}},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{g("*", "*", "", ReadFull, false, "")}}},
		{name: "access read_masked", in: Role{Name: "r", Grants: []Grant{g("customers", "", "user.contact", ReadFull, true, "read_masked")}},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{g("customers", "", "user.contact", ReadMasked, false, "")}}},
		{name: "access write", in: Role{Name: "r", Grants: []Grant{g("customers", "email", "", ReadNone, false, "write")}},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{g("customers", "email", "", ReadFull, true, "")}}},
		{name: "access none", in: Role{Name: "r", Grants: []Grant{g("*", "*", "", ReadFull, true, "none")}},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{g("*", "*", "", ReadNone, false, "")}}},
		{name: "read defaults to none", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "", true, "")}},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{g("*", "*", "", ReadNone, true, "")}}},
		{name: "explicit read levels kept", in: Role{Name: "r", Grants: []Grant{g("*", "", "user", ReadMasked, false, ""), g("a", "b", "", ReadFull, true, "")}},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{g("*", "", "user", ReadMasked, false, ""), g("a", "b", "", ReadFull, true, "")}}},
		{name: "access unknown", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "", false, "admin")}}, code: "invalid_access"},
		{name: "access upper case", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "", false, "READ")}}, code: "invalid_access"},
		{name: "access read level spelling", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "", false, "full")}}, code: "invalid_access"},
		{name: "read level unknown", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "partial", false, "")}}, code: "invalid_read_level"},
		{name: "read level upper case", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "FULL", false, "")}}, code: "invalid_read_level"},
		{name: "read level shorthand spelling", in: Role{Name: "r", Grants: []Grant{g("*", "", "", "read", false, "")}}, code: "invalid_read_level"},
		{name: "collection missing", in: Role{Name: "r", Grants: []Grant{g("", "email", "", ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "field and category", in: Role{Name: "r", Grants: []Grant{g("*", "email", "user.contact.email", ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "wildcard field and category", in: Role{Name: "r", Grants: []Grant{g("*", "*", "user", ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "collection too long", in: Role{Name: "r", Grants: []Grant{g(strings.Repeat("c", 65), "", "", ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "field too long", in: Role{Name: "r", Grants: []Grant{g("*", strings.Repeat("f", 65), "", ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "category too long", in: Role{Name: "r", Grants: []Grant{g("*", "", strings.Repeat("u", 201), ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "an invalid grant after a valid one", in: Role{Name: "r", Grants: []Grant{g("*", "", "", ReadFull, false, ""), g("", "", "", ReadFull, false, "")}}, code: "invalid_grant"},
		{name: "500 grants", in: Role{Name: "r", Grants: many[:500]},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: many[:500]}},
		{name: "501 grants", in: Role{Name: "r", Grants: many}, code: "invalid_grants"},

		{name: "mfa, training and builtin flags kept", in: Role{Name: "r", RequireMFA: yes(), RequireTraining: true, Builtin: true},
			want: Role{Name: "r", Permissions: []auth.Permission{}, Grants: []Grant{}, RequireMFA: yes(), RequireTraining: true, Builtin: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.in
			r.Grants = append([]Grant(nil), tc.in.Grants...)
			if tc.in.Grants == nil {
				r.Grants = nil
			}
			err := r.Normalize()
			if tc.code != "" {
				wantErr(t, err, apperr.Invalid, tc.code)
				if got := apperr.KindOf(err).HTTPStatus(); got != 400 {
					t.Errorf("status %d, want 400", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !reflect.DeepEqual(r, tc.want) {
				t.Errorf("got  %+v\nwant %+v", r, tc.want)
			}
			again := r
			if err := again.Normalize(); err != nil || !reflect.DeepEqual(again, r) {
				t.Errorf("not idempotent: %v %+v", err, again)
			}
		})
	}
}

func TestBuiltinRolesValid(t *testing.T) {
	for _, r := range BuiltinRoles() {
		if !r.Builtin || !IsBuiltinRole(r.Name) {
			t.Errorf("%s: not marked built-in", r.Name)
		}
		n := r
		n.Grants = append([]Grant{}, r.Grants...)
		if err := n.Normalize(); err != nil {
			t.Errorf("%s: a built-in role does not pass Normalize: %v", r.Name, err)
		}
	}
	if IsBuiltinRole("tester") || IsBuiltinRole("") || IsBuiltinRole("Admin") {
		t.Error("IsBuiltinRole accepts other names")
	}
}

func TestFieldGrantSpecificity(t *testing.T) {
	g := func(collection, field, category string, read ReadLevel) Grant {
		return Grant{Collection: collection, Field: field, Category: category, Read: read}
	}
	tests := []struct {
		name                        string
		grants                      []Grant
		collection, field, category string
		want                        int // index of the winning grant, -1 for none
	}{
		{"no grants", nil, "customers", "email", "user.contact.email", -1},
		{"all", []Grant{g("*", "*", "", ReadFull)}, "customers", "email", "user.contact.email", 0},
		{"other collection only", []Grant{g("orders", "*", "", ReadFull)}, "customers", "email", "user.contact.email", -1},
		{"other field only", []Grant{g("*", "phone", "", ReadFull)}, "customers", "email", "user.contact.email", -1},
		{"other category only", []Grant{g("*", "", "user.name", ReadFull)}, "customers", "email", "user.contact.email", -1},

		{"field beats category beats all",
			[]Grant{g("*", "*", "", ReadFull), g("*", "", "user.contact", ReadMasked), g("*", "email", "", ReadNone)}, "customers", "email", "user.contact.email", 2},
		{"field beats category beats all, reversed",
			[]Grant{g("*", "email", "", ReadNone), g("*", "", "user.contact", ReadMasked), g("*", "*", "", ReadFull)}, "customers", "email", "user.contact.email", 0},
		{"category beats all",
			[]Grant{g("*", "*", "", ReadFull), g("*", "", "user.contact", ReadMasked)}, "customers", "phone", "user.contact.phone_number", 1},
		{"field beats the longest category",
			[]Grant{g("*", "", "user.contact.email", ReadFull), g("*", "email", "", ReadMasked)}, "customers", "email", "user.contact.email", 1},

		{"longer category beats shorter",
			[]Grant{g("*", "", "user.contact", ReadFull), g("*", "", "user.contact.phone_number", ReadMasked)}, "customers", "phone", "user.contact.phone_number", 1},
		{"longer category beats shorter, reversed",
			[]Grant{g("*", "", "user.contact.phone_number", ReadMasked), g("*", "", "user.contact", ReadFull)}, "customers", "phone", "user.contact.phone_number", 0},
		{"three levels",
			[]Grant{g("*", "", "user", ReadNone), g("*", "", "user.contact.address", ReadFull), g("*", "", "user.contact", ReadMasked)}, "customers", "street", "user.contact.address.street", 1},
		{"exact category",
			[]Grant{g("*", "", "user.contact", ReadMasked), g("*", "", "user.contact.email", ReadFull)}, "customers", "email", "user.contact.email", 1},
		{"longer category beats a named collection",
			[]Grant{g("customers", "", "user", ReadMasked), g("*", "", "user.contact", ReadFull)}, "customers", "email", "user.contact.email", 1},

		{"named collection beats * for all fields",
			[]Grant{g("*", "*", "", ReadFull), g("customers", "*", "", ReadMasked)}, "customers", "email", "user.contact.email", 1},
		{"named collection beats * for all fields, reversed",
			[]Grant{g("customers", "*", "", ReadMasked), g("*", "*", "", ReadFull)}, "customers", "email", "user.contact.email", 0},
		{"named collection beats * for a category",
			[]Grant{g("*", "", "user.contact", ReadFull), g("customers", "", "user.contact", ReadNone)}, "customers", "email", "user.contact.email", 1},
		{"named collection beats * for a field",
			[]Grant{g("customers", "email", "", ReadNone), g("*", "email", "", ReadFull)}, "customers", "email", "user.contact.email", 0},
		{"field on * beats all fields of the named collection",
			[]Grant{g("customers", "*", "", ReadNone), g("*", "email", "", ReadFull)}, "customers", "email", "user.contact.email", 1},
		{"category on * beats all fields of the named collection",
			[]Grant{g("customers", "*", "", ReadNone), g("*", "", "user.contact", ReadFull)}, "customers", "email", "user.contact.email", 1},

		{"category prefix matches a sub-category",
			[]Grant{g("*", "", "user.contact", ReadFull)}, "customers", "email", "user.contact.email", 0},
		{"category prefix does not match a longer word",
			[]Grant{g("*", "", "user.contact", ReadFull)}, "customers", "contactless", "user.contactless", -1},
		{"category prefix does not match a parent",
			[]Grant{g("*", "", "user.contact.email", ReadFull)}, "customers", "contact", "user.contact", -1},
		{"category with a trailing dot matches nothing",
			[]Grant{g("*", "", "user.contact.", ReadFull)}, "customers", "email", "user.contact.email", -1},
		{"category case matters",
			[]Grant{g("*", "", "User.Contact", ReadFull)}, "customers", "email", "user.contact.email", -1},
		{"the wider category is still chosen for the longer word",
			[]Grant{g("*", "", "user", ReadMasked), g("*", "", "user.contact", ReadFull)}, "customers", "contactless", "user.contactless", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Role{Name: "r", Grants: tc.grants}
			got := r.fieldGrant(tc.collection, tc.field, tc.category)
			want := Grant{Read: ReadNone}
			if tc.want >= 0 {
				want = tc.grants[tc.want]
			}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestCategoryMatches(t *testing.T) {
	tests := []struct {
		prefix, category string
		want             bool
	}{
		{"user.contact", "user.contact", true},
		{"user.contact", "user.contact.email", true},
		{"user.contact", "user.contact.address.street", true},
		{"user", "user.contact.email", true},
		{"user.contact", "user.contactless", false},
		{"user.contact", "user.contac", false},
		{"user.contact", "user", false},
		{"user.contact", "system.contact", false},
		{"user.contact", "", false},
		{"user.contact.email", "user.contact.emails", false},
	}
	for _, tc := range tests {
		if got := categoryMatches(tc.prefix, tc.category); got != tc.want {
			t.Errorf("categoryMatches(%q, %q) = %v, want %v", tc.prefix, tc.category, got, tc.want)
		}
	}
}

func TestMFARequired(t *testing.T) {
	no := func() *bool { f := false; return &f }
	tests := []struct {
		name string
		role Role
		want bool
	}{
		{"no grants", Role{}, false},
		{"empty grants", Role{Grants: []Grant{}}, false},
		{"masked only", Role{Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked, Write: true}}}, false},
		{"none only, with write", Role{Grants: []Grant{{Collection: "*", Field: "*", Read: ReadNone, Write: true}}}, false},
		{"one full grant among masked", Role{Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked}, {Collection: "c", Field: "email", Read: ReadFull}}}, true},
		{"full on one field", Role{Grants: []Grant{{Collection: "c", Field: "f", Read: ReadFull}}}, true},
		{"explicit true without grants", Role{RequireMFA: yes()}, true},
		{"explicit true, masked only", Role{RequireMFA: yes(), Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked}}}, true},
		{"explicit false overrides full", Role{RequireMFA: no(), Grants: []Grant{{Collection: "*", Field: "*", Read: ReadFull}}}, false},
	}
	for _, tc := range tests {
		if got := tc.role.MFARequired(); got != tc.want {
			t.Errorf("%s: MFARequired = %v, want %v", tc.name, got, tc.want)
		}
	}
	builtin := map[string]bool{RoleAdmin: true, RoleDPO: true, RoleSales: true, RoleSupport: true, RoleMarketing: true, RoleAuditor: false}
	for _, r := range BuiltinRoles() {
		want, ok := builtin[r.Name]
		if !ok {
			t.Errorf("unexpected built-in role %s", r.Name)
			continue
		}
		if r.MFARequired() != want {
			t.Errorf("built-in %s: MFARequired = %v, want %v", r.Name, r.MFARequired(), want)
		}
	}
}

func TestCan(t *testing.T) {
	tests := []struct {
		name        string
		role        Role
		read, write bool
		perms       map[auth.Permission]bool
	}{
		{"no grants", Role{}, false, false, nil},
		{"none grants", Role{Grants: []Grant{{Collection: "*", Field: "*", Read: ReadNone}}}, false, false, nil},
		{"masked read", Role{Grants: []Grant{{Collection: "*", Field: "*", Read: ReadMasked}}}, true, false, nil},
		{"full read", Role{Grants: []Grant{{Collection: "c", Field: "f", Read: ReadFull}}}, true, false, nil},
		{"write only", Role{Grants: []Grant{{Collection: "c", Field: "f", Read: ReadNone, Write: true}}}, false, true, nil},
		{"read and write on different grants", Role{Grants: []Grant{{Collection: "c", Field: "f", Read: ReadNone, Write: true}, {Collection: "c", Field: "g", Read: ReadMasked}}}, true, true, nil},
		{"listed permissions", Role{Permissions: []auth.Permission{auth.PermAuditRead, auth.PermSchemaRead}}, false, false,
			map[auth.Permission]bool{auth.PermAuditRead: true, auth.PermSchemaRead: true, auth.PermSchemaWrite: false, auth.PermKeysManage: false}},
		{"listed records permissions do not count", Role{Permissions: []auth.Permission{auth.PermRecordsRead, auth.PermRecordsWrite}}, false, false, nil},
	}
	for _, tc := range tests {
		if got := tc.role.Can(auth.PermRecordsRead); got != tc.read {
			t.Errorf("%s: Can(records:read) = %v, want %v", tc.name, got, tc.read)
		}
		if got := tc.role.Can(auth.PermRecordsWrite); got != tc.write {
			t.Errorf("%s: Can(records:write) = %v, want %v", tc.name, got, tc.write)
		}
		for p, want := range tc.perms {
			if got := tc.role.Can(p); got != want {
				t.Errorf("%s: Can(%s) = %v, want %v", tc.name, p, got, want)
			}
		}
	}
	// The built-in roles.
	type rw struct{ read, write bool }
	want := map[string]rw{RoleAdmin: {}, RoleAuditor: {}, RoleDPO: {true, true}, RoleSales: {true, true}, RoleSupport: {true, true}, RoleMarketing: {true, false}}
	for _, r := range BuiltinRoles() {
		if got := (rw{r.Can(auth.PermRecordsRead), r.Can(auth.PermRecordsWrite)}); got != want[r.Name] {
			t.Errorf("built-in %s: records read/write %v, want %v", r.Name, got, want[r.Name])
		}
		for _, p := range r.Permissions {
			if !r.Can(p) {
				t.Errorf("built-in %s: Can(%s) false for a listed permission", r.Name, p)
			}
		}
	}
}
