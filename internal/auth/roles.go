package auth

import "slices"

// Role is a named set of permissions.
type Role string

// The built-in roles.
const (
	RoleAdmin     Role = "admin"     // manages tokens, keys, schema; full access in this version
	RoleDPO       Role = "dpo"       // records, erasure, audit
	RoleSales     Role = "sales"     // records within the token's scope
	RoleSupport   Role = "support"   // records within the token's scope
	RoleMarketing Role = "marketing" // records within the token's scope
	RoleAuditor   Role = "auditor"   // audit log and schema, no personal data
)

// Permission is one capability checked by the API.
type Permission string

// The permissions the API checks.
const (
	PermSchemaRead   Permission = "schema:read"
	PermSchemaWrite  Permission = "schema:write"
	PermRecordsRead  Permission = "records:read"
	PermRecordsWrite Permission = "records:write"
	PermSubjectErase Permission = "subjects:erase"
	PermAuditRead    Permission = "audit:read"
	PermTokensManage Permission = "tokens:manage"
	PermKeysManage   Permission = "keys:manage"
	PermMetricsRead  Permission = "metrics:read"
)

// rolePermissions is the role matrix of this version.
var rolePermissions = map[Role][]Permission{
	RoleAdmin: {PermSchemaRead, PermSchemaWrite, PermRecordsRead, PermRecordsWrite, PermSubjectErase,
		PermAuditRead, PermTokensManage, PermKeysManage, PermMetricsRead},
	RoleDPO:       {PermSchemaRead, PermRecordsRead, PermRecordsWrite, PermSubjectErase, PermAuditRead},
	RoleSales:     {PermSchemaRead, PermRecordsRead, PermRecordsWrite},
	RoleSupport:   {PermSchemaRead, PermRecordsRead, PermRecordsWrite},
	RoleMarketing: {PermSchemaRead, PermRecordsRead, PermRecordsWrite},
	RoleAuditor:   {PermSchemaRead, PermAuditRead, PermMetricsRead},
}

// Roles lists the built-in roles.
func Roles() []Role {
	return []Role{RoleAdmin, RoleDPO, RoleSales, RoleSupport, RoleMarketing, RoleAuditor}
}

// ValidRole reports whether r is a built-in role.
func ValidRole(r Role) bool { _, ok := rolePermissions[r]; return ok }

// Can reports whether role r grants p.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }
