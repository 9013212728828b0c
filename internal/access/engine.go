package access

import (
	"context"
	"slices"
	"sync"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/vault"
)

// Store is the storage the engine reads: custom roles, purposes, and the
// consent ledger's latest event for a subject and purpose.
type Store interface {
	ListRoles(ctx context.Context) ([]Role, error)
	ListPurposes(ctx context.Context) ([]Purpose, error)
	ConsentActive(ctx context.Context, subjectID, purpose string) (bool, error)
	// ListRestrictions returns restricted subjects and the purposes their
	// data may still be read for.
	ListRestrictions(ctx context.Context) (map[string][]string, error)
	// ListObjections returns subjects and the purposes they object to.
	ListObjections(ctx context.Context) (map[string][]string, error)
	// SubjectLimits returns one subject's restriction (whether it has one,
	// and the purposes its data may still be read for) and whether it
	// objects to purpose.
	SubjectLimits(ctx context.Context, subjectID, purpose string) (restricted bool, allowed []string, objected bool, err error)
}

// Engine holds the roles and purposes in memory and makes decisions.
// Changes made through this process apply at once (Invalidate); changes
// made by another replica within the reload interval (2 s).
type Engine struct {
	store Store
	ttl   time.Duration

	mu       sync.RWMutex
	cur      *state
	loadedAt time.Time
	gen      uint64 // the generation of roles and purposes
	inval    uint64 // counts Invalidate calls

	plans sync.Map // planKey -> *fieldPlan

	// LiveLimits makes every decision read the subject's restriction and
	// objections from the database instead of the reloaded state: set it
	// where other replicas write (PostgreSQL), so that a restriction set
	// through one holds at once on all, as a consent withdrawal does.
	LiveLimits bool
}

// NewEngine returns an engine reading from store.
func NewEngine(store Store) *Engine {
	return &Engine{store: store, ttl: 2 * time.Second}
}

// Invalidate makes the next decision reload roles and purposes.
func (e *Engine) Invalidate() {
	e.mu.Lock()
	e.loadedAt = time.Time{}
	e.inval++
	e.mu.Unlock()
}

// state is one load of roles, purposes and restrictions.
type state struct {
	roles    map[string]*Role
	purposes map[string]*Purpose
	restrict map[string][]string
	// objections maps subjects to the purposes they object to.
	objections map[string][]string
	gen        uint64
}

// snapshot returns the current roles and purposes, reloading when stale.
func (e *Engine) snapshot(ctx context.Context) (map[string]*Role, map[string]*Purpose, uint64, error) {
	st, err := e.load(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	return st.roles, st.purposes, st.gen, nil
}

// load returns the current state, reloading it when stale.
func (e *Engine) load(ctx context.Context) (*state, error) {
	e.mu.RLock()
	if e.cur != nil && !e.loadedAt.IsZero() && time.Since(e.loadedAt) < e.ttl {
		st := e.cur
		e.mu.RUnlock()
		return st, nil
	}
	inval := e.inval
	e.mu.RUnlock()
	custom, err := e.store.ListRoles(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "load roles")
	}
	ps, err := e.store.ListPurposes(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "load purposes")
	}
	restrict, err := e.store.ListRestrictions(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "load restrictions")
	}
	objections, err := e.store.ListObjections(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "load objections")
	}
	st := &state{roles: map[string]*Role{}, purposes: make(map[string]*Purpose, len(ps)), restrict: restrict, objections: objections}
	for _, r := range BuiltinRoles() {
		st.roles[r.Name] = &r
	}
	for _, r := range custom {
		if _, builtin := st.roles[r.Name]; !builtin {
			st.roles[r.Name] = &r
		}
	}
	for _, p := range ps {
		st.purposes[p.Name] = &p
	}
	e.mu.Lock()
	e.gen++
	st.gen = e.gen // a generation of its own, so plans compiled from this load are never taken for another's
	if e.inval != inval {
		// Invalidated while loading: what was read may predate the change,
		// so use it for this decision only and leave the next to reload.
		e.mu.Unlock()
		return st, nil
	}
	e.cur, e.loadedAt = st, time.Now()
	e.mu.Unlock()
	e.plans.Clear()
	return st, nil
}

// Role returns a role by name.
func (e *Engine) Role(ctx context.Context, name string) (*Role, bool, error) {
	roles, _, _, err := e.snapshot(ctx)
	if err != nil {
		return nil, false, err
	}
	r, ok := roles[name]
	return r, ok, nil
}

// Roles lists all roles, built-in first, then by name.
func (e *Engine) Roles(ctx context.Context) ([]Role, error) {
	roles, _, _, err := e.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Role) int {
		if a.Builtin != b.Builtin {
			if a.Builtin {
				return -1
			}
			return 1
		}
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out, nil
}

// Purpose returns a registered purpose.
func (e *Engine) Purpose(ctx context.Context, name string) (*Purpose, bool, error) {
	_, ps, _, err := e.snapshot(ctx)
	if err != nil {
		return nil, false, err
	}
	p, ok := ps[name]
	return p, ok, nil
}

// RoleInfo implements auth.Roles.
func (e *Engine) RoleInfo(ctx context.Context, name string) (auth.RoleInfo, error) {
	r, ok, err := e.Role(ctx, name)
	if err != nil || !ok {
		return auth.RoleInfo{}, err
	}
	return auth.RoleInfo{Exists: true, MFARequired: r.MFARequired(), TrainingRequired: r.RequireTraining, Can: r.Can}, nil
}

// The reasons a field is withheld or masked, as the API reports them.
const (
	ReasonRoleDenied      = "role_denied"
	ReasonRoleMasked      = "role_masked"
	ReasonPurposeMismatch = "purpose_mismatch"
	ReasonNoConsent       = "no_consent"
	ReasonTraining        = "training_expired"
	ReasonNoTraining      = "training_missing"
	ReasonRestricted      = "restricted"
	ReasonObjected        = "objected"
)

type planKey struct {
	gen        uint64
	role       string
	collection string
	version    int64
	purpose    string
	lapsed     string // the training reason that masks every field, "" when none
}

type fieldPlan struct {
	fields  map[string]vault.FieldAccess
	consent bool
}

// checkPurpose loads the role and purpose and checks that the role may
// invoke the purpose.
func (e *Engine) checkPurpose(ctx context.Context, p *auth.Principal, purpose string) (*Role, *Purpose, uint64, error) {
	st, err := e.load(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	return e.checkPurposeIn(st, p, purpose)
}

func (e *Engine) checkPurposeIn(st *state, p *auth.Principal, purpose string) (*Role, *Purpose, uint64, error) {
	roles, purposes, gen := st.roles, st.purposes, st.gen
	r, ok := roles[string(p.Role)]
	if !ok {
		return nil, nil, 0, apperr.New(apperr.Forbidden, "unknown_role", "the caller's role no longer exists")
	}
	pp, ok := purposes[purpose]
	if !ok {
		return nil, nil, 0, apperr.New(apperr.Invalid, "unknown_purpose", "this purpose is not registered; see GET /v1/purposes")
	}
	if !slices.Contains(pp.Roles, r.Name) {
		return nil, nil, 0, apperr.New(apperr.Forbidden, "purpose_not_allowed_for_role", "the caller's role may not invoke this purpose")
	}
	return r, pp, gen, nil
}

// PlanRead implements vault.Policy: what the caller in ctx may see of each
// field of c for purpose.
func (e *Engine) PlanRead(ctx context.Context, c *vault.Collection, purpose string) (*vault.ReadPlan, error) {
	p := auth.PrincipalFrom(ctx)
	if p == nil {
		return vault.AllowAll.PlanRead(ctx, c, purpose)
	}
	st, err := e.load(ctx)
	if err != nil {
		return nil, err
	}
	r, pp, gen, err := e.checkPurposeIn(st, p, purpose)
	if err != nil {
		return nil, err
	}
	lapsed := ""
	if r.RequireTraining && p.TrainingLapsed {
		lapsed = ReasonTraining
		if p.TrainingMissing {
			lapsed = ReasonNoTraining
		}
	}
	key := planKey{gen, r.Name, c.Name, c.Version, purpose, lapsed}
	fp, ok := e.plans.Load(key)
	if !ok {
		fp, _ = e.plans.LoadOrStore(key, compile(r, pp, c, purpose, lapsed))
	}
	plan := fp.(*fieldPlan)
	out := &vault.ReadPlan{Fields: plan.fields}
	switch {
	case e.LiveLimits:
		out.Withhold = func(ctx context.Context, subjectID string) (string, error) {
			return e.liveWithheld(ctx, subjectID, purpose, false)
		}
	case len(st.restrict) > 0 || len(st.objections) > 0:
		out.Withhold = func(_ context.Context, subjectID string) (string, error) {
			return st.withheld(subjectID, purpose, false), nil
		}
	}
	if plan.consent {
		out.Consented = func(ctx context.Context, subjectID string) (bool, error) {
			return e.store.ConsentActive(ctx, subjectID, purpose)
		}
	}
	return out, nil
}

// liveWithheld is withheld, read from the database.
func (e *Engine) liveWithheld(ctx context.Context, subjectID, purpose string, passRestriction bool) (string, error) {
	restricted, allowed, objected, err := e.store.SubjectLimits(ctx, subjectID, purpose)
	if err != nil {
		return "", apperr.Wrap(err, "load restriction")
	}
	if restricted && !passRestriction && !slices.Contains(allowed, purpose) {
		return ReasonRestricted, nil
	}
	if objected {
		return ReasonObjected, nil
	}
	return "", nil
}

// withheld is the reason a subject's data may not be processed for a
// purpose (its restriction of processing leaves the purpose out, or it
// objected to it), or "". passRestriction leaves the restriction out.
func (st *state) withheld(subjectID, purpose string, passRestriction bool) string {
	if allowed, ok := st.restrict[subjectID]; ok && !passRestriction && !slices.Contains(allowed, purpose) {
		return ReasonRestricted
	}
	if slices.Contains(st.objections[subjectID], purpose) {
		return ReasonObjected
	}
	return ""
}

// Withheld is the reason a subject's data may not be processed for a
// purpose: ReasonRestricted, ReasonObjected, ReasonNoConsent (with
// consent, only: the purpose's legal basis is consent and the subject has
// no active consent for it), or "". The vault asks it before a write to
// an existing subject's data. A rectification request's write
// (vault.Rectifying) passes the restriction, nothing else.
func (e *Engine) Withheld(ctx context.Context, subjectID, purpose string, consent bool) (string, error) {
	st, err := e.load(ctx)
	if err != nil {
		return "", err
	}
	rectifying := vault.Rectifying(ctx)
	var reason string
	if e.LiveLimits {
		if reason, err = e.liveWithheld(ctx, subjectID, purpose, rectifying); err != nil {
			return "", err
		}
	} else {
		reason = st.withheld(subjectID, purpose, rectifying)
	}
	if reason != "" {
		return reason, nil
	}
	if p := st.purposes[purpose]; consent && p != nil && p.LegalBasis == BasisConsent {
		ok, err := e.store.ConsentActive(ctx, subjectID, purpose)
		if err != nil {
			return "", err
		}
		if !ok {
			return ReasonNoConsent, nil
		}
	}
	return "", nil
}

func compile(r *Role, p *Purpose, c *vault.Collection, purpose string, lapsed string) *fieldPlan {
	fp := &fieldPlan{fields: make(map[string]vault.FieldAccess, len(c.Fields)), consent: p.LegalBasis == BasisConsent}
	for i := range c.Fields {
		f := &c.Fields[i]
		var fa vault.FieldAccess
		g := r.fieldGrant(c.Name, f.Name, f.Category)
		switch {
		case !slices.Contains(f.Purposes, purpose):
			fa = vault.FieldAccess{Decision: vault.Deny, Reason: ReasonPurposeMismatch}
		case g.Read == ReadNone:
			fa = vault.FieldAccess{Decision: vault.Deny, Reason: ReasonRoleDenied}
		case g.Read == ReadMasked:
			fa = vault.FieldAccess{Decision: vault.Mask, Reason: ReasonRoleMasked}
		case lapsed != "":
			fa = vault.FieldAccess{Decision: vault.Mask, Reason: lapsed}
		default:
			fa = vault.FieldAccess{Decision: vault.Allow}
		}
		fp.fields[f.Name] = fa
	}
	return fp
}

// CheckWrite implements vault.Policy: the caller may write fields of c for
// purpose only if its role grants write on each, each was collected for
// the purpose, and the role may invoke the purpose.
func (e *Engine) CheckWrite(ctx context.Context, c *vault.Collection, purpose string, fields []string) error {
	p := auth.PrincipalFrom(ctx)
	if p == nil {
		return nil
	}
	r, _, _, err := e.checkPurpose(ctx, p, purpose)
	if err != nil {
		NoteWrite(ctx, "deny "+apperr.CodeOf(err))
		return err
	}
	for _, name := range fields {
		f, ok := c.Field(name)
		if !ok {
			continue // the vault rejects unknown fields with a clearer error
		}
		if !r.fieldGrant(c.Name, f.Name, f.Category).Write {
			NoteWrite(ctx, "deny "+f.Name+"=field_not_writable")
			return apperr.Newf(apperr.Forbidden, "field_not_writable", "the caller's role may not write field %q", f.Name)
		}
		if !slices.Contains(f.Purposes, purpose) {
			NoteWrite(ctx, "deny "+f.Name+"=field_purpose_mismatch")
			return apperr.Newf(apperr.Forbidden, "field_purpose_mismatch", "field %q was not collected for this purpose", f.Name)
		}
	}
	NoteWrite(ctx, "allow")
	return nil
}

// NoteWrite records the access decision of a write in the call's audit
// entry ("allow", or "deny" with the field and reason), as reads record
// theirs; a later refusal of the same call (a restriction of processing)
// replaces an "allow".
func NoteWrite(ctx context.Context, decision string) {
	if rec := audit.RecorderFrom(ctx); rec != nil {
		rec.Update(func(e *audit.Entry) { e.Decision = decision })
	}
}
