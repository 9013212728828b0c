package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// pageTemplate is one page: the layout, the shared partials and the page.
type pageTemplate struct{ t *template.Template }

// funcs are the template helpers that do not depend on the language
// (those that do are methods of Locale, reached as .L).
var funcs = template.FuncMap{
	"join": strings.Join,
	"has":  slices.Contains[[]string],
	"dueClass": func(daysLeft int, overdue bool) string {
		switch {
		case overdue || daysLeft < 0:
			return "due overdue"
		case daysLeft <= 3:
			return "due soon"
		}
		return "due"
	},
	"until": func(t time.Time) int { return int(time.Until(t).Hours()) },
	"past":  func(t time.Time) bool { return time.Now().After(t) },
	"short": func(s string, n int) string {
		if len(s) <= n {
			return s
		}
		return s[:n] + "…"
	},
}

// parsePages parses templates/*.html: layout.html and the partials
// (names starting with "_") are shared; every other file is a page that
// defines "content".
func parsePages(fsys fs.FS) (map[string]*pageTemplate, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/layout.html"}
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			shared = append(shared, n)
		}
	}
	pages := map[string]*pageTemplate{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, append(append([]string{}, shared...), n)...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = &pageTemplate{t: t}
	}
	return pages, nil
}

// view is what every page template gets.
type view struct {
	L     *Locale
	Me    *me
	CSRF  string
	Title string
	Flash string
	Saved string // a form whose draft the browser may drop
	// DraftScope names the signed-in person to the script that keeps
	// drafts ("" when no one is): drafts are stored under it, so one
	// person's draft is never restored into another's form.
	DraftScope string
	Path       string
	// LangBack is where the language switcher returns: the page itself
	// when it was asked for with GET; "" for a page answering a form (a
	// POST cannot be asked again, and it may show what is shown once,
	// such as recovery codes or a new token's secret), which hides the
	// switcher.
	LangBack string
	Nav      []navItem
	Data     any
}

// navItem is one entry of the menu.
type navItem struct {
	Path, Label string
	Active      bool
}

// nav lists the sections the person's permissions open.
func (rc *reqCtx) nav() []navItem {
	if rc.me == nil || rc.me.MFAPending {
		return nil
	}
	var out []navItem
	for _, it := range navSections {
		ok := it.perms == nil
		for _, p := range it.perms {
			ok = ok || rc.me.Can(p)
		}
		if !ok {
			continue
		}
		active := rc.r.URL.Path == it.path || it.path != "/console/" && strings.HasPrefix(rc.r.URL.Path, it.path) ||
			it.path == "/console/datamap" && strings.HasPrefix(rc.r.URL.Path, "/console/processors")
		out = append(out, navItem{Path: it.path, Label: rc.L.T(it.label), Active: active})
	}
	return out
}

// navSections are the menu's sections, each shown to a person holding
// any of its permissions (none: everyone).
var navSections = []struct {
	path, label string
	perms       []string
}{
	{"/console/", "Dashboard", nil},
	// Finding a person takes records:read (the search of the blind index).
	{"/console/customers", "Customers", []string{"records:read"}},
	{"/console/requests", "Requests", []string{"requests:read"}},
	{"/console/datamap", "Data map", []string{"governance:read"}},
	{"/console/cleanup", "Clean-up tasks", []string{"governance:read"}},
	{"/console/imports", "Imports", []string{"imports:run"}},
	{"/console/incidents", "Incidents", []string{"incidents:read"}},
	{"/console/exports", "Exports", []string{"audit:read"}},
	{"/console/audit", "Audit log", []string{"audit:read"}},
	{"/console/settings", "Settings", []string{"users:manage", "tokens:manage", "purposes:manage", "retention:manage", "training:manage", "keys:manage", "roles:manage"}},
}

// render writes a page with status.
func (rc *reqCtx) render(status int, page, title string, data any) error {
	pt, ok := rc.c.pages[page]
	if !ok {
		return fmt.Errorf("console: no page template %q", page)
	}
	v := view{L: rc.L, Me: rc.me, CSRF: rc.csrfToken(), Title: title, Flash: rc.flash, Saved: rc.saved, Path: rc.r.URL.RequestURI(), Nav: rc.nav(), Data: data}
	if rc.r.Method == http.MethodGet || rc.r.Method == http.MethodHead {
		v.LangBack = v.Path
	}
	if rc.me != nil {
		v.DraftScope = rc.c.draftScope(rc.me.User.ID)
	}
	var buf bytes.Buffer
	if err := pt.t.Execute(&buf, v); err != nil {
		return fmt.Errorf("console: render %s: %w", page, err)
	}
	rc.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	rc.w.WriteHeader(status)
	_, err := buf.WriteTo(rc.w)
	return err
}

// errorPage is the data of error.html.
type errorPage struct {
	Status    int
	Message   string
	RequestID string
	// Back is the console page a refused form was sent from, so the
	// person can correct it: their input comes back from its draft.
	Back string
	// SignOut offers the sign-out button the header cannot: the session
	// is one the API refuses (a person blocked after a security alert),
	// so the page knows no person to show it for.
	SignOut bool
}

// formPage returns the console page a POST's form was on (its Referer,
// when that is a page of this console on this host), or "".
func (rc *reqCtx) formPage() string {
	if rc.r.Method != http.MethodPost {
		return ""
	}
	u, err := url.Parse(rc.r.Referer())
	if err != nil || u.Host != rc.r.Host || u.User != nil || !strings.HasPrefix(u.Path, "/console/") ||
		strings.HasPrefix(u.Path, "/console/sign-in") || strings.Contains(u.Path, "//") {
		return ""
	}
	back := u.Path
	if u.RawQuery != "" {
		back += "?" + u.RawQuery
	}
	return back
}

// renderError shows an error page; it never shows personal data (API
// problems carry none).
func (rc *reqCtx) renderError(status int, message, requestID string) {
	title := rc.L.T("Something went wrong")
	switch status {
	case http.StatusForbidden:
		title = rc.L.T("Not allowed")
	case http.StatusNotFound:
		title = rc.L.T("Not found")
	}
	page := errorPage{Status: status, Message: message, RequestID: requestID, SignOut: rc.me == nil && rc.token != ""}
	if status/100 == 4 && status != http.StatusForbidden {
		page.Back = rc.formPage()
	}
	if err := rc.render(status, "error", title, page); err != nil {
		slog.Error("console error page failed", "err", err)
		http.Error(rc.w, http.StatusText(status), status)
	}
}

// renderAPIError shows a problem the API answered with, in the person's
// language where the console knows the case.
func (rc *reqCtx) renderAPIError(p *APIError) {
	msg := p.Text(rc.L)
	switch {
	case p.Status == http.StatusForbidden && (p.Code == "forbidden" || p.Code == "permission_denied" || msg == ""):
		msg = rc.L.T("Your role does not allow this page or action. Ask an administrator if you need it.")
	case p.Status == http.StatusNotFound:
		msg = rc.L.T("There is nothing here. It may have been deleted, or the address is wrong.")
	case p.Status == http.StatusTooManyRequests:
		msg = rc.L.T("Too many attempts. Wait a little and try again.")
		if p.retryAfter != "" {
			rc.w.Header().Set("Retry-After", p.retryAfter)
		}
	case msg == "":
		msg = rc.L.T("The request could not be completed.")
	}
	rc.renderError(p.Status, msg, p.Instance)
}
