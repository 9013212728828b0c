package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/detect"
	"custodia/internal/exports"
	"custodia/internal/store"
	"custodia/internal/vault"
)

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.access.Roles(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"roles": rs})
	return nil
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request) error {
	role, ok, err := s.access.Role(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, "role_not_found", "no such role")
	}
	writeJSON(w, http.StatusOK, role)
	return nil
}

func (s *Server) putRole(w http.ResponseWriter, r *http.Request, mustCreate bool) error {
	var role access.Role
	if err := decodeStrict(r, &role); err != nil {
		return err
	}
	if !mustCreate {
		if role.Name == "" {
			role.Name = r.PathValue("name")
		}
		if role.Name != r.PathValue("name") {
			return apperr.New(apperr.Invalid, "name_mismatch", "the body's name differs from the path")
		}
	}
	role.Builtin = false
	if err := role.Normalize(); err != nil {
		return err
	}
	if access.IsBuiltinRole(role.Name) {
		return apperr.New(apperr.Conflict, "builtin_role", "built-in roles cannot be changed; define a custom role")
	}
	if err := s.checkGrantTargets(r.Context(), &role); err != nil {
		return err
	}
	// Redefining the role the last administrators hold could take away
	// the permissions that make them administrators.
	if !mustCreate {
		if err := s.keepAdministrator(r.Context(), credentialChange{roleName: role.Name, rolePerms: role.Permissions}); err != nil {
			return err
		}
	}
	err := audited(r, func(e *audit.Entry) error {
		e.RecordID = role.Name
		return s.db.PutRole(r.Context(), role, mustCreate, time.Now().UTC(), e)
	})
	if err != nil {
		return err
	}
	s.access.Invalidate()
	s.tokens.Forget()
	status := http.StatusOK
	if mustCreate {
		status = http.StatusCreated
	}
	writeJSON(w, status, role)
	return nil
}

func (s *Server) createRole(w http.ResponseWriter, r *http.Request) error {
	return s.putRole(w, r, true)
}
func (s *Server) replaceRole(w http.ResponseWriter, r *http.Request) error {
	return s.putRole(w, r, false)
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if access.IsBuiltinRole(name) {
		return apperr.New(apperr.Conflict, "builtin_role", "built-in roles cannot be deleted")
	}
	if err := s.keepAdministrator(r.Context(), credentialChange{roleName: name}); err != nil {
		return err
	}
	err := audited(r, func(e *audit.Entry) error {
		e.RecordID = name
		return s.db.DeleteRole(r.Context(), name, e)
	})
	if err != nil {
		return err
	}
	s.access.Invalidate()
	s.tokens.Forget()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listPurposes(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.db.ListPurposes(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"purposes": ps})
	return nil
}

func (s *Server) getPurpose(w http.ResponseWriter, r *http.Request) error {
	p, ok, err := s.access.Purpose(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, "purpose_not_found", "no such purpose")
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) putPurpose(w http.ResponseWriter, r *http.Request, mustCreate bool) error {
	var p access.Purpose
	if err := decodeStrict(r, &p); err != nil {
		return err
	}
	if !mustCreate {
		if p.Name == "" {
			p.Name = r.PathValue("name")
		}
		if p.Name != r.PathValue("name") {
			return apperr.New(apperr.Invalid, "name_mismatch", "the body's name differs from the path")
		}
	}
	roles, err := s.access.Roles(r.Context())
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, role := range roles {
		known[role.Name] = true
	}
	if err := p.Normalize(func(n string) bool { return known[n] }); err != nil {
		return err
	}
	now := time.Now().UTC()
	p.CreatedAt, p.UpdatedAt = now, now
	if prev, ok, err := s.access.Purpose(r.Context(), p.Name); err == nil && ok {
		p.CreatedAt = prev.CreatedAt
	}
	err = audited(r, func(e *audit.Entry) error {
		e.Purpose = p.Name
		return s.db.PutPurpose(r.Context(), p, mustCreate, e)
	})
	if err != nil {
		return err
	}
	s.access.Invalidate()
	status := http.StatusOK
	if mustCreate {
		status = http.StatusCreated
	}
	writeJSON(w, status, p)
	return nil
}

func (s *Server) createPurpose(w http.ResponseWriter, r *http.Request) error {
	return s.putPurpose(w, r, true)
}
func (s *Server) replacePurpose(w http.ResponseWriter, r *http.Request) error {
	return s.putPurpose(w, r, false)
}

var alertsRaised = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "custodia_alerts_total",
	Help: "Security alerts raised, by kind.",
}, []string{"kind"})

// alerter stores, logs, counts and forwards alerts, and blocks principals
// when the policy says so.
type alerter struct {
	db       *store.DB
	tokens   *auth.Service
	dispatch *detect.Dispatcher // nil without a webhook
}

func (a *alerter) raise(ctx context.Context, al detect.Alert) {
	al.ID = auth.NewID("alr_")
	al.At = time.Now().UTC()
	alertsRaised.WithLabelValues(al.Kind).Inc()
	slog.Warn("security alert", "alert_id", al.ID, "kind", al.Kind, "severity", al.Severity, "principal", al.Principal, "message", al.Message)
	if err := a.db.SaveAlert(context.WithoutCancel(ctx), al); err != nil {
		slog.Error("alert not stored", "alert_id", al.ID, "err", err)
	}
	if a.dispatch != nil {
		a.dispatch.Notify(al)
	}
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		return err
	}
	if limit == 0 || limit > 1000 {
		limit = 1000
	}
	open := r.URL.Query().Get("open") == "true"
	as, err := s.db.ListAlerts(r.Context(), open, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": as})
	return nil
}

// clearAlert closes an alert; a bulk-read block it caused is lifted.
func (s *Server) clearAlert(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	a, err := s.db.ClearAlert(r.Context(), r.PathValue("id"), p.Actor(), time.Now().UTC())
	if err != nil {
		return err
	}
	if a.Data["blocked"] == "true" {
		if err := s.unblock(r.Context(), a.Principal); err != nil {
			return err
		}
	}
	if a.Kind == detect.KindBulkRead && s.bulk != nil {
		s.bulk.Reset(a.Principal) // watched afresh, not unwatched until the window ends
	}
	if a.Kind == detect.KindLookupMisses && s.misses != nil {
		s.misses.Reset(a.Principal)
	}
	if a.Kind == detect.KindBulkRead {
		if err := s.closeBulkReads(r.Context(), a.Principal); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) block(ctx context.Context, p *auth.Principal) error {
	if p.Kind == auth.KindUser {
		return s.tokens.SetUserBlocked(ctx, p.UserID, true)
	}
	return s.tokens.SetTokenBlocked(ctx, p.TokenID, true)
}

func (s *Server) unblock(ctx context.Context, key string) error {
	switch {
	case len(key) > 5 && key[:5] == "user:":
		return s.tokens.SetUserBlocked(ctx, key[5:], false)
	case len(key) > 6 && key[:6] == "token:":
		return s.tokens.SetTokenBlocked(ctx, key[6:], false)
	}
	return nil
}

// observeReads feeds the bulk-read detector with the subjects a call read.
// It reports whether the call tripped the detector and the principal is now
// blocked: the caller then withholds this call's answer too.
func (s *Server) observeReads(ctx context.Context, p *auth.Principal, pending []*audit.Entry) (blocked bool) {
	if s.bulk == nil || p == nil {
		return false
	}
	subjects := make([]string, 0, len(pending))
	for _, e := range pending {
		if e.Subject != "" {
			subjects = append(subjects, e.Subject)
		}
	}
	if len(subjects) == 0 {
		return false
	}
	tripped, n := s.bulk.Observe(p.Key(), subjects...)
	if !tripped {
		return false
	}
	x := exports.Export{Kind: exports.KindBulkRead, Subjects: n, RequestedBy: p.Actor(), Requester: p.Key(),
		Reason: "bulk read over the detector's threshold", Categories: s.readCategories(ctx, pending)}
	if start, ok := s.bulk.WindowStart(p.Key()); ok {
		start = start.UTC().Truncate(time.Microsecond)
		x.From = &start
	}
	s.registerExport(ctx, x)
	blocked = s.opts.BlockBulkReads
	if blocked {
		if err := s.block(ctx, p); err != nil {
			slog.Error("bulk-read block failed", "principal", p.Key(), "err", err)
			blocked = false
		}
	}
	s.alerts.raise(ctx, detect.Alert{Kind: detect.KindBulkRead, Severity: detect.SeverityCritical, Principal: p.Key(),
		Message: "one principal read many more distinct subjects than the threshold allows in the window",
		Data:    map[string]string{"distinct_subjects": strconv.Itoa(n), "blocked": strconv.FormatBool(blocked)}})
	return blocked
}

// readCategories names the data categories of the collections the call
// that tripped the bulk-read detector read, sorted: an upper bound of what
// it returned (fields the plan withheld included), for the register.
func (s *Server) readCategories(ctx context.Context, pending []*audit.Entry) []string {
	cats := []string{}
	seen := map[string]bool{}
	for _, e := range pending {
		if e.Collection == "" || seen[e.Collection] {
			continue
		}
		seen[e.Collection] = true
		c, err := s.vault.Collection(ctx, e.Collection)
		if err != nil {
			continue // dropped since: the register still counts the subjects
		}
		for _, f := range c.Fields {
			if vault.PersonalCategory(f.Category) && !slices.Contains(cats, f.Category) {
				cats = append(cats, f.Category)
			}
		}
	}
	slices.Sort(cats)
	return cats
}

// RaiseAlert stores, logs, counts and forwards an alert raised outside a
// request (the overdue-request check, the retention scheduler).
func (s *Server) RaiseAlert(ctx context.Context, a detect.Alert) { s.alerts.raise(ctx, a) }

// rateAlertEvery is how often one principal's refusals past its rate limit
// raise a rate_limited alert: once, then again only after this long.
const rateAlertEvery = 10 * time.Minute

// rateLimitAlert raises a rate_limited alert for a principal refused past
// its request rate limit, at most once per rateAlertEvery: a token hammering
// the API is worth a look, every refused call is not.
func (s *Server) rateLimitAlert(ctx context.Context, p *auth.Principal) {
	now := time.Now()
	if last, ok := s.rateAlerted.Load(p.Key()); ok && now.Sub(last.(time.Time)) < rateAlertEvery {
		return
	}
	s.rateAlerted.Store(p.Key(), now)
	s.alerts.raise(ctx, detect.Alert{Kind: detect.KindRateLimited, Severity: detect.SeverityWarning, Principal: p.Key(),
		Message: "a token or person kept calling past its request rate limit",
		Data:    map[string]string{"rate_limit": strconv.Itoa(p.RateLimit)}})
}
