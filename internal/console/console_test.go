package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
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
	if r.Status != 200 || !strings.Contains(r.Body, "Compliance score") || !strings.Contains(r.Body, "Open requests") || !strings.Contains(r.Body, `id="key-rotation"`) {
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

// TestSecurityHeadersAndCookies: every answer carries the strict headers;
// cookies are HttpOnly and SameSite=Strict, Secure when configured.
func TestSecurityHeadersAndCookies(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	r := w.Get("/console/sign-in")
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-store",
	}
	for h, v := range want {
		if got := r.Header.Get(h); got != v {
			t.Errorf("%s: %q, want %q", h, got, v)
		}
	}
	if strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, " style=") || strings.Contains(r.Body, "onclick") {
		t.Error("the page has inline script or style")
	}
	dpo := e.newPerson(t, "dpo")
	w.Get("/console/sign-in")
	res := w.Post("/console/sign-in", url.Values{"email": {dpo.Email}, "password": {dpo.Password}, "totp_code": {dpo.Code(t)}})
	var session *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "custodia_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/console/" || session.Secure || session.MaxAge <= 0 {
		t.Errorf("session cookie %+v", session)
	}

	secure := testutil.MustServe(t, app.Config{ConsoleSecureCookies: true})
	sr := (&env{srv: secure}).web(t).Get("/console/sign-in")
	if c := sr.Header.Get("Set-Cookie"); !strings.Contains(c, "Secure") || !strings.Contains(c, "HttpOnly") {
		t.Errorf("with secure cookies: %q", c)
	}
}

// TestPagesRefuseAndExplain: a forbidden page is the 403 page with no
// data, an unknown one the 404 page, a search with no match says so, an
// expired session goes back to sign-in with the way back, and ?next=
// cannot lead off the console.
func TestPagesRefuseAndExplain(t *testing.T) {
	e := newEnv(t)
	data := e.srv.DataClient(t)
	rec := data.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "minh@example.vn", "phone": "+84987654321", "name": "Trần Minh"}).JSON()
	subject := rec["subject"].(string)

	admin := e.newPerson(t, "admin")
	w := e.web(t)
	w.SignIn(admin)
	if r := w.Get("/console/"); r.Status != 200 || strings.Contains(r.Body, `href="/console/customers"`) || !strings.Contains(r.Body, "Key-encryption key version") {
		t.Errorf("the admin's dashboard: %d, with customers in the menu or without the key panel", r.Status)
	}
	r := w.Get("/console/customers/" + subject)
	if strings.Contains(r.Body, "+84987654321") || strings.Contains(r.Body, "minh@example.vn") || strings.Contains(r.Body, "Trần Minh") {
		t.Errorf("the admin sees personal data: %d", r.Status)
	}
	if r := w.Get("/console/no-such-page"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Not found") {
		t.Errorf("unknown page: %d", r.Status)
	}

	support := e.newPerson(t, "support")
	s := e.web(t)
	s.SignIn(support)
	s.Get("/console/customers")
	if r := s.Post("/console/customers", url.Values{"by": {"email"}, "q": {"nobody@example.com"}}); r.Status != 200 || !strings.Contains(r.Body, "No one matches") {
		t.Errorf("search with no match: %d", r.Status)
	}
	if r := s.Post("/console/customers", url.Values{"by": {"phone"}, "q": {"not-a-phone"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "not a valid value") {
		t.Errorf("search with a bad phone: %d", r.Status)
	}
	if r := s.Post("/console/customers", url.Values{"by": {"email"}, "q": {"minh@example.vn"}}); r.Status != http.StatusSeeOther || r.Location != "/console/customers/"+subject {
		t.Errorf("search with one match: %d %s", r.Status, r.Location)
	}
	if r := s.Get("/console/audit"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Not allowed") || strings.Contains(r.Body, "<table") {
		t.Errorf("support on the audit log: %d", r.Status)
	}

	// The session ends behind the browser's back.
	token := ""
	for _, c := range s.c.Jar.Cookies(mustURL(t, e.srv.URL+"/console/")) {
		if c.Name == "custodia_session" {
			token = c.Value
		}
	}
	e.admin.With(token).Must(204, "DELETE", "/v1/sessions/current", nil)
	r = s.Get("/console/customers/" + subject + "?purpose=support")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/sign-in?") || !strings.Contains(r.Location, "expired=1") ||
		!strings.Contains(r.Location, url.QueryEscape("/console/customers/"+subject+"?purpose=support")) {
		t.Errorf("expired session: %d %s", r.Status, r.Location)
	}

	// ?next= only leads to console pages.
	o := e.web(t)
	o.Get("/console/sign-in")
	owner := e.newPerson(t, "dpo")
	r = o.Post("/console/sign-in", url.Values{"email": {owner.Email}, "password": {owner.Password}, "totp_code": {owner.Code(t)}, "next": {"//evil.example/console/"}})
	if r.Location != "/console/" {
		t.Errorf("next=//evil.example led to %q", r.Location)
	}
}

// TestStaleCSRFAfterNewSession: a form token of an ended session is
// refused in the next one.
func TestStaleCSRFAfterNewSession(t *testing.T) {
	e := newEnv(t)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	w.Get("/console/")
	stale := w.csrf
	w.Post("/console/sign-out", nil)
	w.SignIn(dpo)
	if r := w.Post("/console/sign-out", url.Values{"csrf": {stale}}); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "expired") {
		t.Errorf("stale CSRF token: %d", r.Status)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
