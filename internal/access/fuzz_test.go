package access

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/auth"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/; `go test` runs them
// as ordinary unit tests.

var roleCodes = map[string]bool{"invalid_role_name": true, "invalid_description": true, "invalid_permission": true,
	"invalid_grants": true, "invalid_access": true, "invalid_read_level": true, "invalid_grant": true}

// FuzzRoleJSON decodes arbitrary bytes as a Role (as the API does) and
// normalizes it. Properties: no panic; a refusal is Invalid with a known
// code; an accepted role has a valid name, known sorted permissions, and
// grants with a valid read level, no shorthand left, a collection, and a
// field or a category (not both); normalizing is idempotent, also through
// a JSON round trip (the role is stored as JSON); and decisions on it do
// not panic.
func FuzzRoleJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Role
		if err := json.Unmarshal(body, &r); err != nil {
			return
		}
		if err := r.Normalize(); err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || !roleCodes[e.Code] {
				t.Fatalf("refusal %v is not Invalid with a known code", err)
			}
			return
		}
		if !roleName.MatchString(r.Name) || len(r.Description) > 500 {
			t.Fatalf("accepted name %q / description of %d bytes", r.Name, len(r.Description))
		}
		if r.Permissions == nil || r.Grants == nil {
			t.Fatal("nil permissions or grants after Normalize")
		}
		if !slices.IsSorted(r.Permissions) || len(slices.Compact(slices.Clone(r.Permissions))) != len(r.Permissions) {
			t.Fatalf("permissions not sorted and unique: %v", r.Permissions)
		}
		for _, p := range r.Permissions {
			if !slices.Contains(ManagementPermissions, p) {
				t.Fatalf("accepted permission %q", p)
			}
		}
		if len(r.Grants) > 500 {
			t.Fatalf("%d grants accepted", len(r.Grants))
		}
		for i, g := range r.Grants {
			if g.Read != ReadNone && g.Read != ReadMasked && g.Read != ReadFull {
				t.Fatalf("grant %d: read %q", i, g.Read)
			}
			if g.Access != "" {
				t.Fatalf("grant %d: access %q left", i, g.Access)
			}
			if g.Field == "" && g.Category == "" || g.Field != "" && g.Category != "" {
				t.Fatalf("grant %d: field %q category %q", i, g.Field, g.Category)
			}
			if g.Collection == "" {
				t.Fatalf("grant %d: no collection", i)
			}
		}

		// Idempotent in memory...
		again := r
		again.Permissions = slices.Clone(r.Permissions)
		again.Grants = slices.Clone(r.Grants)
		if err := again.Normalize(); err != nil {
			t.Fatalf("a normalized role is refused: %v", err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("Normalize is not idempotent:\n%+v\n%+v", r, again)
		}
		// ...and through storage as JSON.
		b1, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var stored Role
		if err := json.Unmarshal(b1, &stored); err != nil {
			t.Fatalf("a normalized role does not decode: %v", err)
		}
		if err := stored.Normalize(); err != nil {
			t.Fatalf("a stored role is refused: %v\n%s", err, b1)
		}
		if !reflect.DeepEqual(stored, r) {
			t.Fatalf("round trip changed the role:\n%+v\n%+v", r, stored)
		}
		b2, _ := json.Marshal(stored)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip changed the JSON:\n%s\n%s", b1, b2)
		}

		// Decisions on the role do not panic, and pick one of its grants.
		for _, q := range [][3]string{{"customers", "email", "user.contact.email"}, {"*", "*", ""}, {"", "", ""}, {"c", "f", "user"}} {
			g := r.fieldGrant(q[0], q[1], q[2])
			if g != (Grant{Read: ReadNone}) && !slices.Contains(r.Grants, g) {
				t.Fatalf("fieldGrant returned a grant the role lacks: %+v", g)
			}
		}
		_ = r.MFARequired()
		_ = r.Can(auth.PermRecordsRead)
		_ = r.Can(auth.PermRecordsWrite)
	})
}

var purposeCodes = map[string]bool{"invalid_purpose_name": true, "invalid_description": true, "invalid_legal_basis": true, "unknown_role": true}

// FuzzPurposeJSON is FuzzRoleJSON for purposes, with the built-in roles as
// the known roles.
func FuzzPurposeJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Purpose
		if err := json.Unmarshal(body, &p); err != nil {
			return
		}
		if err := p.Normalize(IsBuiltinRole); err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || !purposeCodes[e.Code] {
				t.Fatalf("refusal %v is not Invalid with a known code", err)
			}
			return
		}
		if !PurposeName.MatchString(p.Name) {
			t.Fatalf("accepted name %q", p.Name)
		}
		if p.Description == "" || len(p.Description) > 1000 {
			t.Fatalf("accepted description of %d bytes", len(p.Description))
		}
		if !slices.Contains(LegalBases, p.LegalBasis) {
			t.Fatalf("accepted basis %q", p.LegalBasis)
		}
		if p.Roles == nil || !slices.IsSorted(p.Roles) || len(slices.Compact(slices.Clone(p.Roles))) != len(p.Roles) {
			t.Fatalf("roles not sorted and unique: %#v", p.Roles)
		}
		for _, r := range p.Roles {
			if !IsBuiltinRole(r) {
				t.Fatalf("accepted role %q", r)
			}
		}

		again := p
		again.Roles = slices.Clone(p.Roles)
		if err := again.Normalize(IsBuiltinRole); err != nil {
			t.Fatalf("a normalized purpose is refused: %v", err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("Normalize is not idempotent:\n%+v\n%+v", p, again)
		}
		b1, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var stored Purpose
		if err := json.Unmarshal(b1, &stored); err != nil {
			t.Fatalf("a normalized purpose does not decode: %v", err)
		}
		if err := stored.Normalize(IsBuiltinRole); err != nil {
			t.Fatalf("a stored purpose is refused: %v\n%s", err, b1)
		}
		// Times decode into equal instants but other *time.Location values,
		// so compare the encodings.
		b2, _ := json.Marshal(stored)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip changed the purpose:\n%s\n%s", b1, b2)
		}
	})
}
