package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/freetext"
	"custodia/internal/offboard"
)

// offboardRequest is the body of POST /v1/people/{id}/offboard.
type offboardRequest struct {
	Reason    string `json:"reason"`
	Successor string `json:"successor"` // the e-mail address of the person who takes over
}

// offboardPerson revokes a leaving person's access at once and opens the
// review of what they took or hold: POST /v1/people/{id}/offboard.
func (s *Server) offboardPerson(w http.ResponseWriter, r *http.Request) error {
	var in offboardRequest
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	in.Reason, in.Successor = strings.TrimSpace(in.Reason), auth.NormalizeEmail(in.Successor)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		return apperr.New(apperr.Invalid, "reason_required", "an offboarding needs its reason (1 to 1000 characters)")
	}
	if err := freetext.CheckWho("reason", in.Reason); err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.tokens.User(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if in.Successor != "" {
		if err := s.checkSuccessor(ctx, u, in.Successor); err != nil {
			return err
		}
	}
	previous, err := s.db.ListOffboardings(ctx)
	if err != nil {
		return err
	}
	for _, o := range previous {
		if o.UserID == u.ID && o.State == offboard.StateOpen {
			return apperr.Newf(apperr.Conflict, "offboarding_open", "this person's offboarding %s is still open", o.ID)
		}
	}
	// Offboarding disables the person and revokes the tokens they stand
	// behind; disabling alone already takes those out of the count.
	if err := s.keepAdministrator(ctx, credentialChange{userID: u.ID, role: u.Role, disabled: true}); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	o := offboard.Offboarding{ID: auth.NewID("off_"), UserID: u.ID, Email: u.Email, Reason: in.Reason, Successor: in.Successor,
		State: offboard.StateOpen, Exports: []string{}, Systems: []string{}, CreatedBy: auth.PrincipalFrom(ctx).Actor(), CreatedAt: now}
	if err := s.revokeAccess(r, u, &o); err != nil {
		return err
	}
	o.Items = append(o.Items, offboard.Item{ID: "access", Title: "Revoke access", State: offboard.StateClosed, ClosedBy: "custodia", ClosedAt: &now,
		Evidence: fmt.Sprintf("account disabled, sessions ended, %d API tokens revoked", len(o.Revoked.Tokens))})
	if err := s.reviewExports(ctx, u, &o); err != nil {
		return err
	}
	if err := s.reviewSystems(r, u, &o); err != nil {
		return err
	}
	if err := s.reviewTasks(r, u, &o, now); err != nil {
		return err
	}
	if err := s.reviewCleanupTasks(r, u, &o); err != nil {
		return err
	}
	o.Settle(now)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = o.ID
		return s.db.PutOffboarding(ctx, o, e)
	})
	if err != nil {
		return err
	}
	s.tokens.Forget() // the review disabled them again, should an enabling have raced it
	writeJSON(w, http.StatusCreated, o)
	return nil
}

// checkSuccessor refuses a successor who is not an active person other
// than the one leaving.
func (s *Server) checkSuccessor(ctx context.Context, leaving auth.User, email string) error {
	users, err := s.tokens.Users(ctx)
	if err != nil {
		return err
	}
	for _, v := range users {
		if v.Email == email && v.ID != leaving.ID && v.DisabledAt == nil {
			return nil
		}
	}
	return apperr.New(apperr.Invalid, "unknown_successor", "successor must be the e-mail address of another active person")
}

// revokeAccess disables the account (which ends its sessions) and revokes
// the API tokens the person created.
func (s *Server) revokeAccess(r *http.Request, u auth.User, o *offboard.Offboarding) error {
	yes := true
	err := audited(r, func(e *audit.Entry) error {
		_, err := s.tokens.UpdateUser(r.Context(), u.ID, auth.UserRequest{Disabled: &yes}, e)
		return err
	})
	if err != nil {
		return err
	}
	o.Revoked = offboard.Revoked{Disabled: true, Sessions: true}
	o.Revoked.Tokens, err = s.revokeTokensOf(r, u.ID)
	return err
}

// revokeTokensOf revokes the active API tokens a person made, in a
// session or through a token they made, each with its audit entry, and
// returns their ids. It goes over the tokens again until a pass finds
// none: a token made during a pass, by one the pass then revoked, is
// caught by the next (and one made after the last, by a revoked
// credential, is revoked by createToken itself).
func (s *Server) revokeTokensOf(r *http.Request, userID string) ([]string, error) {
	revoked := []string{}
	for range 10 {
		tokens, err := s.tokens.List(r.Context())
		if err != nil {
			return revoked, err
		}
		n := len(revoked)
		for _, t := range tokens {
			if t.RevokedAt != nil || auth.Maker(t, tokens) != "user:"+userID {
				continue
			}
			err := audited(r, func(e *audit.Entry) error {
				e.RecordID = t.ID
				return s.tokens.Revoke(r.Context(), t.ID, e)
			})
			if err != nil {
				return revoked, err
			}
			revoked = append(revoked, t.ID)
		}
		if len(revoked) == n {
			break
		}
	}
	return revoked, nil
}

// reviewExports adds an item per export the person asked for, in a
// session or through an API token they created.
func (s *Server) reviewExports(ctx context.Context, u auth.User, o *offboard.Offboarding) error {
	xs, err := s.db.ListExports(ctx, 1000)
	if err != nil {
		return err
	}
	theirs := map[string]bool{"user:" + u.ID: true}
	tokens, err := s.tokens.List(ctx)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if auth.Maker(t, tokens) == "user:"+u.ID {
			theirs["token:"+t.ID] = true
		}
	}
	for _, x := range xs {
		if !theirs[x.Requester] {
			continue
		}
		o.Exports = append(o.Exports, x.ID)
		o.Items = append(o.Items, offboard.Item{ID: "export-" + x.ID, State: offboard.StateOpen,
			Title: "Recover or destroy the copy of export " + x.ID + " (" + x.Kind + ", " + strconv.Itoa(x.Records) + " records, " + strings.Join(x.Categories, ", ") + ")"})
	}
	return nil
}

// reviewSystems adds an item per system of the data map the person owns
// or holds copies in; systems they own pass to the successor.
func (s *Server) reviewSystems(r *http.Request, u auth.User, o *offboard.Offboarding) error {
	systems, err := s.db.ListSystems(r.Context())
	if err != nil {
		return err
	}
	for _, sys := range systems {
		owner := offboard.Names(sys.Owner, u.Email, u.DisplayName)
		holder := false
		for _, h := range sys.Holders {
			holder = holder || offboard.Names(h, u.Email, u.DisplayName)
		}
		if !owner && !holder {
			continue
		}
		o.Systems = append(o.Systems, sys.ID)
		if holder {
			o.Items = append(o.Items, offboard.Item{ID: "copies-" + sys.ID, State: offboard.StateOpen,
				Title: "Delete the copies held in \"" + sys.Name + "\", or confirm they were handed over, and remove the person from its holders"})
		}
		if !owner {
			continue
		}
		if o.Successor == "" {
			o.Items = append(o.Items, offboard.Item{ID: "owner-" + sys.ID, State: offboard.StateOpen, Title: "Name a new owner for \"" + sys.Name + "\""})
			continue
		}
		if err := s.passOwnership(r, sys, o.Successor); err != nil {
			return err
		}
		o.Items = append(o.Items, offboard.Item{ID: "owner-" + sys.ID, State: offboard.StateOpen,
			Title: "Confirm the handover of \"" + sys.Name + "\" to " + o.Successor + ", now its owner"})
	}
	return nil
}

// reviewTasks hands the person's open request tasks to the successor, or
// asks for it.
func (s *Server) reviewTasks(r *http.Request, u auth.User, o *offboard.Offboarding, now time.Time) error {
	n, err := s.db.CountOpenTasks(r.Context(), u.Email)
	if err != nil || n == 0 {
		return err
	}
	if o.Successor == "" {
		o.Items = append(o.Items, offboard.Item{ID: "tasks", State: offboard.StateOpen,
			Title: fmt.Sprintf("Reassign the %d open data-subject request tasks assigned to %s", n, u.Email)})
		return nil
	}
	err = audited(r, func(e *audit.Entry) error {
		var err error
		o.ReassignedTasks, err = s.db.ReassignTasks(r.Context(), u.Email, o.Successor, e)
		return err
	})
	if err != nil {
		return err
	}
	o.Items = append(o.Items, offboard.Item{ID: "tasks", Title: "Hand over the open data-subject request tasks", State: offboard.StateClosed,
		ClosedBy: "custodia", ClosedAt: &now, Evidence: fmt.Sprintf("%d open tasks reassigned to %s", o.ReassignedTasks, o.Successor)})
	return nil
}

// reviewCleanupTasks adds an item per open clean-up task of an import
// assigned to the person: the copy they hold of a migrated system is to be
// destroyed (and the task closed with evidence) before they go. With a
// successor the task is handed over, so that someone who can still sign
// in sees it and closes it; the item stays open until the copy is gone.
func (s *Server) reviewCleanupTasks(r *http.Request, u auth.User, o *offboard.Offboarding) error {
	tasks, err := s.db.ListCleanupTasks(r.Context(), cleanup.Filter{State: cleanup.StateOpen})
	if err != nil {
		return err
	}
	for i := range tasks {
		t := &tasks[i]
		if !t.AssignedTo(u.Email, u.DisplayName) {
			continue
		}
		title := "Have the copy of system " + t.SystemID + " destroyed (import " + t.ImportID + ") and clean-up task " + t.ID + " closed with evidence"
		if o.Successor != "" {
			err := audited(r, func(e *audit.Entry) error {
				e.RecordID = t.ID
				_, err := s.db.HandOverCleanupTask(r.Context(), t.ID, u.Email, u.DisplayName, o.Successor, e)
				return err
			})
			if err != nil {
				return err
			}
			o.HandedOverCleanupTasks = append(o.HandedOverCleanupTasks, t.ID)
			title += "; the task is now assigned to " + o.Successor
		}
		o.Items = append(o.Items, offboard.Item{ID: "cleanup-" + t.ID, State: offboard.StateOpen, Title: title})
	}
	return nil
}

// passOwnership names the successor as a system's owner.
func (s *Server) passOwnership(r *http.Request, sys datamap.System, successor string) error {
	sys.Owner = successor
	sys.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
	return audited(r, func(e *audit.Entry) error {
		e.RecordID = sys.ID
		return s.db.UpdateSystem(r.Context(), sys, e)
	})
}

func (s *Server) listOffboardings(w http.ResponseWriter, r *http.Request) error {
	all, err := s.db.ListOffboardings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"offboardings": all})
	return nil
}

func (s *Server) getOffboarding(w http.ResponseWriter, r *http.Request) error {
	o, err := s.db.GetOffboarding(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// closeOffboardingItem closes a checklist item with its evidence:
// POST /v1/offboardings/{id}/items/{item}/close.
func (s *Server) closeOffboardingItem(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Evidence       string `json:"evidence"`
		EvidenceSHA256 string `json:"evidence_sha256"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := freetext.CheckWho("evidence", in.Evidence); err != nil {
		return err
	}
	o, err := s.db.GetOffboarding(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if err := o.Close(r.PathValue("item"), in.Evidence, in.EvidenceSHA256, auth.PrincipalFrom(r.Context()).Actor(), now); err != nil {
		return err
	}
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = o.ID
		return s.db.UpdateOffboarding(r.Context(), o, e)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}
