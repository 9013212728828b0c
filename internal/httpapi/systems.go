package httpapi

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/vault"
)

// vaultSystem is the vault's own entry in the data map: official, its
// categories and purposes derived from the collection schemas.
func (s *Server) vaultSystem(ctx context.Context) (datamap.System, error) {
	cols, err := s.vault.Collections(ctx)
	if err != nil {
		return datamap.System{}, err
	}
	sys := datamap.System{ID: datamap.VaultID, Name: datamap.VaultName, Kind: "vault", Status: datamap.StatusOfficial,
		Description: "The encrypted customer records of this server; categories and purposes come from its collection schemas.",
		Holders:     []string{}, Categories: []datamap.Category{}, Jurisdictions: []string{}, Purposes: []string{}, Transfers: []string{},
		Processors: []string{}, Match: datamap.Match{Hosts: []string{}, Paths: []string{}}}
	for _, c := range cols {
		for _, f := range c.Fields {
			if vault.PersonalCategory(f.Category) && !slices.ContainsFunc(sys.Categories, func(x datamap.Category) bool { return x.Category == f.Category }) {
				sys.Categories = append(sys.Categories, datamap.Category{Category: f.Category, Source: datamap.SourceDerived})
			}
			for _, p := range f.Purposes {
				if !slices.Contains(sys.Purposes, p) {
					sys.Purposes = append(sys.Purposes, p)
				}
			}
		}
		if c.CreatedAt.Before(sys.CreatedAt) || sys.CreatedAt.IsZero() {
			sys.CreatedAt = c.CreatedAt
		}
		if c.UpdatedAt.After(sys.UpdatedAt) {
			sys.UpdatedAt = c.UpdatedAt
		}
	}
	sort.Slice(sys.Categories, func(i, j int) bool { return sys.Categories[i].Category < sys.Categories[j].Category })
	sort.Strings(sys.Purposes)
	return sys, nil
}

// allSystems is the vault's entry followed by the stored systems.
func (s *Server) allSystems(ctx context.Context) ([]datamap.System, error) {
	v, err := s.vaultSystem(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := s.db.ListSystems(ctx)
	if err != nil {
		return nil, err
	}
	return append([]datamap.System{v}, stored...), nil
}

func (s *Server) listSystems(w http.ResponseWriter, r *http.Request) error {
	all, err := s.allSystems(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"systems": all})
	return nil
}

func (s *Server) getSystem(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if id == datamap.VaultID {
		v, err := s.vaultSystem(r.Context())
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	sys, err := s.db.GetSystem(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sys)
	return nil
}

// errVaultDerived refuses changes to the vault's entry.
var errVaultDerived = apperr.New(apperr.Conflict, "vault_derived", "the vault's entry in the data map is derived from its collections and cannot be changed or deleted")

// decodeSystem reads and checks a system's body; the jurisdictions it
// names must be known to the breach rules (they start incident clocks),
// its purposes and processors registered.
func (s *Server) decodeSystem(r *http.Request) (datamap.Input, error) {
	var in datamap.Input
	if err := decodeStrict(r, &in); err != nil {
		return in, err
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	rules := s.breachRules()
	known := datamap.Known{Jurisdiction: func(j string) bool { _, ok := rules.Resolve(j); return ok }}
	if s.access != nil {
		known.Purpose = func(p string) (bool, error) {
			_, ok, err := s.access.Purpose(r.Context(), p)
			return ok, err
		}
	}
	if err := in.CheckKnown(known); err != nil {
		return in, err
	}
	return in, s.checkSystemProcessors(r.Context(), in.Processors)
}

func (s *Server) createSystem(w http.ResponseWriter, r *http.Request) error {
	in, err := s.decodeSystem(r)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	sys := datamap.System{ID: auth.NewID("sys_"), CreatedAt: now, UpdatedAt: now}
	in.Apply(&sys, now)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = sys.ID
		return s.db.PutSystem(r.Context(), sys, e)
	})
	if err != nil {
		return err
	}
	s.CheckDPAs(r.Context())
	writeJSON(w, http.StatusCreated, sys)
	return nil
}

func (s *Server) replaceSystem(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if id == datamap.VaultID {
		return errVaultDerived
	}
	in, err := s.decodeSystem(r)
	if err != nil {
		return err
	}
	sys, err := s.db.GetSystem(r.Context(), id)
	if err != nil {
		return err
	}
	sys.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
	in.Apply(&sys, sys.UpdatedAt)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		return s.db.UpdateSystem(r.Context(), sys, e)
	})
	if err != nil {
		return err
	}
	s.CheckDPAs(r.Context())
	writeJSON(w, http.StatusOK, sys)
	return nil
}

func (s *Server) deleteSystem(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if id == datamap.VaultID {
		return errVaultDerived
	}
	err := audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		return s.db.DeleteSystem(r.Context(), id, e)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// confirmSystem settles a system a scan proposed: POST
// /v1/systems/{id}/confirm {"status": "shadow"|"official"}.
func (s *Server) confirmSystem(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if id == datamap.VaultID {
		return errVaultDerived
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if in.Status != datamap.StatusShadow && in.Status != datamap.StatusOfficial {
		return apperr.New(apperr.Invalid, "invalid_status", "status must be shadow or official")
	}
	sys, err := s.db.GetSystem(r.Context(), id)
	if err != nil {
		return err
	}
	if sys.Status != datamap.StatusProposed {
		return apperr.New(apperr.Conflict, "not_proposed", "only a system a scan proposed is confirmed; change others with PUT")
	}
	sys.Status = in.Status
	sys.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = id
		return s.db.UpdateSystem(r.Context(), sys, e)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sys)
	return nil
}

// dataMapSVG draws the map: GET /v1/datamap.svg.
func (s *Server) dataMapSVG(w http.ResponseWriter, r *http.Request) error {
	all, err := s.allSystems(r.Context())
	if err != nil {
		return err
	}
	svg, err := s.dataMapPicture(r.Context(), all)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(svg)
	return err
}

// dataMapPicture draws the systems with every registered processor and
// its DPA problem: the API's picture and the report's.
func (s *Server) dataMapPicture(ctx context.Context, all []datamap.System) ([]byte, error) {
	ps, err := s.processorsWithProblems(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	procs := make([]datamap.Processor, 0, len(ps))
	for _, p := range ps {
		dp := datamap.Processor{ID: p.ID, Name: p.Vendor + " " + p.Service, Categories: p.Categories}
		if len(p.Problems) > 0 {
			dp.Problem = p.Problems[0].Kind
		}
		procs = append(procs, dp)
	}
	return datamap.SVG(all, procs), nil
}

// scanSystems finds the systems a scan belongs to, or proposes one.
func (s *Server) scanSystems(ctx context.Context, host string, roots []string, now time.Time) ([]string, *datamap.System, error) {
	stored, err := s.db.ListSystems(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, sys := range stored {
		if sys.Matches(host, roots) {
			ids = append(ids, sys.ID)
		}
	}
	if len(ids) > 0 {
		return ids, nil, nil
	}
	in := datamap.Proposal(host, roots)
	sys := datamap.System{ID: auth.NewID("sys_"), CreatedAt: now, UpdatedAt: now}
	in.Apply(&sys, now)
	sys.Status = datamap.StatusProposed
	for slices.ContainsFunc(stored, func(x datamap.System) bool { return strings.EqualFold(x.Name, sys.Name) }) {
		sys.Name += " (2)"
	}
	return nil, &sys, nil
}
