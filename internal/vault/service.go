package vault

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/fieldtype"
	"custodia/internal/keys"
)

// Options tune the vault.
type Options struct {
	// DefaultRegion is the phone region for numbers written without "+".
	DefaultRegion string
	// CipherCacheSize bounds how many subjects' unwrapped keys stay in
	// memory (default 50000; negative disables the cache).
	CipherCacheSize int
	// MaxLookup bounds records returned by one lookup or list page.
	MaxLookup int
}

// Service is the vault's API for the transport layers.
type Service struct {
	store   Store
	keyring *keys.Keyring
	index   keys.Secret
	pseudo  audit.Pseudonymizer
	opts    Options
	ciphers *cipherCache
	// Policy decides every read and write; the default allows everything
	// (for tools running without callers), the server installs the access
	// engine.
	Policy Policy
	// PurposeRegistered, when set, is asked for every purpose a collection
	// names: a collection cannot name an unregistered purpose.
	PurposeRegistered func(ctx context.Context, name string) (bool, error)
	// HoldGuard, when set, is asked before a record is deleted or its
	// values are changed: an error (409 legal_hold, from the server's
	// legal holds) refuses it, so data under a hold stays as it was.
	HoldGuard func(ctx context.Context, subjectID, collection string) error

	colMu  sync.RWMutex
	colTTL time.Duration
	cols   map[string]cachedCollection
}

type cachedCollection struct {
	c  *Collection
	at time.Time
}

// New returns a vault service.
func New(store Store, keyring *keys.Keyring, opts Options) *Service {
	if opts.CipherCacheSize == 0 {
		opts.CipherCacheSize = 50000
	}
	if opts.MaxLookup <= 0 {
		opts.MaxLookup = 100
	}
	d := keyring.Derived()
	return &Service{
		store: store, keyring: keyring, index: d.BlindIndex, pseudo: audit.NewPseudonymizer(d.Pseudonym),
		opts: opts, ciphers: newCipherCache(opts.CipherCacheSize),
		Policy: AllowAll,
		colTTL: time.Second, cols: map[string]cachedCollection{},
	}
}

// Pseudonym returns the audit pseudonym of a subject.
func (s *Service) Pseudonym(subjectID string) string { return s.pseudo.Of(subjectID) }

// entry returns the audit entry for a write, taken from the call's recorder
// after applying fn (or a system entry outside an API call).
func (s *Service) entry(ctx context.Context, action string, fn func(*audit.Entry)) *audit.Entry {
	if r := audit.RecorderFrom(ctx); r != nil {
		r.Update(func(e *audit.Entry) { e.Action = action; fn(e) })
		return r.Snapshot()
	}
	actor, requestID := audit.ActorFrom(ctx)
	e := &audit.Entry{Actor: actor, Action: action, RequestID: requestID}
	fn(e)
	return e
}

// written marks the call audited when the store committed its entry.
func written(ctx context.Context, e *audit.Entry) {
	if r := audit.RecorderFrom(ctx); r != nil {
		r.Committed(e)
	}
}

// note records read details on the call's recorder.
func note(ctx context.Context, fn func(*audit.Entry)) {
	if r := audit.RecorderFrom(ctx); r != nil {
		r.Update(fn)
	}
}

// PutCollection creates a collection, or (mustCreate false) updates one
// compatibly. It reports whether it was created.
func (s *Service) PutCollection(ctx context.Context, c *Collection, mustCreate bool) (bool, error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	if s.PurposeRegistered != nil {
		for _, p := range c.Purposes() {
			ok, err := s.PurposeRegistered(ctx, p)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, apperr.Newf(apperr.Unprocessable, "unregistered_purpose", "purpose %q is not registered; register it under /v1/purposes first", p)
			}
		}
	}
	schema, err := json.Marshal(c)
	if err != nil {
		return false, apperr.Wrap(err, "encode collection")
	}
	exists := false
	if !mustCreate {
		prev, err := s.Collection(ctx, c.Name)
		if err == nil {
			if err := CheckEvolution(prev, c); err != nil {
				return false, err
			}
			// The same schema again changes nothing: no new version.
			if SameSchema(prev, c) {
				return false, nil
			}
			exists = true
		} else if !apperr.IsNotFound(err) {
			return false, err
		}
	}
	action := "collection.put"
	if mustCreate {
		action = "collection.create"
	}
	e := s.entry(ctx, action, func(e *audit.Entry) {
		e.Collection = c.Name
		if !mustCreate && !exists {
			e.Status = 201 // a PUT that creates answers 201, not the route's 200
		}
	})
	created, err := s.store.PutCollection(ctx, CollectionRow{Name: c.Name, Kind: c.Kind, Schema: schema}, mustCreate, e)
	written(ctx, e)
	s.colMu.Lock()
	delete(s.cols, c.Name)
	s.colMu.Unlock()
	return created, err
}

// Collection returns a collection's schema, cached for a second.
func (s *Service) Collection(ctx context.Context, name string) (*Collection, error) {
	s.colMu.RLock()
	cc, ok := s.cols[name]
	s.colMu.RUnlock()
	if ok && time.Since(cc.at) < s.colTTL {
		return cc.c, nil
	}
	row, err := s.store.GetCollection(ctx, name)
	if err != nil {
		return nil, err
	}
	c, err := ParseCollection(row)
	if err != nil {
		return nil, apperr.Wrap(err, "collection schema")
	}
	s.colMu.Lock()
	s.cols[name] = cachedCollection{c: c, at: time.Now()}
	s.colMu.Unlock()
	return c, nil
}

// Collections lists all collections.
func (s *Service) Collections(ctx context.Context) ([]*Collection, error) {
	rows, err := s.store.ListCollections(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Collection, 0, len(rows))
	for _, r := range rows {
		c, err := ParseCollection(r)
		if err != nil {
			return nil, apperr.Wrap(err, "collection schema")
		}
		out = append(out, c)
	}
	return out, nil
}

// usable loads a collection and checks the purpose and the caller's scope.
func (s *Service) usable(ctx context.Context, collection, purpose string) (*Collection, error) {
	p := auth.PrincipalFrom(ctx)
	note(ctx, func(e *audit.Entry) { e.Collection, e.Purpose = collection, purpose })
	if p != nil && !p.AllowsCollection(collection) {
		return nil, apperr.New(apperr.Forbidden, "collection_not_allowed", "this token may not use this collection")
	}
	c, err := s.Collection(ctx, collection)
	if err != nil {
		return nil, err
	}
	if purpose == "" {
		return nil, apperr.New(apperr.Invalid, "purpose_required", "state a purpose with the 'purpose' query parameter or the Custodia-Purpose header")
	}
	if !c.DeclaresPurpose(purpose) {
		// A purpose nobody registered is a different mistake (a typo, most
		// often) from a registered one this collection was not collected for.
		if s.PurposeRegistered != nil {
			if ok, err := s.PurposeRegistered(ctx, purpose); err == nil && !ok {
				return nil, apperr.New(apperr.Invalid, "unknown_purpose", "this purpose is not registered; see GET /v1/purposes")
			}
		}
		return nil, apperr.New(apperr.Invalid, "purpose_not_declared", "no field of this collection was collected for this purpose")
	}
	if p != nil && !p.AllowsPurpose(purpose) {
		return nil, apperr.New(apperr.Forbidden, "purpose_not_allowed", "this token may not act for this purpose")
	}
	return c, nil
}

// normalize validates one value for its field.
func (s *Service) normalize(f *Field, v any) (string, error) {
	out, err := f.Type.Normalize(v, fieldtype.Options{DefaultRegion: s.opts.DefaultRegion, Format: f.Format})
	if err != nil {
		code, msg := "invalid_value", "the value is not valid for its type"
		if fe, ok := err.(*fieldtype.Error); ok {
			code, msg = fe.Code, fe.Message
		}
		return "", apperr.Newf(apperr.Unprocessable, code, "field %q: %s", f.Name, msg)
	}
	return out, nil
}

// sortedPurposes is a copy of fields with each one's purposes sorted.
func sortedPurposes(fields []Field) []Field {
	out := slices.Clone(fields)
	for i := range out {
		out[i].Purposes = slices.Sorted(slices.Values(out[i].Purposes))
	}
	return out
}

// SameSchema reports whether two definitions of a collection say the same
// (its version and times aside): applying b over a changes nothing.
func SameSchema(a, b *Collection) bool {
	x, y := *a, *b
	x.Version, x.CreatedAt, x.UpdatedAt = 0, time.Time{}, time.Time{}
	y.Version, y.CreatedAt, y.UpdatedAt = 0, time.Time{}, time.Time{}
	// A field's purposes are a set: their order says nothing (QA: a
	// reordered list was applied as a change).
	x.Fields, y.Fields = sortedPurposes(x.Fields), sortedPurposes(y.Fields)
	ja, errA := json.Marshal(&x)
	jb, errB := json.Marshal(&y)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
