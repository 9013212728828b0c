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
	// A caller who may read no collection at all for this purpose is
	// refused before the subject is looked for, so the refusal is the
	// same whether or not the subject exists.
	if err := s.readableAnywhere(ctx, purpose); err != nil {
		return nil, err
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
		// The subject's records are all in collections the caller may not
		// read: answered as for a subject that does not exist, so that the
		// refusal does not tell who is a customer.
		note(ctx, func(e *audit.Entry) { e.Collection = refusedIn })
		return nil, ErrSubjectNotReadable
	}
	note(ctx, func(e *audit.Entry) { e.Collection = "" }) // the call spans collections
	return out, nil
}

// ErrSubjectNotReadable is the answer for a subject none of whose records
// the caller may read, and for one that does not exist: the same words,
// so that the answer does not tell them apart.
var ErrSubjectNotReadable = apperr.New(apperr.NotFound, "subject_not_found", "no such subject (never created, or erased), or none of its records is in a collection you may read for this purpose")

// readableAnywhere returns nil when the caller may read some collection
// for purpose, else the refusal of the first collection.
func (s *Service) readableAnywhere(ctx context.Context, purpose string) error {
	cs, err := s.Collections(ctx)
	if err != nil {
		return err
	}
	var first error
	for _, c := range cs {
		_, _, err := s.readable(ctx, c.Name, purpose)
		if err == nil {
			return nil
		}
		if !refusal(err) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	if first == nil { // no collections at all
		return ErrSubjectNotReadable
	}
	return first
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
