// Package httpapi is Custodia's REST/JSON API under /v1: routing,
// authentication, authorisation by permission, request limits, RFC 9457
// errors, and the audit of every call before its response leaves.
package httpapi

import (
	"context"
	"hash/maphash"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/consent"
	"custodia/internal/detect"
	"custodia/internal/dlp"
	"custodia/internal/dsr"
	"custodia/internal/exports"
	"custodia/internal/importer"
	"custodia/internal/incidents"
	"custodia/internal/keys"
	"custodia/internal/retention"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// Options tune the API.
type Options struct {
	MaxBodyBytes int64 // request body limit (default 1 MiB)
	// LoginGuard limits failed sign-ins per account and address.
	LoginGuard detect.LoginGuardConfig
	// BulkRead sets the exfiltration threshold; Threshold < 0 disables it.
	BulkRead detect.BulkReadConfig
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client: without them every request behind a proxy comes from
	// the proxy's address, and one client's failures lock out everyone.
	TrustedProxies []netip.Prefix
	// LookupMisses sets how many distinct lookups matching no one a
	// principal may make per window; Threshold < 0 disables the alert.
	LookupMisses detect.BulkReadConfig
	// BlockBulkReads blocks a principal that trips the bulk-read detector
	// or the lookup-miss detector until an administrator clears the alert
	// (default: alert only).
	BlockBulkReads bool
	// AlertWebhook, when set, receives every alert as JSON.
	AlertWebhook string
	// DLPPolicy is the policy of POST /v1/dlp/check (dlp.Default() when nil).
	DLPPolicy *dlp.Policy
	// Controller names the organisation (and its contact details) in the
	// record of processing activities.
	Controller string
	// ExportApprovalRecords is the size from which a CSV export waits for
	// a second person's approval (exports.DefaultApprovalRecords when 0;
	// negative: only sensitive categories need approval).
	ExportApprovalRecords int
	// ImportDirs are the directories POST /v1/imports may read files
	// from by path (none: paths are refused); ImportMaxBytes limits an
	// uploaded file (DefaultImportMaxBytes when 0); ImportSpoolDir holds
	// uploads until their job ends (emptied at start; none: uploads are
	// refused); ImportConcurrency jobs run at once (2 when 0).
	ImportDirs        []string
	ImportMaxBytes    int64
	ImportSpoolDir    string
	ImportConcurrency int
}

// Deps are the services the API serves.
type Deps struct {
	Vault  *vault.Service
	Auth   *auth.Service
	Access *access.Engine
	Ledger *consent.Ledger
	// Requests runs data-subject requests; Exporter gathers a subject's
	// access package.
	Requests *dsr.Service
	Exporter dsr.Exporter
	// Retention evaluates retention rules.
	Retention *retention.Engine
	DB        *store.DB
	Keyring   *keys.Keyring
	// Breach holds the breach notification rules of /v1/incidents
	// (incidents.Default() when nil).
	Breach *incidents.Table
	// Importer runs the jobs of POST /v1/imports (nil: imports are
	// unavailable).
	Importer *importer.Importer
}

// Server holds the services the handlers use.
type Server struct {
	vault  *vault.Service
	tokens *auth.Service
	access *access.Engine
	ledger *consent.Ledger
	db     *store.DB
	// requests and exporter serve data-subject requests.
	requests  *dsr.Service
	exporter  dsr.Exporter
	retention *retention.Engine
	keyring   *keys.Keyring
	opts      Options
	limiter   *failLimiter
	guard     *detect.LoginGuard
	bulk      *detect.BulkReadDetector // nil when disabled
	misses    *detect.BulkReadDetector // lookups matching no one; nil when disabled
	missSeed  maphash.Seed
	rate      *detect.RateLimiter
	alerts    *alerter
	dlp       *dlpChecker // POST /v1/dlp/check
	mux       *http.ServeMux
	unclean   http.Handler // answers paths not in canonical form
	// rateAlerted holds when each principal last raised a rate_limited
	// alert (one entry per token or person that ever hit its limit).
	rateAlerted sync.Map
	// breach holds the breach rules of /v1/incidents; nil: the defaults.
	breach *incidents.Table
	// rotating admits one key rotation at a time.
	rotating sync.Mutex
	// imports runs import jobs in the background.
	imports *importRunner
}

// New builds the API handler.
func New(d Deps, opts Options) (*Server, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.ExportApprovalRecords == 0 {
		opts.ExportApprovalRecords = exports.DefaultApprovalRecords
	}
	if opts.ImportMaxBytes <= 0 {
		opts.ImportMaxBytes = DefaultImportMaxBytes
	}
	s := &Server{vault: d.Vault, tokens: d.Auth, access: d.Access, ledger: d.Ledger, db: d.DB, requests: d.Requests, exporter: d.Exporter, retention: d.Retention, keyring: d.Keyring, opts: opts,
		limiter: newFailLimiter(20, time.Minute), guard: detect.NewLoginGuard(opts.LoginGuard, nil),
		rate: detect.NewRateLimiter(nil), mux: http.NewServeMux()}
	if opts.BulkRead.Threshold >= 0 {
		s.bulk = detect.NewBulkReadDetector(opts.BulkRead, nil)
	}
	if opts.LookupMisses.Threshold >= 0 {
		if opts.LookupMisses.Threshold == 0 {
			opts.LookupMisses.Threshold = DefaultLookupMissThreshold
		}
		s.misses, s.missSeed = detect.NewBulkReadDetector(opts.LookupMisses, nil), maphash.MakeSeed()
	}
	s.alerts = &alerter{db: d.DB, tokens: d.Auth}
	s.breach = d.Breach
	s.dlp = newDLPChecker(opts.DLPPolicy)
	if opts.AlertWebhook != "" {
		wh, err := detect.NewWebhook(opts.AlertWebhook, nil)
		if err != nil {
			return nil, apperr.Wrap(err, "alert webhook")
		}
		s.alerts.dispatch = detect.NewDispatcher(wh.Send, 1000)
	}
	imports, err := newImportRunner(d.Importer, d.DB, opts)
	if err != nil {
		return nil, err
	}
	s.imports = imports
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	s.mux.Handle("/", s.wrap(route{Pattern: "/", Public: true, Handler: s.noRoute}))
	s.unclean = s.wrap(route{Pattern: "/", Public: true, Handler: func(http.ResponseWriter, *http.Request) error { return errNoRoute }})
	return s, nil
}

// Close stops background alert delivery and import jobs, waiting up to
// ctx.
func (s *Server) Close(ctx context.Context) {
	s.StopImports(ctx)
	if s.alerts.dispatch != nil {
		s.alerts.dispatch.Close(ctx)
	}
}

// ServeHTTP implements http.Handler. A path that is not in canonical form
// ("/v1/exports//download", "/v1/../x") names no endpoint: it answers a
// problem+json 404, where http.ServeMux would redirect to the cleaned path
// with an HTML body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !CleanPath(r.URL.Path) {
		s.unclean.ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// CleanPath reports whether p is an absolute path with no empty, "." or
// ".." segment: the paths http.ServeMux serves without a redirect.
func CleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	if p == "/" {
		return true
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(p[1:], "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// route is one API operation: its method and path, the permission it needs,
// the audit action it records, and its handler.
type route struct {
	Method     string
	Pattern    string
	Permission auth.Permission // "" with Public
	Public     bool            // no authentication, no audit (health, spec)
	Action     string          // audit action
	Handler    func(http.ResponseWriter, *http.Request) error
}

// Pseudo-permissions of routes that do not check a role's permission.
const (
	// permAnyone: no credentials needed, but the call is audited (sign-in).
	permAnyone auth.Permission = "anyone"
	// permSelf: any signed-in caller, also one that has yet to pass MFA.
	permSelf auth.Permission = "self"
)

// routes is the API's route table; /openapi.json must describe exactly these.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", "", true, "", s.healthz},
		{"GET", "/readyz", "", true, "", s.readyz},
		{"GET", "/openapi.json", "", true, "", s.openapi},
		{"GET", "/metrics", auth.PermMetricsRead, false, "", s.metrics},

		{"POST", "/v1/collections", auth.PermSchemaWrite, false, "collection.create", unscoped("a collection's schema", s.createCollection)},
		{"GET", "/v1/collections", auth.PermSchemaRead, false, "collection.list", s.listCollections},
		{"GET", "/v1/collections/{collection}", auth.PermSchemaRead, false, "collection.get", s.getCollection},
		{"PUT", "/v1/collections/{collection}", auth.PermSchemaWrite, false, "collection.put", unscoped("a collection's schema", s.putCollection)},

		{"POST", "/v1/collections/{collection}/records", auth.PermRecordsWrite, false, "record.create", s.createRecord},
		{"GET", "/v1/collections/{collection}/records", auth.PermRecordsRead, false, "record.search", s.findRecords},
		{"GET", "/v1/collections/{collection}/records/{id}", auth.PermRecordsRead, false, "record.read", s.getRecord},
		{"PATCH", "/v1/collections/{collection}/records/{id}", auth.PermRecordsWrite, false, "record.update", s.patchRecord},
		{"DELETE", "/v1/collections/{collection}/records/{id}", auth.PermRecordsWrite, false, "record.delete", s.deleteRecord},
		{"DELETE", "/v1/subjects/{subject}", auth.PermSubjectErase, false, "subject.erase", s.eraseSubject},
		{"GET", "/v1/subjects", auth.PermRecordsRead, false, "subject.find", s.findSubjects},
		{"GET", "/v1/subjects/{subject}/records", auth.PermRecordsRead, false, "subject.records", s.subjectRecords},
		{"GET", "/v1/subjects/{subject}/erasure", auth.PermSubjectErase, false, "subject.erasure_preview", s.erasurePreview},
		{"DELETE", "/v1/subjects/{subject}/restriction", auth.PermRequestsManage, false, "subject.unrestrict", unscoped("lifting a restriction", s.liftRestriction)},
		{"DELETE", "/v1/subjects/{subject}/objections/{purpose}", auth.PermRequestsManage, false, "subject.unobject", unscoped("lifting an objection", s.liftObjection)},

		{"POST", "/v1/tokens", auth.PermTokensManage, false, "token.create", s.createToken},
		{"GET", "/v1/tokens", auth.PermTokensManage, false, "token.list", s.listTokens},
		{"DELETE", "/v1/tokens/{id}", auth.PermTokensManage, false, "token.revoke", s.revokeToken},

		{"GET", "/v1/keys", auth.PermKeysManage, false, "keys.status", s.keyStatus},
		{"POST", "/v1/keys/rotate", auth.PermKeysManage, false, "keys.rotate", unscoped("a key rotation", s.rotateKeys)},

		{"GET", "/v1/audit", auth.PermAuditRead, false, "audit.read", s.listAudit},
		{"POST", "/v1/audit/verify", auth.PermAuditRead, false, "audit.verify", s.verifyAudit},
		{"GET", "/v1/audit.csv", auth.PermAuditRead, false, "audit.export", s.auditCSV},

		{"POST", "/v1/sessions", permAnyone, false, "session.create", s.login},
		{"DELETE", "/v1/sessions/current", permSelf, false, "session.revoke", s.logout},
		{"POST", "/v1/users", auth.PermUsersManage, false, "user.create", unscopedPeople(s.createUser)},
		{"GET", "/v1/users", auth.PermUsersManage, false, "user.list", s.listUsers},
		{"GET", "/v1/users/me", permSelf, false, "user.me", s.me},
		{"POST", "/v1/users/me/totp", permSelf, false, "mfa.enroll", s.startTOTP},
		{"GET", "/v1/users/me/totp/qr.png", permSelf, false, "mfa.qr", s.totpQR},
		{"POST", "/v1/users/me/totp/confirm", permSelf, false, "mfa.confirm", s.confirmTOTP},
		{"GET", "/v1/users/me/tasks", permSelf, false, "user.tasks", s.myTasks},
		{"POST", "/v1/users/me/password", permSelf, false, "user.password_change", s.changePassword},
		{"GET", "/v1/users/{id}", auth.PermUsersManage, false, "user.get", s.getUser},
		{"PATCH", "/v1/users/{id}", auth.PermUsersManage, false, "user.update", unscopedPeople(s.patchUser)},
		{"POST", "/v1/users/{id}/password", auth.PermUsersManage, false, "user.password_reset", unscopedPeople(s.resetPassword)},

		{"GET", "/v1/roles", auth.PermSchemaRead, false, "role.list", s.listRoles},
		{"POST", "/v1/roles", auth.PermRolesManage, false, "role.create", unscoped("a role", s.createRole)},
		{"GET", "/v1/roles/{name}", auth.PermSchemaRead, false, "role.get", s.getRole},
		{"PUT", "/v1/roles/{name}", auth.PermRolesManage, false, "role.put", unscoped("a role", s.replaceRole)},
		{"DELETE", "/v1/roles/{name}", auth.PermRolesManage, false, "role.delete", unscoped("a role", s.deleteRole)},

		{"GET", "/v1/purposes", auth.PermSchemaRead, false, "purpose.list", s.listPurposes},
		{"POST", "/v1/purposes", auth.PermPurposesManage, false, "purpose.create", unscoped("a purpose", s.createPurpose)},
		{"GET", "/v1/purposes/{name}", auth.PermSchemaRead, false, "purpose.get", s.getPurpose},
		{"PUT", "/v1/purposes/{name}", auth.PermPurposesManage, false, "purpose.put", unscoped("a purpose", s.replacePurpose)},

		{"POST", "/v1/subjects/{subject}/consents", auth.PermConsentsWrite, false, "consent.record", s.recordConsent},
		{"GET", "/v1/subjects/{subject}/consents", auth.PermConsentsRead, false, "consent.read", s.consentProof},

		{"POST", "/v1/training", auth.PermTrainingManage, false, "training.record", unscopedPeople(s.addTraining)},
		{"GET", "/v1/training", auth.PermTrainingManage, false, "training.list", s.listTraining},

		{"POST", "/v1/requests", auth.PermRequestsFile, false, "request.create", s.createRequest},
		{"GET", "/v1/requests", auth.PermRequestsRead, false, "request.list", unscoped("a request", s.listRequests)},
		{"GET", "/v1/requests/{id}", auth.PermRequestsRead, false, "request.get", unscoped("a request", s.getRequest)},
		{"POST", "/v1/requests/{id}/transitions", auth.PermRequestsManage, false, "request.move", unscoped("a request", s.moveRequest)},
		{"POST", "/v1/requests/{id}/execute", auth.PermRequestsManage, false, "request.execute", unscoped("carrying out a request", s.executeRequest)},
		{"GET", "/v1/requests/{id}/package", auth.PermRequestsManage, false, "request.package", unscoped("an access package", s.requestPackage)},
		{"POST", "/v1/requests/{id}/tasks", auth.PermRequestsManage, false, "request.task.add", unscoped("a request", s.addRequestTask)},
		{"POST", "/v1/requests/{id}/tasks/{task}/close", permSelf, false, "request.task.close", s.closeRequestTask}, // requests:manage, or the assignee (checked inside)

		{"GET", "/v1/deletions", auth.PermAuditRead, false, "deletion.list", unscoped("the deletion record", s.listDeletions)},

		// Retention rules and legal holds are read by those who manage
		// them and by governance readers (the auditor checks the report's
		// retention item against them): checked inside.
		{"GET", "/v1/retention/rules", permSelf, false, "retention.rule.list", anyPermission(s.listRetentionRules, auth.PermRetention, auth.PermGovernanceRead)},
		{"POST", "/v1/retention/rules", auth.PermRetention, false, "retention.rule.create", unscoped("a retention rule", s.createRetentionRule)},
		{"DELETE", "/v1/retention/rules/{id}", auth.PermRetention, false, "retention.rule.delete", unscoped("a retention rule", s.deleteRetentionRule)},
		{"POST", "/v1/retention/run", auth.PermRetention, false, "retention.run", unscoped("a retention run", s.runRetention)},
		{"GET", "/v1/holds", permSelf, false, "hold.list", anyPermission(unscoped("a legal hold", s.listHolds), auth.PermRetention, auth.PermGovernanceRead)},
		{"POST", "/v1/holds", auth.PermRetention, false, "hold.create", unscoped("a legal hold", s.createHold)},
		{"POST", "/v1/holds/{id}/release", auth.PermRetention, false, "hold.release", unscoped("a legal hold", s.releaseHold)},

		{"POST", "/v1/scans", auth.PermScansReport, false, "scan.report", s.createScan},
		{"GET", "/v1/scans", auth.PermScansRead, false, "scan.list", s.listScans},
		{"GET", "/v1/scans/{id}", auth.PermScansRead, false, "scan.get", s.getScan},
		{"POST", "/v1/scans/{id}/locations", auth.PermScansReport, false, "scan.locations.add", s.addScanLocations},
		{"POST", "/v1/dlp/check", auth.PermDLPCheck, false, "dlp.check", s.checkDLP},

		{"GET", "/v1/systems", auth.PermGovernanceRead, false, "system.list", s.listSystems},
		{"POST", "/v1/systems", auth.PermGovernance, false, "system.create", s.createSystem},
		{"GET", "/v1/systems/{id}", auth.PermGovernanceRead, false, "system.get", s.getSystem},
		{"PUT", "/v1/systems/{id}", auth.PermGovernance, false, "system.put", s.replaceSystem},
		{"DELETE", "/v1/systems/{id}", auth.PermGovernance, false, "system.delete", s.deleteSystem},
		{"POST", "/v1/systems/{id}/confirm", auth.PermGovernance, false, "system.confirm", s.confirmSystem},
		{"GET", "/v1/datamap.svg", auth.PermGovernanceRead, false, "datamap.svg", s.dataMapSVG},
		{"GET", "/v1/processors", auth.PermGovernanceRead, false, "processor.list", s.listProcessors},
		{"POST", "/v1/processors", auth.PermGovernance, false, "processor.create", s.createProcessor},
		{"GET", "/v1/processors/{id}", auth.PermGovernanceRead, false, "processor.get", s.getProcessor},
		{"PUT", "/v1/processors/{id}", auth.PermGovernance, false, "processor.put", s.replaceProcessor},
		{"DELETE", "/v1/processors/{id}", auth.PermGovernance, false, "processor.delete", s.deleteProcessor},

		{"POST", "/v1/exports", auth.PermRecordsRead, false, "export.request", s.createExport},
		{"GET", "/v1/exports", auth.PermAuditRead, false, "export.list", s.listExports},
		{"GET", "/v1/exports/{id}", permSelf, false, "export.get", s.getExport}, // audit:read, or the asker (checked inside)
		{"POST", "/v1/exports/{id}/approve", auth.PermExportsApprove, false, "export.approve", s.approveExport},
		{"POST", "/v1/exports/{id}/reject", auth.PermExportsApprove, false, "export.reject", s.rejectExport},
		{"GET", "/v1/exports/{id}/download", auth.PermRecordsRead, false, "export.download", s.downloadExport},

		{"POST", "/v1/people/{id}/offboard", auth.PermGovernance, false, "person.offboard", unscopedPeople(s.offboardPerson)},
		{"GET", "/v1/offboardings", auth.PermGovernanceRead, false, "offboarding.list", s.listOffboardings},
		{"GET", "/v1/offboardings/{id}", auth.PermGovernanceRead, false, "offboarding.get", s.getOffboarding},
		{"POST", "/v1/offboardings/{id}/items/{item}/close", auth.PermGovernance, false, "offboarding.item.close", s.closeOffboardingItem},

		// Clean-up tasks of imports: governance:read / governance:manage, or
		// the task's assignee (checked in the handlers).
		{"GET", "/v1/cleanup-tasks", permSelf, false, "cleanup.task.list", s.listCleanupTasks},
		{"GET", "/v1/cleanup-tasks/{id}", permSelf, false, "cleanup.task.get", s.getCleanupTask},
		{"POST", "/v1/cleanup-tasks/{id}/close", permSelf, false, "cleanup.task.close", s.closeCleanupTask},

		{"POST", "/v1/incidents", auth.PermIncidents, false, "incident.create", s.createIncident},
		{"GET", "/v1/incidents", auth.PermIncidentsRead, false, "incident.list", s.listIncidents},
		{"GET", "/v1/incidents/{id}", auth.PermIncidentsRead, false, "incident.get", s.getIncident},
		{"POST", "/v1/incidents/{id}/tasks/{task}/close", auth.PermIncidents, false, "incident.task.close", s.closeIncidentTask},
		{"POST", "/v1/incidents/{id}/notifications", auth.PermIncidents, false, "incident.notification", s.recordIncidentNotification},
		{"POST", "/v1/incidents/{id}/evidence", auth.PermIncidents, false, "incident.evidence", s.addIncidentEvidence},

		{"GET", "/v1/report", auth.PermGovernanceRead, false, "report.get", s.complianceReport},
		{"GET", "/v1/records-of-processing", auth.PermGovernanceRead, false, "art30.record", s.processingRecord},

		{"POST", "/v1/imports", auth.PermImportsRun, false, "import.request", s.createImport},
		{"GET", "/v1/imports", auth.PermImportsRun, false, "import.list", s.listImports},
		{"GET", "/v1/imports/{id}", auth.PermImportsRun, false, "import.get", s.getImport},
		{"GET", "/v1/imports/{id}/rejects.csv", auth.PermImportsRun, false, "import.rejects", s.importRejectsCSV},
		{"DELETE", "/v1/imports/{id}", auth.PermImportsRun, false, "import.cancel", s.cancelImport},

		{"GET", "/v1/alerts", auth.PermAlertsRead, false, "alert.list", s.listAlerts},
		{"POST", "/v1/alerts/{id}/clear", auth.PermAlertsManage, false, "alert.clear", unscoped("clearing an alert", s.clearAlert)},
	}
}

// recorder returns the call's audit recorder.
func recorder(r *http.Request) *audit.Recorder { return audit.RecorderFrom(r.Context()) }

// noRoute answers 405 with Allow when the path exists for other methods,
// 404 otherwise, both as problems.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return apperr.New(apperr.MethodNotAllowed, "method_not_allowed", "this endpoint does not accept this method")
	}
	return errNoRoute
}
