package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var consoleLink = regexp.MustCompile(`href="(/console/[^"#]*)`)

// TestLinksLeadSomewhere: the README promises that the menu shows only
// what the role opens. For every built-in role, every link on the pages
// reached from the dashboard (two clicks deep) opens: none answers 403.
func TestLinksLeadSomewhere(t *testing.T) {
	e := newEnv(t)
	// Something on every page: a rule, a hold, a person without MFA (the
	// dashboard's failing check links to the users page), a request.
	e.admin.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 5, "unit": "years"}})
	data := e.srv.DataClient(t)
	subject := data.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "links@example.vn", "name": "Lê Liên Kết"}).JSON()["subject"].(string)
	e.admin.Must(201, "POST", "/v1/holds", map[string]any{"subject": subject, "reason": "case 17"})
	data.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "jurisdiction": "GDPR", "subject_lookup": map[string]string{"subject": subject}})
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "no.mfa@example.com", "display_name": "No MFA", "role": "support", "password": "correct horse battery staple"})

	for _, role := range []string{"admin", "dpo", "auditor", "support", "sales", "marketing"} {
		t.Run(role, func(t *testing.T) {
			w := e.web(t)
			w.SignIn(e.newPerson(t, role))
			seen := map[string]bool{"/console/": true}
			queue := []string{"/console/"}
			for depth := 0; depth < 3 && len(queue) > 0; depth++ {
				var next []string
				for _, from := range queue {
					p := w.Get(from)
					if p.Status == http.StatusForbidden {
						t.Errorf("%s: a link leads to %s, which answers 403", role, from)
						continue
					}
					if depth == 2 || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
						continue
					}
					for _, m := range consoleLink.FindAllStringSubmatch(p.Body, -1) {
						to := strings.ReplaceAll(m[1], "&amp;", "&")
						if strings.HasPrefix(to, "/console/static/") || seen[to] || len(seen) > 200 {
							continue
						}
						seen[to] = true
						next = append(next, to)
					}
				}
				queue = next
			}
			t.Logf("%s: %d pages checked", role, len(seen))
		})
	}
}

// TestAuditorSeesNoActions: an auditor reads the retention rules and the
// legal holds but is offered none of their actions, nor the settings
// index or the customer search, which would answer 403.
func TestAuditorSeesNoActions(t *testing.T) {
	e := newEnv(t)
	rule := e.admin.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created",
		"keep": map[string]any{"n": 5, "unit": "years"}}).JSON()["id"].(string)
	e.admin.Must(201, "POST", "/v1/holds", map[string]any{"collection": "customers", "reason": "case 17"})
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "no.mfa@example.com", "display_name": "No MFA", "role": "support", "password": "correct horse battery staple"})

	aud := e.web(t)
	aud.SignIn(e.newPerson(t, "auditor"))
	dpo := e.web(t)
	dpo.SignIn(e.newPerson(t, "dpo"))
	admin := e.web(t)
	admin.SignIn(e.newPerson(t, "admin"))

	for _, c := range []struct {
		path         string
		actions      []string // shown to those who may act
		auditorSees  bool     // the page itself opens for the auditor
		dpoSeesLinks bool
	}{
		{"/console/settings/retention", []string{`id="run-form"`, `id="rule-form"`, `/console/settings/retention/` + rule + `/delete`}, true, true},
		{"/console/settings/holds", []string{`id="hold-form"`, `/release"`}, true, true},
	} {
		p := aud.Get(c.path)
		if p.Status != http.StatusOK {
			t.Fatalf("auditor on %s: %d", c.path, p.Status)
		}
		for _, a := range append(c.actions, `href="/console/settings"`) {
			if strings.Contains(p.Body, a) {
				t.Errorf("auditor on %s is offered %s", c.path, a)
			}
		}
		p = dpo.Get(c.path)
		for _, a := range append(c.actions, `href="/console/settings"`) {
			if !strings.Contains(p.Body, a) {
				t.Errorf("dpo on %s is not offered %s", c.path, a)
			}
		}
	}
	if p := aud.Get("/console/settings/retention/" + rule + "/delete"); p.Status != http.StatusForbidden {
		t.Errorf("auditor on the rule's delete confirmation: %d", p.Status)
	}

	// The menu and the customer search.
	home := aud.Get("/console/")
	if strings.Contains(home.Body, `href="/console/customers"`) {
		t.Error("the auditor's menu shows Customers")
	}
	if p := aud.Get("/console/customers"); p.Status != http.StatusForbidden {
		t.Errorf("auditor on the customer search: %d", p.Status)
	}
	if !strings.Contains(dpo.Get("/console/").Body, `href="/console/customers"`) {
		t.Error("the DPO's menu lacks Customers")
	}

	// The failing MFA check links to the users page only for those who
	// open it.
	for who, w := range map[string]*web{"auditor": aud, "dpo": dpo} {
		p := w.Get("/console/")
		if !strings.Contains(p.Body, "Fix:") {
			t.Errorf("%s's dashboard shows no failing check", who)
		}
		if strings.Contains(p.Body, `href="/console/settings/users"`) {
			t.Errorf("%s's dashboard links to the users page", who)
		}
	}
	if !strings.Contains(admin.Get("/console/").Body, `<a href="/console/settings/users">`) {
		t.Error("the admin's dashboard does not link the failing MFA check to the users page")
	}
}
