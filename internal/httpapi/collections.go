package httpapi

import (
	"net/http"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/vault"
)

func (s *Server) createCollection(w http.ResponseWriter, r *http.Request) error {
	var c vault.Collection
	if err := decodeStrict(r, &c); err != nil {
		return err
	}
	if _, err := s.vault.PutCollection(r.Context(), &c, true); err != nil {
		return err
	}
	return s.writeCollection(w, r, c.Name, http.StatusCreated)
}

func (s *Server) putCollection(w http.ResponseWriter, r *http.Request) error {
	var c vault.Collection
	if err := decodeStrict(r, &c); err != nil {
		return err
	}
	name := r.PathValue("collection")
	if c.Name == "" {
		c.Name = name
	}
	if c.Name != name {
		return apperr.New(apperr.Invalid, "name_mismatch", "the body's name differs from the collection in the path")
	}
	created, err := s.vault.PutCollection(r.Context(), &c, false)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return s.writeCollection(w, r, c.Name, status)
}

func (s *Server) writeCollection(w http.ResponseWriter, r *http.Request, name string, status int) error {
	c, err := s.vault.Collection(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, status, c)
	return nil
}

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.vault.Collections(r.Context())
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	visible := []*vault.Collection{}
	for _, c := range cs {
		if p.AllowsCollection(c.Name) {
			visible = append(visible, c)
		}
	}
	cs = visible
	writeJSON(w, http.StatusOK, map[string]any{"collections": cs})
	return nil
}

func (s *Server) getCollection(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("collection")
	recorder(r).Update(func(e *audit.Entry) { e.Collection = name })
	if !auth.PrincipalFrom(r.Context()).AllowsCollection(name) {
		return apperr.New(apperr.Forbidden, "collection_not_allowed", "this token may not use this collection")
	}
	return s.writeCollection(w, r, name, http.StatusOK)
}
