package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserCatchesCSPViolations proves the harness's guard works: an
// inline script and an off-site image injected into a console page are
// refused by the Content-Security-Policy, and the browser reports both,
// which would fail a test. The page still works at phone width without
// sideways scrolling.
func TestBrowserCatchesCSPViolations(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser(t)
	b.Open("/console/sign-in")
	var ran bool
	b.Run("inject", chromedp.Evaluate(`
		const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.appendChild(s);
		const i = document.createElement('img'); i.src = 'https://example.com/x.png'; document.body.appendChild(i);
		window.injected === true`, &ran))
	if ran {
		t.Error("an inline script ran despite the CSP")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		got := strings.Join(b.errs, "\n")
		b.mu.Unlock()
		if strings.Contains(got, "script-src") && strings.Contains(got, "img-src") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("CSP violations not reported; the browser said:\n%s", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.mu.Lock()
	b.errs = nil // expected here
	b.mu.Unlock()

	b.Run("phone width", chromedp.EmulateViewport(375, 800))
	b.Open("/console/sign-in")
	var overflow bool
	b.Run("no sideways scroll", chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow))
	if overflow {
		t.Error("the sign-in page scrolls sideways at 375 px")
	}
}
