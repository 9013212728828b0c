package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestStaticNoDirectoryListing: the console's assets are served, without
// sign-in, but no directory of them is listed.
func TestStaticNoDirectoryListing(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	for _, p := range []string{"/console/static/", "/console/static/index.html", "/console/static/nope.css", "/console/static//"} {
		r := w.Get(p)
		if r.Status == http.StatusOK || strings.Contains(r.Body, "console.css") {
			t.Errorf("%s: %d %s", p, r.Status, r.Body)
		}
	}
	if r := w.Get("/console/static"); r.Status == http.StatusOK {
		t.Errorf("/console/static: %d", r.Status)
	}
	for _, f := range []string{"console.css", "console.js", "favicon.svg"} {
		r := w.Get("/console/static/" + f)
		if r.Status != http.StatusOK || len(r.Body) == 0 || r.Header.Get("Cache-Control") != "public, max-age=86400" {
			t.Errorf("%s: %d, %d bytes, Cache-Control %q", f, r.Status, len(r.Body), r.Header.Get("Cache-Control"))
		}
	}
}
