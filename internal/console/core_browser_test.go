package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// TestBrowserCoreFlows drives a real headless Chromium through the
// console: enrol TOTP from the sign-in page, find a customer, see the
// phone unmasked as DPO and masked as support, record a consent, keep a
// half-filled form across an expired session, verify the audit chain,
// switch to Vietnamese, and have a CSRF-less POST refused. Any console
// error or CSP violation fails the test.
func TestBrowserCoreFlows(t *testing.T) {
	e := newEnv(t)
	data := e.srv.DataClient(t)
	const email, phone = "lan.nguyen@example.vn", "+84912345678"
	rec := data.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": email, "phone": phone, "name": "Nguyễn Thị Lan", "address": "12 Hàng Bài, Hà Nội"}).JSON()
	subject := rec["subject"].(string)

	// A DPO with only a password: the first sign-in leads to enrolment.
	const pw = "correct horse battery staple"
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "dpo@example.com", "display_name": "Dana DPO", "role": "dpo", "password": pw})
	b := e.newBrowser(t)
	b.Open("/console/")
	b.Screenshot("signin")
	b.Run("sign in with a password only",
		chromedp.SendKeys("#email", "dpo@example.com", chromedp.ByID),
		chromedp.SendKeys("#password", pw, chromedp.ByID),
		chromedp.Click(`#signin-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#mfa-start", chromedp.ByID),
		chromedp.Click("#mfa-start", chromedp.ByID),
		chromedp.WaitVisible("#totp-qr", chromedp.ByID))
	var qrWidth int
	b.Run("QR code shown", chromedp.Evaluate(`document.getElementById('totp-qr').naturalWidth`, &qrWidth))
	if qrWidth == 0 {
		t.Error("the TOTP QR code did not load")
	}
	b.Screenshot("mfa")
	secret := b.Text("#totp-secret")
	code, err := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	b.Run("confirm the code",
		chromedp.SendKeys("#code", code, chromedp.ByID),
		chromedp.Submit("#code", chromedp.ByID),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID))
	if n := strings.Count(b.Text("#recovery-codes"), "\n") + 1; n < 8 {
		t.Errorf("recovery codes shown: %d", n)
	}
	b.Open("/console/")
	if s := b.Text("#score"); s == "" {
		t.Error("the dashboard shows no compliance score")
	}

	// Find the customer by phone: the blind index leads to the subject page.
	b.Open("/console/customers")
	b.Run("search by phone",
		chromedp.SetValue("#by", "phone", chromedp.ByID),
		chromedp.SendKeys("#q", "+84 912 345 678", chromedp.ByID), // the API normalises to E.164
		chromedp.SetValue("#s-purpose", "support", chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID),
		chromedp.WaitVisible("#subject-id", chromedp.ByID))
	if got := b.Text("#subject-id"); got != subject {
		t.Fatalf("search led to %q, want %q", got, subject)
	}
	if got := b.Text(`dd[data-field="phone"]`); got != phone {
		t.Errorf("DPO sees phone %q, want %q unmasked", got, phone)
	}
	b.Screenshot("customer")

	// Record a consent through the form.
	b.Run("record consent",
		chromedp.SetValue("#c-purpose", "marketing", chromedp.ByID),
		chromedp.SendKeys("#c-method", "checkbox on the web form", chromedp.ByID),
		chromedp.SendKeys("#c-notice-version", "2026-11", chromedp.ByID),
		chromedp.SendKeys("#c-notice", "We will send you offers by e-mail.", chromedp.ByID),
		chromedp.Submit("#c-method", chromedp.ByID),
		chromedp.WaitVisible("#consent-current", chromedp.ByID))
	if got := b.Text("#consent-current"); !strings.Contains(got, "marketing") || !strings.Contains(got, "granted") {
		t.Errorf("consent table after recording: %q", got)
	}
	proof := data.Must(200, "GET", "/v1/subjects/"+subject+"/consents", nil).JSON()
	if cur, _ := proof["current"].([]any); len(cur) != 1 {
		t.Errorf("the API's consent proof after the form: %v", proof["current"])
	}

	// A half-filled form survives an expired session.
	b.Run("start a form", chromedp.SendKeys("#c-method", "signed paper form", chromedp.ByID))
	revokeBrowserSession(t, e, b)
	b.Run("submit after the session ended",
		chromedp.SendKeys("#c-notice-version", "v9", chromedp.ByID),
		chromedp.SendKeys("#c-notice", "text", chromedp.ByID),
		chromedp.Submit("#c-method", chromedp.ByID),
		chromedp.WaitVisible("#signin-form", chromedp.ByID))
	if !strings.Contains(b.Text("main"), "session has ended") {
		t.Error("no explanation on the sign-in page after the session ended")
	}
	dpo := &person{Email: "dpo@example.com", Password: pw, Secret: strings.TrimSpace(secret), next: time.Now().Add(30 * time.Second)}
	b.Run("sign in again",
		chromedp.SendKeys("#email", dpo.Email, chromedp.ByID),
		chromedp.SendKeys("#password", dpo.Password, chromedp.ByID),
		chromedp.SendKeys("#totp_code", dpo.Code(t), chromedp.ByID),
		chromedp.Click(`#signin-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#consent-form", chromedp.ByID))
	var kept string
	b.Run("the draft is back", chromedp.Value("#c-method", &kept, chromedp.ByID))
	if kept != "signed paper form" {
		t.Errorf("after signing in again the form holds %q, want the draft", kept)
	}

	// Verify the audit chain from the dashboard.
	b.Open("/console/")
	b.Run("verify the chain", chromedp.Click(`form[action="/console/audit/verify"] button`, chromedp.ByQuery), chromedp.WaitVisible("#chain-status.ok", chromedp.ByQuery))
	if got := b.Text("#chain-status"); !strings.Contains(got, "Intact") {
		t.Errorf("chain status %q", got)
	}

	// A POST without a CSRF token is refused, from the page itself.
	var status int
	b.ExpectFailedLoad("/consents")
	b.Run("CSRF-less POST", chromedp.Evaluate(`fetch('/console/customers/`+subject+`/consents', {method: 'POST', body: new URLSearchParams({purpose: 'marketing', action: 'withdraw', method: 'x', notice_version: '1', notice_text: 'x'})}).then(r => r.status)`,
		&status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if status != http.StatusForbidden {
		t.Errorf("CSRF-less POST: %d, want 403", status)
	}
	if cur := data.Must(200, "GET", "/v1/subjects/"+subject+"/consents", nil).JSON()["current"].([]any); cur[0].(map[string]any)["active"] != true {
		t.Error("the CSRF-less POST withdrew the consent")
	}

	// Vietnamese, remembered from page to page.
	b.Run("switch to Vietnamese", chromedp.SetValue("#lang-select", "vi", chromedp.ByID), chromedp.Submit("#lang-select", chromedp.ByID),
		chromedp.WaitVisible(`html[lang="vi"]`, chromedp.ByQuery))
	b.Open("/console/customers")
	if got := b.Text("h1"); got != "Khách hàng" {
		t.Errorf("customers page title in Vietnamese: %q", got)
	}
	b.Screenshot("customers-vi")

	// Support sees the phone masked.
	support := e.newPerson(t, "support")
	sb := e.newBrowser(t)
	sb.SignIn(support)
	sb.Open("/console/customers/" + subject + "?purpose=support")
	got := sb.Text(`dd[data-field="phone"]`)
	if got == phone || !strings.HasSuffix(got, phone[len(phone)-3:]) {
		t.Errorf("support sees phone %q, want it masked to its last 3 digits", got)
	}
	sb.Screenshot("customer-support")
	sb.Run("phone width", chromedp.EmulateViewport(375, 800))
	for _, path := range []string{"/console/", "/console/customers", "/console/customers/" + subject + "?purpose=support"} {
		sb.Open(path)
		var overflow bool
		sb.Run("no sideways scroll on "+path, chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow))
		if overflow {
			t.Errorf("%s scrolls sideways at 375 px", path)
		}
	}
	sb.ExpectFailedLoad("/console/audit")
	sb.Open("/console/audit")
	if h := sb.Text("h1"); h != "Not allowed" {
		t.Errorf("support on the audit log: %q, want the 403 page", h)
	}
}

// revokeBrowserSession ends the browser's session behind its back (the
// cookie is HttpOnly: read it through the DevTools protocol).
func revokeBrowserSession(t *testing.T, e *env, b *browser) {
	t.Helper()
	var token string
	b.Run("read the session cookie", chromedp.ActionFunc(func(ctx context.Context) error {
		cookies, err := network.GetCookies().WithURLs([]string{b.base + "/console/"}).Do(ctx)
		for _, c := range cookies {
			if c.Name == "custodia_session" {
				token = c.Value
			}
		}
		return err
	}))
	if token == "" {
		t.Fatal("no session cookie in the browser")
	}
	e.admin.With(token).Must(204, "DELETE", "/v1/sessions/current", nil)
}
