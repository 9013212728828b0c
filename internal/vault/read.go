package vault

import (
	"context"
	"slices"
	"strings"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// present decodes values and applies the read plan field by field.
func (s *Service) present(ctx context.Context, c *Collection, r StoredRecord, vals map[string]string, plan *ReadPlan) (*Record, error) {
	rec := &Record{ID: r.ID, Subject: r.SubjectID, Collection: r.Collection, Data: make(map[string]any, len(vals)),
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	withholdAll := ""
	if plan.Withhold != nil {
		var err error
		if withholdAll, err = plan.Withhold(ctx, r.SubjectID); err != nil {
			return nil, err
		}
	}
	switch {
	case withholdAll != "":
	case plan.Consented != nil && len(vals) > 0:
		consented, err := plan.Consented(ctx, r.SubjectID)
		if err != nil {
			return nil, err
		}
		if !consented {
			withholdAll = reasonNoConsent
		}
	}
	for _, f := range c.Fields { // schema order, so the lists are stable
		v, ok := vals[f.Name]
		if !ok {
			continue
		}
		fa, ok := plan.Fields[f.Name]
		if !ok {
			fa = FieldAccess{Decision: Deny, Reason: "not_decided"}
		}
		if fa.Decision != Deny && withholdAll != "" {
			fa = FieldAccess{Decision: Deny, Reason: withholdAll}
		}
		switch fa.Decision {
		case Allow:
			rec.Data[f.Name] = f.Type.Decode(v)
		case Mask:
			rec.Data[f.Name] = f.Type.Mask(v)
			rec.Masked = append(rec.Masked, Withheld{Field: f.Name, Reason: fa.Reason})
		default:
			rec.Withheld = append(rec.Withheld, Withheld{Field: f.Name, Reason: fa.Reason})
		}
	}
	return rec, nil
}

// readOne decrypts one stored record and applies the read plan to it.
func (s *Service) readOne(ctx context.Context, c *Collection, r StoredRecord, plan *ReadPlan) (*Record, error) {
	vals, err := s.open(c, r)
	if err != nil {
		return nil, err
	}
	return s.present(ctx, c, r, vals, plan)
}

func (s *Service) decrypt(ctx context.Context, c *Collection, rows []StoredRecord, plan *ReadPlan) ([]*Record, error) {
	out := make([]*Record, 0, len(rows))
	rec := audit.RecorderFrom(ctx)
	for _, r := range rows {
		pr, err := s.readOne(ctx, c, r, plan)
		if err != nil {
			return nil, err
		}
		out = append(out, pr)
		if rec != nil {
			rec.AddRead(s.pseudo.Of(r.SubjectID), decisionSummary(pr))
		}
	}
	return out, nil
}

// readable loads a collection for a read and asks the policy for a plan.
func (s *Service) readable(ctx context.Context, collection, purpose string) (*Collection, *ReadPlan, error) {
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return nil, nil, err
	}
	plan, err := s.Policy.PlanRead(ctx, c, purpose)
	if err != nil {
		return nil, nil, err
	}
	return c, plan, nil
}

// Get reads one record for a purpose.
func (s *Service) Get(ctx context.Context, collection, id, purpose string) (*Record, error) {
	c, plan, err := s.readable(ctx, collection, purpose)
	if err != nil {
		return nil, err
	}
	note(ctx, func(e *audit.Entry) { e.RecordID = id })
	r, err := s.store.GetRecord(ctx, collection, id)
	if err != nil {
		return nil, err
	}
	recs, err := s.decrypt(ctx, c, []StoredRecord{r}, plan)
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// Lookup finds records by the exact value of an indexed field, through the
// blind index.
func (s *Service) Lookup(ctx context.Context, collection, field, value, purpose string) ([]*Record, error) {
	c, plan, err := s.readable(ctx, collection, purpose)
	if err != nil {
		return nil, err
	}
	f, ok := c.Field(field)
	if !ok || !f.Lookup() {
		if !ok {
			return nil, apperr.New(apperr.Invalid, "unknown_field", "lookups need a declared, indexed field")
		}
		return nil, apperr.Newf(apperr.Invalid, "field_not_indexed", "field %q is not indexed; declare it indexed or unique to look it up", field)
	}
	// Looking up by a value confirms it belongs to the records found: a
	// caller who may not read the field (its role, or the purpose) may not
	// look it up either.
	if fa, ok := plan.Fields[field]; ok && fa.Decision == Deny {
		return nil, apperr.Newf(apperr.Forbidden, "field_not_readable", "you may not read field %q for this purpose, so you may not look records up by it", field)
	}
	if f.Type == "phone" && strings.HasPrefix(value, " ") {
		value = "+" + strings.TrimLeft(value, " ") // an unencoded "+" in a query string arrives as a space
	}
	norm, err := s.normalize(f, value)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.LookupRecords(ctx, collection, field, f.Unique, s.blindIndex(collection, field, norm), s.opts.MaxLookup)
	if err != nil {
		return nil, err
	}
	recs, err := s.decrypt(ctx, c, rows, plan)
	if err != nil {
		return nil, err
	}
	// Nor does a lookup find the records whose looked-up field is withheld
	// for their subject (no consent for the purpose, a restriction, an
	// objection): finding them would tell the caller that this person is
	// a customer, which is processing the purpose does not cover.
	kept := recs[:0]
	for _, r := range recs {
		if !slices.ContainsFunc(r.Withheld, func(w Withheld) bool { return w.Field == field }) {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// List pages through a collection's records by id.
func (s *Service) List(ctx context.Context, collection, purpose, after string, limit int) ([]*Record, error) {
	recs, _, err := s.ListPage(ctx, collection, purpose, after, limit)
	return recs, err
}

// ListPage is List that also returns the cursor of the next page: the id
// to pass as after, "" when this page is the last.
func (s *Service) ListPage(ctx context.Context, collection, purpose, after string, limit int) ([]*Record, string, error) {
	c, plan, err := s.readable(ctx, collection, purpose)
	if err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > s.opts.MaxLookup {
		limit = s.opts.MaxLookup
	}
	// One row more than the page tells whether another page follows.
	rows, err := s.store.ListRecords(ctx, collection, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[limit-1].ID
	}
	recs, err := s.decrypt(ctx, c, rows, plan)
	return recs, next, err
}
