// Package report scores the live system against the compliance checklist
// of the background documents: each item passes or fails with the
// evidence behind it and where to fix it. Score is a pure function of the
// facts the server gathers, so that every item can be made to pass and
// fail in a test.
package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/processors"
	"custodia/internal/retention"
	"custodia/internal/vault"
)

// Item states.
const (
	Pass = "pass"
	Fail = "fail"
)

// KeyRotationMaxAge is how old the key-encryption key may grow.
const KeyRotationMaxAge = 365 * 24 * time.Hour

// Item is one checklist entry.
type Item struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	// Phrases are Detail as formats and their arguments, so that a reader
	// in another language can translate each format and fill it in.
	Phrases  []Phrase `json:"phrases"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix"` // the API or command that fixes it
	// Link is the console page where it is fixed, relative to the
	// server's root.
	Link string `json:"link"`
}

// Phrase is a text as a format and its arguments (integers and strings),
// the way fmt.Sprintf takes them.
type Phrase struct {
	Format string `json:"format"`
	Args   []any  `json:"args,omitempty"`
}

// String formats the phrase in English.
func (p Phrase) String() string { return fmt.Sprintf(p.Format, p.Args...) }

func phrase(format string, args ...any) Phrase { return Phrase{Format: format, Args: args} }

// addPhrase appends a phrase to an item's detail.
func (it *Item) addPhrase(p Phrase) {
	it.Phrases = append(it.Phrases, p)
	it.Detail += p.String()
}

// consolePages are the console pages where each item is fixed.
var consolePages = map[string]string{
	"systems_mapped":   "/console/datamap",
	"field_purposes":   "/console/settings/purposes",
	"consent_evidence": "/console/customers",
	"users_mfa":        "/console/settings/users",
	"training":         "/console/settings/training",
	"processor_dpas":   "/console/processors",
	"overdue_requests": "/console/requests",
	"retention_rules":  "/console/settings/retention",
	"audit_chain":      "/console/audit",
	"key_rotation":     "/console/settings/keys",
	"incident_clocks":  "/console/incidents",
}

// Report is the scored checklist.
type Report struct {
	GeneratedAt time.Time `json:"generated_at"`
	Score       int       `json:"score"` // percent of items that pass
	Passed      int       `json:"passed"`
	Total       int       `json:"total"`
	Items       []Item    `json:"items"`
}

// Person is a person with what their role requires.
type Person struct {
	User             auth.User
	MFARequired      bool
	TrainingRequired bool
	Training         []auth.TrainingRecord
}

// Facts are what the report is scored on.
type Facts struct {
	Systems     []datamap.System // the data map without the vault's own entry
	Collections []*vault.Collection
	Purposes    []string // registered purposes
	ConsentGaps int      // consents in force whose grant lacks full evidence
	People      []Person
	Processors  []processors.Processor // with their problems
	OverdueOpen int                    // open data-subject requests past their due date or acknowledgement deadline
	// OverdueIDs names those requests, with the deadline passed: "req_… due
	// 2026-11-20" or "req_… not acknowledged by 2026-11-20"; at most a few.
	OverdueIDs    []string
	Rules         []retention.Rule
	Audit         audit.Report
	LastRotation  time.Time // zero: never rotated
	Installed     time.Time // the first audit entry
	OpenIncidents int
	OverdueClocks []string // "incident: regime recipient"
	DueNowClocks  []string // open "without undue delay" clocks: urgent, not passed deadlines
}

// Score checks every item at now.
func Score(f Facts, now time.Time) Report {
	items := []Item{systemsMapped(f), fieldPurposes(f), consentEvidence(f), mfa(f), training(f, now), dpas(f),
		overdueRequests(f), retentionRules(f), auditChain(f), keyRotation(f, now), incidentClocks(f)}
	r := Report{GeneratedAt: now.UTC(), Items: items, Total: len(items)}
	for _, it := range items {
		if it.Status == Pass {
			r.Passed++
		}
	}
	r.Score = r.Passed * 100 / r.Total
	return r
}

// item builds an item that passes when there is no evidence against it;
// bad is the format of the failing detail, given the evidence's length.
func item(id, title, fix string, ok Phrase, bad string, evidence []string) Item {
	it := Item{ID: id, Title: title, Fix: fix, Link: consolePages[id], Status: Pass, Evidence: evidence}
	if len(evidence) > 0 {
		it.Status = Fail
		it.addPhrase(phrase(bad, len(evidence)))
	} else {
		it.addPhrase(ok)
	}
	if it.Evidence == nil {
		it.Evidence = []string{}
	}
	return it
}

func systemsMapped(f Facts) Item {
	var ev []string
	if len(f.Systems) == 0 {
		ev = append(ev, "only the vault is mapped: list the CRM, exports, chats and mailboxes that hold personal data")
	}
	for _, s := range f.Systems {
		switch {
		case s.Status == datamap.StatusProposed:
			ev = append(ev, s.Name+": proposed by a scan, not confirmed")
		case len(s.Categories) == 0:
			ev = append(ev, s.Name+": no data categories known")
		}
	}
	return item("systems_mapped", "Every system holding personal data is mapped and its categories are known", "POST /v1/systems, POST /v1/systems/{id}/confirm, custodia scan --report-to",
		phrase("%d systems mapped beside the vault, each with its categories", len(f.Systems)), "Systems missing or incomplete: %d", ev)
}

func fieldPurposes(f Facts) Item {
	var ev []string
	for _, c := range f.Collections {
		for _, fl := range c.Fields {
			if len(fl.Purposes) == 0 {
				ev = append(ev, c.Name+"."+fl.Name+": no purpose")
				continue
			}
			for _, p := range fl.Purposes {
				if !slices.Contains(f.Purposes, p) {
					ev = append(ev, c.Name+"."+fl.Name+": purpose "+p+" is not registered")
				}
			}
		}
	}
	return item("field_purposes", "Every field has a documented purpose", "PUT /v1/collections/{collection}, POST /v1/purposes",
		phrase("every field names registered purposes"), "%d fields lack a documented purpose", ev)
}

func consentEvidence(f Facts) Item {
	var ev []string
	if f.ConsentGaps > 0 {
		ev = append(ev, fmt.Sprintf("consents in force granted without a method, notice version or collector: %d", f.ConsentGaps))
	}
	return item("consent_evidence", "Every consent has its evidence (method, notice, who collected it)", "POST /v1/subjects/{subject}/consents",
		phrase("every recorded grant carries its evidence"), "%d problems with consent evidence", ev)
}

func mfa(f Facts) Item {
	var ev []string
	for _, p := range f.People {
		if p.User.DisabledAt == nil && p.MFARequired && !p.User.MFAEnabled {
			ev = append(ev, p.User.Email+" ("+string(p.User.Role)+")")
		}
	}
	return item("users_mfa", "Every person whose role reads personal data signs in with MFA", "POST /v1/users/me/totp",
		phrase("every active person whose role requires MFA has enrolled"), "%d people have not enrolled in MFA", ev)
}

func training(f Facts, now time.Time) Item {
	var ev []string
	for _, p := range f.People {
		if p.User.DisabledAt != nil || !p.TrainingRequired {
			continue
		}
		current := slices.ContainsFunc(p.Training, func(t auth.TrainingRecord) bool { return t.ExpiresAt == nil || t.ExpiresAt.After(now) })
		if !current {
			ev = append(ev, p.User.Email+": no current training")
		}
	}
	return item("training", "Staff who must be trained hold a current training", "POST /v1/training",
		phrase("every person whose role requires training holds a current one"), "%d people lack current training", ev)
}

func dpas(f Facts) Item {
	var ev []string
	for _, p := range f.Processors {
		for _, pr := range p.Problems {
			ev = append(ev, p.Vendor+" "+p.Service+": "+pr.Kind)
		}
	}
	return item("processor_dpas", "Every processor receiving personal data has a signed, current DPA", "PUT /v1/processors/{id}",
		phrase("%d processors, none without a signed, current DPA", len(f.Processors)), "%d DPA problems", ev)
}

func overdueRequests(f Facts) Item {
	var ev []string
	if f.OverdueOpen > 0 {
		ev = append(ev, fmt.Sprintf("%d open requests are past a legal deadline (the answer's or the acknowledgement's)", f.OverdueOpen))
		ev = append(ev, f.OverdueIDs...)
	}
	it := item("overdue_requests", "No data-subject request is overdue", "GET /v1/requests?overdue=true",
		phrase("no open request is past its due date"), "%d problems with request deadlines", ev)
	if f.OverdueOpen > 0 {
		// The evidence is a summary line and the requests named: count
		// the requests, not the lines.
		it.Detail, it.Phrases = "", nil
		it.addPhrase(phrase("%d open requests past a legal deadline", f.OverdueOpen))
	}
	return it
}

func retentionRules(f Facts) Item {
	var ev []string
	for _, c := range f.Collections {
		if !slices.ContainsFunc(f.Rules, func(r retention.Rule) bool { return r.Collection == c.Name }) {
			ev = append(ev, c.Name+": no retention rule")
		}
	}
	return item("retention_rules", "Every collection has a retention rule", "POST /v1/retention/rules",
		phrase("every collection has at least one retention rule"), "%d collections keep data without a rule", ev)
}

func auditChain(f Facts) Item {
	var ev []string
	if !f.Audit.OK {
		ev = append(ev, fmt.Sprintf("broken at entry %d: %s", f.Audit.BrokenAt, f.Audit.Reason))
	}
	it := item("audit_chain", "The audit log's hash chain verifies", "custodia audit verify",
		phrase("%d entries checked up to entry %d", f.Audit.Checked, f.Audit.HeadSeq), "%d breaks in the audit chain", ev)
	return it
}

func keyRotation(f Facts, now time.Time) Item {
	since, what := f.LastRotation, "last rotated"
	if since.IsZero() {
		since, what = f.Installed, "never rotated; in use since"
	}
	var ev []string
	age := now.Sub(since)
	if !since.IsZero() && age > KeyRotationMaxAge {
		ev = append(ev, fmt.Sprintf("%s %s, %d days ago", what, since.UTC().Format("2006-01-02"), int(age.Hours()/24)))
	}
	detail := phrase("the key-encryption key is less than a year old")
	if !since.IsZero() {
		detail = phrase("the key-encryption key is less than a year old (last rotated %s)", since.UTC().Format("2006-01-02"))
		if f.LastRotation.IsZero() {
			detail = phrase("the key-encryption key is less than a year old (never rotated; in use since %s)", since.UTC().Format("2006-01-02"))
		}
	}
	return item("key_rotation", "The key-encryption key was rotated within a year", "POST /v1/keys/rotate", detail, "%d key rotation overdue", ev)
}

func incidentClocks(f Facts) Item {
	it := item("incident_clocks", "No breach notification deadline has passed", "GET /v1/incidents, POST /v1/incidents/{id}/notifications",
		phrase("%d open incidents, no notification overdue", f.OpenIncidents), "%d notification deadlines have passed", f.OverdueClocks)
	if n := len(f.DueNowClocks); n > 0 {
		it.addPhrase(phrase("; %d notifications due now, without undue delay: %s", n, strings.Join(f.DueNowClocks, ", ")))
	}
	return it
}

// Failing lists the titles of the failing items, for summaries.
func (r Report) Failing() string {
	var out []string
	for _, it := range r.Items {
		if it.Status == Fail {
			out = append(out, it.ID)
		}
	}
	return strings.Join(out, ", ")
}
