package access

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/auth"
)

// ReadLevel is how much of a field a grant shows.
type ReadLevel string

// The read levels, from least to most.
const (
	ReadNone   ReadLevel = "none"
	ReadMasked ReadLevel = "masked"
	ReadFull   ReadLevel = "full"
)

// Grant gives a role data access to the fields it selects: one collection
// or all ("*"), and one field by name, the fields of a fideslang category
// (a prefix such as "user.contact" selects "user.contact.email"), or all.
// When several grants select a field, the most specific wins: a named field
// over a category, a longer category over a shorter one, a named collection
// over "*".
type Grant struct {
	Collection string    `json:"collection"`
	Field      string    `json:"field,omitempty"`
	Category   string    `json:"category,omitempty"`
	Read       ReadLevel `json:"read"`
	Write      bool      `json:"write"`
	// Access is a shorthand accepted on input: "read", "read_masked",
	// "write" (read and write) or "none". It is folded into Read and Write.
	Access string `json:"access,omitempty"`
}

// Role is a named set of management permissions and data grants.
type Role struct {
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Permissions []auth.Permission `json:"permissions"`
	Grants      []Grant           `json:"grants"`
	// RequireMFA makes sessions of this role's people pass a TOTP check
	// before they can do anything else. Nil takes the default: required
	// when any grant reads unmasked data.
	RequireMFA *bool `json:"require_mfa,omitempty"`
	// RequireTraining limits people whose privacy training is missing or
	// expired to masked values.
	RequireTraining bool `json:"require_training,omitempty"`
	Builtin         bool `json:"builtin,omitempty"`
}

// ManagementPermissions are the permissions a role may list; records:read
// and records:write follow from its grants.
var ManagementPermissions = []auth.Permission{
	auth.PermSchemaRead, auth.PermSchemaWrite, auth.PermSubjectErase, auth.PermAuditRead,
	auth.PermTokensManage, auth.PermKeysManage, auth.PermMetricsRead, auth.PermUsersManage,
	auth.PermRolesManage, auth.PermPurposesManage, auth.PermConsentsRead, auth.PermConsentsWrite,
	auth.PermTrainingManage, auth.PermAlertsRead, auth.PermAlertsManage,
	auth.PermRequestsFile, auth.PermRequestsRead, auth.PermRequestsManage, auth.PermRetention,
	auth.PermScansReport, auth.PermScansRead, auth.PermGovernance, auth.PermGovernanceRead, auth.PermDLPCheck,
	auth.PermExportsApprove,
	auth.PermIncidents, auth.PermIncidentsRead,
	auth.PermImportsRun,
}

var roleName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

func invalid(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }

// Normalize validates r and folds grant shorthands.
func (r *Role) Normalize() error {
	r.Name = strings.TrimSpace(r.Name)
	if !roleName.MatchString(r.Name) {
		return invalid("invalid_role_name", "a role name must match "+roleName.String())
	}
	if utf8.RuneCountInString(r.Description) > 500 {
		return invalid("invalid_description", "a description has at most 500 characters")
	}
	if r.Permissions == nil {
		r.Permissions = []auth.Permission{}
	}
	for _, p := range r.Permissions {
		if !slices.Contains(ManagementPermissions, p) {
			return apperr.Newf(apperr.Invalid, "invalid_permission", "unknown permission %q; one of %s", truncate(string(p), 40), joinPerms(ManagementPermissions))
		}
	}
	slices.Sort(r.Permissions)
	r.Permissions = slices.Compact(r.Permissions)
	if r.Grants == nil {
		r.Grants = []Grant{}
	}
	if len(r.Grants) > 500 {
		return invalid("invalid_grants", "a role has at most 500 grants")
	}
	for i := range r.Grants {
		if err := r.Grants[i].normalize(); err != nil {
			return err
		}
	}
	return nil
}

func (g *Grant) normalize() error {
	switch g.Access {
	case "":
	case "none":
		g.Read, g.Write = ReadNone, false
	case "read":
		g.Read, g.Write = ReadFull, false
	case "read_masked":
		g.Read, g.Write = ReadMasked, false
	case "write":
		g.Read, g.Write = ReadFull, true
	default:
		return invalid("invalid_access", `access must be "read", "read_masked", "write" or "none"`)
	}
	g.Access = ""
	if g.Read == "" {
		g.Read = ReadNone
	}
	if g.Read != ReadNone && g.Read != ReadMasked && g.Read != ReadFull {
		return invalid("invalid_read_level", `read must be "full", "masked" or "none"`)
	}
	if g.Collection == "" {
		return invalid("invalid_grant", `a grant names a collection, or "*" for all`)
	}
	if g.Field != "" && g.Category != "" {
		return invalid("invalid_grant", "a grant selects a field or a category, not both")
	}
	if len(g.Collection) > 64 || len(g.Field) > 64 || len(g.Category) > 200 {
		return invalid("invalid_grant", "grant selectors are too long")
	}
	if g.Field == "" && g.Category == "" {
		g.Field = "*"
	}
	return nil
}

// readsUnmasked reports whether any grant shows full values.
func (r *Role) readsUnmasked() bool {
	for _, g := range r.Grants {
		if g.Read == ReadFull {
			return true
		}
	}
	return false
}

// MFARequired reports whether people with this role need a second factor.
func (r *Role) MFARequired() bool {
	if r.RequireMFA != nil {
		return *r.RequireMFA
	}
	return r.readsUnmasked()
}

// Can reports whether the role grants p. records:read and records:write
// follow from the grants.
func (r *Role) Can(p auth.Permission) bool {
	switch p {
	case auth.PermRecordsRead:
		for _, g := range r.Grants {
			if g.Read != ReadNone {
				return true
			}
		}
		return false
	case auth.PermRecordsWrite:
		for _, g := range r.Grants {
			if g.Write {
				return true
			}
		}
		return false
	}
	return slices.Contains(r.Permissions, p)
}

// fieldGrant returns the most specific grant for a field, or a zero grant.
func (r *Role) fieldGrant(collection, field, category string) Grant {
	best, bestScore := Grant{Read: ReadNone}, -1
	for _, g := range r.Grants {
		score := 0
		switch {
		case g.Collection == collection:
			score = 1
		case g.Collection == "*":
		default:
			continue
		}
		switch {
		case g.Field == field:
			score += 100000
		case g.Category != "" && categoryMatches(g.Category, category):
			score += 1000 + 2*len(g.Category)
		case g.Field == "*":
		default:
			continue
		}
		if score > bestScore {
			best, bestScore = g, score
		}
	}
	return best
}

// categoryMatches reports whether category sits under prefix in the
// fideslang tree ("user.contact" matches "user.contact.email").
func categoryMatches(prefix, category string) bool {
	return category == prefix || strings.HasPrefix(category, prefix+".")
}

func joinPerms(ps []auth.Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
