package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignInAndDashboard: a DPO signs in with password and TOTP, sees the
// dashboard, and signs out; the session is gone after.
func TestSignInAndDashboard(t *testing.T) {
	e := newEnv(t)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	if r := w.Get("/console/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/sign-in") {
		t.Fatalf("dashboard without a session: %d %s", r.Status, r.Location)
	}
	w.SignIn(dpo)
	r := w.Get("/console/")
	if r.Status != 200 || !strings.Contains(r.Body, "Compliance score") || !strings.Contains(r.Body, "Open requests") {
		t.Fatalf("dashboard: %d %s", r.Status, r.Body)
	}
	if r := w.Post("/console/sign-out", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", r.Status)
	}
	if r := w.Get("/console/"); r.Status != http.StatusSeeOther {
		t.Fatalf("dashboard after sign-out: %d", r.Status)
	}
}

// TestCSRFRefused: a form post without the token, or with another
// session's, is refused and changes nothing.
func TestCSRFRefused(t *testing.T) {
	e := newEnv(t)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	w.Get("/console/")
	if r := w.Post("/console/sign-out", url.Values{"csrf": {""}}); r.Status != http.StatusForbidden {
		t.Fatalf("sign-out without CSRF: %d", r.Status)
	}
	if r := w.Post("/console/sign-out", url.Values{"csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Fatalf("sign-out with a forged CSRF token: %d", r.Status)
	}
	if r := w.Get("/console/"); r.Status != 200 {
		t.Fatalf("the session should still be open: %d", r.Status)
	}
}
