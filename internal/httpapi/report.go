package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/dsr"
	"custodia/internal/report"
)

// complianceReport scores the live system: GET /v1/report?format=json|html.
func (s *Server) complianceReport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "html" {
		return apperr.New(apperr.Invalid, "invalid_format", "format must be json or html")
	}
	now := time.Now().UTC()
	f, err := s.reportFacts(r.Context(), now)
	if err != nil {
		return err
	}
	rep := report.Score(f, now)
	if format == "json" {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	all, err := s.allSystems(r.Context())
	if err != nil {
		return err
	}
	picture, err := s.dataMapPicture(r.Context(), all)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, rep, picture); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// reportFacts gathers what the report is scored on.
func (s *Server) reportFacts(ctx context.Context, now time.Time) (report.Facts, error) {
	var f report.Facts
	all, err := s.allSystems(ctx)
	if err != nil {
		return f, err
	}
	f.Systems = all[1:] // without the vault's own entry
	if f.Collections, err = s.vault.Collections(ctx); err != nil {
		return f, err
	}
	purposes, err := s.db.ListPurposes(ctx)
	if err != nil {
		return f, err
	}
	for _, p := range purposes {
		f.Purposes = append(f.Purposes, p.Name)
	}
	if f.ConsentGaps, err = s.db.ConsentGaps(ctx); err != nil {
		return f, err
	}
	if f.People, err = s.reportPeople(ctx); err != nil {
		return f, err
	}
	stored, err := s.processorsWithProblems(ctx, now)
	if err != nil {
		return f, err
	}
	for _, p := range stored {
		f.Processors = append(f.Processors, p.Processor)
	}
	if s.requests != nil {
		overdue, err := s.requests.List(ctx, dsr.Filter{Limit: 10000}, true)
		if err != nil {
			return f, err
		}
		f.OverdueOpen = len(overdue)
		for _, r := range overdue {
			if len(f.OverdueIDs) == 20 {
				f.OverdueIDs = append(f.OverdueIDs, fmt.Sprintf("and %d more", len(overdue)-20))
				break
			}
			if r.Overdue {
				f.OverdueIDs = append(f.OverdueIDs, r.ID+" due "+r.DueAt.Format(time.DateOnly))
			} else {
				f.OverdueIDs = append(f.OverdueIDs, r.ID+" not acknowledged by "+r.AcknowledgeBy.Format(time.DateOnly))
			}
		}
	}
	if f.Rules, err = s.db.ListRetentionRules(ctx); err != nil {
		return f, err
	}
	if f.Audit, err = audit.Verify(ctx, s.keyring.Derived().AuditChain, s.db); err != nil {
		return f, err
	}
	if f.Installed, f.LastRotation, err = s.db.AuditTimes(ctx, "keys.rotate"); err != nil {
		return f, err
	}
	return f, s.reportIncidents(ctx, now, &f)
}

// reportPeople lists the people with what their roles require.
func (s *Server) reportPeople(ctx context.Context) ([]report.Person, error) {
	users, err := s.tokens.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]report.Person, 0, len(users))
	for _, u := range users {
		p := report.Person{User: u}
		if s.access != nil {
			info, err := s.access.RoleInfo(ctx, string(u.Role))
			if err != nil {
				return nil, err
			}
			p.MFARequired, p.TrainingRequired = info.MFARequired, info.TrainingRequired
		}
		if p.TrainingRequired {
			if p.Training, err = s.db.ListTraining(ctx, u.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// reportIncidents counts the open incidents and their passed deadlines.
func (s *Server) reportIncidents(ctx context.Context, now time.Time, f *report.Facts) error {
	open, err := s.db.ListIncidents(ctx, true, 1000)
	if err != nil {
		return err
	}
	f.OpenIncidents = len(open)
	for _, inc := range open {
		rec, err := s.db.GetIncident(ctx, inc.ID)
		if err != nil {
			return err
		}
		for _, c := range rec.Clocks {
			switch {
			case c.Overdue(now): // a "without delay" clock is due now, not overdue
				f.OverdueClocks = append(f.OverdueClocks, inc.ID+": "+c.Regime+" "+c.Recipient)
			case c.DueNow(now):
				f.DueNowClocks = append(f.DueNowClocks, inc.ID+": "+c.Regime+" "+c.Recipient)
			}
		}
	}
	return nil
}
