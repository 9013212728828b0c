package app

import (
	"context"
	"encoding/json"
	"fmt"

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
