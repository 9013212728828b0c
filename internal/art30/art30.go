// Package art30 builds the GDPR Art. 30(1) record of processing
// activities from what Custodia knows: one activity per registered
// purpose, with its legal basis, the categories of personal data held for
// it (collection fields and data-map systems), the recipients (roles that
// may invoke it, processors it is shared with), transfers to other
// countries, the time limits for erasure (retention rules, systems'
// retention) and the security measures the vault applies.
package art30

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/datamap"
	"custodia/internal/processors"
	"custodia/internal/retention"
	"custodia/internal/vault"
)

// Security is the general description of the technical and organisational
// security measures (Art. 30(1)(g)) Custodia applies to the vault.
const Security = "Encryption of every field with a per-subject key (AES-256-GCM) wrapped by a rotated key-encryption key; " +
	"blind indexes instead of plaintext lookups; crypto-shredding on erasure; role-based access with field masks, " +
	"purpose and consent checks on every read; multi-factor sign-in; a keyed hash-chained audit log of every call; " +
	"intrusion alerts on brute-force sign-ins and bulk reads; four-eyes approval of large or sensitive exports."

// Activity is one processing activity of the record.
type Activity struct {
	Purpose     string   `json:"purpose"`
	Description string   `json:"description"`
	LegalBasis  string   `json:"legal_basis"`
	Subjects    []string `json:"data_subjects"`   // the collections of people holding its data
	Categories  []string `json:"data_categories"` // fideslang categories
	Systems     []string `json:"systems"`         // where its data lives
	Recipients  []string `json:"recipients"`      // roles and processors
	Transfers   []string `json:"transfers"`       // countries data goes to
	Retention   []string `json:"retention"`       // time limits for erasure
	Security    string   `json:"security"`
}

// Inputs is what the record is built from.
type Inputs struct {
	Purposes    []access.Purpose
	Collections []*vault.Collection
	Systems     []datamap.System
	Processors  []processors.Processor
	Rules       []retention.Rule
	// Now judges whether a processor's DPA has expired (zero: the time
	// of the call).
	Now time.Time
}

// processorLine is a processor as a recipient of the record: vendor,
// service, country and the state of its DPA at now, so that an expired
// DPA is never shown as signed.
func processorLine(pr processors.Processor, now time.Time) string {
	dpa := "DPA " + pr.DPAStatus
	if pr.DPAStatus == processors.DPASigned && pr.DPAExpiresAt != nil && !pr.DPAExpiresAt.After(now) {
		dpa = "DPA expired " + pr.DPAExpiresAt.UTC().Format(time.DateOnly)
	}
	return "processor: " + pr.Vendor + " " + pr.Service + " (" + pr.Country + ", " + dpa + ")"
}

// Build returns the record, one activity per purpose, by purpose name.
func Build(in Inputs) []Activity {
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	out := make([]Activity, 0, len(in.Purposes))
	for _, p := range in.Purposes {
		a := Activity{Purpose: p.Name, Description: p.Description, LegalBasis: string(p.LegalBasis), Security: Security}
		for _, r := range p.Roles {
			add(&a.Recipients, "role: "+r)
		}
		for _, c := range in.Collections {
			used := false
			for _, f := range c.Fields {
				if slices.Contains(f.Purposes, p.Name) {
					if vault.PersonalCategory(f.Category) {
						add(&a.Categories, f.Category)
					}
					used = true
				}
			}
			if !used {
				continue
			}
			add(&a.Subjects, subjectsOf(c))
			add(&a.Systems, "Custodia vault: "+c.Name)
			for _, rule := range retention.Effective(in.Rules) { // an overridden rule is no time limit
				if rule.Collection == c.Name && (rule.Purpose == "" || rule.Purpose == p.Name) {
					add(&a.Retention, c.Name+": "+ruleText(rule))
				}
			}
		}
		for _, s := range in.Systems {
			if s.ID == datamap.VaultID || !slices.Contains(s.Purposes, p.Name) {
				continue
			}
			add(&a.Systems, s.Name+" ("+s.Status+")")
			for _, c := range s.Categories {
				add(&a.Categories, c.Category)
			}
			for _, t := range s.Transfers {
				add(&a.Transfers, t)
			}
			if s.Retention != "" {
				add(&a.Retention, s.Name+": "+s.Retention)
			}
		}
		for _, pr := range in.Processors {
			if !slices.Contains(pr.Purposes, p.Name) {
				continue
			}
			add(&a.Recipients, processorLine(pr, in.Now))
			add(&a.Transfers, pr.Country)
			for _, sp := range pr.SubProcessors {
				add(&a.Transfers, sp.Country)
			}
		}
		for _, l := range []*[]string{&a.Subjects, &a.Categories, &a.Systems, &a.Recipients, &a.Transfers, &a.Retention} {
			if *l == nil {
				*l = []string{}
			}
			sort.Strings(*l)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Purpose < out[j].Purpose })
	if a, ok := unrecorded(in.Systems, in.Processors, in.Now); ok {
		out = append(out, a)
	}
	return out
}

// NoPurpose is the purpose of the activity that gathers the systems of the
// data map holding personal data for no recorded purpose.
const NoPurpose = "(no purpose recorded)"

// unrecorded returns the activity of the systems that hold personal data
// for no recorded purpose (shadow copies, most often) and of the
// processors that receive data for none: the record shows them rather
// than leave them out, so that they are given a purpose or stopped.
func unrecorded(systems []datamap.System, procs []processors.Processor, now time.Time) (Activity, bool) {
	a := Activity{Purpose: NoPurpose, LegalBasis: "none recorded", Security: "",
		Description: "Systems of the data map that hold personal data, and processors that receive it, but name no purpose: give each a purpose and a legal basis, or destroy the copy and stop the sharing."}
	for _, pr := range procs {
		if len(pr.Purposes) > 0 {
			continue
		}
		add(&a.Recipients, processorLine(pr, now))
		add(&a.Transfers, pr.Country)
		for _, sp := range pr.SubProcessors {
			add(&a.Transfers, sp.Country)
		}
		for _, c := range pr.Categories {
			add(&a.Categories, c)
		}
	}
	for _, s := range systems {
		if s.ID == datamap.VaultID || len(s.Purposes) > 0 || len(s.Categories) == 0 {
			continue
		}
		add(&a.Systems, s.Name+" ("+s.Status+")")
		for _, c := range s.Categories {
			add(&a.Categories, c.Category)
		}
		for _, t := range s.Transfers {
			add(&a.Transfers, t)
		}
		if s.Retention != "" {
			add(&a.Retention, s.Name+": "+s.Retention)
		}
	}
	if len(a.Systems) == 0 && len(a.Recipients) == 0 {
		return Activity{}, false
	}
	for _, l := range []*[]string{&a.Subjects, &a.Categories, &a.Systems, &a.Recipients, &a.Transfers, &a.Retention} {
		if *l == nil {
			*l = []string{}
		}
		sort.Strings(*l)
	}
	return a, true
}

// subjectsOf names the category of people a collection holds data about:
// the collection of people itself ("customers"), or, for a collection of
// data about them, what it is.
func subjectsOf(c *vault.Collection) string {
	if c.Kind == "data" {
		return "the people of the vault, in " + c.Name
	}
	return c.Name
}

// ruleText describes a retention rule in words.
func ruleText(r retention.Rule) string {
	what := "records"
	if len(r.Fields) > 0 {
		what = strings.Join(r.Fields, ", ")
	}
	return r.Action + " " + what + " " + strconv.Itoa(r.Keep.N) + " " + r.Keep.Unit + " after " + strings.ReplaceAll(r.Anchor, "_", " ")
}

// add appends v to l unless it is there or empty.
func add(l *[]string, v string) {
	if v != "" && !slices.Contains(*l, v) {
		*l = append(*l, v)
	}
}
