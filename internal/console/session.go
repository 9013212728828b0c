package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"custodia/internal/auth"
)

// Cookie names. The session cookie holds the API session token.
const (
	sessionCookie = "custodia_session"
	// sessionCookieGrace is how long the session cookie outlives its
	// session (see signIn).
	sessionCookieGrace = 24 * time.Hour
	preCookie          = "custodia_pre" // a random value that signs forms before sign-in
	languageCookie     = "custodia_lang"
	flashCookie        = "custodia_flash"
	savedCookie        = "custodia_saved"
)

// maxFormBytes bounds a form post (evidence uploads included).
const maxFormBytes = 32 << 20

// me is the signed-in person, from GET /v1/users/me.
type me struct {
	Kind           string            `json:"kind"`
	User           auth.User         `json:"user"`
	MFAPending     bool              `json:"mfa_pending"`
	TrainingLapsed bool              `json:"training_lapsed"`
	Permissions    []auth.Permission `json:"permissions"`
}

// Can reports whether the person holds perm (named as in the API, e.g.
// "audit:read"); templates use it to show only what may be used.
func (m *me) Can(perm string) bool {
	if m == nil {
		return false
	}
	for _, p := range m.Permissions {
		if string(p) == perm {
			return true
		}
	}
	return false
}

// reqCtx is one console request.
type reqCtx struct {
	c     *Console
	w     http.ResponseWriter
	r     *http.Request
	token string // the API session token; "" before sign-in
	me    *me
	L     *Locale
	flash string
	saved string // the form whose draft the browser may drop: it was accepted
}

// handler serves one page or form.
type handler func(rc *reqCtx) error

func (c *Console) newReqCtx(w http.ResponseWriter, r *http.Request) *reqCtx {
	rc := &reqCtx{c: c, w: w, r: r, L: localeFor(r)}
	rc.L.loc = c.opts.Location
	if ck, err := r.Cookie(sessionCookie); err == nil {
		rc.token = ck.Value
	}
	if ck, err := r.Cookie(flashCookie); err == nil {
		if v, err := url.QueryUnescape(ck.Value); err == nil && len(v) <= 200 {
			rc.flash = v
		}
		c.clearCookie(w, r, flashCookie)
	}
	if ck, err := r.Cookie(savedCookie); err == nil && len(ck.Value) <= 64 {
		rc.saved = ck.Value
		c.clearCookie(w, r, savedCookie)
	}
	return rc
}

// public serves a page that needs no session.
func (c *Console) public(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { c.run(c.newReqCtx(w, r), h) }
}

// publicForm serves a form that needs no session but a CSRF token bound
// to the browser's pre-session cookie.
func (c *Console) publicForm(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := c.newReqCtx(w, r)
		c.run(rc, func(rc *reqCtx) error {
			if err := rc.parseForm(); err != nil {
				return err
			}
			if !rc.csrfOK() {
				return errBadCSRF
			}
			return h(rc)
		})
	}
}

// page serves a page that needs a session: without one, the browser goes
// to the sign-in page and comes back after.
func (c *Console) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := c.newReqCtx(w, r)
		c.run(rc, func(rc *reqCtx) error {
			if err := rc.loadMe(); err != nil {
				return err
			}
			return h(rc)
		})
	}
}

// form serves a form post that needs a session and a valid CSRF token.
func (c *Console) form(h handler) http.HandlerFunc {
	return c.signOutForm(func(rc *reqCtx) error {
		if err := rc.loadMe(); err != nil {
			return err
		}
		return h(rc)
	})
}

// signOutForm serves a form post with a session cookie and a valid CSRF
// token, but not necessarily a session the API accepts: the sign-out
// form, since a person the API now refuses (blocked after a security
// alert) must still be able to sign out. form adds the API's check.
func (c *Console) signOutForm(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := c.newReqCtx(w, r)
		c.run(rc, func(rc *reqCtx) error {
			if err := rc.parseForm(); err != nil {
				return err
			}
			if rc.token == "" {
				return errSignedOut
			}
			if !rc.csrfOK() {
				return errBadCSRF
			}
			return h(rc)
		})
	}
}

// loadMe asks the API who the session belongs to. A session that has
// yet to pass MFA may only see the enrolment page.
func (rc *reqCtx) loadMe() error {
	if rc.token == "" {
		return errSignedOut
	}
	var m me
	if err := rc.call(http.MethodGet, "/v1/users/me", nil, &m); err != nil {
		return err
	}
	if m.Kind != "user" {
		return errSignedOut // an API token pasted into the cookie
	}
	rc.me = &m
	if m.MFAPending && !strings.HasPrefix(rc.r.URL.Path, "/console/mfa") && rc.r.URL.Path != "/console/sign-out" {
		return redirect("/console/mfa")
	}
	return nil
}

// run calls h and turns its error into the right answer.
func (c *Console) run(rc *reqCtx, h handler) {
	err := h(rc)
	if err == nil {
		return
	}
	var red redirectTo
	var apiErr *APIError
	switch {
	case errors.As(err, &red):
		http.Redirect(rc.w, rc.r, string(red), http.StatusSeeOther)
	case errors.Is(err, errSignedOut):
		c.clearCookie(rc.w, rc.r, sessionCookie)
		if rc.r.URL.Path == "/console/sign-out" {
			clearSiteStorage(rc.w.Header()) // signing out of an expired session still clears drafts
		}
		next := rc.r.URL.Path
		if rc.r.Method != http.MethodGet {
			next = backTo(rc.r) // the form's page; its draft is kept by the browser
		} else if rc.r.URL.RawQuery != "" {
			next += "?" + rc.r.URL.RawQuery
		}
		http.Redirect(rc.w, rc.r, query("/console/sign-in", "next", next, "expired", boolParam(rc.token != "")), http.StatusSeeOther)
	case errors.Is(err, errBadCSRF):
		rc.renderError(http.StatusForbidden, rc.L.T("This form has expired or did not come from this console. Your entries are kept: go back and send it again."), "")
	case errors.As(err, &apiErr):
		rc.renderAPIError(apiErr)
	default:
		slog.Error("console page failed", "path", rc.r.URL.Path, "err", err)
		rc.renderError(http.StatusInternalServerError, rc.L.T("Something went wrong on the server. Try again; if it keeps happening, tell an administrator."), "")
	}
}

func boolParam(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// redirectTo is a handler's answer "go there" (303 See Other).
type redirectTo string

func (r redirectTo) Error() string { return "redirect to " + string(r) }

func redirect(path string) error { return redirectTo(path) }

// errBadCSRF: a form without a valid CSRF token.
var errBadCSRF = errors.New("console: bad CSRF token")

// parseForm reads a posted form (multipart for uploads) within bounds.
func (rc *reqCtx) parseForm() error {
	rc.r.Body = http.MaxBytesReader(rc.w, rc.r.Body, maxFormBytes)
	var err error
	if strings.HasPrefix(rc.r.Header.Get("Content-Type"), "multipart/form-data") {
		err = rc.r.ParseMultipartForm(8 << 20)
	} else {
		err = rc.r.ParseForm()
	}
	if err != nil {
		return &APIError{Status: http.StatusBadRequest, Code: "bad_form", Detail: rc.L.T("The form could not be read.")}
	}
	return nil
}

// csrfToken is the token forms of this browser carry: an HMAC of the
// session token, or before sign-in of the pre-session cookie, which it
// sets when missing.
func (rc *reqCtx) csrfToken() string {
	if rc.token != "" {
		return rc.c.csrfFor("session", rc.token)
	}
	ck, err := rc.r.Cookie(preCookie)
	if err == nil && len(ck.Value) >= 32 {
		return rc.c.csrfFor("pre", ck.Value)
	}
	v := randomToken()
	rc.c.setCookie(rc.w, rc.r, preCookie, v, 0)
	// Later reads in this request see the new value.
	rc.r.AddCookie(&http.Cookie{Name: preCookie, Value: v})
	return rc.c.csrfFor("pre", v)
}

// csrfOK checks a posted form's token.
func (rc *reqCtx) csrfOK() bool {
	got := rc.r.PostFormValue("csrf")
	if got == "" {
		return false
	}
	var want string
	if rc.token != "" {
		want = rc.c.csrfFor("session", rc.token)
	} else if ck, err := rc.r.Cookie(preCookie); err == nil && len(ck.Value) >= 32 {
		want = rc.c.csrfFor("pre", ck.Value)
	} else {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (c *Console) csrfFor(kind, value string) string {
	return base64.RawURLEncoding.EncodeToString(c.opts.CSRFKey.MAC([]byte("csrf"), []byte(kind), []byte(value))[:24])
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Strict cookie on the console's
// path; maxAge 0 makes it last the browser session.
func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: Prefix, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || c.opts.SecureCookies}
	if maxAge > 0 {
		ck.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, ck)
}

func (c *Console) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || c.opts.SecureCookies})
}

// done ends a successful form: a message for the next page, then 303 to
// path (the post/redirect/get pattern). Its form draft is dropped.
func (rc *reqCtx) done(path, message string) error {
	if message != "" {
		rc.c.setCookie(rc.w, rc.r, flashCookie, url.QueryEscape(message), time.Minute)
	}
	if form := rc.r.PostFormValue("form_id"); form != "" {
		rc.c.setCookie(rc.w, rc.r, savedCookie, form, time.Minute)
	}
	return redirect(path)
}

// backTo is where a failed form sends the browser back to: the page it
// came from when that is a console page, else the console's home.
func backTo(r *http.Request) string {
	if p := r.PostFormValue("back"); safeNext(p) {
		return p
	}
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && safeNext(u.RequestURI()) {
		return u.RequestURI()
	}
	return Prefix
}

// safeNext accepts only console paths, so ?next= cannot send the browser
// elsewhere.
func safeNext(p string) bool {
	return strings.HasPrefix(p, Prefix) && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, "\\\r\n") && !strings.Contains(p, "/../")
}
