package httpapi

import (
	"context"
	"net/http"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/incidents"
)

// breachRules returns the breach rules the API counts with.
func (s *Server) breachRules() *incidents.Table {
	if s.breach != nil {
		return s.breach
	}
	return incidents.Default()
}

// createIncident files a breach: POST /v1/incidents. It computes the
// affected subjects and their jurisdictions, starts the clocks, and
// stores it all in one transaction with its audit entry; any bad input
// is refused before anything is written.
func (s *Server) createIncident(w http.ResponseWriter, r *http.Request) error {
	var in incidents.Input
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	now := time.Now().UTC().Truncate(time.Microsecond)
	t := s.breachRules()
	if err := in.Validate(now, t); err != nil {
		return err
	}
	scope, actor, err := s.incidentScope(ctx, &in)
	if err != nil {
		return err
	}
	affected, facts := t.Count(scope)
	clocks, err := t.Clocks(incidents.Facts{DetectedAt: in.DetectedAt, AwareAt: in.BecameAwareAt, Affected: facts, HighRisk: in.HighRisk})
	if err != nil {
		return err
	}
	rec := incidents.New(auth.NewID("inc_"), in, actor, affected, clocks, auth.PrincipalFrom(ctx).Actor(), now)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = rec.ID
		return s.db.CreateIncident(ctx, rec, e)
	})
	if err != nil {
		return err
	}
	s.CheckIncidentClocks(ctx) // a clock may be due at once ("without delay")
	stored, err := s.db.GetIncident(ctx, rec.ID)
	if err != nil {
		return err
	}
	return s.answerIncident(ctx, w, stored, http.StatusCreated)
}

// answerIncident writes an incident with its clocks' statuses and drafts.
func (s *Server) answerIncident(ctx context.Context, w http.ResponseWriter, rec incidents.Record, status int) error {
	now := time.Now()
	rec.Refresh(now)
	all, err := s.allSystems(ctx)
	if err != nil {
		return err
	}
	kinds := incidents.SystemKinds{}
	for _, sys := range all {
		kinds[sys.ID] = sys.Kind
	}
	if rec.Drafts, err = rec.RenderDrafts(kinds, s.breachRules().Location(), now); err != nil {
		return err
	}
	writeJSON(w, status, rec)
	return nil
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) error {
	limit, err := rangeParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	list, err := s.db.ListIncidents(r.Context(), r.URL.Query().Get("open") == "true", limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": list})
	return nil
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = id })
	rec, err := s.db.GetIncident(r.Context(), id)
	if err != nil {
		return err
	}
	return s.answerIncident(r.Context(), w, rec, http.StatusOK)
}

// changeIncident applies change to an incident in one audited write and
// answers with the incident as stored.
func (s *Server) changeIncident(w http.ResponseWriter, r *http.Request, status int, change func(rec *incidents.Record, by string, now time.Time) ([]incidents.Event, error)) error {
	id := r.PathValue("id")
	by := auth.PrincipalFrom(r.Context()).Actor()
	now := time.Now().UTC().Truncate(time.Microsecond)
	var rec incidents.Record
	err := audited(r, func(e *audit.Entry) (err error) {
		e.RecordID = id
		rec, err = s.db.UpdateIncident(r.Context(), id, func(rec *incidents.Record) ([]incidents.Event, error) { return change(rec, by, now) }, e)
		return err
	})
	if err != nil {
		return err
	}
	return s.answerIncident(r.Context(), w, rec, status)
}

// closeIncidentTask closes a task with evidence, or justifies it:
// POST /v1/incidents/{id}/tasks/{task}/close.
func (s *Server) closeIncidentTask(w http.ResponseWriter, r *http.Request) error {
	var in incidents.CloseTaskInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	task := r.PathValue("task")
	return s.changeIncident(w, r, http.StatusOK, func(rec *incidents.Record, by string, now time.Time) ([]incidents.Event, error) {
		return rec.CloseTask(task, in, by, now)
	})
}

// recordIncidentNotification records a notification sent, meeting its
// clock: POST /v1/incidents/{id}/notifications.
func (s *Server) recordIncidentNotification(w http.ResponseWriter, r *http.Request) error {
	var in incidents.NotificationInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	t := s.breachRules()
	return s.changeIncident(w, r, http.StatusOK, func(rec *incidents.Record, by string, now time.Time) ([]incidents.Event, error) {
		return rec.Notify(t, in, by, now)
	})
}

// addIncidentEvidence records evidence by its hash:
// POST /v1/incidents/{id}/evidence.
func (s *Server) addIncidentEvidence(w http.ResponseWriter, r *http.Request) error {
	var in incidents.EvidenceInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	return s.changeIncident(w, r, http.StatusCreated, func(rec *incidents.Record, by string, now time.Time) ([]incidents.Event, error) {
		_, events, err := rec.AddEvidence(in, by, now)
		return events, err
	})
}
