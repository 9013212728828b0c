package vault

import (
	"context"
	"slices"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// SubjectStore is the storage subject-wide operations need.
type SubjectStore interface {
	// SubjectRecords returns every record of a subject, in every
	// collection, ordered by collection and id.
	SubjectRecords(ctx context.Context, subjectID string) ([]StoredRecord, error)
}

// FindSubjects returns the subjects whose records hold value in an
// indexed field of the given type ("email", "phone", "national_id"), in
// any collection. It is a system lookup for data-subject requests: no read
// policy applies and no data is returned, only subject ids.
func (s *Service) FindSubjects(ctx context.Context, fieldType, value string) ([]string, error) {
	return s.FindSubjectsIn(ctx, fieldType, value, nil)
}

// FindSubjectsIn is FindSubjects limited to the fields plans accepts
// (every field when plans is nil): a caller whose token is scoped to some
// collections, or whose role may not read a field, finds subjects only
// through the fields it may use. plans returns the read plans under which
// the caller may read the field (none: the field is not used); a subject
// is found when one of them lets the caller read its data, so a person
// who has not consented to the purpose, has restricted it or objected to
// it is not found, as a lookup of records does not find them.
func (s *Service) FindSubjectsIn(ctx context.Context, fieldType, value string, plans func(c *Collection, field string) []*ReadPlan) ([]string, error) {
	cols, err := s.Collections(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cols {
		for i := range c.Fields {
			f := &c.Fields[i]
			if string(f.Type) != fieldType || !f.Lookup() {
				continue
			}
			var ps []*ReadPlan
			if plans != nil {
				if ps = plans(c, f.Name); len(ps) == 0 {
					continue
				}
			}
			norm, err := s.normalize(f, value)
			if err != nil {
				if fieldType == "phone" {
					return nil, apperr.New(apperr.Invalid, "invalid_lookup", "the phone number to look up is not valid: write it with its country code (+84 …), or start the server with --default-region for numbers written without one")
				}
				return nil, apperr.Newf(apperr.Invalid, "invalid_lookup", "the %s to look up is not valid", fieldType)
			}
			rows, err := s.store.LookupRecords(ctx, c.Name, f.Name, f.Unique, s.blindIndex(c.Name, f.Name, norm), s.opts.MaxLookup)
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				if slices.Contains(out, r.SubjectID) {
					continue
				}
				if ps != nil {
					ok, err := readableUnder(ctx, r.SubjectID, ps)
					if err != nil {
						return nil, err
					}
					if !ok {
						continue
					}
				}
				out = append(out, r.SubjectID)
			}
		}
	}
	return out, nil
}

// readableUnder reports whether one of plans lets the subject's data be
// read: no restriction or objection withholds it, and consent, where the
// purpose needs it, is given.
func readableUnder(ctx context.Context, subjectID string, plans []*ReadPlan) (bool, error) {
	for _, p := range plans {
		if p.Withhold != nil {
			reason, err := p.Withhold(ctx, subjectID)
			if err != nil {
				return false, err
			}
			if reason != "" {
				continue
			}
		}
		if p.Consented != nil {
			ok, err := p.Consented(ctx, subjectID)
			if err != nil {
				return false, err
			}
			if !ok {
				continue
			}
		}
		return true, nil
	}
	return false, nil
}

// Export decrypts every record of a subject in every collection, in full:
// the content of an access or portability package. It bypasses the read
// policy (the right of access covers all of a person's data) and is
// audited as one entry per collection read.
func (s *Service) Export(ctx context.Context, subjectID string) ([]*Record, error) {
	ss, ok := s.store.(SubjectStore)
	if !ok {
		return nil, apperr.New(apperr.Internal, "internal", "this store cannot export subjects")
	}
	rows, err := ss.SubjectRecords(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	out := make([]*Record, 0, len(rows))
	plans := map[string]*Collection{}
	for _, r := range rows {
		c, ok := plans[r.Collection]
		if !ok {
			if c, err = s.Collection(ctx, r.Collection); err != nil {
				return nil, err
			}
			plans[r.Collection] = c
		}
		vals, err := s.open(c, r)
		if err != nil {
			return nil, err
		}
		plan, _ := AllowAll.PlanRead(ctx, c, "")
		rec, err := s.present(ctx, c, r, vals, plan)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	if rec := audit.RecorderFrom(ctx); rec != nil && len(rows) > 0 {
		rec.AddRead(s.pseudo.Of(subjectID), "allow export")
	}
	return out, nil
}
