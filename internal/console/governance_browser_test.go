package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowserDataMapAndIncident: a DPO opens the data map in Chromium
// (the picture loads under the console's CSP), confirms a system a scan
// proposed, files an incident through the form and sees its clocks
// counting down.
func TestBrowserDataMapAndIncident(t *testing.T) {
	f := newGovFixture(t)
	e := f.e
	dpo := e.newPerson(t, "dpo")
	b := e.newBrowser(t)
	b.SignIn(dpo)

	b.Open("/console/datamap")
	var width int
	b.Run("the data-map picture loads",
		chromedp.Evaluate(`new Promise(function (resolve) {
			var img = document.getElementById('datamap-img');
			if (img.complete) { resolve(img.naturalWidth); return; }
			img.addEventListener('load', function () { resolve(img.naturalWidth); });
			img.addEventListener('error', function () { resolve(0); });
		})`, &width, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if width == 0 {
		t.Fatal("the data-map picture did not load (naturalWidth 0)")
	}
	if s := b.Text("#systems"); !strings.Contains(s, "Sales CRM") || !strings.Contains(s, "Zalo Official Account") {
		t.Errorf("systems table: %q", s)
	}
	b.Screenshot("datamap")

	// Confirm the proposal as a shadow system.
	b.Run("confirm the proposal",
		chromedp.SetValue("#confirm-status-"+f.proposed, "shadow", chromedp.ByID),
		chromedp.Click("#proposal-"+f.proposed+" .confirm-form button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if s := b.Text(".flash"); !strings.Contains(s, "shadow") {
		t.Errorf("flash after confirming: %q", s)
	}
	if st := e.admin.Must(200, "GET", "/v1/systems/"+f.proposed, nil).JSON()["status"]; st != "shadow" {
		t.Errorf("confirmed in the browser, the API says %v", st)
	}

	// File an incident through the form.
	b.Open("/console/incidents")
	local := time.Now().UTC() // the test server's zone is UTC
	detected := local.Add(-2 * time.Hour).Format("2006-01-02T15:04")
	aware := local.Add(-time.Hour).Format("2006-01-02T15:04")
	b.Run("fill the incident form",
		chromedp.SendKeys("#i-description", "An export of the CRM was shared in a public chat group.", chromedp.ByID),
		chromedp.SetValue("#i-detected", detected, chromedp.ByID),
		chromedp.SetValue("#i-aware", aware, chromedp.ByID),
		chromedp.Click(`#i-systems input[value="`+f.crm+`"]`, chromedp.ByQuery),
		chromedp.Click(`#i-jurisdictions input[value="GDPR"]`, chromedp.ByQuery),
		chromedp.SendKeys("#i-estimated", "250", chromedp.ByID),
		chromedp.Click("#incident-form button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible("#clocks", chromedp.ByID))
	var loc string
	b.Run("where", chromedp.Location(&loc))
	id := loc[strings.LastIndex(loc, "/")+1:]
	if !strings.HasPrefix(id, "inc_") {
		t.Fatalf("after filing, the browser is at %s", loc)
	}
	rec := e.admin.Must(200, "GET", "/v1/incidents/"+id, nil).JSON()
	if n := len(rec["clocks"].([]any)); n < 2 {
		t.Fatalf("the incident has %d clocks: %v", n, rec["clocks"])
	}
	var rows, counting int
	b.Run("count the clocks",
		chromedp.Evaluate(`document.querySelectorAll('#clocks tbody tr').length`, &rows),
		chromedp.Evaluate(`Array.prototype.filter.call(document.querySelectorAll('#clocks time[data-countdown]'),
			function (el) { return /left|overdue by/.test(el.textContent); }).length`, &counting))
	if rows != len(rec["clocks"].([]any)) || counting != rows {
		t.Errorf("%d clock rows, %d counting down; the API has %d clocks", rows, counting, len(rec["clocks"].([]any)))
	}
	if s := b.Text("#clock-GDPR-supervisory_authority .clock-status"); !strings.Contains(s, "left") {
		t.Errorf("the GDPR clock shows %q", s)
	}
	if s := b.Text("#affected-total"); s != "250" {
		t.Errorf("affected: %q", s)
	}
	var copied string
	b.Run("copy a draft", chromedp.Click(`button[data-copy="draft-0"]`, chromedp.ByQuery, chromedp.NodeVisible),
		chromedp.Text(`button[data-copy="draft-0"]`, &copied, chromedp.ByQuery))
	if copied != "Copied" {
		t.Errorf("the copy button says %q after a click", copied)
	}
	b.Screenshot("incident")

	b.Open("/console/incidents")
	if s := b.Text("#incident-" + id); !strings.Contains(s, "public chat group") || !strings.Contains(s, "left") {
		t.Errorf("the incident in the list: %q", s)
	}
	b.Screenshot("incidents")

	// At phone width no page scrolls sideways: wide tables scroll inside
	// their panel, and their visually hidden texts ("Change", "Edit
	// <vendor>") stay inside it too.
	b.Run("phone width", chromedp.EmulateViewport(360, 740))
	for _, path := range []string{"/console/processors", "/console/datamap", "/console/incidents", "/console/incidents/" + id, "/console/", "/console/requests", "/console/audit", "/console/settings/retention", "/console/settings/holds", "/console/cleanup"} {
		b.Open(path)
		var sw, cw int
		b.Run("widths of "+path, chromedp.Evaluate(`document.documentElement.scrollWidth`, &sw), chromedp.Evaluate(`document.documentElement.clientWidth`, &cw))
		if sw > cw {
			t.Errorf("%s scrolls sideways at 360 px: scrollWidth %d > clientWidth %d", path, sw, cw)
		}
	}
}
