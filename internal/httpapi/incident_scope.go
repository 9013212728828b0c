package httpapi

import (
	"context"
	"maps"
	"slices"
	"strings"

	"custodia/internal/apperr"
	"custodia/internal/datamap"
	"custodia/internal/incidents"
)

// incidentScope resolves what an incident names (systems of the data map,
// the compromised token or actor, exposed collections, the jurisdiction
// field) and computes its affected subjects, by audit pseudonym:
//
//   - a token or actor: every subject it read in the window, as the audit
//     log records it (successful reads that disclosed at least part of a
//     record);
//   - collections: every subject with a record in them.
//
// The vault joins the incident's systems when it counts vault subjects;
// categories default to those of the systems involved. It returns the
// scope and the resolved actor. Unknown references are Invalid, and
// nothing has been written yet.
func (s *Server) incidentScope(ctx context.Context, in *incidents.Input) (incidents.Scope, string, error) {
	var sc incidents.Scope
	actor, err := s.incidentActor(ctx, in)
	if err != nil {
		return sc, "", err
	}
	subjects := map[string]bool{}
	if actor != "" {
		ps, err := s.db.SubjectsReadBy(ctx, actor, in.Window.From, in.Window.To)
		if err != nil {
			return sc, "", err
		}
		for _, p := range ps {
			subjects[p] = true
		}
	}
	for _, c := range in.Collections {
		if _, err := s.vault.Collection(ctx, c); err != nil {
			return sc, "", unknownCollection(err, c)
		}
		ids, err := s.db.CollectionSubjects(ctx, c)
		if err != nil {
			return sc, "", err
		}
		for _, id := range ids {
			subjects[s.vault.Pseudonym(id)] = true
		}
	}
	if f := in.JurisdictionField; f != nil {
		if sc.Values, err = s.vault.SubjectFieldValues(ctx, f.Collection, f.Field, subjects); err != nil {
			return sc, "", unknownCollection(err, f.Collection)
		}
	}
	if len(subjects) > 0 && !slices.Contains(in.Systems, datamap.VaultID) {
		in.Systems = append(in.Systems, datamap.VaultID)
	}
	all, err := s.allSystems(ctx)
	if err != nil {
		return sc, "", err
	}
	derive := len(in.Categories) == 0
	for _, id := range in.Systems {
		i := slices.IndexFunc(all, func(x datamap.System) bool { return x.ID == id })
		if i < 0 {
			return sc, "", apperr.Newf(apperr.Invalid, "unknown_system", "no system of the data map has the id %q: see GET /v1/systems", clip(id))
		}
		sc.Declared = append(sc.Declared, all[i].Jurisdictions...)
		for _, c := range all[i].Categories {
			if derive && !slices.Contains(in.Categories, c.Category) {
				in.Categories = append(in.Categories, c.Category)
			}
		}
	}
	sc.Subjects = slices.Sorted(maps.Keys(subjects))
	sc.Always, sc.Estimated = in.Jurisdictions, in.EstimatedSubjects
	return sc, actor, nil
}

// incidentActor resolves the incident's token (an id or a name, revoked
// or not) or actor to the audit log's name for it: "token:NAME" or
// "user:ID".
func (s *Server) incidentActor(ctx context.Context, in *incidents.Input) (string, error) {
	if in.Token == "" && in.Actor == "" {
		return "", nil
	}
	if kind, id, _ := strings.Cut(in.Actor, ":"); kind == "user" {
		if _, err := s.tokens.User(ctx, id); err != nil {
			if apperr.IsNotFound(err) {
				return "", apperr.New(apperr.Invalid, "unknown_actor", "no user has that id")
			}
			return "", err
		}
		return in.Actor, nil
	}
	tokens, err := s.tokens.List(ctx)
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(in.Actor, "token:")
	for _, t := range tokens {
		if in.Token != "" && (t.ID == in.Token || t.Name == in.Token) || in.Actor != "" && t.Name == name {
			return "token:" + t.Name, nil
		}
	}
	if in.Actor != "" {
		return "", apperr.New(apperr.Invalid, "unknown_actor", "no token has that name")
	}
	return "", apperr.New(apperr.Invalid, "unknown_token", "no token has that id or name: see GET /v1/tokens")
}

// unknownCollection turns a missing collection into an input error.
func unknownCollection(err error, name string) error {
	if apperr.CodeOf(err) == "collection_not_found" {
		return apperr.Newf(apperr.Invalid, "unknown_collection", "no collection is named %q", clip(name))
	}
	return err
}

// clip shortens a caller's value for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
