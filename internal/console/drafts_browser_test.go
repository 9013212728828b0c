package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// draftKeys lists the draft keys in the tab's sessionStorage.
func draftKeys(b *browser) []string {
	b.t.Helper()
	var keys []string
	b.Run("read the drafts", chromedp.Evaluate(`Object.keys(sessionStorage).filter(function (k) { return k.indexOf('draft:') === 0; })`, &keys))
	return keys
}

// TestBrowserDraftsStayWithTheirAuthor: personal data typed into a form
// and not sent must not reach the next person in the same tab. Signing
// out drops every draft; a draft left by a session that ended is kept
// for its author only, never restored into another person's form.
func TestBrowserDraftsStayWithTheirAuthor(t *testing.T) {
	e := newEnv(t)
	dpo := e.newPerson(t, "dpo")
	support := e.newPerson(t, "support")
	b := e.newBrowser(t)
	const victim = "victim.person@example.com"

	// The DPO types a request and signs out without sending it.
	b.SignIn(dpo)
	b.Open("/console/requests")
	b.Run("type a draft",
		chromedp.SendKeys("#fr-value", victim, chromedp.ByID),
		chromedp.SendKeys("#fr-note", "called about her account", chromedp.ByID))
	if keys := draftKeys(b); len(keys) != 1 || keys[0] == "draft:file-request" {
		t.Errorf("drafts while typing: %q, want one, under the person's scope", keys)
	}
	b.Run("sign out", chromedp.Click(`form[action="/console/sign-out"] button`, chromedp.ByQuery), chromedp.WaitVisible("#signin-form", chromedp.ByID))
	if keys := draftKeys(b); len(keys) != 0 {
		t.Errorf("drafts left after signing out: %q", keys)
	}
	b.SignIn(support)
	b.Open("/console/requests")
	var value, note string
	b.Run("the next person's form", chromedp.Value("#fr-value", &value, chromedp.ByID), chromedp.Value("#fr-note", &note, chromedp.ByID))
	if value != "" || note != "" {
		t.Errorf("support's form holds the DPO's draft: %q, %q", value, note)
	}

	// Support types a draft and the session ends behind their back; the
	// DPO signs in in the same tab.
	b.Run("type another draft", chromedp.SendKeys("#fr-value", victim, chromedp.ByID))
	revokeBrowserSession(t, e, b)
	b.Open("/console/requests") // the sign-in page, with ?next=
	b.Run("sign in as the DPO",
		chromedp.SendKeys("#email", dpo.Email, chromedp.ByID),
		chromedp.SendKeys("#password", dpo.Password, chromedp.ByID),
		chromedp.SendKeys("#totp_code", dpo.Code(t), chromedp.ByID),
		chromedp.Click(`#signin-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#file-request-form", chromedp.ByID))
	b.Run("the DPO's form", chromedp.Value("#fr-value", &value, chromedp.ByID))
	if value != "" {
		t.Errorf("the DPO's form holds support's draft: %q", value)
	}
	if keys := draftKeys(b); len(keys) != 0 {
		t.Errorf("support's draft is still in the tab the DPO uses: %q", keys)
	}
}

// TestSignOutClearsSiteData: the sign-out answer asks the browser to
// drop what the console stored (Clear-Site-Data), with or without a
// live session.
func TestSignOutClearsSiteData(t *testing.T) {
	e := newEnv(t)
	p := e.newPerson(t, "support")
	w := e.web(t)
	w.SignIn(p)
	w.Get("/console/")
	r := w.Post("/console/sign-out", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Clear-Site-Data") != `"storage"` {
		t.Errorf("sign-out: %d, Clear-Site-Data %q", r.Status, r.Header.Get("Clear-Site-Data"))
	}
	if !strings.Contains(r.Header.Get("Set-Cookie"), "custodia_session=;") {
		t.Errorf("sign-out did not clear the session cookie: %q", r.Header.Values("Set-Cookie"))
	}
}

// TestBrowserDraftKeepsEveryTickedBox: a form brought back from its draft
// keeps every ticked box of a group, not only the last (QA: an incident
// filed after a correction kept VN of GDPR, LGPD and VN, and got one
// notification clock instead of three).
func TestBrowserDraftKeepsEveryTickedBox(t *testing.T) {
	e := newEnv(t)
	dpo := e.newPerson(t, "dpo")
	b := e.newBrowser(t)
	b.SignIn(dpo)
	b.Open("/console/incidents")
	tick := `Array.prototype.forEach.call(document.querySelectorAll('#i-jurisdictions input'), function (el) {
	  if (el.value === 'GDPR' || el.value === 'LGPD' || el.value === 'VN') { el.click(); } });
	document.getElementById('incident-form').dispatchEvent(new Event('input', {bubbles: true})); true`
	var ok bool
	b.Run("tick three jurisdictions", chromedp.Evaluate(tick, &ok))
	b.Open("/console/incidents") // the page again, as after a refusal
	var ticked []string
	b.Run("read the ticked boxes", chromedp.Evaluate(`Array.prototype.map.call(document.querySelectorAll('#i-jurisdictions input:checked'), function (el) { return el.value; })`, &ticked))
	if strings.Join(ticked, ",") != "GDPR,LGPD,VN" {
		t.Errorf("ticked after the draft came back: %q, want GDPR, LGPD and VN", ticked)
	}
}
