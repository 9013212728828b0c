package console_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowserAccessRequest drives Chromium through an access request: a
// DPO opens the queue, files the request by e-mail, verifies the
// requester's identity, adds a task and closes it with an evidence file
// (its SHA-256 shown), carries the request out, downloads the package and
// completes the request.
func TestBrowserAccessRequest(t *testing.T) {
	f := newReqFixture(t)
	c := f.customer(t, "Phạm Quốc Cường")
	// Other requests, so the queue has something to sort.
	overdue := f.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": f.b.Subject}, "jurisdiction": "GDPR",
		"channel": "email", "received_at": time.Now().UTC().AddDate(0, 0, -40).Format(time.RFC3339)})
	f.file(t, map[string]any{"type": "withdraw_consent", "subject_lookup": map[string]any{"subject": c.Subject}, "jurisdiction": "VN", "channel": "zalo"})
	f.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": c.Subject}, "jurisdiction": "CCPA", "channel": "web"})

	dpo := f.newPerson(t, "dpo")
	b := f.newBrowser(t)
	b.SignIn(dpo)
	b.Open("/console/requests")
	if q := b.Text("#request-queue"); !strings.Contains(q, "GDPR") || !strings.Contains(q, "VN") || !strings.Contains(q, "CCPA") {
		t.Fatalf("queue: %q", q)
	}
	b.Screenshot("requests")

	// The most urgent request is first: open it from the queue.
	b.Run("open the first request", chromedp.Click("#request-queue tbody tr:first-child a", chromedp.ByQuery),
		chromedp.WaitVisible("#request-id", chromedp.ByID))
	if got := b.Text("#request-id"); got != overdue["id"] {
		t.Errorf("first in the queue: %q, want the overdue %v", got, overdue["id"])
	}
	if s := b.Text("#days-left.overdue"); !strings.Contains(s, "overdue") {
		t.Errorf("overdue request's days left: %q", s)
	}
	// Its countdown ("overdue by …") is red, as every overdue countdown.
	var countdown, color string
	b.Run("the overdue countdown", chromedp.Text("time.countdown.overdue", &countdown, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('time.countdown')).color`, &color))
	if !strings.HasPrefix(countdown, "overdue by") || color != "rgb(164, 22, 26)" {
		t.Errorf("overdue countdown %q in %s, want red (rgb(164, 22, 26))", countdown, color)
	}
	b.Open("/console/requests")

	b.Run("file an access request by e-mail",
		chromedp.SetValue("#fr-kind", "email", chromedp.ByID),
		chromedp.SendKeys("#fr-value", f.a.Email, chromedp.ByID),
		chromedp.SetValue("#fr-type", "access", chromedp.ByID),
		chromedp.SetValue("#fr-juris", "GDPR", chromedp.ByID),
		chromedp.SetValue("#fr-channel", "email", chromedp.ByID),
		chromedp.Click(`#file-request-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#request-id", chromedp.ByID))
	id := b.Text("#request-id")
	if !strings.HasPrefix(id, "req_") || b.Text("#request-state") != "Newly received" {
		t.Fatalf("filed request %q in state %q", id, b.Text("#request-state"))
	}

	b.Run("start identity verification",
		chromedp.SendKeys("#reason-verifying_identity", "asked for a reply from the address on file", chromedp.ByID),
		chromedp.Click("#move-verifying_identity button", chromedp.ByQuery),
		chromedp.WaitVisible("#move-in_progress", chromedp.ByID))
	b.Run("identity verified",
		chromedp.SendKeys("#reason-in_progress", "replied from the address on file", chromedp.ByID),
		chromedp.Click("#move-in_progress button", chromedp.ByQuery),
		chromedp.WaitVisible("#execute-form", chromedp.ByID))
	if s := b.Text("#identity-status"); !strings.Contains(s, "Identity verified") {
		t.Errorf("identity status %q", s)
	}

	// A task outside the vault, closed with an evidence file.
	evidence := filepath.Join(t.TempDir(), "crm-deletion.txt")
	content := []byte("CRM export: rows for the requester checked on " + time.Now().Format(time.DateOnly) + "\n")
	if err := os.WriteFile(evidence, content, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	b.Run("add a task",
		chromedp.SendKeys("#task-system", "HubSpot CRM", chromedp.ByID),
		chromedp.SendKeys("#task-description", "export the contact's notes for the package", chromedp.ByID),
		chromedp.SendKeys("#task-assignee", "crm.admin@example.com", chromedp.ByID),
		chromedp.Click("#task-form button", chromedp.ByQuery),
		chromedp.WaitVisible("#request-tasks", chromedp.ByID))
	b.Run("close the task with an evidence file",
		chromedp.Click("#request-tasks details summary", chromedp.ByQuery),
		chromedp.SendKeys("#request-tasks textarea", "notes exported and added to the reply", chromedp.ByQuery),
		chromedp.SetUploadFiles(`#request-tasks input[type="file"]`, []string{evidence}, chromedp.ByQuery),
		chromedp.Click(`#request-tasks form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("code.sha256", chromedp.ByQuery))
	if got := b.Text("code.sha256"); got != hex.EncodeToString(sum[:]) {
		t.Errorf("evidence SHA-256 shown %q, want %x", got, sum)
	}

	b.Run("carry the request out",
		chromedp.Click("#execute-form button", chromedp.ByQuery),
		chromedp.WaitVisible("#package-link", chromedp.ByID))
	b.Screenshot("request")

	// Download the package with the browser's own cookies.
	var dl struct {
		Status      int    `json:"status"`
		Type        string `json:"type"`
		Disposition string `json:"disposition"`
		Size        int    `json:"size"`
		Magic       string `json:"magic"`
	}
	b.Run("download the package", chromedp.Evaluate(`fetch(document.getElementById('package-link').getAttribute('href')).then(async r => {
		const buf = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition') || '',
			size: buf.length, magic: String.fromCharCode(buf[0] || 0, buf[1] || 0)};
	})`, &dl, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if dl.Status != 200 || dl.Type != "application/zip" || dl.Size < 200 || dl.Magic != "PK" || !strings.Contains(dl.Disposition, id+".zip") {
		t.Errorf("package download: %+v", dl)
	}

	b.Run("complete the request",
		chromedp.SendKeys("#reason-completed", "package sent by encrypted e-mail", chromedp.ByID),
		chromedp.Click("#move-completed button", chromedp.ByQuery),
		chromedp.WaitNotPresent("#move-completed", chromedp.ByID))
	if s := b.Text("#request-state"); s != "Completed" {
		t.Errorf("state on the page %q", s)
	}
	if tl := b.Text("#request-timeline"); !strings.Contains(tl, "package sent by encrypted e-mail") || !strings.Contains(tl, "replied from the address on file") {
		t.Errorf("timeline: %q", tl)
	}
	if api := f.get(t, id); api["state"] != "completed" {
		t.Errorf("API state after completing in the browser: %v", api["state"])
	}
}
