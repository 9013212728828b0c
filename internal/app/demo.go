package app

import (
	"context"
	"encoding/json"
	"fmt"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/demo"
	"custodia/internal/vault"
)

// LoadDemo defines the demo collections and, when the customers collection
// is empty, adds n synthetic customers and a support note for every third.
// It returns how many customers it added.
func (a *App) LoadDemo(ctx context.Context, n int) (int, error) {
	for _, raw := range demo.Collections() {
		var c vault.Collection
		if err := json.Unmarshal(raw, &c); err != nil {
			return 0, fmt.Errorf("demo schema: %w", err)
		}
		if _, err := a.Vault.PutCollection(ctx, &c, false); err != nil {
			if e, ok := apperr.As(err); ok && e.Code == "schema_incompatible" {
				// The message of the CLI's refusal names the demo: the
				// vault's own speaks of a field only.
				return 0, apperr.Newf(apperr.Conflict, "demo_schema_conflict",
					"--demo: this data directory already has a collection %q unlike the demo's (%s); run the demo in a new --data-dir", c.Name, e.Message)
			}
			return 0, fmt.Errorf("demo collection %s: %w", c.Name, err)
		}
	}
	existing, err := a.Vault.List(ctx, "customers", "support", "", 1)
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		return 0, nil
	}
	for i, cu := range demo.Customers(2026, n) {
		out, err := a.Vault.Create(ctx, "customers", "support", vault.Input{Data: cu.Data()})
		if err != nil {
			return i, fmt.Errorf("demo customer %d: %w", i, err)
		}
		if i%3 == 0 {
			note := demo.SupportNote(2026, i, out.Subject)
			data, _ := note["data"].(map[string]any)
			if _, err := a.Vault.Create(ctx, "support_notes", "support", vault.Input{Subject: out.Subject, Data: data}); err != nil {
				return i, fmt.Errorf("demo support note %d: %w", i, err)
			}
		}
	}
	return n, nil
}

// DemoPerson is a person --demo creates to sign in to the console, with
// the initial password generated for them (shown once).
type DemoPerson struct {
	Email, Role, Password string
}

// demoPeople are the console users --demo creates: one per kind of work.
var demoPeople = []struct{ email, name, role string }{
	{"dpo@demo.example", "Dana (DPO)", "dpo"},
	{"support@demo.example", "Sam (support)", "support"},
	{"auditor@demo.example", "Alex (auditor)", "auditor"},
}

// LoadDemoPeople creates the demo's console users that do not exist yet,
// each with a generated password, and returns those it created.
func (a *App) LoadDemoPeople(ctx context.Context) ([]DemoPerson, error) {
	var out []DemoPerson
	for _, p := range demoPeople {
		name, role := p.name, auth.Role(p.role)
		_, pw, err := a.Tokens.CreateUser(ctx, auth.UserRequest{Email: p.email, DisplayName: &name, Role: &role},
			&audit.Entry{Actor: "system:demo", Action: "user.create"})
		if apperr.CodeOf(err) == "user_exists" {
			continue // a restart with --demo keeps the people and their passwords
		}
		if err != nil {
			return out, fmt.Errorf("demo person %s: %w", p.email, err)
		}
		out = append(out, DemoPerson{Email: p.email, Role: p.role, Password: pw})
	}
	return out, nil
}
