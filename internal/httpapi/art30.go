package httpapi

import (
	"bytes"
	"net/http"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/art30"
	"custodia/internal/processors"
)

// processingRecord answers the GDPR Art. 30 record of processing
// activities: GET /v1/records-of-processing?format=json|csv|html.
func (s *Server) processingRecord(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" && format != "html" {
		return apperr.New(apperr.Invalid, "invalid_format", "format must be json, csv or html")
	}
	ctx := r.Context()
	purposes, err := s.db.ListPurposes(ctx)
	if err != nil {
		return err
	}
	cols, err := s.vault.Collections(ctx)
	if err != nil {
		return err
	}
	systems, err := s.allSystems(ctx)
	if err != nil {
		return err
	}
	stored, err := s.db.ListProcessors(ctx)
	if err != nil {
		return err
	}
	procs := make([]processors.Processor, len(stored))
	for i, p := range stored {
		procs[i] = p.Processor
	}
	rules, err := s.db.ListRetentionRules(ctx)
	if err != nil {
		return err
	}
	acts := art30.Build(art30.Inputs{Purposes: purposes, Collections: cols, Systems: systems, Processors: procs, Rules: rules})
	var buf bytes.Buffer
	switch format {
	case "csv":
		if err := art30.WriteCSV(&buf, s.opts.Controller, acts); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="records-of-processing.csv"`)
	case "html":
		if err := art30.WriteHTML(&buf, s.opts.Controller, acts, time.Now()); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	default:
		writeJSON(w, http.StatusOK, map[string]any{"controller": s.opts.Controller, "activities": acts})
		return nil
	}
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}
