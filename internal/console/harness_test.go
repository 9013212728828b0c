package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// env is a server on loopback with an admin API client.
type env struct {
	srv   *testutil.Server
	admin *testutil.Client
}

// newEnv serves a fresh app (SQLite) with the demo schema and customers.
func newEnv(t *testing.T) *env {
	t.Helper()
	srv := testutil.MustServe(t, app.Config{})
	if _, err := srv.App.LoadDemo(context.Background(), 30); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return &env{srv: srv, admin: srv.Client(t)}
}

// person is a console user with TOTP enrolled.
type person struct {
	Email, Password, Secret string
	// next is the first moment whose TOTP step has not been used yet.
	next time.Time
}

// Code returns a TOTP code not used before, and moves past it. Steps are
// 30 s and the server accepts one step of skew, so two codes can be had at
// once; a third waits for time to pass.
func (p *person) Code(t *testing.T) string {
	t.Helper()
	if wait := time.Until(p.next.Add(-30 * time.Second)); wait > 0 {
		time.Sleep(wait + 100*time.Millisecond)
	}
	code, err := totp.GenerateCode(p.Secret, p.next)
	if err != nil {
		t.Fatal(err)
	}
	p.next = p.next.Add(30 * time.Second)
	return code
}

var personSeq struct {
	sync.Mutex
	n int
}

// newPerson creates a person with role and enrols TOTP through the API.
func (e *env) newPerson(t *testing.T, role string) *person {
	t.Helper()
	personSeq.Lock()
	personSeq.n++
	n := personSeq.n
	personSeq.Unlock()
	p := &person{Email: fmt.Sprintf("%s%d@example.com", role, n), Password: "correct horse battery staple " + role}
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": p.Email, "display_name": strings.ToUpper(role[:1]) + role[1:] + " Person", "role": role, "password": p.Password})
	anon := e.admin.With("")
	r := anon.Must(201, "POST", "/v1/sessions", map[string]any{"email": p.Email, "password": p.Password})
	sess := e.admin.With(r.JSON()["token"].(string))
	p.Secret = sess.Must(201, "POST", "/v1/users/me/totp", nil).JSON()["secret"].(string)
	now := time.Now()
	code, _ := totp.GenerateCode(p.Secret, now)
	sess.Must(200, "POST", "/v1/users/me/totp/confirm", map[string]any{"code": code})
	p.next = now.Add(30 * time.Second)
	return p
}

// web is a browser-like HTTP client of the console: it keeps cookies and
// the CSRF token of the last page it loaded.
type web struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (e *env) web(t *testing.T) *web {
	jar, _ := cookiejar.New(nil)
	return &web{t: t, base: e.srv.URL, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is an answer of the console.
type page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (w *web) do(req *http.Request) page {
	w.t.Helper()
	res, err := w.c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	p := page{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
	if m := csrfField.FindStringSubmatch(p.Body); m != nil {
		w.csrf = m[1]
	}
	return p
}

// Get loads a console page (no redirect followed).
func (w *web) Get(path string) page {
	req, _ := http.NewRequest(http.MethodGet, w.base+path, nil)
	return w.do(req)
}

// Post sends a form with the CSRF token of the last page loaded (unless
// the form sets "csrf" itself).
func (w *web) Post(path string, form url.Values) page {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", w.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, w.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return w.do(req)
}

// SignIn signs p in and fails the test unless it lands on the console.
func (w *web) SignIn(p *person) {
	w.t.Helper()
	w.Get("/console/sign-in")
	r := w.Post("/console/sign-in", url.Values{"email": {p.Email}, "password": {p.Password}, "totp_code": {p.Code(w.t)}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/") {
		w.t.Fatalf("sign in %s: %d %s %s", p.Email, r.Status, r.Location, r.Body)
	}
}

// chromiumPath finds Chromium: $CUSTODIA_CHROMIUM, else the usual names.
// Without one the browser tests skip, except under CI where they fail.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CUSTODIA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found; .ci/run installs it (apt-get install -y chromium)")
	}
	t.Skip("no Chromium found (apt-get install -y chromium, or set CUSTODIA_CHROMIUM)")
	return ""
}

// browser is a headless Chromium tab. Console errors, uncaught
// exceptions and CSP violations on any page fail the test.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	mu    sync.Mutex
	errs  []string
	allow []string // URLs whose failed loads the test expects (a 403 page)
}

// ExpectFailedLoad tells the browser that a 4xx answer from a URL ending
// in path is what the test wants (the console's 403 or 404 pages), not an
// error.
func (b *browser) ExpectFailedLoad(path string) {
	b.mu.Lock()
	b.allow = append(b.allow, path)
	b.mu.Unlock()
}

// newBrowser starts a headless Chromium for the test (a fresh profile).
func (e *env) newBrowser(t *testing.T) *browser {
	t.Helper()
	// Not t.TempDir: Chromium may still be writing its profile as it
	// exits, which would fail the test at cleanup.
	profile, err := os.MkdirTemp("", "custodia-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &browser{t: t, ctx: ctx, base: e.srv.URL}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.fail("exception: " + ev.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				b.fail("console." + string(ev.Type) + ": " + strings.Join(parts, " "))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError || ev.Entry.Source == log.SourceSecurity {
				if ev.Entry.Source == log.SourceNetwork && b.allowed(ev.Entry.URL) {
					return
				}
				b.fail(fmt.Sprintf("log %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable()); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.errs {
			t.Errorf("browser: %s", e)
		}
	})
	return b
}

func (b *browser) allowed(url string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.allow {
		if strings.HasSuffix(url, a) {
			return true
		}
	}
	return false
}

func (b *browser) fail(msg string) {
	b.mu.Lock()
	b.errs = append(b.errs, msg)
	b.mu.Unlock()
}

// Run runs chromedp actions with a time limit, failing the test on error.
func (b *browser) Run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var loc string
		_ = chromedp.Run(b.ctx, chromedp.Location(&loc))
		b.t.Fatalf("%s: %v (at %s)", what, err, loc)
	}
}

// Open navigates to a console path and waits for the page's <main>.
func (b *browser) Open(path string) {
	b.t.Helper()
	b.Run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible("main", chromedp.ByQuery))
}

// Text returns the text of the first element matching a CSS selector.
func (b *browser) Text(sel string) string {
	b.t.Helper()
	var s string
	b.Run("text of "+sel, chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// SignIn signs p in through the sign-in form.
func (b *browser) SignIn(p *person) {
	b.t.Helper()
	b.Open("/console/sign-in")
	b.Run("sign in",
		chromedp.SendKeys("#email", p.Email, chromedp.ByID),
		chromedp.SendKeys("#password", p.Password, chromedp.ByID),
		chromedp.SendKeys("#totp_code", p.Code(b.t), chromedp.ByID),
		chromedp.Click(`#signin-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent("#signin-form", chromedp.ByQuery))
}

// Screenshot saves a full-page PNG to docs/screenshots/<name>.png when
// CUSTODIA_SCREENSHOTS is set (make screenshots).
func (b *browser) Screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("CUSTODIA_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	b.Run("screenshot "+name, chromedp.FullScreenshot(&png, 100)) // quality 100: PNG, not JPEG
	if err := os.WriteFile(dir+"/"+name+".png", png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
