package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/detect"
	"custodia/internal/processors"
	"custodia/internal/store"
)

// processorsWithProblems lists the processors with their DPA problems at
// now; a processor has a flow when it is sent categories or a system of
// the data map names it.
func (s *Server) processorsWithProblems(ctx context.Context, now time.Time) ([]store.StoredProcessor, error) {
	ps, err := s.db.ListProcessors(ctx)
	if err != nil {
		return nil, err
	}
	systems, err := s.db.ListSystems(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		flows := slices.ContainsFunc(systems, func(sys datamap.System) bool { return slices.Contains(sys.Processors, ps[i].ID) })
		ps[i].Problems = ps[i].Check(flows, now)
	}
	return ps, nil
}

func (s *Server) listProcessors(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.processorsWithProblems(r.Context(), time.Now())
	if err != nil {
		return err
	}
	out := make([]processors.Processor, len(ps))
	for i, p := range ps {
		out[i] = p.Processor
	}
	writeJSON(w, http.StatusOK, map[string]any{"processors": out})
	return nil
}

// findProcessor returns one processor with its problems.
func (s *Server) findProcessor(ctx context.Context, id string) (store.StoredProcessor, error) {
	ps, err := s.processorsWithProblems(ctx, time.Now())
	if err != nil {
		return store.StoredProcessor{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return store.StoredProcessor{}, apperr.New(apperr.NotFound, "processor_not_found", "no such processor")
}

func (s *Server) getProcessor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findProcessor(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p.Processor)
	return nil
}

// decodeProcessor reads and checks a processor body: its purposes must be
// registered, as a system's must.
func (s *Server) decodeProcessor(r *http.Request) (processors.Processor, error) {
	var p processors.Processor
	if err := decodeStrict(r, &p); err != nil {
		return p, err
	}
	if p.ID != "" || !p.CreatedAt.IsZero() || !p.UpdatedAt.IsZero() || p.Problems != nil {
		return p, apperr.New(apperr.Invalid, "read_only_field", "id, created_at, updated_at and problems are set by the server")
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	if s.access != nil {
		for _, name := range p.Purposes {
			_, ok, err := s.access.Purpose(r.Context(), name)
			if err != nil {
				return p, err
			}
			if !ok {
				return p, apperr.Newf(apperr.Invalid, "unknown_purpose", "purposes: %q is not a registered purpose: see GET /v1/purposes", clip(name))
			}
		}
	}
	return p, nil
}

func (s *Server) createProcessor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.decodeProcessor(r)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	p.ID, p.CreatedAt, p.UpdatedAt = auth.NewID("prc_"), now, now
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = p.ID
		return s.db.PutProcessor(r.Context(), p, false, e)
	})
	if err != nil {
		return err
	}
	s.CheckDPAs(r.Context())
	return s.answerProcessor(w, r, p.ID, http.StatusCreated)
}

func (s *Server) replaceProcessor(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	p, err := s.decodeProcessor(r)
	if err != nil {
		return err
	}
	old, err := s.findProcessor(r.Context(), id)
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, old.CreatedAt, time.Now().UTC().Truncate(time.Microsecond)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		return s.db.PutProcessor(r.Context(), p, true, e)
	})
	if err != nil {
		return err
	}
	s.CheckDPAs(r.Context())
	return s.answerProcessor(w, r, id, http.StatusOK)
}

// answerProcessor writes a processor as stored, with its problems.
func (s *Server) answerProcessor(w http.ResponseWriter, r *http.Request, id string, status int) error {
	p, err := s.findProcessor(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, p.Processor)
	return nil
}

func (s *Server) deleteProcessor(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	systems, err := s.db.ListSystems(r.Context())
	if err != nil {
		return err
	}
	for _, sys := range systems {
		if slices.Contains(sys.Processors, id) {
			return apperr.Newf(apperr.Conflict, "processor_in_use", "the system %q of the data map sends data to this processor; remove it there first", sys.Name)
		}
	}
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		return s.db.DeleteProcessor(r.Context(), id, e)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// CheckDPAs raises one alert per change of a processor's DPA problems:
// personal data flowing to it without a signed DPA or after its DPA
// expired, or a DPA that expires within 30 days. The app calls it now and
// then; the API after every change of a processor or a system.
func (s *Server) CheckDPAs(ctx context.Context) {
	ps, err := s.processorsWithProblems(ctx, time.Now())
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("DPA check failed", "err", err)
		}
		return
	}
	for _, p := range ps {
		key := processors.AlertKey(p.Problems, &p.Processor)
		if key == p.AlertKey {
			continue
		}
		changed, err := s.db.SetProcessorAlertKey(context.WithoutCancel(ctx), p.ID, p.AlertKey, key)
		if err != nil || !changed || key == "" {
			continue
		}
		pr := p.Problems[0]
		severity := detect.SeverityWarning
		if pr.Kind != "dpa_expiring" {
			severity = detect.SeverityCritical
		}
		data := map[string]string{"processor": p.ID, "vendor": p.Vendor, "service": p.Service, "dpa_status": p.DPAStatus}
		if p.DPAExpiresAt != nil {
			data["dpa_expires_at"] = p.DPAExpiresAt.UTC().Format(time.RFC3339)
		}
		s.alerts.raise(ctx, detect.Alert{Kind: pr.Kind, Severity: severity, Principal: "processor:" + p.ID, Message: pr.Message, Data: data})
	}
}

// checkSystemProcessors refuses a system that names unknown processors.
func (s *Server) checkSystemProcessors(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	ps, err := s.db.ListProcessors(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(ps, func(p store.StoredProcessor) bool { return p.ID == id }) {
			return apperr.Newf(apperr.Invalid, "unknown_processor", "no processor has the id %q: register it under /v1/processors first", id)
		}
	}
	return nil
}
