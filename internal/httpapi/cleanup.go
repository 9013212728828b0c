package httpapi

import (
	"net/http"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/cleanup"
	"custodia/internal/freetext"
)

// The clean-up task routes are open to any signed-in caller (permSelf in
// the route table) and check here: governance:read sees every task,
// governance:manage closes any, and a person to whom a task is assigned
// (by their e-mail address) sees and closes their own.

// cleanupCaller is what the caller may do with clean-up tasks.
type cleanupCaller struct {
	read, manage bool
	email        string // a person's e-mail address, "" for a token
}

// cleanupAccess works out the caller's rights; a session still owing
// two-factor authentication gets none.
func (s *Server) cleanupAccess(r *http.Request) (cleanupCaller, error) {
	p := auth.PrincipalFrom(r.Context())
	switch {
	case p == nil:
		return cleanupCaller{}, errForbidden
	case p.MFAPending:
		return cleanupCaller{}, errMFARequired
	}
	c := cleanupCaller{manage: p.Can(auth.PermGovernance)}
	c.read = c.manage || p.Can(auth.PermGovernanceRead)
	if p.Kind == auth.KindUser && !(c.read && c.manage) {
		u, err := s.tokens.User(r.Context(), p.UserID)
		if err != nil {
			return cleanupCaller{}, err
		}
		c.email = u.Email
	}
	return c, nil
}

// mine reports whether the task is assigned to the caller.
func (c cleanupCaller) mine(t *cleanup.Task) bool {
	return c.email != "" && t.AssignedTo(c.email, "")
}

// listCleanupTasks lists clean-up tasks, newest first: GET
// /v1/cleanup-tasks?state=&system=&import=. A caller without
// governance:read sees only the tasks assigned to them.
func (s *Server) listCleanupTasks(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cleanupAccess(r)
	if err != nil {
		return err
	}
	if !c.read && c.email == "" {
		return errForbidden
	}
	q := r.URL.Query()
	f := cleanup.Filter{State: q.Get("state"), SystemID: q.Get("system"), ImportID: q.Get("import")}
	if f.State != "" && f.State != cleanup.StateOpen && f.State != cleanup.StateClosed {
		return apperr.New(apperr.Invalid, "invalid_parameter", "state must be open or closed")
	}
	all, err := s.db.ListCleanupTasks(r.Context(), f)
	if err != nil {
		return err
	}
	if !c.read {
		own := []cleanup.Task{}
		for i := range all {
			if c.mine(&all[i]) {
				own = append(own, all[i])
			}
		}
		all = own
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": all})
	return nil
}

// cleanupTask reads the task of the path for a caller who may see it.
func (s *Server) cleanupTask(r *http.Request, c cleanupCaller, manage bool) (cleanup.Task, error) {
	allowed := c.read
	if manage {
		allowed = c.manage
	}
	if !allowed && c.email == "" {
		return cleanup.Task{}, errForbidden
	}
	t, err := s.db.GetCleanupTask(r.Context(), r.PathValue("id"))
	if !allowed && (err != nil && apperr.IsNotFound(err) || err == nil && !c.mine(&t)) {
		return cleanup.Task{}, errForbidden // no hint whether another's task exists
	}
	if err != nil {
		return cleanup.Task{}, err
	}
	recorder(r).Update(func(e *audit.Entry) { e.RecordID = t.ID })
	return t, nil
}

func (s *Server) getCleanupTask(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cleanupAccess(r)
	if err != nil {
		return err
	}
	t, err := s.cleanupTask(r, c, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// closeCleanupTask closes a task with the evidence that the copy was
// destroyed, and marks its system destroyed: POST
// /v1/cleanup-tasks/{id}/close.
func (s *Server) closeCleanupTask(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cleanupAccess(r)
	if err != nil {
		return err
	}
	var in struct {
		Evidence       string `json:"evidence"`
		EvidenceSHA256 string `json:"evidence_sha256"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	// Who did the clean-up may be named by address; a customer may not.
	if err := freetext.CheckWho("evidence", in.Evidence); err != nil {
		return err
	}
	t, err := s.cleanupTask(r, c, true)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	by := auth.PrincipalFrom(r.Context()).Actor()
	probe := t
	if err := probe.Close(in.Evidence, in.EvidenceSHA256, by, now); err != nil {
		return err // checked before the write: a refused close writes nothing
	}
	var closed cleanup.Task
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = t.ID
		var err error
		closed, err = s.db.CloseCleanupTask(r.Context(), t.ID, in.Evidence, in.EvidenceSHA256, by, now, e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, closed)
	return nil
}
