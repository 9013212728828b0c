package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/detect"
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
	if r := s.Post("/console/customers", url.Values{"by": {"phone"}, "q": {"not-a-phone"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "not a valid phone number") || !strings.Contains(r.Body, "country code") {
		t.Errorf("search with a bad phone: %d", r.Status)
	}
	if r := s.Post("/console/customers", url.Values{"by": {"email"}, "q": {"minh@example.vn"}}); r.Status != http.StatusSeeOther || r.Location != "/console/customers/"+subject {
		t.Errorf("search with one match: %d %s", r.Status, r.Location)
	}
	// The console reads only for a purpose the person chose: with none,
	// the page asks for one and reads nothing (so the audit log never
	// shows a purpose nobody stated).
	if r := s.Get("/console/customers/" + subject); r.Status != 200 || !strings.Contains(r.Body, `id="choose-purpose"`) ||
		strings.Contains(r.Body, "minh@example.vn") || strings.Contains(r.Body, `<dl class="record"`) {
		t.Errorf("customer page without a purpose: %d, no prompt or a record shown", r.Status)
	}
	reads := e.admin.Must(200, "GET", "/v1/audit?action=subject.records&limit=100", nil).JSON()
	if entries, _ := reads["entries"].([]any); len(entries) != 0 {
		t.Errorf("a page without a purpose read the records: %v", entries)
	}
	if r := s.Post("/console/customers", url.Values{"by": {"email"}, "q": {"minh@example.vn"}, "purpose": {"support"}}); r.Status != http.StatusSeeOther ||
		r.Location != "/console/customers/"+subject+"?purpose=support" {
		t.Errorf("search with a purpose: %d %s", r.Status, r.Location)
	}
	if r := s.Get("/console/customers/" + subject + "?purpose=support"); !strings.Contains(r.Body, "minh@example.vn") || strings.Contains(r.Body, `id="choose-purpose"`) {
		t.Errorf("customer page for support: %d, the record not shown", r.Status)
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

// TestRefusedFormLinksBack: a form the API refuses shows the reason with
// a link back to the page the form was on (where its draft brings the
// input back); never to another site.
func TestRefusedFormLinksBack(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	w.Get("/console/requests")
	post := func(referer string) page {
		form := url.Values{"csrf": {w.csrf}, "lookup_kind": {"passport"}, "lookup_value": {"x"}, "type": {"access"}, "jurisdiction": {"GDPR"}}
		req, _ := http.NewRequest(http.MethodPost, w.base+"/console/requests", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Referer", referer)
		return w.do(req)
	}
	r := post(w.base + "/console/requests?type=erasure")
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `href="/console/requests?type=erasure" id="back-to-form"`) {
		t.Errorf("refused form from the console: %d, no link back\n%s", r.Status, r.Body)
	}
	for _, ref := range []string{"http://evil.example/console/requests", w.base + "/elsewhere", ""} {
		if r := post(ref); r.Status != http.StatusBadRequest || strings.Contains(r.Body, "back-to-form") {
			t.Errorf("refused form from %q: %d, with a link back", ref, r.Status)
		}
	}
}

// TestRefusalInVietnamese: an API refusal behind a console form reads in
// Vietnamese for a person who chose Vietnamese.
func TestRefusalInVietnamese(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	w.c.Jar.SetCookies(mustURL(t, e.srv.URL+"/console/"), []*http.Cookie{{Name: "custodia_lang", Value: "vi", Path: "/"}})
	w.Get("/console/requests")
	r := w.Post("/console/requests", url.Values{"lookup_kind": {"email"}, "lookup_value": {"a@example.com"}, "type": {"access"}, "jurisdiction": {"MARS"}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Máy chủ từ chối thao tác này") && !strings.Contains(r.Body, "Khu vực pháp lý này không được hỗ trợ.") {
		t.Errorf("a refused request form in Vietnamese: %d\n%s", r.Status, r.Body)
	}
}

// TestSignInLockoutRetryAfter: once sign-ins are locked out, the console's
// 429 says when to try again (Retry-After), as the API's does.
func TestSignInLockoutRetryAfter(t *testing.T) {
	e := newEnv(t)
	p := e.newPerson(t, "dpo")
	w := e.web(t)
	w.Get("/console/sign-in")
	var r page
	for range 10 {
		r = w.Post("/console/sign-in", url.Values{"email": {p.Email}, "password": {"not the password"}, "totp_code": {"000000"}})
		if r.Status == http.StatusTooManyRequests {
			break
		}
	}
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Too many failed sign-ins") {
		t.Errorf("locked out: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
}

// TestConsentEvidenceShown: the customer page's consent history shows who
// collected each consent and the exact words of the notice the person
// agreed to (QA: only the notice's version and a short hash were shown).
func TestConsentEvidenceShown(t *testing.T) {
	e := newEnv(t)
	rec := e.srv.DataClient(t).Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "evidence@example.vn", "name": "Võ Chứng"}).JSON()
	subject := rec["subject"].(string)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	const notice = "Chúng tôi gửi ưu đãi qua e-mail. Bạn có thể rút lại bất cứ lúc nào."
	form := w.Get("/console/customers/" + subject + "?purpose=support")
	if !strings.Contains(form.Body, `name="read_purpose" value="support"`) {
		t.Fatal("the consent form does not carry the purpose the page was read for")
	}
	r := w.Post("/console/customers/"+subject+"/consents", url.Values{"purpose": {"marketing"}, "action": {"grant"}, "method": {"web form"}, "channel": {"web"},
		"notice_version": {"v7"}, "notice_text": {notice}, "collected_by": {"shop-counter-3"}, "read_purpose": {"support"}})
	// Back to the page read for the same purpose (QA: the records vanished).
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/console/customers/"+subject+"?purpose=support" {
		t.Fatalf("record consent: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	p := w.Get("/console/customers/" + subject + "?purpose=support")
	// Each record shows its id, which a rectification asks for (QA).
	for _, want := range []string{"shop-counter-3", "v7", notice, `id="notice-`, "<code>" + rec["id"].(string) + "</code>"} {
		if !strings.Contains(p.Body, want) && !strings.Contains(p.Body, html.EscapeString(want)) {
			t.Errorf("customer page lacks %q", want)
		}
	}
}

// TestClearAlert: the dashboard lists open alerts; a person who manages
// alerts clears one there and it leaves the list, and a person who may
// only read them has no clear button and is refused (QA: alerts could
// not be cleared in the console, so the list only grew).
func TestClearAlert(t *testing.T) {
	e := newEnv(t)
	a := detect.Alert{ID: "alr_console_test", At: time.Now().UTC(), Kind: detect.KindRateLimited, Severity: "warning",
		Principal: "token:tok_test", Message: "a token or person kept calling past its request rate limit"}
	if err := e.srv.DB.SaveAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	w := e.web(t)
	w.SignIn(e.newPerson(t, "admin"))
	p := w.Get("/console/")
	if !strings.Contains(p.Body, `id="alert-`+a.ID+`"`) || !strings.Contains(p.Body, `action="/console/alerts/`+a.ID+`/clear"`) {
		t.Fatalf("dashboard without the alert or its clear button:\n%s", p.Body)
	}
	auditor := e.web(t)
	auditor.SignIn(e.newPerson(t, "auditor"))
	if ap := auditor.Get("/console/"); strings.Contains(ap.Body, `/console/alerts/`+a.ID+`/clear`) {
		t.Error("an auditor is offered to clear an alert")
	}
	if r := auditor.Post("/console/alerts/"+a.ID+"/clear", nil); r.Status != http.StatusForbidden {
		t.Errorf("an auditor clears an alert: %d", r.Status)
	}
	if r := w.Post("/console/alerts/"+a.ID+"/clear", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("clear: %d %s", r.Status, r.Body)
	}
	if p := w.Get("/console/"); strings.Contains(p.Body, `id="alert-`+a.ID+`"`) {
		t.Error("a cleared alert is still listed")
	}
}

// TestSessionCookieOutlivesSession: the session cookie lasts a day longer
// than the session, so that a browser still sends it after the session
// expired and the console says so (QA: with both ending together, the
// browser dropped the cookie and the sign-in page gave no reason).
func TestSessionCookieOutlivesSession(t *testing.T) {
	e := newEnv(t)
	p := e.newPerson(t, "dpo")
	w := e.web(t)
	w.Get("/console/sign-in")
	r := w.Post("/console/sign-in", url.Values{"email": {p.Email}, "password": {p.Password}, "totp_code": {p.Code(t)}})
	var maxAge int
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "custodia_session" {
			maxAge = ck.MaxAge
		}
	}
	const session, grace = 12 * 3600, 24 * 3600 // the default session lifetime, and the cookie's grace
	if maxAge < session+grace-60 || maxAge > session+grace {
		t.Errorf("session cookie Max-Age %d s, want about %d s", maxAge, session+grace)
	}
}
