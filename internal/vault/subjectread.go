package vault

import (
	"context"

	"custodia/internal/apperr"
	"custodia/internal/audit"
)

// CollectionRecords are a subject's records in one collection, as the
// caller may read them.
type CollectionRecords struct {
	Collection string    `json:"collection"`
	Records    []*Record `json:"records"`
}

// SubjectRecords reads every record of a subject, in every collection, for
// a purpose. Each record goes through the read policy Get applies: the
// purpose is checked, the caller's role masks or withholds fields, and
// consent, restriction and objection hold; each read is audited with its
// decision, naming its collection and record. A collection the caller may
// not read at all for the purpose is left out (and audited as a denial);
// when no collection holding the subject's records may be read, the error
// Get gives for the first of them is returned. An unknown subject has no
// collections.
func (s *Service) SubjectRecords(ctx context.Context, subjectID, purpose string) ([]CollectionRecords, error) {
	if purpose == "" {
		return nil, apperr.New(apperr.Invalid, "purpose_required", "state a purpose with the 'purpose' query parameter or the Custodia-Purpose header")
	}
	ss, ok := s.store.(SubjectStore)
	if !ok {
		return nil, apperr.New(apperr.Internal, "internal", "this store cannot list a subject's records")
	}
	pseudonym := s.pseudo.Of(subjectID)
	note(ctx, func(e *audit.Entry) { e.Subject, e.Purpose = pseudonym, purpose })
	rows, err := ss.SubjectRecords(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	rec := audit.RecorderFrom(ctx)
	out := []CollectionRecords{}
	var refused error
	refusedIn := ""
	for len(rows) > 0 {
		n := 1 // rows come ordered by collection: take this collection's run
		for n < len(rows) && rows[n].Collection == rows[0].Collection {
			n++
		}
		group := rows[:n]
		rows = rows[n:]
		c, plan, err := s.readable(ctx, group[0].Collection, purpose)
		if err != nil {
			if !refusal(err) {
				return nil, err
			}
			if refused == nil {
				refused, refusedIn = err, group[0].Collection
			}
			if rec != nil {
				rec.AddRecordRead(group[0].Collection, "", pseudonym, "deny "+apperr.CodeOf(err))
			}
			continue
		}
		cr := CollectionRecords{Collection: c.Name, Records: make([]*Record, 0, len(group))}
		for _, r := range group {
			pr, err := s.readOne(ctx, c, r, plan)
			if err != nil {
				return nil, err
			}
			cr.Records = append(cr.Records, pr)
			if rec != nil {
				rec.AddRecordRead(c.Name, r.ID, pseudonym, decisionSummary(pr))
			}
		}
		out = append(out, cr)
	}
	if len(out) == 0 && refused != nil {
		note(ctx, func(e *audit.Entry) { e.Collection = refusedIn })
		return nil, refused
	}
	note(ctx, func(e *audit.Entry) { e.Collection = "" }) // the call spans collections
	return out, nil
}

// refusal reports whether err refuses a read of a collection (scope,
// purpose or role), rather than failing it.
func refusal(err error) bool {
	switch apperr.KindOf(err) {
	case apperr.Forbidden, apperr.Invalid, apperr.NotFound:
		return true
	}
	return false
}
