package vault

import (
	"context"
	"regexp"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/keys"
)

// statusCreated is the HTTP status of a create (201), for its audit entry.
const statusCreated = 201

// Created is the answer to a create.
type Created struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// values validates input fields against the schema. With partial set (a
// PATCH), required fields may be absent and null removes a field.
func (s *Service) values(c *Collection, data map[string]any, partial bool) (set map[string]string, remove []string, err error) {
	set = make(map[string]string, len(data))
	// Undeclared fields first, then the declared ones in schema order: a
	// body with two faults always gets the same answer (a map's order
	// would pick one at random).
	var unknown []string
	for name := range data {
		if _, ok := c.Field(name); !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		if safeName.MatchString(unknown[0]) {
			return nil, nil, apperr.Newf(apperr.Unprocessable, "unknown_field", "field %q is not declared in this collection", unknown[0])
		}
		return nil, nil, apperr.New(apperr.Unprocessable, "unknown_field", "the body names a field that is not declared in this collection")
	}
	for i := range c.Fields {
		f := &c.Fields[i]
		name := f.Name
		v, present := data[name]
		if !present {
			continue
		}
		if v == nil {
			if partial {
				if f.Required {
					return nil, nil, apperr.Newf(apperr.Unprocessable, "required_field", "field %q is required and cannot be removed", name)
				}
				remove = append(remove, name)
			}
			continue
		}
		if set[name], err = s.normalize(f, v); err != nil {
			return nil, nil, err
		}
	}
	if !partial {
		for _, f := range c.Fields {
			if _, ok := set[f.Name]; f.Required && !ok {
				return nil, nil, apperr.Newf(apperr.Unprocessable, "required_field", "field %q is required", f.Name)
			}
		}
	}
	return set, remove, nil
}

// Create validates, seals and stores a record. A persons record creates a
// new subject with a new data key; a data record joins an existing subject.
func (s *Service) Create(ctx context.Context, collection, purpose string, in Input) (Created, error) {
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return Created{}, err
	}
	vals, _, err := s.values(c, in.Data, false)
	if err != nil {
		return Created{}, err
	}
	if err := s.Policy.CheckWrite(ctx, c, purpose, mapKeys(vals)); err != nil {
		return Created{}, err
	}
	if len(vals) == 0 {
		return Created{}, apperr.New(apperr.Unprocessable, "empty_record", "a record needs at least one field value")
	}
	recordID := newID("rec_")
	var fc *keys.FieldCipher
	var newSubject *NewSubjectKey
	subjectID := in.Subject
	switch {
	case c.Kind == KindData && subjectID == "":
		return Created{}, apperr.New(apperr.Unprocessable, "subject_required", "records of a data collection must name their subject")
	case subjectID != "":
		if fc, err = s.cipherFor(ctx, subjectID); err != nil {
			if apperr.IsNotFound(err) {
				return Created{}, apperr.New(apperr.Unprocessable, "subject_not_found", "the named subject does not exist")
			}
			return Created{}, err
		}
		// A new record about an existing subject: consent may follow it
		// (a sign-up form writes the record, then the grant).
		if err := s.checkProcessing(ctx, purpose, subjectID, false); err != nil {
			return Created{}, err
		}
	default:
		subjectID = newID("sub_")
		dek, err := keys.NewDEK()
		if err != nil {
			return Created{}, apperr.Wrap(err, "new data key")
		}
		if fc, err = dek.Cipher(); err != nil {
			return Created{}, apperr.Wrap(err, "subject cipher")
		}
		newSubject = s.newSubjectKey(subjectID, dek)
	}
	sealed, idx, err := s.seal(c, recordID, fc, vals)
	if err != nil {
		return Created{}, err
	}
	e := s.entry(ctx, "record.create", func(e *audit.Entry) {
		e.Collection, e.Purpose, e.RecordID, e.Subject = collection, purpose, recordID, s.pseudo.Of(subjectID)
		e.Status = statusCreated // as the API answers; a failure sets its own
	})
	err = s.store.CreateRecord(ctx, StoredRecord{ID: recordID, Collection: collection, SubjectID: subjectID, Sealed: sealed}, idx, newSubject, in.Provenance, e)
	written(ctx, e)
	if err != nil {
		return Created{}, err
	}
	if newSubject != nil {
		s.ciphers.put(subjectID, fc)
	}
	return Created{ID: recordID, Subject: subjectID}, nil
}

// Patch changes some fields of a record; a null value removes a field. It
// retries when the record changed concurrently.
func (s *Service) Patch(ctx context.Context, collection, id, purpose string, in Input) (*Record, error) {
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return nil, err
	}
	set, remove, err := s.values(c, in.Data, true)
	if err != nil {
		return nil, err
	}
	if len(set) == 0 && len(remove) == 0 {
		return nil, apperr.New(apperr.Invalid, "empty_patch", "the body names no field to change")
	}
	if err := s.Policy.CheckWrite(ctx, c, purpose, append(mapKeys(set), remove...)); err != nil {
		return nil, err
	}
	plan, err := s.Policy.PlanRead(ctx, c, purpose)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		r, err := s.store.GetRecord(ctx, collection, id)
		if err != nil {
			return nil, err
		}
		if in.Subject != "" && in.Subject != r.SubjectID {
			return nil, apperr.New(apperr.Unprocessable, "subject_immutable", "a record's subject cannot change")
		}
		if s.HoldGuard != nil {
			if err := s.HoldGuard(ctx, r.SubjectID, collection); err != nil {
				return nil, err
			}
		}
		// A change needs the consent the purpose rests on, unless the
		// write carries the grant itself (an import's consent evidence).
		if err := s.checkProcessing(ctx, purpose, r.SubjectID, in.Grant == nil); err != nil {
			return nil, err
		}
		vals, err := s.open(c, r)
		if err != nil {
			return nil, err
		}
		for k, v := range set {
			vals[k] = v
		}
		for _, k := range remove {
			delete(vals, k)
		}
		if len(vals) == 0 {
			// As a create of {} is refused: a record is deleted, not emptied.
			return nil, apperr.New(apperr.Unprocessable, "empty_record", "the change would leave the record without any field value: delete the record instead")
		}
		fc, err := s.subjectCipher(r.SubjectID, r.WrappedDEK)
		if err != nil {
			return nil, err
		}
		sealed, idx, err := s.seal(c, r.ID, fc, vals)
		if err != nil {
			return nil, err
		}
		e := s.entry(ctx, "record.update", func(e *audit.Entry) {
			e.Collection, e.Purpose, e.RecordID, e.Subject = collection, purpose, r.ID, s.pseudo.Of(r.SubjectID)
		})
		next := r
		next.Sealed = sealed
		next.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		err = s.store.UpdateRecord(ctx, next, idx, in.Provenance, in.Grant, e)
		if apperr.CodeOf(err) == "version_conflict" && attempt < 3 {
			continue
		}
		written(ctx, e)
		if err != nil {
			return nil, err
		}
		next.Version++
		return s.present(ctx, c, next, vals, plan)
	}
}

// rectifying marks a context whose writes carry out the subject's own
// request for rectification (GDPR Art. 16), which a restriction of
// processing does not hold back.
type rectifying struct{}

// WithRectification returns ctx marked as carrying out a rectification
// request: its writes pass a restriction of the subject's processing,
// which may have been asked precisely while the data's accuracy is
// contested (GDPR Art. 18(1)(a)). An objection, or a consent-based purpose
// without consent, still refuses the purpose: the rectification is
// stated for a purpose the subject's data may be processed for.
func WithRectification(ctx context.Context) context.Context {
	return context.WithValue(ctx, rectifying{}, true)
}

// Rectifying reports whether ctx carries out a rectification request
// (WithRectification): a SubjectGuard lets its writes pass a restriction.
func Rectifying(ctx context.Context) bool { return ctx.Value(rectifying{}) != nil }

// SubjectGuard is a Policy that also knows, per subject, whether its data
// may be processed for a purpose: the access engine, from restrictions
// of processing and objections.
type SubjectGuard interface {
	// Withheld returns "restricted", "objected", "no_consent" (asked only
	// with consent), or "" when the subject's data may be processed for
	// the purpose.
	Withheld(ctx context.Context, subjectID, purpose string, consent bool) (string, error)
}

// checkProcessing refuses (409 restricted, objected or no_consent) a write
// to an existing subject's data for a purpose the subject's restriction of
// processing leaves out (GDPR Art. 18(2): storage only, and the purposes
// it allows), the subject objected to (Art. 21), or that rests on consent
// the subject has not given or has withdrawn (Art. 6(1)(a), 7(3)), as
// reads for that purpose withhold every field. The subject's own
// rectification request (WithRectification) passes a restriction only
// (QA: it passed an objection and a missing consent too).
// needConsent false does not ask for consent (a new record about an
// existing subject: the grant may follow it).
func (s *Service) checkProcessing(ctx context.Context, purpose, subjectID string, needConsent bool) error {
	g, ok := s.Policy.(SubjectGuard)
	if !ok {
		return nil
	}
	reason, err := g.Withheld(ctx, subjectID, purpose, needConsent)
	if err != nil {
		return err
	}
	if reason == "restricted" && ctx.Value(rectifying{}) != nil {
		return nil
	}
	if reason != "" {
		if rec := audit.RecorderFrom(ctx); rec != nil {
			rec.Update(func(e *audit.Entry) { e.Decision = "deny subject=" + reason })
		}
	}
	switch reason {
	case "":
		return nil
	case "no_consent":
		return apperr.Newf(apperr.Conflict, "no_consent", "the purpose %q rests on consent and the subject has no active consent for it: its data cannot be changed for it", purpose)
	case "restricted":
		return apperr.Newf(apperr.Conflict, "restricted", "the subject's processing is restricted (a restriction request): its data cannot be changed for the purpose %q", purpose)
	case "objected":
		return apperr.Newf(apperr.Conflict, "objected", "the subject objected to processing for the purpose %q (GDPR Art. 21): its data cannot be changed for it", purpose)
	}
	return apperr.New(apperr.Conflict, "processing_withheld", "the subject's data cannot be processed for this purpose")
}

// Delete removes one record.
func (s *Service) Delete(ctx context.Context, collection, id, purpose string) error {
	c, err := s.usable(ctx, collection, purpose)
	if err != nil {
		return err
	}
	// Deleting needs write access to every field collected for the purpose.
	var fields []string
	for _, f := range c.Fields {
		if slices.Contains(f.Purposes, purpose) {
			fields = append(fields, f.Name)
		}
	}
	if err := s.Policy.CheckWrite(ctx, c, purpose, fields); err != nil {
		return err
	}
	r, err := s.store.GetRecord(ctx, collection, id)
	if err != nil {
		return err
	}
	if s.HoldGuard != nil {
		if err := s.HoldGuard(ctx, r.SubjectID, collection); err != nil {
			return err
		}
	}
	e := s.entry(ctx, "record.delete", func(e *audit.Entry) {
		e.Collection, e.Purpose, e.RecordID, e.Subject = collection, purpose, id, s.pseudo.Of(r.SubjectID)
	})
	err = s.store.DeleteRecord(ctx, collection, id, e)
	written(ctx, e)
	return err
}

// Erase crypto-shreds a subject: its data key is destroyed, so every copy
// of its ciphertexts (backups included) becomes unreadable, then its
// records are deleted.
func (s *Service) Erase(ctx context.Context, subjectID, purpose string) (ErasureReceipt, error) {
	ps := s.pseudo.Of(subjectID)
	e := s.entry(ctx, "subject.erase", func(e *audit.Entry) { e.Subject, e.Purpose = ps, purpose })
	rc, err := s.store.EraseSubject(ctx, subjectID, ps, e)
	written(ctx, e)
	s.ciphers.evict(subjectID)
	return rc, err
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
