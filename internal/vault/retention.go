package vault

import (
	"context"
	"slices"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// identifying reports whether a field identifies a person: the fields an
// anonymisation drops.
func identifying(f *Field) bool {
	switch f.Type {
	case "email", "phone", "national_id", "card", "iban", "name", "address":
		return true
	}
	for _, p := range []string{"user.contact", "user.name", "user.government_id", "user.unique_id", "user.device", "user.financial", "user.biometric", "user.location"} {
		if f.Category == p || strings.HasPrefix(f.Category, p+".") {
			return true
		}
	}
	return false
}

// IdentifyingFields lists the fields of c an anonymisation drops.
func IdentifyingFields(c *Collection) []string {
	var out []string
	for i := range c.Fields {
		if identifying(&c.Fields[i]) {
			out = append(out, c.Fields[i].Name)
		}
	}
	return out
}

// HasAnyField reports whether a record holds a value for one of the named
// fields, from the field names of its sealed data (nothing is
// decrypted); a record gone is false.
func (s *Service) HasAnyField(ctx context.Context, collection, id string, fields []string) (bool, error) {
	r, err := s.store.GetRecord(ctx, collection, id)
	if apperr.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sealed, err := decodeSealed(r.Sealed)
	if err != nil {
		return false, apperr.Wrap(err, "decode record")
	}
	for _, f := range fields {
		if _, ok := sealed[f]; ok {
			return true, nil
		}
	}
	return false, nil
}

// DropFields re-seals a record without the named fields (a retention
// rule's field deletion or anonymisation). It reports whether any field
// was present; a record left with no field at all is deleted.
func (s *Service) DropFields(ctx context.Context, collection, id string, fields []string, e *audit.Entry) (bool, error) {
	c, err := s.Collection(ctx, collection)
	if err != nil {
		return false, err
	}
	for attempt := 0; ; attempt++ {
		r, err := s.store.GetRecord(ctx, collection, id)
		if err != nil {
			return false, err
		}
		vals, err := s.open(c, r)
		if err != nil {
			return false, err
		}
		dropped := false
		for _, f := range fields {
			if _, ok := vals[f]; ok {
				delete(vals, f)
				dropped = true
			}
		}
		if !dropped {
			return false, nil
		}
		if len(vals) == 0 {
			return true, s.store.DeleteRecord(ctx, collection, id, e)
		}
		fc, err := s.subjectCipher(r.SubjectID, r.WrappedDEK)
		if err != nil {
			return false, err
		}
		sealed, idx, err := s.seal(c, r.ID, fc, vals)
		if err != nil {
			return false, err
		}
		next := r
		next.Sealed = sealed
		next.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		err = s.store.UpdateRecord(ctx, next, idx, nil, nil, e)
		if apperr.CodeOf(err) == "version_conflict" && attempt < 3 {
			continue
		}
		return err == nil, err
	}
}

// AnchorDates calls fn for each record of a collection with the date held
// in its date field (records without one are skipped): the anchor of
// contract_end and request_resolved rules.
func (s *Service) AnchorDates(ctx context.Context, collection, field string, fn func(recordID, subjectID string, date time.Time) error) error {
	c, err := s.Collection(ctx, collection)
	if err != nil {
		return err
	}
	f, ok := c.Field(field)
	if !ok || f.Type != "date" {
		return apperr.Newf(apperr.Invalid, "invalid_anchor_field", "anchor field %q must be a date field of %s", field, collection)
	}
	after := ""
	for {
		rows, err := s.store.ListRecords(ctx, collection, after, 500)
		if err != nil {
			return err
		}
		for _, r := range rows {
			vals, err := s.open(c, r)
			if err != nil {
				return err
			}
			if v, ok := vals[field]; ok {
				if d, err := time.Parse(time.DateOnly, v); err == nil {
					if err := fn(r.ID, r.SubjectID, d); err != nil {
						return err
					}
				}
			}
		}
		if len(rows) < 500 {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// HasField reports whether c declares every named field.
func (c *Collection) HasField(names ...string) bool {
	return !slices.ContainsFunc(names, func(n string) bool { _, ok := c.Field(n); return !ok })
}
