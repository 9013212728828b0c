package console_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource returns axe-core (the accessibility engine browsers' own tools
// use), from $CUSTODIA_AXE_JS: .ci/run downloads a pinned release. Without
// it the test skips, except under CI where it fails.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CUSTODIA_AXE_JS")
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CUSTODIA_AXE_JS is not set; .ci/run downloads axe-core")
		}
		t.Skip("set CUSTODIA_AXE_JS to axe.min.js (see .ci/run) to check accessibility")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeViolation is one failed rule on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestBrowserAccessibility runs axe-core's WCAG 2 A and AA rules (labels,
// contrast, names, landmarks, language…) on every main page, in English
// and Vietnamese, and checks that the keyboard reaches the skip link
// first and the form fields after.
func TestBrowserAccessibility(t *testing.T) {
	axe := axeSource(t)
	e := newEnv(t)
	data := e.srv.DataClient(t)
	subject := data.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "hoa@example.vn", "phone": "+84901234567", "name": "Lê Hoa"}).JSON()["subject"].(string)
	data.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "jurisdiction": "VN", "subject_lookup": map[string]string{"subject": subject}})
	dpoAPI := e.admin.With(e.admin.RoleToken("dpo"))
	impRun(t, dpoAPI, "lan-2026", "Lan's customers.csv", "lan@example.com", impCSV)
	sysID, _ := impRun(t, dpoAPI, "minh-2026", "Minh's sheet.csv", "minh@example.com",
		"name,phone,email\r\nVõ Thị Sạch,+84912345201,imp.sach@example.vn\r\n")["system_id"].(string)
	b := e.newBrowser(t)

	check := func(path string) {
		t.Helper()
		b.Open(path)
		var res struct {
			Passes     int            `json:"passes"`
			Violations []axeViolation `json:"violations"`
		}
		b.Run("axe on "+path,
			chromedp.Evaluate(axe, nil),
			chromedp.Evaluate(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
				.then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))}))`,
				&res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if res.Passes < 5 {
			t.Errorf("%s: axe passed only %d rules: did it run?", path, res.Passes)
		}
		for _, v := range res.Violations {
			t.Errorf("%s: %s (%s): %s at %s", path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
		}
	}

	check("/console/sign-in")
	dpo := e.newPerson(t, "dpo")
	b.SignIn(dpo)
	b.Open("/console/")
	var first, after string
	b.Run("tab to the skip link and follow it", chromedp.KeyEvent(kb.Tab),
		chromedp.Evaluate(`document.activeElement.className`, &first),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Evaluate(`document.activeElement.id`, &after))
	if first != "skip" || after != "main" {
		t.Errorf("keyboard: the first Tab lands on %q and the skip link leads to %q, want the skip link and main", first, after)
	}
	pages := []string{"/console/", "/console/customers", "/console/customers/" + subject + "?purpose=support",
		"/console/requests", "/console/datamap", "/console/incidents", "/console/audit", "/console/settings"}
	// Imports and the clean-up trail, in both languages.
	trail := []string{"/console/imports", "/console/imports/lan-2026", "/console/imports/minh-2026", "/console/cleanup", "/console/datamap/systems/" + sysID}
	// A confirmation page (deleting a retention rule).
	rule := e.admin.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created",
		"keep": map[string]any{"n": 5, "unit": "years"}}).JSON()["id"].(string)
	trail = append(trail, "/console/settings/retention/"+rule+"/delete")
	// A processor's edit form.
	prc := e.admin.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "MailCo", "service": "Newsletters", "country": "US",
		"dpa_status": "none", "categories": []string{"user.contact.email"}}).JSON()["id"].(string)
	trail = append(trail, "/console/processors", "/console/processors/"+prc+"/edit", "/console/datamap/systems/"+sysID+"/edit")
	// The account page (the header's link) with its password form.
	trail = append(trail, "/console/account")
	for _, p := range append(pages, trail...) {
		check(p)
	}
	b.Run("switch to Vietnamese", chromedp.SetValue("#lang-select", "vi", chromedp.ByID), chromedp.Submit("#lang-select", chromedp.ByID),
		chromedp.WaitVisible(`html[lang="vi"]`, chromedp.ByQuery))
	for _, p := range pages[:3] {
		check(p)
	}
	for _, p := range trail {
		check(p)
	}
}
