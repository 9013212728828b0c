package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

var totpSecretShown = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`)

// wrongCode is a 6-digit code the authenticator of secret does not show
// now (nor one step either side).
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := totp.GenerateCode(secret, time.Now().Add(d))
		if err != nil {
			t.Fatal(err)
		}
		valid[c] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !valid[c] {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// enrolWrongCode sends a wrong code to the enrolment page showing
// secret, and checks that the same enrolment is shown again with the
// error, the session intact.
func enrolWrongCode(t *testing.T, w *web, secret, wantMsg string) {
	t.Helper()
	r := w.Post("/console/mfa/confirm", url.Values{"code": {wrongCode(t, secret)}, "secret": {secret}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, wantMsg) {
		t.Fatalf("a wrong code: %d %s, want 401 with %q", r.Status, r.Location, wantMsg)
	}
	if m := totpSecretShown.FindStringSubmatch(r.Body); m == nil || m[1] != secret {
		t.Errorf("after a wrong code the page shows key %v, want the same %s", m, secret)
	}
	if !strings.Contains(r.Body, `src="data:image/png;base64,`) {
		t.Error("after a wrong code the QR code is not shown")
	}
	for _, ck := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "custodia_session=;") {
			t.Errorf("a wrong code deleted the session cookie: %s", ck)
		}
	}
	if g := w.Get("/console/mfa"); g.Status != http.StatusOK {
		t.Errorf("after a wrong code the session is gone: %d %s", g.Status, g.Location)
	}
}

// TestMFAWrongCodeKeepsEnrolment: a mistyped code during enrolment (and
// re-enrolment) says so on the same page, with the same key and QR code;
// the session goes on, and the right code then completes the enrolment.
func TestMFAWrongCodeKeepsEnrolment(t *testing.T) {
	e := newEnv(t)
	const email, pw = "new.dpo@example.com", "correct horse battery staple"
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": email, "display_name": "New DPO", "role": "dpo", "password": pw})
	w := e.web(t)
	w.Get("/console/sign-in")
	if r := w.Post("/console/sign-in", url.Values{"email": {email}, "password": {pw}}); r.Location != "/console/mfa" {
		t.Fatalf("sign in with a password only: %d %s", r.Status, r.Location)
	}
	w.Get("/console/mfa")
	r := w.Post("/console/mfa/start", nil)
	m := totpSecretShown.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no key on the enrolment page: %d", r.Status)
	}
	secret := m[1]
	enrolWrongCode(t, w, secret, "Wrong code, try again.")
	// A key the page did not show is not echoed back; the QR code still is.
	if r := w.Post("/console/mfa/confirm", url.Values{"code": {wrongCode(t, secret)}, "secret": {"<b>not a key</b>"}}); r.Status != http.StatusUnauthorized ||
		strings.Contains(r.Body, "not a key") || !strings.Contains(r.Body, `src="data:image/png;base64,`) {
		t.Errorf("a wrong code with a forged key: %d", r.Status)
	}

	code, _ := totp.GenerateCode(secret, time.Now())
	if r := w.Post("/console/mfa/confirm", url.Values{"code": {code}, "secret": {secret}}); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="recovery-codes"`) {
		t.Fatalf("the right code after a wrong one: %d %s", r.Status, r.Location)
	}

	// Re-enrolment, in Vietnamese.
	w.Post("/console/language", url.Values{"lang": {"vi"}, "back": {"/console/mfa"}})
	w.Get("/console/mfa")
	r = w.Post("/console/mfa/start", url.Values{"password": {pw}})
	m = totpSecretShown.FindStringSubmatch(r.Body)
	if m == nil || m[1] == secret {
		t.Fatalf("re-enrolment shows key %v", m)
	}
	enrolWrongCode(t, w, m[1], "Mã không đúng, hãy thử lại.")
	if g := w.Get("/console/"); g.Status != http.StatusOK {
		t.Errorf("the dashboard after a wrong re-enrolment code: %d %s", g.Status, g.Location)
	}
}
