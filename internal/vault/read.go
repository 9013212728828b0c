package vault

import (
	"context"
	"strings"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// present decodes values and applies the read policy field by field.
func (s *Service) present(ctx context.Context, c *Collection, r StoredRecord, vals map[string]string, purpose string) *Record {
	data := make(map[string]any, len(vals))
	for name, v := range vals {
		f, ok := c.Field(name)
		if !ok {
			continue // a field no longer declared is not returned
		}
		switch s.Policy(ctx, c, f, purpose) {
		case Allow:
			data[name] = f.Type.Decode(v)
		case Mask:
			data[name] = f.Type.Mask(v)
		}
	}
	return &Record{ID: r.ID, Subject: r.SubjectID, Collection: r.Collection, Data: data, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (s *Service) decrypt(ctx context.Context, c *Collection, rows []StoredRecord, purpose string) ([]*Record, error) {
	out := make([]*Record, 0, len(rows))
	ps := make([]string, 0, len(rows))
	for _, r := range rows {
		vals, err := s.open(c, r)
		if err != nil {
			return nil, err
		}
		out = append(out, s.present(ctx, c, r, vals, purpose))
		ps = append(ps, s.pseudo.Of(r.SubjectID))
	}
	if rec := audit.RecorderFrom(ctx); rec != nil {
		rec.AddSubjects(ps...)
	}
	return out, nil
}

// Get reads one record for a purpose.
func (s *Service) Get(ctx context.Context, collection, id, purpose string) (*Record, error) {
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return nil, err
	}
	note(ctx, func(e *audit.Entry) { e.RecordID = id })
	r, err := s.store.GetRecord(ctx, collection, id)
	if err != nil {
		return nil, err
	}
	recs, err := s.decrypt(ctx, c, []StoredRecord{r}, purpose)
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// Lookup finds records by the exact value of an indexed field, through the
// blind index.
func (s *Service) Lookup(ctx context.Context, collection, field, value, purpose string) ([]*Record, error) {
	c, err := s.usable(ctx, collection, purpose)
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
	return s.decrypt(ctx, c, rows, purpose)
}

// List pages through a collection's records by id.
func (s *Service) List(ctx context.Context, collection, purpose, after string, limit int) ([]*Record, error) {
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > s.opts.MaxLookup {
		limit = s.opts.MaxLookup
	}
	rows, err := s.store.ListRecords(ctx, collection, after, limit)
	if err != nil {
		return nil, err
	}
	return s.decrypt(ctx, c, rows, purpose)
}
