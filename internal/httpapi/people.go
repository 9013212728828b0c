package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/detect"
)

// audited runs a write whose audit entry the store commits atomically.
func audited(r *http.Request, fn func(e *audit.Entry) error) error {
	e := recorder(r).Snapshot()
	err := fn(e)
	recorder(r).Committed(e)
	return err
}

// retryAfter is an error that tells the client when to try again.
type retryAfter struct {
	error
	seconds int
}

func (e retryAfter) Unwrap() error { return e.error }

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var req auth.UserRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	if req.Role != nil {
		if err := s.checkAssign(r.Context(), auth.PrincipalFrom(r.Context()), *req.Role); err != nil {
			return err
		}
	}
	var u auth.User
	var generated string
	err := audited(r, func(e *audit.Entry) (err error) {
		u, generated, err = s.tokens.CreateUser(r.Context(), req, e)
		return err
	})
	if err != nil {
		return err
	}
	resp := map[string]any{"user": u}
	if generated != "" {
		resp["initial_password"] = generated
	}
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.tokens.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": us})
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.tokens.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) error {
	var req auth.UserRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	current, err := s.tokens.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.checkManage(r.Context(), p, current.Role, "person"); err != nil {
		return err
	}
	if req.Role != nil {
		if err := s.checkAssign(r.Context(), p, *req.Role); err != nil {
			return err
		}
	}
	if req.Disabled != nil && !*req.Disabled && current.DisabledAt != nil {
		// An offboarded person stays out while the review of what they
		// held is open: enabling them would leave it describing an
		// account that is disabled (QA).
		open, err := s.db.OpenOffboardingOf(r.Context(), current.ID)
		if err != nil {
			return err
		}
		if open != "" {
			return apperr.Newf(apperr.Conflict, "offboarding_open", "the person's offboarding %s is open: close it before enabling them again", open)
		}
	}
	if req.Role != nil || req.Disabled != nil {
		after := credentialChange{userID: current.ID, role: current.Role, disabled: current.DisabledAt != nil}
		if req.Role != nil {
			after.role = *req.Role
		}
		if req.Disabled != nil {
			after.disabled = *req.Disabled
		}
		if err := s.keepAdministrator(r.Context(), after); err != nil {
			return err
		}
	}
	var u auth.User
	err = audited(r, func(e *audit.Entry) (err error) {
		u, err = s.tokens.UpdateUser(r.Context(), r.PathValue("id"), req, e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// me returns the calling person.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if p.Kind != auth.KindUser {
		writeJSON(w, http.StatusOK, map[string]any{"kind": p.Kind, "name": p.Name, "role": p.Role, "permissions": p.Permissions()})
		return nil
	}
	u, err := s.tokens.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": p.Kind, "user": u, "mfa_pending": p.MFAPending, "training_lapsed": p.TrainingLapsed, "permissions": p.Permissions()})
	return nil
}

func needUser(r *http.Request) (*auth.Principal, error) {
	p := auth.PrincipalFrom(r.Context())
	if p == nil || p.Kind != auth.KindUser {
		return nil, apperr.New(apperr.Forbidden, "session_required", "this operation is for a signed-in person (POST /v1/sessions), not an API token")
	}
	return p, nil
}

func (s *Server) startTOTP(w http.ResponseWriter, r *http.Request) error {
	p, err := needUser(r)
	if err != nil {
		return err
	}
	// The body is optional: {"password": …} is needed only to replace an
	// authenticator already in use.
	var in struct {
		Password string `json:"password"`
	}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	// The password it may ask for is guessed against the sign-in limits:
	// a stolen session must not try passwords without end.
	u, err := s.tokens.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	// Counted against the account only: the caller is signed in already.
	account := "acct:" + s.tokens.AccountKey(u.Email)
	if in.Password != "" {
		release, err := s.beginPasswordCheck(account, "", "too many failed password attempts; try again later")
		if err != nil {
			return err
		}
		defer release()
	}
	var en auth.TOTPEnrollment
	err = audited(r, func(e *audit.Entry) (err error) {
		en, err = s.tokens.StartTOTP(r.Context(), p.UserID, in.Password, e)
		return err
	})
	if err != nil {
		if in.Password != "" && apperr.CodeOf(err) == "password_required" {
			s.passwordFailed(r, account, "", "user:"+p.UserID)
		}
		return err
	}
	if in.Password != "" {
		s.guard.Succeed(account, "")
	}
	writeJSON(w, http.StatusCreated, en)
	return nil
}

func (s *Server) totpQR(w http.ResponseWriter, r *http.Request) error {
	p, err := needUser(r)
	if err != nil {
		return err
	}
	png, err := s.tokens.PendingTOTPQR(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
	return nil
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	p, err := needUser(r)
	if err != nil {
		return err
	}
	var req struct {
		Code string `json:"code"`
	}
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	var codes []string
	err = audited(r, func(e *audit.Entry) (err error) {
		codes, err = s.tokens.ConfirmTOTP(r.Context(), p.UserID, p.SessionID, req.Code, e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"mfa_enabled": true, "recovery_codes": codes})
	return nil
}

// login opens a session. Failures are counted per account and per address;
// past the limit, attempts get 429 with Retry-After and an alert is raised.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req auth.LoginRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	account := "acct:" + s.tokens.AccountKey(req.Email)
	addr := s.clientIP(r)
	release, err := s.beginPasswordCheck(account, addr, "too many failed sign-ins; try again later")
	if err != nil {
		return err
	}
	defer release()
	var res auth.LoginResult
	var userID string
	err = audited(r, func(e *audit.Entry) (err error) {
		res, userID, err = s.tokens.Login(r.Context(), req, e)
		return err
	})
	if err != nil {
		if apperr.KindOf(err) == apperr.Unauthenticated {
			principal := account
			if userID != "" {
				principal = "user:" + userID
			}
			s.passwordFailed(r, account, addr, principal)
		}
		return err
	}
	// The address keeps its count: one good account must not launder guesses at others.
	s.guard.Succeed(account, "")
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// beginPasswordCheck starts an attempt at a password on account (and,
// for a sign-in, from addr): attempts sent at once wait for one another,
// so that each sees the failures before it, and one past the limit is
// refused (429 too_many_failed_logins, with Retry-After; msg says what
// failed). Call release once the outcome is counted.
func (s *Server) beginPasswordCheck(account, addr, msg string) (release func(), err error) {
	release = s.guard.Serialize(account, addr)
	if wait, locked := s.guard.Check(account, addr); locked {
		release()
		return nil, retryAfter{apperr.New(apperr.RateLimited, "too_many_failed_logins", msg), detect.RetryAfterSeconds(wait)}
	}
	return release, nil
}

// passwordFailed counts a wrong password against the account and the
// address, and raises an alert for each lockout it causes.
func (s *Server) passwordFailed(r *http.Request, account, addr, principal string) {
	for _, l := range s.guard.Fail(account, addr) {
		kind, who := detect.KindBruteForceAccount, principal
		if l.Scope == "address" {
			kind, who = detect.KindBruteForceAddress, "address:"+l.Key
		}
		s.alerts.raise(r.Context(), detect.Alert{Kind: kind, Severity: detect.SeverityWarning, Principal: who,
			Message: "repeated failed sign-ins; further attempts are refused for a while",
			Data:    map[string]string{"failures": strconv.Itoa(l.Failures), "locked_for": l.Duration.String(), "level": strconv.Itoa(l.Level)}})
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	p, err := needUser(r)
	if err != nil {
		return err
	}
	err = audited(r, func(e *audit.Entry) error { return s.tokens.Logout(r.Context(), p.SessionID, e) })
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// trainingRequest is the body of POST /v1/training.
type trainingRequest struct {
	Person      string     `json:"person"` // user id or e-mail address
	Course      string     `json:"course"`
	CompletedAt time.Time  `json:"completed_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
}

func (s *Server) addTraining(w http.ResponseWriter, r *http.Request) error {
	var req trainingRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	var t auth.TrainingRecord
	err := audited(r, func(e *audit.Entry) (err error) {
		t, err = s.tokens.AddTraining(r.Context(), req.Person, req.Course, req.CompletedAt, req.ExpiresAt, auth.PrincipalFrom(r.Context()).Actor(), e)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) listTraining(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.db.ListTraining(r.Context(), r.URL.Query().Get("person"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"training": ts})
	return nil
}
