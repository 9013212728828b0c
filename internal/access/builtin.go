package access

import "custodia/internal/auth"

// Built-in role names.
const (
	RoleAdmin     = "admin"
	RoleDPO       = "dpo"
	RoleSales     = "sales"
	RoleSupport   = "support"
	RoleMarketing = "marketing"
	RoleAuditor   = "auditor"
)

func yes() *bool { t := true; return &t }

// BuiltinRoles returns the built-in roles. They cannot be changed through
// the API; define a custom role for a different mix.
//
//   - admin: manages schema, users, roles, purposes, tokens, keys and
//     alerts, and erases subjects on request; reads no personal data.
//   - dpo: reads and writes every field, erases, reads the audit log and
//     consent evidence.
//   - sales: contact details and names, in full, read and write; nothing
//     financial, no government identifiers, nothing else.
//   - support: reads and writes customer data, with phone numbers,
//     government identifiers and financial data masked.
//   - marketing: reads names and e-mail addresses; phone numbers masked.
//   - auditor: the audit log, alerts, consent evidence and schema; no
//     personal data.
//
// Every role that reads unmasked personal data requires MFA for people;
// so does admin.
func BuiltinRoles() []Role {
	all := func(read ReadLevel, write bool) Grant {
		return Grant{Collection: "*", Field: "*", Read: read, Write: write}
	}
	cat := func(category string, read ReadLevel, write bool) Grant {
		return Grant{Collection: "*", Category: category, Read: read, Write: write}
	}
	roles := []Role{
		{Name: RoleAdmin, Description: "Manages schema, people, roles, purposes, tokens, keys and alerts; reads no personal data.",
			Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermSchemaWrite, auth.PermSubjectErase, auth.PermAuditRead,
				auth.PermTokensManage, auth.PermKeysManage, auth.PermMetricsRead, auth.PermUsersManage, auth.PermRolesManage,
				auth.PermPurposesManage, auth.PermTrainingManage, auth.PermAlertsRead, auth.PermAlertsManage, auth.PermRequestsRead,
				auth.PermRetention, auth.PermScansReport, auth.PermScansRead, auth.PermGovernance, auth.PermGovernanceRead,
				auth.PermDLPCheck, auth.PermExportsApprove,
				auth.PermIncidents, auth.PermIncidentsRead, auth.PermImportsRun},
			Grants: []Grant{}, RequireMFA: yes()},
		{Name: RoleDPO, Description: "Data protection officer: all personal data, erasure, audit log, consent evidence.",
			Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermSubjectErase, auth.PermAuditRead, auth.PermConsentsRead,
				auth.PermConsentsWrite, auth.PermTrainingManage, auth.PermAlertsRead, auth.PermRequestsFile, auth.PermRequestsRead,
				auth.PermRequestsManage, auth.PermRetention, auth.PermScansReport, auth.PermScansRead, auth.PermGovernance,
				auth.PermGovernanceRead, auth.PermDLPCheck, auth.PermExportsApprove,
				auth.PermIncidents, auth.PermIncidentsRead, auth.PermImportsRun},
			Grants: []Grant{all(ReadFull, true)}},
		{Name: RoleSales, Description: "Contact details and names; no financial data or government identifiers.",
			Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermConsentsRead, auth.PermConsentsWrite, auth.PermRequestsFile},
			Grants:      []Grant{cat("user.contact", ReadFull, true), cat("user.name", ReadFull, true)}},
		{Name: RoleSupport, Description: "Customer data for support, with phones, government identifiers and financial data masked.",
			Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermConsentsRead, auth.PermConsentsWrite, auth.PermRequestsFile, auth.PermRequestsRead},
			Grants: []Grant{all(ReadFull, true), cat("user.contact.phone_number", ReadMasked, true),
				cat("user.government_id", ReadMasked, false), cat("user.financial", ReadMasked, false)}},
		{Name: RoleMarketing, Description: "Names and e-mail addresses for marketing; phone numbers masked.",
			Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermConsentsRead},
			Grants: []Grant{cat("user.name", ReadFull, false), cat("user.contact.email", ReadFull, false),
				cat("user.contact.phone_number", ReadMasked, false)}},
		{Name: RoleAuditor, Description: "Audit log, alerts, consent evidence and schema; no personal data.",
			Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermAuditRead, auth.PermMetricsRead, auth.PermAlertsRead, auth.PermConsentsRead, auth.PermRequestsRead,
				auth.PermScansRead, auth.PermGovernanceRead, auth.PermIncidentsRead},
			Grants: []Grant{}},
	}
	for i := range roles {
		roles[i].Builtin = true
	}
	return roles
}

// IsBuiltinRole reports whether name is a built-in role.
func IsBuiltinRole(name string) bool {
	for _, r := range BuiltinRoles() {
		if r.Name == name {
			return true
		}
	}
	return false
}
