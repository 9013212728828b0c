package auth

// AllPermissions lists every permission the API checks, in the order
// GET /v1/users/me reports them.
var AllPermissions = []Permission{
	PermSchemaRead, PermSchemaWrite, PermRecordsRead, PermRecordsWrite, PermSubjectErase, PermAuditRead,
	PermTokensManage, PermKeysManage, PermMetricsRead, PermUsersManage, PermRolesManage, PermPurposesManage,
	PermConsentsRead, PermConsentsWrite, PermTrainingManage, PermAlertsRead, PermAlertsManage,
	PermRequestsFile, PermRequestsRead, PermRequestsManage, PermRetention, PermScansReport, PermScansRead,
	PermGovernance, PermGovernanceRead, PermDLPCheck, PermExportsApprove, PermIncidents, PermIncidentsRead,
	PermImportsRun,
}

// Permissions returns the permissions p holds, in AllPermissions order.
func (p *Principal) Permissions() []Permission {
	out := []Permission{}
	for _, perm := range AllPermissions {
		if p.Can(perm) {
			out = append(out, perm)
		}
	}
	return out
}
