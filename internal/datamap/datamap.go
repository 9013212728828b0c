// Package datamap is the map of where personal data lives: every system
// (the vault itself, the CRM, an Excel export on a laptop, a Zalo group, a
// shared mailbox, a processor's SaaS), official or shadow, with its owner,
// the people who hold copies, its data categories and where they come
// from (declared, derived from the vault's schemas, or discovered by a
// scan), its subjects' jurisdictions, purposes, retention and transfers.
//
// Scans reported with `custodia scan --report-to` attach to the systems
// whose match rules (hosts, path prefixes) they meet; a scan that meets
// none proposes a new shadow system for the DPO to confirm.
package datamap

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/freetext"
	"custodia/internal/scans"
)

// VaultID is the id of the system that stands for the vault itself.
const VaultID = "sys_vault"

// VaultName is the name of the vault's own entry; no other system may
// take it.
const VaultName = "Custodia vault"

// Kinds of system.
var Kinds = []string{"vault", "crm", "database", "spreadsheet", "file_share", "chat", "social_inbox", "mailbox", "saas", "paper", "other"}

// Status of a system: official (a sanctioned system of record), shadow
// (personal data where it should not be, or outside the official
// systems), or proposed (created from a scan, for the DPO to confirm).
const (
	StatusOfficial = "official"
	StatusShadow   = "shadow"
	StatusProposed = "proposed"
)

// Where a category of a system is known from.
const (
	SourceDeclared = "declared" // the DPO said so
	SourceDerived  = "derived"  // the vault's collection schemas
	SourceScan     = "scan"     // found by a scan
)

// System is one place personal data lives.
type System struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	Description   string     `json:"description,omitempty"`
	Owner         string     `json:"owner,omitempty"`
	Holders       []string   `json:"holders"`
	Categories    []Category `json:"categories"`
	Jurisdictions []string   `json:"jurisdictions"`
	Purposes      []string   `json:"purposes"`
	Retention     string     `json:"retention,omitempty"`
	Transfers     []string   `json:"transfers"` // destination countries, ISO 3166-1 alpha-2
	Processors    []string   `json:"processors"`
	Match         Match      `json:"match"`
	// Migration is set by the server once an import brought the system's
	// data into the vault: its copy is to be destroyed, then destroyed.
	// Callers cannot set it.
	Migration *Migration `json:"migration,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// States of a system's migration into the vault.
const (
	// MigrationCopyToDestroy: an import brought the data into the vault;
	// the original copy (the file, the chat) is still to be destroyed.
	MigrationCopyToDestroy = "copy_to_destroy"
	// MigrationDestroyed: the clean-up task was closed with evidence that
	// the copy is gone.
	MigrationDestroyed = "destroyed"
)

// Migration is the state of a system whose data an import brought into
// the vault, with the import and the clean-up task that destroys its copy.
type Migration struct {
	State       string     `json:"state"`
	ImportID    string     `json:"import_id"`
	TaskID      string     `json:"task_id"`
	At          time.Time  `json:"at"`
	DestroyedAt *time.Time `json:"destroyed_at,omitempty"`
}

// Category is a fideslang data category a system holds, with where that
// is known from and since when.
type Category struct {
	Category string    `json:"category"`
	Source   string    `json:"source"`
	ScanID   string    `json:"scan_id,omitempty"` // the latest scan that found it
	Findings int       `json:"findings,omitempty"`
	Since    time.Time `json:"since,omitzero"`
}

// Match says which scans belong to a system: one run on one of Hosts, or
// whose scanned roots lie under one of Paths (a directory, or a database
// URL without password).
type Match struct {
	Hosts []string `json:"hosts"`
	Paths []string `json:"paths"`
}

// Input is what a caller may set on a system.
type Input struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Status        string   `json:"status"`
	Description   string   `json:"description"`
	Owner         string   `json:"owner"`
	Holders       []string `json:"holders"`
	Categories    []string `json:"categories"` // declared
	Jurisdictions []string `json:"jurisdictions"`
	Purposes      []string `json:"purposes"`
	Retention     string   `json:"retention"`
	Transfers     []string `json:"transfers"`
	Processors    []string `json:"processors"`
	Match         Match    `json:"match"`
}

var (
	countryCode  = regexp.MustCompile(`^[A-Z]{2}$`)
	categoryName = regexp.MustCompile(`^user(\.[a-z0-9_]+)*$`)
)

// maxList bounds the entries of each list, maxText each text.
const (
	maxList = 200
	maxText = 1000
)

// Validate checks and normalises an input; a new system defaults to
// shadow, the vault's kind is reserved.
func (in *Input) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "" || !utf8.ValidString(in.Name) || utf8.RuneCountInString(in.Name) > 200:
		return invalid("invalid_name", "name must be 1 to 200 characters")
	case !singleLine(in.Name):
		return invalid("invalid_name", "name must be a single line of text without control characters")
	}
	in.Name = canonicalName(in.Name)
	// The name and the description are shown as written in the report,
	// the data-map picture and the Art. 30 record, and kept after any
	// erasure: staff words, never a customer's identifiers (QA).
	if err := freetext.Check("name", in.Name); err != nil {
		return err
	}
	switch {
	case strings.EqualFold(in.Name, VaultName):
		return apperr.New(apperr.Conflict, "system_exists", "the vault's own entry ("+VaultID+") is named "+VaultName+": name this system otherwise")
	case !slices.Contains(Kinds, in.Kind) || in.Kind == "vault":
		return invalid("invalid_kind", "kind must be one of crm, database, spreadsheet, file_share, chat, social_inbox, mailbox, saas, paper, other")
	}
	if in.Status == "" {
		in.Status = StatusShadow
	}
	if in.Status != StatusOfficial && in.Status != StatusShadow {
		return invalid("invalid_status", "status must be official or shadow")
	}
	for _, t := range []struct {
		name string
		v    string
		ok   func(string) bool
		help string
	}{
		{"description", in.Description, multiLine, "text without control characters but line breaks and tabs"},
		{"owner", in.Owner, singleLine, "a single line of text without control characters"},
		{"retention", in.Retention, singleLine, "a single line of text without control characters"},
	} {
		if !utf8.ValidString(t.v) || utf8.RuneCountInString(t.v) > maxText {
			return invalid("invalid_"+t.name, t.name+" must be at most 1000 characters of UTF-8")
		}
		if !t.ok(t.v) {
			return invalid("invalid_"+t.name, t.name+" must be "+t.help)
		}
		// The owner is kept as written, after any erasure: a member of
		// staff, by name or address; a customer's number may not be.
		switch t.name {
		case "owner":
			if err := freetext.CheckWho(t.name, t.v); err != nil {
				return err
			}
		case "description":
			if err := freetext.Check(t.name, t.v); err != nil {
				return err
			}
		}
	}
	lists := []struct {
		name string
		v    *[]string
		ok   func(string) bool
		help string
	}{
		{"holders", &in.Holders, plainText, "names or e-mail addresses"},
		{"categories", &in.Categories, plainText, "fideslang user.* categories"},
		{"jurisdictions", &in.Jurisdictions, plainText, "regimes or countries, such as GDPR or VN"},
		{"purposes", &in.Purposes, plainText, "purpose names"},
		{"transfers", &in.Transfers, plainText, "ISO 3166-1 alpha-2 country codes, such as SG"},
		{"processors", &in.Processors, plainText, "processor ids"},
		{"match.hosts", &in.Match.Hosts, plainText, "host names"},
		{"match.paths", &in.Match.Paths, plainText, "paths or database URLs"},
	}
	for _, l := range lists {
		if len(*l.v) > maxList {
			return invalid("invalid_"+strings.ReplaceAll(l.name, ".", "_"), l.name+" holds at most 200 entries")
		}
		clean := make([]string, 0, len(*l.v))
		for _, s := range *l.v {
			s = strings.TrimSpace(s)
			if l.name == "holders" {
				if err := freetext.CheckWho("holders", s); err != nil {
					return err
				}
			}
			if !l.ok(s) {
				return invalid("invalid_"+strings.ReplaceAll(l.name, ".", "_"), l.name+" must list "+l.help)
			}
			if !singleLine(s) {
				return invalid("invalid_"+strings.ReplaceAll(l.name, ".", "_"), l.name+" must list single lines of text without control characters")
			}
			if !slices.Contains(clean, s) {
				clean = append(clean, s)
			}
		}
		*l.v = clean
	}
	for _, p := range in.Match.Paths {
		if scans.HasPassword(p) {
			return invalid("invalid_match_paths", "match.paths may not hold a database password")
		}
	}
	for _, c := range in.Categories {
		if !KnownCategory(c) {
			return apperr.Newf(apperr.Invalid, "unknown_category", "categories: %q is not a fideslang user.* data category, such as user.contact.email", clip(c))
		}
	}
	for _, c := range in.Transfers {
		if !KnownCountry(c) {
			return apperr.Newf(apperr.Invalid, "unknown_country", "transfers: %q is not an ISO 3166-1 alpha-2 country code, such as SG", clip(c))
		}
	}
	return nil
}

// Known looks up the names a system refers to that the server registers.
type Known struct {
	// Jurisdiction reports whether the breach rules know a regime,
	// country or name: the map's jurisdictions start incident clocks.
	Jurisdiction func(string) bool
	// Purpose reports whether a purpose is registered.
	Purpose func(string) (bool, error)
}

// CheckKnown refuses a validated input whose jurisdictions or purposes
// the server does not know, naming the field and the value. A nil lookup
// is not checked.
func (in *Input) CheckKnown(k Known) error {
	if k.Jurisdiction != nil {
		for _, j := range in.Jurisdictions {
			if !k.Jurisdiction(j) {
				return apperr.Newf(apperr.Invalid, "unknown_jurisdiction", "jurisdictions: %q is not a regime (GDPR, CCPA, HIPAA, LGPD, VN, DPDP, PIPEDA), country or name the breach rules know", clip(j))
			}
		}
	}
	if k.Purpose != nil {
		for _, p := range in.Purposes {
			ok, err := k.Purpose(p)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Newf(apperr.Invalid, "unknown_purpose", "purposes: %q is not a registered purpose: see GET /v1/purposes", clip(p))
			}
		}
	}
	return nil
}

// clip shortens a caller's value for an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// plainText accepts a non-empty UTF-8 text of at most maxText bytes.
func plainText(s string) bool { return s != "" && len(s) <= maxText && utf8.ValidString(s) }

// Apply sets the input's fields on s at now, keeping its id, derived and
// discovered categories and times. A declared category keeps the date it
// was first declared; a new one is dated now.
func (in *Input) Apply(s *System, now time.Time) {
	s.Name, s.Kind, s.Status, s.Description, s.Owner = in.Name, in.Kind, in.Status, in.Description, in.Owner
	s.Holders, s.Jurisdictions, s.Purposes, s.Retention = nonNil(in.Holders), nonNil(in.Jurisdictions), nonNil(in.Purposes), in.Retention
	s.Transfers, s.Processors, s.Match = nonNil(in.Transfers), nonNil(in.Processors), Match{Hosts: nonNil(in.Match.Hosts), Paths: nonNil(in.Match.Paths)}
	kept := []Category{}
	declared := map[string]time.Time{}
	for _, c := range s.Categories {
		if c.Source != SourceDeclared {
			kept = append(kept, c)
		} else {
			declared[c.Category] = c.Since
		}
	}
	for _, c := range in.Categories {
		since, ok := declared[c]
		if !ok || since.IsZero() {
			since = now.UTC()
		}
		kept = append(kept, Category{Category: c, Source: SourceDeclared, Since: since})
	}
	s.Categories = kept
}

// nonNil returns l, or an empty list for nil.
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func invalid(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }
