package vault

import (
	"context"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
)

// Validate checks a whole record's values against a collection's schema,
// as Create would (declared fields only, each valid for its type, required
// fields present), and returns them normalised (E.164 phones, lower-cased
// e-mail addresses, ISO dates). Nothing is stored and no policy applies:
// it is the importer's check of a row before it decides what to do with
// it. Errors name the field, never the value.
func (s *Service) Validate(c *Collection, data map[string]any) (Valid, error) {
	vals, _, err := s.values(c, data, false)
	if err != nil {
		return Valid{}, err
	}
	if len(vals) == 0 {
		return Valid{}, apperr.New(apperr.Unprocessable, "empty_record", "a record needs at least one field value")
	}
	return Valid{collection: c.Name, vals: vals}, nil
}

// MaskInput returns a value as a client wrote it for field f, masked with
// the field type's mask when it is valid for the type, and "" when it is
// not (the caller then masks it generically).
func (s *Service) MaskInput(f *Field, v string) string {
	norm, err := f.Type.Normalize(v, fieldtype.Options{DefaultRegion: s.opts.DefaultRegion, Format: f.Format})
	if err != nil {
		return ""
	}
	return f.Type.Mask(norm)
}

// RecordRef names a record and its subject, without any of its data.
type RecordRef struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

// MatchIndexed returns the records of a collection whose indexed field
// holds the normalised value norm (as Validate returns it), through the
// blind index. It is a system lookup for the importer's duplicate check:
// no read policy applies, nothing is decrypted, only ids are returned.
func (s *Service) MatchIndexed(ctx context.Context, c *Collection, field, norm string) ([]RecordRef, error) {
	f, ok := c.Field(field)
	if !ok || !f.Lookup() {
		return nil, apperr.Newf(apperr.Invalid, "field_not_indexed", "field %q is not indexed", field)
	}
	rows, err := s.store.LookupRecords(ctx, c.Name, field, f.Unique, s.blindIndex(c.Name, field, norm), s.opts.MaxLookup)
	if err != nil {
		return nil, err
	}
	out := make([]RecordRef, len(rows))
	for i, r := range rows {
		out[i] = RecordRef{ID: r.ID, Subject: r.SubjectID}
	}
	return out, nil
}
