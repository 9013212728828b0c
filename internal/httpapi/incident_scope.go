package httpapi

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/datamap"
	"custodia/internal/fieldtype"
	"custodia/internal/incidents"
	"custodia/internal/store"
	"custodia/internal/vault"
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
// The vault joins the incident's systems when it counts vault subjects.
// Unless the incident names its categories, they are those of the data
// the breach touched (see incidentCategories). It returns the scope and
// the resolved actor. Unknown references are Invalid, and nothing has
// been written yet.
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
		if err := s.phoneCountries(ctx, f, sc.Values); err != nil {
			return sc, "", err
		}
	}
	if len(subjects) > 0 && !slices.Contains(in.Systems, datamap.VaultID) {
		in.Systems = append(in.Systems, datamap.VaultID)
	}
	all, err := s.allSystems(ctx)
	if err != nil {
		return sc, "", err
	}
	var involved []datamap.System
	for _, id := range in.Systems {
		i := slices.IndexFunc(all, func(x datamap.System) bool { return x.ID == id })
		if i < 0 {
			return sc, "", apperr.Newf(apperr.Invalid, "unknown_system", "no system of the data map has the id %q: see GET /v1/systems", clip(id))
		}
		sc.Declared = append(sc.Declared, all[i].Jurisdictions...)
		involved = append(involved, all[i])
	}
	if len(in.Categories) == 0 {
		if in.Categories, err = s.incidentCategories(ctx, in, actor, involved); err != nil {
			return sc, "", err
		}
	}
	sc.Subjects = slices.Sorted(maps.Keys(subjects))
	sc.Always, sc.Estimated = in.Jurisdictions, in.EstimatedSubjects
	return sc, actor, nil
}

// incidentCategories are the personal-data categories an incident that
// names none touched, sorted:
//
//   - in the vault, when the incident names a compromised token or actor
//     or exposed collections: the categories of the fields the actor read
//     in the window (the audit log names each read's collection and the
//     fields withheld from it) and of every field of the named
//     collections; when it names neither, the vault is exposed as a whole
//     and every category of its schemas counts;
//   - in any other system of the data map (a CRM, a mailbox): the
//     categories the map gives it.
//
// Only personal-data categories (user.*) count: system.* categories
// describe the system, not the people a notice is for.
func (s *Server) incidentCategories(ctx context.Context, in *incidents.Input, actor string, involved []datamap.System) ([]string, error) {
	cats := map[string]bool{}
	add := func(c string) {
		if vault.PersonalCategory(c) {
			cats[c] = true
		}
	}
	for _, sys := range involved {
		if sys.ID != datamap.VaultID || (actor == "" && len(in.Collections) == 0) {
			for _, c := range sys.Categories {
				add(c.Category)
			}
			continue
		}
		read := map[string]map[string]bool{} // collection: fields read; nil: every field
		if actor != "" {
			var err error
			if read, err = s.fieldsReadBy(ctx, actor, in.Window.From, in.Window.To); err != nil {
				return nil, err
			}
		}
		for _, c := range in.Collections {
			read[c] = nil
		}
		for name, fields := range read {
			var cols []*vault.Collection
			if name == "" { // a read of a whole subject across collections
				all, err := s.vault.Collections(ctx)
				if err != nil {
					return nil, err
				}
				cols = all
			} else {
				c, err := s.vault.Collection(ctx, name)
				if apperr.IsNotFound(err) || apperr.CodeOf(err) == "collection_not_found" {
					continue // dropped since: its schema is gone
				}
				if err != nil {
					return nil, err
				}
				cols = []*vault.Collection{c}
			}
			for _, c := range cols {
				for _, f := range c.Fields {
					if fields == nil || fields[f.Name] {
						add(f.Category)
					}
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(cats)), nil
}

// fieldsReadBy returns, per collection, the fields whose values an actor
// read between from and to (both included), from the audit log's reads
// that disclosed at least part of a record: every field of the collection
// but those withheld from the read. A read that names no collection (a
// subject's export across collections) is kept under "" with every field;
// a subject lookup ("allow find") discloses no field and is skipped.
func (s *Server) fieldsReadBy(ctx context.Context, actor string, from, to time.Time) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	colFields := map[string][]string{}
	f := store.AuditFilter{Actor: actor, Outcome: audit.OutcomeOK, Since: from, Until: to.Add(time.Microsecond), Limit: 5000}
	for {
		page, err := s.db.FindAudit(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if e.Subject == "" || e.Decision == "" || strings.HasPrefix(e.Decision, "deny") || strings.HasPrefix(e.Decision, "allow find") {
				continue
			}
			if e.Collection == "" {
				out[""] = nil
				continue
			}
			if fs, ok := out[e.Collection]; ok && fs == nil {
				continue // every field already
			}
			withheld := withheldFields(e.Decision)
			if len(withheld) == 0 {
				out[e.Collection] = nil
				continue
			}
			names, ok := colFields[e.Collection]
			if !ok {
				c, err := s.vault.Collection(ctx, e.Collection)
				if err != nil && !apperr.IsNotFound(err) && apperr.CodeOf(err) != "collection_not_found" {
					return nil, err
				}
				if c != nil {
					for _, fd := range c.Fields {
						names = append(names, fd.Name)
					}
				}
				colFields[e.Collection] = names
			}
			fs := out[e.Collection]
			if fs == nil {
				fs = map[string]bool{}
				out[e.Collection] = fs
			}
			for _, n := range names {
				if !withheld[n] {
					fs[n] = true
				}
			}
		}
		if len(page) < f.Limit {
			return out, nil
		}
		f.After = page[len(page)-1].Seq
	}
}

// withheldFields are the fields an audit decision says were withheld
// ("partial withheld:phone=role_denied ..."); masked fields were shown in
// part and count as read.
func withheldFields(decision string) map[string]bool {
	var out map[string]bool
	for _, w := range strings.Fields(decision) {
		if rest, ok := strings.CutPrefix(w, "withheld:"); ok {
			name, _, _ := strings.Cut(rest, "=")
			if out == nil {
				out = map[string]bool{}
			}
			out[name] = true
		}
	}
	return out
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

// phoneCountries turns the values of a phone field, given as an
// incident's jurisdiction field, into their countries (+84… is VN): a
// phone number says where a person most likely lives when the schema has
// no country field (QA: a phone field counted every person as of no
// known jurisdiction, and no notification clock started).
func (s *Server) phoneCountries(ctx context.Context, f *incidents.FieldRef, values map[string][]string) error {
	c, err := s.vault.Collection(ctx, f.Collection)
	if err != nil {
		return unknownCollection(err, f.Collection)
	}
	field, ok := c.Field(f.Field)
	if !ok || field.Type != fieldtype.Phone {
		return nil
	}
	for subj, vs := range values {
		countries := make([]string, 0, len(vs))
		for _, v := range vs {
			if r := fieldtype.PhoneRegion(v); r != "" {
				countries = append(countries, r)
			}
		}
		values[subj] = countries
	}
	return nil
}
