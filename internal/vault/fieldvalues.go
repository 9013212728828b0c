package vault

import (
	"context"

	"custodia/internal/apperr"
)

// SubjectFieldValues returns, for each subject named in want by its audit
// pseudonym, the values its records in a collection hold in one field, as
// text, by pseudonym. It is a system read for assessing a breach (which
// regimes an affected subject falls under): no read policy applies, only
// records of the wanted subjects are decrypted, and the caller must keep
// no more than what it derives (counts), never the values.
func (s *Service) SubjectFieldValues(ctx context.Context, collection, field string, want map[string]bool) (map[string][]string, error) {
	c, err := s.Collection(ctx, collection)
	if err != nil {
		return nil, err
	}
	if _, ok := c.Field(field); !ok {
		return nil, apperr.Newf(apperr.Invalid, "unknown_field", "collection %s has no field %s", collection, field)
	}
	out := map[string][]string{}
	after := ""
	for len(want) > 0 {
		rows, err := s.store.ListRecords(ctx, collection, after, 500)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			ps := s.pseudo.Of(r.SubjectID)
			if !want[ps] {
				continue
			}
			vals, err := s.open(c, r)
			if err != nil {
				return nil, err
			}
			if v, ok := vals[field]; ok && v != "" {
				out[ps] = append(out[ps], v)
			}
		}
		if len(rows) < 500 {
			break
		}
		after = rows[len(rows)-1].ID
	}
	return out, nil
}
