package console

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"custodia/internal/auth"
)

// signInForm is the data of signin.html.
type signInForm struct {
	Email   string
	Next    string
	Expired bool
	Changed bool // the person has just changed their password
	Error   string
}

func (c *Console) signInPage(rc *reqCtx) error {
	next := rc.r.URL.Query().Get("next")
	if !safeNext(next) {
		next = ""
	}
	return rc.render(http.StatusOK, "signin", rc.L.T("Sign in"), signInForm{Next: next, Expired: rc.r.URL.Query().Get("expired") == "1",
		Changed: rc.r.URL.Query().Get("changed") == "1"})
}

// signIn opens an API session (POST /v1/sessions) and keeps its token in
// the session cookie until the session expires.
func (c *Console) signIn(rc *reqCtx) error {
	f := rc.r.PostForm
	in := auth.LoginRequest{Email: strings.TrimSpace(f.Get("email")), Password: f.Get("password"),
		TOTPCode: strings.TrimSpace(f.Get("totp_code")), RecoveryCode: strings.TrimSpace(f.Get("recovery_code"))}
	next := f.Get("next")
	if !safeNext(next) {
		next = Prefix
	}
	rc.token = "" // signing in takes no bearer token, even if a stale cookie is there
	var res auth.LoginResult
	err := rc.call(http.MethodPost, "/v1/sessions", in, &res)
	var apiErr *APIError
	switch {
	case errors.Is(err, errSignedOut):
		return rc.render(http.StatusUnauthorized, "signin", rc.L.T("Sign in"), signInForm{Email: in.Email, Next: next,
			Error: rc.L.T("Sign-in failed. Check your e-mail address, password and authenticator code.")})
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests:
		if apiErr.retryAfter != "" {
			rc.w.Header().Set("Retry-After", apiErr.retryAfter)
		}
		return rc.render(http.StatusTooManyRequests, "signin", rc.L.T("Sign in"), signInForm{Email: in.Email, Next: next,
			Error: rc.L.T("Too many failed sign-ins. Wait a few minutes before trying again.")})
	case errors.As(err, &apiErr) && apiErr.Code == "mfa_code_replayed":
		// The password and the code were right; the code was used already
		// (a sign-in just before, in the same 30 seconds).
		return rc.render(apiErr.Status, "signin", rc.L.T("Sign in"), signInForm{Email: in.Email, Next: next,
			Error: rc.L.T("That code was already used. Wait for the next one and try again.")})
	case errors.As(err, &apiErr) && apiErr.Status/100 == 4:
		return rc.render(apiErr.Status, "signin", rc.L.T("Sign in"), signInForm{Email: in.Email, Next: next,
			Error: rc.L.T("Sign-in failed. Check your e-mail address, password and authenticator code.")})
	case err != nil:
		return err
	}
	// The cookie outlives the session by a day: the browser still sends
	// it once the session has expired, so the console can say the session
	// ended instead of showing the sign-in page without a word (QA). The
	// server refuses it all the same.
	c.setCookie(rc.w, rc.r, sessionCookie, res.Token, time.Until(res.ExpiresAt)+sessionCookieGrace)
	c.clearCookie(rc.w, rc.r, preCookie)
	if res.MFAEnrollmentRequired {
		return redirect("/console/mfa")
	}
	return redirect(next)
}

// signOut revokes the API session, forgets the cookie and has the
// browser drop the drafts kept in the tab.
func (c *Console) signOut(rc *reqCtx) error {
	// A session the API refuses (4xx: blocked, say) is forgotten all the
	// same: it cannot be used, and the browser must not keep it.
	var apiErr *APIError
	if err := rc.call(http.MethodDelete, "/v1/sessions/current", nil, nil); err != nil && !errors.Is(err, errSignedOut) &&
		!(errors.As(err, &apiErr) && apiErr.Status/100 == 4) {
		return err
	}
	c.clearCookie(rc.w, rc.r, sessionCookie)
	clearSiteStorage(rc.w.Header())
	return redirect("/console/sign-in")
}

// mfaView is the data of mfa.html.
type mfaView struct {
	Enrolling     bool
	QR            template.URL
	Secret        string
	URI           string
	RecoveryCodes []string
	Error         string
}

func (c *Console) mfaPage(rc *reqCtx) error {
	return rc.render(http.StatusOK, "mfa", rc.L.T("Two-factor authentication"), mfaView{})
}

// mfaStart begins TOTP enrolment and shows the QR code and the secret.
func (c *Console) mfaStart(rc *reqCtx) error {
	var en auth.TOTPEnrollment
	body := map[string]any{}
	if pw := rc.r.PostFormValue("password"); pw != "" {
		body["password"] = pw // replacing an authenticator in use
	}
	if err := rc.call(http.MethodPost, "/v1/users/me/totp", body, &en); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "mfa", rc.L.T("Two-factor authentication"), enrolView(en, ""))
}

func enrolView(en auth.TOTPEnrollment, errMsg string) mfaView {
	// The PNG is ours, from the API: safe as a data: URL.
	qr := template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.QRPNG))
	return mfaView{Enrolling: true, QR: qr, Secret: en.Secret, URI: en.URI, Error: errMsg}
}

// mfaConfirm confirms enrolment with a code and shows the recovery codes
// once.
func (c *Console) mfaConfirm(rc *reqCtx) error {
	var out struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	err := rc.call(http.MethodPost, "/v1/users/me/totp/confirm", map[string]string{"code": strings.TrimSpace(rc.r.PostFormValue("code"))}, &out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.Code == "mfa_code_invalid" || apiErr.Code == "mfa_code_replayed") {
		// The enrolment is still pending: show the same key and QR code
		// again, so the person need not scan a new one.
		msg := rc.L.T("Wrong code, try again.")
		if apiErr.Code == "mfa_code_replayed" {
			msg = rc.L.T("That code was already used. Wait for the next one and try again.")
		}
		v, err := rc.pendingEnrolment(msg)
		if err != nil {
			return err
		}
		return rc.render(apiErr.Status, "mfa", rc.L.T("Two-factor authentication"), v)
	}
	if errors.As(err, &apiErr) && apiErr.Status/100 == 4 {
		return rc.render(apiErr.Status, "mfa", rc.L.T("Two-factor authentication"), mfaView{Enrolling: true,
			Error: rc.L.T("That code was not accepted. Start again and enter the code your authenticator shows now.")})
	}
	if err != nil {
		return err
	}
	rc.me.MFAPending = false
	rc.me.User.MFAEnabled = true
	if err := rc.loadMe(); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "mfa", rc.L.T("Two-factor authentication"), mfaView{RecoveryCodes: out.RecoveryCodes})
}

// pendingEnrolment is the enrolment page again after a wrong code: the
// QR code of the pending enrolment (GET /v1/users/me/totp/qr.png) and
// the key the page showed (posted back with the code).
func (rc *reqCtx) pendingEnrolment(errMsg string) (mfaView, error) {
	var png []byte
	err := rc.call(http.MethodGet, "/v1/users/me/totp/qr.png", nil, &png)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status/100 == 4 {
		// No pending enrolment any more: start again.
		return mfaView{Enrolling: true, Error: rc.L.T("That code was not accepted. Start again and enter the code your authenticator shows now.")}, nil
	}
	if err != nil {
		return mfaView{}, fmt.Errorf("console: QR code of the pending enrolment: %w", err)
	}
	secret := strings.TrimSpace(rc.r.PostFormValue("secret"))
	if !totpKey(secret) {
		secret = "" // not a key this console showed: the QR code alone
	}
	return enrolView(auth.TOTPEnrollment{Secret: secret, QRPNG: png}, errMsg), nil
}

// totpKey reports whether s looks like a TOTP key as the enrolment page
// shows it (base32, unpadded).
func totpKey(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}
