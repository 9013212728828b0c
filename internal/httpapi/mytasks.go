package httpapi

import (
	"net/http"
	"slices"

	"custodia/internal/apperr"
	"custodia/internal/auth"
	"custodia/internal/cleanup"
	"custodia/internal/dsr"
)

// myTasks lists the open tasks assigned to the signed-in person, whatever
// their role: the tasks of data-subject requests (erase a person's data
// from a system they hold) and the clean-up tasks of imports (destroy the
// copy they hold). GET /v1/users/me/tasks. A token is assigned nothing.
func (s *Server) myTasks(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	out := struct {
		RequestTasks []dsr.Task     `json:"request_tasks"`
		CleanupTasks []cleanup.Task `json:"cleanup_tasks"`
	}{RequestTasks: []dsr.Task{}, CleanupTasks: []cleanup.Task{}}
	if err := signedInFully(p); err != nil {
		return err
	}
	if p.Kind != auth.KindUser {
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	u, err := s.tokens.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	if out.RequestTasks, err = s.db.OpenTasksAssigned(r.Context(), u.Email); err != nil {
		return err
	}
	all, err := s.db.ListCleanupTasks(r.Context(), cleanup.Filter{State: cleanup.StateOpen})
	if err != nil {
		return err
	}
	for i := range all {
		if all[i].AssignedTo(u.Email, "") {
			out.CleanupTasks = append(out.CleanupTasks, all[i])
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// mayCloseRequestTask lets the caller close a request's task when they
// manage requests, or the task is assigned to them (an erasure task for
// the holder of a shadow system, who may have no other part in requests).
func (s *Server) mayCloseRequestTask(r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if err := signedInFully(p); err != nil {
		return err
	}
	switch {
	case p.Can(auth.PermRequestsManage):
		return nil
	case p.Kind != auth.KindUser:
		return errForbidden
	}
	u, err := s.tokens.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	tasks, err := s.db.ListTasks(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if slices.ContainsFunc(tasks, func(t dsr.Task) bool { return t.ID == r.PathValue("task") && t.Assignee != "" && t.Assignee == u.Email }) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "forbidden", "only a person who manages requests, or the one the task is assigned to, may close it")
}
