package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/detect"
)

var (
	errNoRoute      = apperr.New(apperr.NotFound, "no_route", "no such endpoint")
	errForbidden    = apperr.New(apperr.Forbidden, "forbidden", "this token's role does not allow this operation")
	errTooManyFails = apperr.New(apperr.RateLimited, "too_many_failures", "too many failed authentication attempts; wait a minute")
	errMFARequired  = apperr.New(apperr.Forbidden, "mfa_required", "this role requires two-factor authentication: enrol with POST /v1/users/me/totp, confirm, then continue")
	errRateLimited  = apperr.New(apperr.RateLimited, "rate_limited", "this token's request rate limit is exceeded")
	validRequestID  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// wrap turns a route into an http.Handler: request id, panic recovery,
// body limit, authentication, authorisation, audit, metrics and logging.
func (s *Server) wrap(rt route) http.Handler {
	pattern := rt.Pattern
	if rt.Method != "" {
		pattern = rt.Method + " " + rt.Pattern
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(w, rt))

		status := s.serve(w, r, rt, id)
		observe(pattern, status, time.Since(start))
		slog.Debug("request", "route", pattern, "status", status, "ms", time.Since(start).Milliseconds(), "request_id", id)
	})
}

// serve runs one request and returns the status sent.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route, id string) (status int) {
	if rt.Public {
		rw := &statusWriter{ResponseWriter: w}
		err := checkRequest(r)
		if err == nil {
			err = safeHandle(rt.Handler, rw, r)
		}
		if err != nil {
			p := problemFor(err, id)
			writeProblem(rw, p)
		}
		return rw.code()
	}
	ip := s.clientIP(r)
	p, authErr := s.tokens.Authenticate(r.Context(), r.Header.Get("Authorization"))
	rec := audit.NewRecorder(p.Actor(), rt.Action, id)
	rec.SetSuccessStatus(successStatus(rt.Method, rt.Pattern))
	ctx := audit.WithRecorder(auth.WithPrincipal(r.Context(), p), rec)
	r = r.WithContext(ctx)

	buf := newBufferedResponse()
	var err error
	urlErr := checkRequest(r)
	blocked, wait := s.limiter.blocked(ip)
	switch {
	case urlErr != nil:
		err = urlErr
	case blocked:
		// Blocked whatever it sends: otherwise a guesser would learn which
		// guess was right from the one answer that is not 429.
		err = retryAfter{errTooManyFails, detect.RetryAfterSeconds(wait)}
	case rt.Permission == permAnyone:
		err = safeHandle(rt.Handler, buf, r)
	case authErr != nil:
		// A refused credential counts as a guess; no credential at all does
		// not (an anonymous probe must not lock out the address's users),
		// nor does a database outage.
		if apperr.KindOf(authErr) == apperr.Unauthenticated && r.Header.Get("Authorization") != "" && s.limiter.fail(ip) {
			s.alerts.raise(r.Context(), detect.Alert{Kind: detect.KindBruteForceAddress, Severity: detect.SeverityWarning, Principal: "address:" + ip,
				Message: "repeated refused API credentials from one address; its requests are refused for a while",
				Data:    map[string]string{"address": ip, "failures": strconv.Itoa(s.limiter.limit), "locked_for": s.limiter.window.String()}})
		}
		err = authErr
	case p.MFAPending && rt.Permission != permSelf:
		err = errMFARequired
	case rt.Permission != permSelf && !p.Can(rt.Permission):
		err = errForbidden
	default:
		if ok, wait := s.rate.Allow(p.Key(), float64(p.RateLimit), p.RateLimit); !ok {
			err = retryAfter{errRateLimited, detect.RetryAfterSeconds(wait)}
			s.rateLimitAlert(r.Context(), p)
			break
		}
		err = safeHandle(rt.Handler, buf, r)
	}
	if err != nil {
		buf = newBufferedResponse()
		var ra retryAfter
		if errors.As(err, &ra) {
			buf.Header().Set("Retry-After", strconv.Itoa(ra.seconds))
		}
		writeProblem(buf, problemFor(err, id))
	}
	if rt.Action != "" {
		detail := ""
		if err != nil {
			detail = apperr.CodeOf(err)
		}
		if pending := rec.Pending(buf.status, audit.OutcomeFor(buf.status), detail); len(pending) > 0 {
			// An export a second person approved was vetted; one approved at
			// once (small, nothing sensitive) counts like any read, or a
			// token could take people out 499 at a time unseen.
			if !rec.Vetted() && s.observeReads(r.Context(), p, pending) {
				// The call that trips the block gets no data either: its
				// answer and audit entries become the refusal.
				buf = newBufferedResponse()
				writeProblem(buf, problemFor(auth.ErrBlocked, id))
				pending = rec.Pending(buf.status, audit.OutcomeFor(buf.status), apperr.CodeOf(auth.ErrBlocked))
				rec.Withheld()
			}
			if aerr := s.db.AppendAudit(r.Context(), pending...); aerr != nil {
				// No unaudited access: the data stays here.
				slog.Error("audit append failed; response withheld", "request_id", id, "err", aerr)
				rec.Withheld()
				buf = newBufferedResponse()
				writeProblem(buf, problemFor(apperr.New(apperr.Unavailable, "audit_unavailable", "the audit log could not be written, so the request was refused"), id))
			}
		}
	}
	buf.flush(w)
	return buf.status
}

// safeHandle turns a handler panic into an internal error. The stack is
// logged for whoever fixes it; the panic's value is not, as it may hold
// what the request carried.
func safeHandle(h func(http.ResponseWriter, *http.Request) error, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		if v := recover(); v != nil {
			slog.ErrorContext(r.Context(), "handler panic", "method", r.Method, "route", r.Pattern, "stack", string(debug.Stack()))
			err = apperr.Wrap(panicError{v}, "handler panic")
		}
	}()
	return h(w, r)
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic" }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(c int) {
	if s.status == 0 {
		s.status = c
	}
	s.ResponseWriter.WriteHeader(c)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = 200
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) code() int {
	if s.status == 0 {
		return 200
	}
	return s.status
}
