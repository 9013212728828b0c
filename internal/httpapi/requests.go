package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/dsr"
	"custodia/internal/exports"
	"custodia/internal/store"
)

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) error {
	var in dsr.CreateInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	// The purposes a withdrawal, objection or restriction names must be
	// registered: an unknown one would complete the request while nothing
	// was withdrawn or stopped.
	if s.access != nil && len(in.Purposes) <= 50 {
		for _, name := range in.Purposes {
			_, ok, err := s.access.Purpose(r.Context(), name)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Newf(apperr.Invalid, "unknown_purpose", "purposes: %q is not a registered purpose: see GET /v1/purposes", clip(name))
			}
		}
	}
	var out dsr.Request
	p := auth.PrincipalFrom(r.Context())
	// A caller who may file requests but not read them (sales), or a
	// token restricted to some collections or purposes (a request covers
	// all of a person's data), learns no more than a receipt: not whether
	// the person was found (the subject, the state, a rejection's reason),
	// nor that a request is already open for them. A duplicate is filed as
	// rejected, as an unmatched lookup is, and gets the same receipt.
	mayRead := p != nil && p.Can(auth.PermRequestsRead) && !scoped(p)
	in.RecordDuplicate = !mayRead
	err := audited(r, func(e *audit.Entry) (err error) {
		out, err = s.requests.Create(r.Context(), in, p.Actor(), e)
		if out.SubjectID != "" {
			e.Subject = s.vault.Pseudonym(out.SubjectID)
		}
		return err
	})
	if err != nil {
		return err
	}
	if !mayRead {
		writeJSON(w, http.StatusCreated, requestReceipt{ID: out.ID, Type: out.Type, Jurisdiction: out.Jurisdiction, Channel: out.Channel,
			ReceivedAt: out.ReceivedAt, DueAt: out.DueAt, AcknowledgeBy: out.AcknowledgeBy})
		return nil
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// requestReceipt is what a caller who may file requests but not read
// them gets back: the request and its deadlines, not its outcome.
type requestReceipt struct {
	ID            string     `json:"id"`
	Type          string     `json:"type"`
	Jurisdiction  string     `json:"jurisdiction"`
	Channel       string     `json:"channel"`
	ReceivedAt    time.Time  `json:"received_at"`
	DueAt         time.Time  `json:"due_at"`
	AcknowledgeBy *time.Time `json:"acknowledge_by,omitempty"`
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(r, "limit", 1000)
	if err != nil {
		return err
	}
	overdue, notOverdue := false, false
	if v := q.Get("overdue"); v != "" {
		if overdue, err = strconv.ParseBool(v); err != nil {
			return apperr.New(apperr.Invalid, "invalid_parameter", "overdue must be true or false")
		}
		notOverdue = !overdue
	}
	open := false
	if v := q.Get("open"); v != "" {
		if open, err = strconv.ParseBool(v); err != nil {
			return apperr.New(apperr.Invalid, "invalid_parameter", "open must be true or false")
		}
	}
	f := dsr.Filter{State: q.Get("state"), Type: q.Get("type"), SubjectID: q.Get("subject"), OpenOnly: open, Limit: int(limit)}
	if f.State != "" && !slices.Contains(dsr.States, f.State) {
		return apperr.New(apperr.Invalid, "invalid_parameter", "state must be one of "+strings.Join(dsr.States, ", "))
	}
	if f.Type != "" && !slices.Contains(dsr.Types, f.Type) {
		return apperr.New(apperr.Invalid, "invalid_parameter", "type must be one of "+strings.Join(dsr.Types, ", "))
	}
	rs, err := s.requests.List(r.Context(), f, overdue)
	if err != nil {
		return err
	}
	if notOverdue {
		// overdue=false: the requests that are not overdue.
		rs = slices.DeleteFunc(rs, func(x dsr.Request) bool { return x.Overdue })
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": rs})
	return nil
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) error {
	v, err := s.requests.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = v.ID })
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) moveRequest(w http.ResponseWriter, r *http.Request) error {
	var in dsr.MoveInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	var out dsr.Request
	err := audited(r, func(e *audit.Entry) (err error) {
		out, err = s.requests.Move(r.Context(), r.PathValue("id"), in, auth.PrincipalFrom(r.Context()).Actor(), e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) executeRequest(w http.ResponseWriter, r *http.Request) error {
	var in dsr.ExecuteInput
	if b, err := readBody(r); err != nil {
		return err
	} else if len(b) > 0 {
		if err := decodeBytes(b, &in); err != nil {
			return err
		}
	}
	// Entries written while carrying it out (an erasure's) name the request.
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = r.PathValue("id") })
	var out dsr.Request
	err := audited(r, func(e *audit.Entry) (err error) {
		out, err = s.requests.Execute(r.Context(), r.PathValue("id"), in, auth.PrincipalFrom(r.Context()).Actor(), e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// requestPackage produces the access package of a request that was
// carried out, watermarked and entered in the export register. A package
// holding sensitive categories (government ids, financial, health…) is
// produced only once a second person approved it: the first call enters
// it in the register as waiting and answers 202 with that entry; after
// POST /v1/exports/{id}/approve the person who asked downloads it, once.
func (s *Server) requestPackage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = id })
	built, err := s.requests.Package(r.Context(), id, s.exporter)
	if err != nil {
		return err
	}
	fields, cats, err := s.packageCategories(r.Context(), built.Fields)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	now := time.Now().UTC().Truncate(time.Microsecond)
	x := exports.Export{ID: auth.NewID("exp_"), Kind: exports.KindAccessPackage, Status: exports.StatusRegistered, Request: id, Subjects: 1, Records: built.Records,
		Reason: "access package of request " + id, RequestedBy: p.Actor(), Requester: p.Key(), RequestedAt: now, Fields: fields, Categories: cats}
	for _, cat := range cats {
		x.Sensitive = x.Sensitive || exports.Sensitive(cat)
	}
	if x.Approval = exports.Approval(1, 0, cats); x.Approval != "" {
		// wait enters x as waiting for approval, in place of stale (an
		// approved entry that does not cover the package) when set.
		wait := func(stale *exports.Export) error {
			x.Status = exports.StatusPending
			err := audited(r, func(e *audit.Entry) error {
				e.RecordID = x.ID
				if stale != nil {
					return s.db.ReplaceExport(r.Context(), x, *stale, e)
				}
				return s.db.PutExport(r.Context(), x, e)
			})
			if apperr.CodeOf(err) == "package_export_pending" {
				// Another call entered it meanwhile: answer with that one.
				open, err := s.db.OpenPackageExport(r.Context(), id)
				if err != nil {
					return err
				}
				return writePending(w, open)
			}
			if err != nil {
				return err
			}
			return writePending(w, x)
		}
		open, err := s.db.OpenPackageExport(r.Context(), id)
		switch {
		case apperr.IsNotFound(err):
			return wait(nil)
		case err != nil:
			return err
		case open.Status == exports.StatusPending:
			return writePending(w, open)
		case open.Requester != p.Key():
			return apperr.New(apperr.Forbidden, "not_your_export", "only the person who asked for this package may download it")
		case slices.ContainsFunc(cats, func(c string) bool { return !slices.Contains(open.Categories, c) }):
			// The person's data gained categories since the approval: it
			// covers what was shown, so this package needs its own, and
			// the old approval is superseded.
			return wait(&open)
		}
		// Approved: produce it under the approved entry's watermark, once.
		open.Status, open.ProducedAt, open.Fields, open.Categories, open.Records = exports.StatusProduced, &now, fields, cats, built.Records
		if err := s.db.UpdateExport(r.Context(), open, exports.StatusApproved, nil); err != nil {
			return err
		}
		x = open
	} else if err := s.db.PutExport(r.Context(), x, nil); err != nil {
		return err
	}
	zip, err := watermarkZip(built.Zip, x.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Custodia-Watermark", x.ID)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(zip)
	return nil
}

// writePending answers that a package waits for approval: 202 with its
// entry in the register, which Location names.
func writePending(w http.ResponseWriter, x exports.Export) error {
	w.Header().Set("Location", "/v1/exports/"+x.ID)
	writeJSON(w, http.StatusAccepted, x)
	return nil
}

// packageCategories names a package's fields ("collection.field") and
// the data categories their schemas give them, sorted, for its entry in
// the export register. A collection dropped since the package's records
// were written is named without categories.
func (s *Server) packageCategories(ctx context.Context, fields []dsr.CollectionField) ([]string, []string, error) {
	names := make([]string, 0, len(fields))
	cats := []string{}
	schemas := map[string]map[string]string{}
	for _, f := range fields {
		names = append(names, f.Collection+"."+f.Field)
		byField, ok := schemas[f.Collection]
		if !ok {
			byField = map[string]string{}
			c, err := s.vault.Collection(ctx, f.Collection)
			if err != nil && !apperr.IsNotFound(err) {
				return nil, nil, err
			}
			for _, cf := range c.Fields {
				byField[cf.Name] = cf.Category
			}
			schemas[f.Collection] = byField
		}
		if cat := byField[f.Field]; cat != "" && !slices.Contains(cats, cat) {
			cats = append(cats, cat)
		}
	}
	slices.Sort(cats)
	return names, cats, nil
}

func (s *Server) addRequestTask(w http.ResponseWriter, r *http.Request) error {
	var in dsr.TaskInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	var t dsr.Task
	err := audited(r, func(e *audit.Entry) (err error) {
		t, err = s.requests.AddTask(r.Context(), r.PathValue("id"), in, e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) closeRequestTask(w http.ResponseWriter, r *http.Request) error {
	if err := s.mayCloseRequestTask(r); err != nil {
		return err
	}
	var in dsr.CloseTaskInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	var t dsr.Task
	err := audited(r, func(e *audit.Entry) (err error) {
		t, err = s.requests.CloseTask(r.Context(), r.PathValue("id"), r.PathValue("task"), in, auth.PrincipalFrom(r.Context()).Actor(), e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) listDeletions(w http.ResponseWriter, r *http.Request) error {
	// A filter this route does not know would be ignored and its answer
	// read as filtered (QA: ?subject= returned every deletion).
	for k, vs := range r.URL.Query() {
		if !slices.Contains([]string{"limit", "kind", "subject", "pseudonym"}, k) {
			return apperr.Newf(apperr.Invalid, "invalid_parameter", "unknown parameter %q: filter by kind, subject (a subject id) or pseudonym, with limit", clip(k))
		}
		// Given twice or empty, a filter would be half applied or not at
		// all, and the answer read as filtered (QA).
		if len(vs) != 1 || vs[0] == "" {
			return apperr.Newf(apperr.Invalid, "invalid_parameter", "%s takes one value", k)
		}
	}
	pseudonym := r.URL.Query().Get("pseudonym")
	if sub := r.URL.Query().Get("subject"); sub != "" {
		if pseudonym != "" {
			return apperr.New(apperr.Invalid, "invalid_parameter", "give subject or pseudonym, not both")
		}
		pseudonym = s.vault.Pseudonym(sub)
	}
	limit, err := intParam(r, "limit", 1000)
	if err != nil {
		return err
	}
	if limit == 0 || limit > 10000 {
		limit = 10000
	}
	kind := r.URL.Query().Get("kind")
	if kinds := []string{store.DeletionErasure, store.DeletionRetention, store.DeletionManual}; kind != "" && !slices.Contains(kinds, kind) {
		return apperr.New(apperr.Invalid, "invalid_parameter", "kind must be one of "+strings.Join(kinds, ", "))
	}
	ds, err := s.db.ListDeletions(r.Context(), kind, pseudonym, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deletions": ds})
	return nil
}

// wholePersonScope refuses a token restricted to some collections or
// purposes the work of a data-subject request, which covers all of a
// person's data (an access package holds every collection; an erasure
// destroys them all), as erasing a subject directly is refused.
func wholePersonScope(p *auth.Principal, what string) error {
	switch {
	case p != nil && len(p.Collections) > 0:
		return apperr.Newf(apperr.Forbidden, "collection_not_allowed", "%s covers all of a person's data: it needs a token not restricted to some collections", what)
	case p != nil && len(p.Purposes) > 0:
		return apperr.Newf(apperr.Forbidden, "purpose_not_allowed", "%s covers all of a person's data: it needs a token not restricted to some purposes", what)
	}
	return nil
}
