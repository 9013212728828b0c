package auth

import "context"

// Role names a role; the access package defines what roles grant.
type Role string

// Permission is one capability checked by the API.
type Permission string

// The permissions the API checks. records:read and records:write follow
// from a role's data grants; the rest are listed by the role.
const (
	PermSchemaRead     Permission = "schema:read"
	PermSchemaWrite    Permission = "schema:write"
	PermRecordsRead    Permission = "records:read"
	PermRecordsWrite   Permission = "records:write"
	PermSubjectErase   Permission = "subjects:erase"
	PermAuditRead      Permission = "audit:read"
	PermTokensManage   Permission = "tokens:manage"
	PermKeysManage     Permission = "keys:manage"
	PermMetricsRead    Permission = "metrics:read"
	PermUsersManage    Permission = "users:manage"
	PermRolesManage    Permission = "roles:manage"
	PermPurposesManage Permission = "purposes:manage"
	PermConsentsRead   Permission = "consents:read"
	PermConsentsWrite  Permission = "consents:write"
	PermTrainingManage Permission = "training:manage"
	PermAlertsRead     Permission = "alerts:read"
	PermAlertsManage   Permission = "alerts:manage"
	PermRequestsFile   Permission = "requests:file"     // file a data-subject request
	PermRequestsRead   Permission = "requests:read"     // see requests and their clocks
	PermRequestsManage Permission = "requests:manage"   // move, carry out, download packages
	PermRetention      Permission = "retention:manage"  // retention rules, legal holds, retention runs
	PermScansReport    Permission = "scans:report"      // record the results of a scan
	PermScansRead      Permission = "scans:read"        // see reported scan results
	PermGovernance     Permission = "governance:manage" // the data map (systems) and processors
	PermGovernanceRead Permission = "governance:read"   // see the data map and processors
	PermDLPCheck       Permission = "dlp:check"         // ask whether a text may leave (mail gateways, chat bots)
	PermExportsApprove Permission = "exports:approve"   // decide large or sensitive exports (four-eyes)
	PermIncidents      Permission = "incidents:manage"  // file breaches, close their tasks, record notifications and evidence
	PermIncidentsRead  Permission = "incidents:read"    // see breaches, their clocks, timelines and drafts
	PermImportsRun     Permission = "imports:run"       // import files into the vault (POST /v1/imports) and see import jobs
)

// RoleInfo is what authentication needs to know about a role.
type RoleInfo struct {
	Exists           bool
	MFARequired      bool
	TrainingRequired bool
	Can              func(Permission) bool
}

// Roles resolves role names (the access engine implements it).
type Roles interface {
	RoleInfo(ctx context.Context, name string) (RoleInfo, error)
}
