package console

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"custodia/internal/keys"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the console is served.
const Prefix = "/console/"

// Options configure the console.
type Options struct {
	// CSRFKey signs CSRF tokens (keys.DerivedKeys.Console).
	CSRFKey keys.Secret
	// Location is the zone dates are shown in (the server's deadline zone);
	// UTC when nil.
	Location *time.Location
	// SecureCookies marks cookies Secure even on plain HTTP, for a console
	// behind a proxy that terminates TLS. Over TLS they always are.
	SecureCookies bool
}

// Console serves the web console. It calls api, the HTTP API's handler,
// for every piece of data it shows or changes.
type Console struct {
	api   http.Handler
	opts  Options
	pages map[string]*pageTemplate
	mux   *http.ServeMux

	mu         sync.Mutex
	lastVerify *chainCheck // the last audit-chain verification run from the console
}

// New returns the console over api.
func New(api http.Handler, opts Options) (*Console, error) {
	if opts.CSRFKey.Len() == 0 {
		return nil, fmt.Errorf("console: a CSRF key is required")
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	pages, err := parsePages(templateFS)
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	c := &Console{api: api, opts: opts, pages: pages, mux: http.NewServeMux()}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	c.mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", staticFiles(static)))
	c.routes()
	return c, nil
}

// ServeHTTP answers a request under Prefix.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	c.mux.ServeHTTP(w, r)
}

// routes registers every page. Pages that need a session are wrapped by
// c.page, forms by c.form (which also checks the CSRF token).
func (c *Console) routes() {
	c.mux.HandleFunc("GET /console/{$}", c.page(c.dashboard))
	c.mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
	})
	c.mux.HandleFunc("GET /console/sign-in", c.public(c.signInPage))
	c.mux.HandleFunc("POST /console/sign-in", c.publicForm(c.signIn))
	c.mux.HandleFunc("POST /console/sign-out", c.signOutForm(c.signOut))
	c.mux.HandleFunc("POST /console/language", c.publicForm(c.setLanguage))
	c.mux.HandleFunc("GET /console/mfa", c.page(c.mfaPage))
	c.mux.HandleFunc("POST /console/mfa/start", c.form(c.mfaStart))
	c.mux.HandleFunc("POST /console/mfa/confirm", c.form(c.mfaConfirm))
	c.mux.HandleFunc("POST /console/audit/verify", c.form(c.verifyChain))

	c.mux.HandleFunc("GET /console/customers", c.page(c.customers))
	c.mux.HandleFunc("POST /console/customers", c.form(c.searchCustomers))
	c.mux.HandleFunc("GET /console/customers/{subject}", c.page(c.customer))
	c.mux.HandleFunc("POST /console/customers/{subject}/consents", c.form(c.recordConsent))
	c.mux.HandleFunc("POST /console/customers/{subject}/requests", c.form(c.startRequest))
	c.mux.HandleFunc("GET /console/customers/{subject}/erase", c.page(c.eraseConfirm))
	c.mux.HandleFunc("POST /console/customers/{subject}/erase", c.form(c.erase))

	for _, add := range extraRoutes {
		add(c)
	}
	c.mux.HandleFunc("/console/", c.public(func(rc *reqCtx) error { return errNotFound }))
}

// extraRoutes lets page groups in other files register their routes.
var extraRoutes []func(*Console)

// handle registers a page that needs a session.
func (c *Console) handle(pattern string, h handler) { c.mux.HandleFunc(pattern, c.page(h)) }

// handleForm registers a form target that needs a session and a CSRF token.
func (c *Console) handleForm(pattern string, h handler) { c.mux.HandleFunc(pattern, c.form(h)) }

// staticFiles serves the embedded assets, cacheable for a day. A
// directory is not listed: its path is not found.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if st, err := fs.Stat(fsys, name); err != nil || st.IsDir() || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
