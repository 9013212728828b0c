package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAuditAndSettingsInBrowser: in Chromium, a DPO filters the audit log
// by actor and verifies the chain, seeing the result on the page; then an
// admin registers a purpose through the settings form.
func TestAuditAndSettingsInBrowser(t *testing.T) {
	e := newEnv(t)
	auditTraffic(t, e)
	dpo := e.newPerson(t, "dpo")
	admin := e.newPerson(t, "admin")
	b := e.newBrowser(t)

	b.SignIn(dpo)
	b.Open("/console/audit")
	b.Run("filter by actor",
		chromedp.SendKeys("#f-actor", "token:reader-alpha", chromedp.ByID),
		chromedp.Click(`#audit-filter button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#audit-clear", chromedp.ByID), // only a filtered page has it
		chromedp.WaitVisible("#audit-entries", chromedp.ByID))
	var loc string
	b.Run("location", chromedp.Location(&loc))
	if !strings.Contains(loc, "actor=token%3Areader-alpha") && !strings.Contains(loc, "actor=token:reader-alpha") {
		t.Errorf("the filter is not in the address: %s", loc)
	}
	rows := b.Text("#audit-entries tbody")
	if !strings.Contains(rows, "token:reader-alpha") || strings.Contains(rows, "token:reader-beta") {
		t.Errorf("filtered rows: %s", rows)
	}
	if s := b.Text("#chain-status"); !strings.Contains(s, "Not verified") {
		t.Errorf("chain status before verification: %q", s)
	}
	b.Run("verify the chain",
		chromedp.Click(`#verify-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#chain-report", chromedp.ByID))
	if s := b.Text("#chain-status"); !strings.Contains(s, "Intact") {
		t.Errorf("chain status: %q", s)
	}
	if s := b.Text(".flash"); !strings.Contains(s, "intact") {
		t.Errorf("flash: %q", s)
	}
	b.Run("location", chromedp.Location(&loc))
	if !strings.Contains(loc, "reader-alpha") {
		t.Errorf("verification should come back to the filtered page: %s", loc)
	}
	if s := b.Text("#audit-entries tbody"); !strings.Contains(s, "token:reader-alpha") {
		t.Errorf("rows after verification: %s", s)
	}
	b.Screenshot("audit")
	b.Run("sign out",
		chromedp.Click(`header form[action="/console/sign-out"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("#signin-form", chromedp.ByID))

	// The admin, straight to the purposes.
	b.Open("/console/sign-in?next=/console/settings/purposes")
	b.Run("sign in as admin",
		chromedp.SendKeys("#email", admin.Email, chromedp.ByID),
		chromedp.SendKeys("#password", admin.Password, chromedp.ByID),
		chromedp.SendKeys("#totp_code", admin.Code(t), chromedp.ByID),
		chromedp.Click(`#signin-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#purpose-form", chromedp.ByID))
	b.Run("register a purpose",
		chromedp.SendKeys("#p-name", "fraud_prevention", chromedp.ByID),
		chromedp.SendKeys("#p-description", "Detecting and stopping payment fraud.", chromedp.ByID),
		chromedp.SetValue("#p-basis", "legitimate_interests", chromedp.ByID),
		chromedp.Click(`input[name="roles"][value="dpo"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="roles"][value="support"]`, chromedp.ByQuery),
		chromedp.Click(`#purpose-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`tr[data-purpose="fraud_prevention"]`, chromedp.ByQuery))
	if s := b.Text(".flash"); !strings.Contains(s, "fraud_prevention") {
		t.Errorf("flash: %q", s)
	}
	if s := b.Text(`tr[data-purpose="fraud_prevention"]`); !strings.Contains(s, "Legitimate interests") || !strings.Contains(s, "dpo, support") {
		t.Errorf("the new purpose's row: %q", s)
	}
	p := e.admin.Must(200, "GET", "/v1/purposes/fraud_prevention", nil).JSON()
	if p["legal_basis"] != "legitimate_interests" {
		t.Errorf("the API's purpose: %v", p)
	}
	b.Screenshot("settings")
	b.Open("/console/settings")
	if s := b.Text("#settings-sections"); !strings.Contains(s, "Key rotation") || !strings.Contains(s, "API tokens") {
		t.Errorf("settings index: %q", s)
	}
}
