package httpapi

import (
	"net/http"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/scans"
)

// createScan records the results of a scan: POST /v1/scans.
func (s *Server) createScan(w http.ResponseWriter, r *http.Request) error {
	var in scans.Scan
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if in.ID != "" || in.ReportedBy != "" || !in.CreatedAt.IsZero() || in.Categories != nil {
		return apperr.New(apperr.Invalid, "read_only_field", "id, reported_by, created_at and categories are set by the server")
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if in.Errors == nil {
		in.Errors = []scans.FileError{}
	}
	in.ID = auth.NewID("scn_")
	in.ReportedBy = auth.PrincipalFrom(r.Context()).Actor()
	in.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	in.StartedAt, in.FinishedAt = in.StartedAt.UTC().Truncate(time.Microsecond), in.FinishedAt.UTC().Truncate(time.Microsecond)
	// Two scans of the same new folder at once may both propose a system;
	// the second then finds the first's proposal and attaches to it.
	var systems []string
	var proposed *datamap.System
	for attempt := 0; ; attempt++ {
		var err error
		if systems, proposed, err = s.scanSystems(r.Context(), in.Source, in.Roots, in.CreatedAt); err != nil {
			return err
		}
		if in.Summary.Findings == 0 && len(in.Locations) == 0 {
			proposed = nil // a folder with no personal data is no shadow system
		}
		err = audited(r, func(e *audit.Entry) error {
			e.RecordID = in.ID
			return s.db.PutScan(r.Context(), in, systems, proposed, e)
		})
		if err == nil {
			break
		}
		if attempt > 0 || proposed == nil || apperr.CodeOf(err) != "system_exists" {
			return err
		}
	}
	in.Categories = scans.Categories(in.Locations)
	n := len(in.Locations)
	in.Locations = nil
	if proposed != nil {
		systems = append(systems, proposed.ID)
	}
	if systems == nil {
		systems = []string{}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"scan": in, "locations": n, "systems": systems, "proposed_system": proposed != nil})
	return nil
}

// addScanLocations adds a batch of locations to a scan the caller
// reported: POST /v1/scans/{id}/locations.
func (s *Server) addScanLocations(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Locations []scans.Location `json:"locations"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if len(in.Locations) == 0 {
		return apperr.New(apperr.Invalid, "no_locations", "send at least one location")
	}
	if err := scans.ValidateLocations(in.Locations); err != nil {
		return err
	}
	id := r.PathValue("id")
	var total int
	err := audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		var err error
		total, err = s.db.AddScanLocations(r.Context(), id, auth.PrincipalFrom(r.Context()).Actor(), in.Locations, e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "locations": total})
	return nil
}

// listScans lists reported scans, newest first: GET /v1/scans?limit=N.
func (s *Server) listScans(w http.ResponseWriter, r *http.Request) error {
	limit, err := rangeParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	ss, err := s.db.ListScans(r.Context(), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"scans": ss})
	return nil
}

// getScan returns a scan with a page of its locations:
// GET /v1/scans/{id}?offset=N&limit=N.
func (s *Server) getScan(w http.ResponseWriter, r *http.Request) error {
	offset, err := rangeParam(r, "offset", 0, 0, scans.MaxLocations)
	if err != nil {
		return err
	}
	limit, err := rangeParam(r, "limit", 1000, 1, 10000)
	if err != nil {
		return err
	}
	sc, total, err := s.db.GetScan(r.Context(), r.PathValue("id"), offset, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"scan": sc, "locations_total": total, "offset": offset})
	return nil
}
