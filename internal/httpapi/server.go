// Package httpapi is Custodia's REST/JSON API under /v1: routing,
// authentication, authorisation by permission, request limits, RFC 9457
// errors, and the audit of every call before its response leaves.
package httpapi

import (
	"net/http"
	"strings"
	"sync"

	"custodia/internal/apperr"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/keys"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// Options tune the API.
type Options struct {
	MaxBodyBytes int64 // request body limit (default 1 MiB)
}

// Server holds the services the handlers use.
type Server struct {
	vault   *vault.Service
	tokens  *auth.Service
	db      *store.DB
	keyring *keys.Keyring
	opts    Options
	limiter *failLimiter
	mux     *http.ServeMux
	// rotating admits one key rotation at a time.
	rotating sync.Mutex
}

// New builds the API handler.
func New(v *vault.Service, tokens *auth.Service, db *store.DB, k *keys.Keyring, opts Options) *Server {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	s := &Server{vault: v, tokens: tokens, db: db, keyring: k, opts: opts, limiter: newFailLimiter(20, time.Minute), mux: http.NewServeMux()}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	s.mux.Handle("/", s.wrap(route{Pattern: "/", Public: true, Handler: s.noRoute}))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

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

// routes is the API's route table; /openapi.json must describe exactly these.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", "", true, "", s.healthz},
		{"GET", "/readyz", "", true, "", s.readyz},
		{"GET", "/openapi.json", "", true, "", s.openapi},
		{"GET", "/metrics", auth.PermMetricsRead, false, "", s.metrics},

		{"POST", "/v1/collections", auth.PermSchemaWrite, false, "collection.create", s.createCollection},
		{"GET", "/v1/collections", auth.PermSchemaRead, false, "collection.list", s.listCollections},
		{"GET", "/v1/collections/{collection}", auth.PermSchemaRead, false, "collection.get", s.getCollection},
		{"PUT", "/v1/collections/{collection}", auth.PermSchemaWrite, false, "collection.put", s.putCollection},

		{"POST", "/v1/collections/{collection}/records", auth.PermRecordsWrite, false, "record.create", s.createRecord},
		{"GET", "/v1/collections/{collection}/records", auth.PermRecordsRead, false, "record.search", s.findRecords},
		{"GET", "/v1/collections/{collection}/records/{id}", auth.PermRecordsRead, false, "record.read", s.getRecord},
		{"PATCH", "/v1/collections/{collection}/records/{id}", auth.PermRecordsWrite, false, "record.update", s.patchRecord},
		{"DELETE", "/v1/collections/{collection}/records/{id}", auth.PermRecordsWrite, false, "record.delete", s.deleteRecord},
		{"DELETE", "/v1/subjects/{subject}", auth.PermSubjectErase, false, "subject.erase", s.eraseSubject},

		{"POST", "/v1/tokens", auth.PermTokensManage, false, "token.create", s.createToken},
		{"GET", "/v1/tokens", auth.PermTokensManage, false, "token.list", s.listTokens},
		{"DELETE", "/v1/tokens/{id}", auth.PermTokensManage, false, "token.revoke", s.revokeToken},

		{"GET", "/v1/keys", auth.PermKeysManage, false, "keys.status", s.keyStatus},
		{"POST", "/v1/keys/rotate", auth.PermKeysManage, false, "keys.rotate", s.rotateKeys},

		{"GET", "/v1/audit", auth.PermAuditRead, false, "audit.read", s.listAudit},
		{"POST", "/v1/audit/verify", auth.PermAuditRead, false, "audit.verify", s.verifyAudit},
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
