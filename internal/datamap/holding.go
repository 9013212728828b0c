package datamap

import (
	"slices"
	"strings"
)

// Holding is a system outside the vault that may hold copies of a
// subject's data: it holds one of the data categories the vault keeps for
// the subject. Access packages list these systems (GDPR Art. 15: where
// the data went), and an erasure opens a task for each.
type Holding struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Status  string   `json:"status"`
	Owner   string   `json:"owner,omitempty"`
	Holders []string `json:"holders,omitempty"`
	// Categories are the system's categories that meet the subject's.
	Categories []string `json:"categories"`
}

// Holdings returns the systems that may hold data of the given categories,
// in the order given: every system but the vault, a proposed one (a scan's
// guess the DPO has not confirmed) and one whose copy was destroyed after
// an import. Categories meet when one is the other or lies under it:
// a system declaring user.contact holds a subject's user.contact.email,
// and one declaring user.contact.email holds part of a subject's
// user.contact.
func Holdings(systems []System, categories []string) []Holding {
	out := []Holding{}
	for _, s := range systems {
		if s.ID == VaultID || s.Kind == "vault" || s.Status == StatusProposed ||
			s.Migration != nil && s.Migration.State == MigrationDestroyed {
			continue
		}
		var met []string
		for _, c := range s.Categories {
			if slices.ContainsFunc(categories, func(want string) bool { return categoriesMeet(c.Category, want) }) && !slices.Contains(met, c.Category) {
				met = append(met, c.Category)
			}
		}
		if len(met) == 0 {
			continue
		}
		out = append(out, Holding{ID: s.ID, Name: s.Name, Kind: s.Kind, Status: s.Status, Owner: s.Owner, Holders: s.Holders, Categories: met})
	}
	return out
}

// categoriesMeet reports whether two fideslang categories are one and the
// same or one lies under the other.
func categoriesMeet(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}
