// Package processors is the register of processors: the third parties
// (SaaS tools, mail and chat platforms, payment and shipping companies)
// that process personal data for the company, each with its Data
// Processing Agreement, and the problems that need the DPO: personal data
// flowing to a processor without a signed, current DPA, or a DPA about to
// expire.
package processors

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/datamap"
	"custodia/internal/freetext"
)

// DPA states.
const (
	DPANone   = "none"
	DPADraft  = "draft"
	DPASigned = "signed"
)

// ExpiryWarning is how long before its expiry a DPA raises an alert.
const ExpiryWarning = 30 * 24 * time.Hour

// Processor is one third party that processes personal data.
type Processor struct {
	ID            string         `json:"id"`
	Vendor        string         `json:"vendor"`
	Service       string         `json:"service"`
	Country       string         `json:"country"` // ISO 3166-1 alpha-2
	DPAStatus     string         `json:"dpa_status"`
	DPASignedAt   *time.Time     `json:"dpa_signed_at,omitempty"`
	DPAExpiresAt  *time.Time     `json:"dpa_expires_at,omitempty"`
	DPADocument   string         `json:"dpa_document_sha256,omitempty"`
	SubProcessors []SubProcessor `json:"sub_processors"`
	Categories    []string       `json:"categories"` // fideslang categories shared with it
	Purposes      []string       `json:"purposes"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	// Problems are computed on read: what needs the DPO now.
	Problems []Problem `json:"problems"`
}

// SubProcessor is a processor's own processor.
type SubProcessor struct {
	Name    string `json:"name"`
	Country string `json:"country"`
}

// Problem is a DPA problem of a processor.
type Problem struct {
	Kind    string `json:"kind"` // dpa_missing, dpa_expired, dpa_expiring
	Message string `json:"message"`
}

var categoryName = regexp.MustCompile(`^user(\.[a-z0-9_]+)*$`)

// Validate checks and normalises a processor as given by a caller.
func (p *Processor) Validate() error {
	p.Vendor, p.Service = strings.TrimSpace(p.Vendor), strings.TrimSpace(p.Service)
	switch {
	case !text(p.Vendor, 200):
		return invalid("invalid_vendor", "vendor must be 1 to 200 characters")
	case !text(p.Service, 200):
		return invalid("invalid_service", "service must be 1 to 200 characters")
	case !datamap.KnownCountry(p.Country):
		return invalid("invalid_country", "country must be an ISO 3166-1 alpha-2 code, such as SG")
	case !slices.Contains([]string{DPANone, DPADraft, DPASigned}, p.DPAStatus):
		return invalid("invalid_dpa_status", "dpa_status must be none, draft or signed")
	case p.DPAStatus == DPASigned && p.DPASignedAt == nil:
		return invalid("dpa_signed_at_required", "a signed DPA needs dpa_signed_at")
	case p.DPAStatus != DPASigned && (p.DPASignedAt != nil || p.DPAExpiresAt != nil):
		return invalid("dpa_not_signed", "dpa_signed_at and dpa_expires_at belong to a signed DPA")
	case p.DPASignedAt != nil && p.DPASignedAt.After(time.Now().Add(24*time.Hour)):
		return invalid("invalid_dpa_signed_at", "dpa_signed_at may not be in the future")
	case p.DPAExpiresAt != nil && p.DPASignedAt != nil && !p.DPAExpiresAt.After(*p.DPASignedAt):
		return invalid("invalid_dpa_expires_at", "dpa_expires_at must be after dpa_signed_at")
	case p.DPADocument != "" && !isSHA256(p.DPADocument):
		return invalid("invalid_dpa_document_sha256", "dpa_document_sha256 must be 64 hexadecimal characters")
	case len(p.SubProcessors) > 100 || len(p.Categories) > 100 || len(p.Purposes) > 100:
		return invalid("too_many_entries", "sub_processors, categories and purposes hold at most 100 entries each")
	}
	for i, sp := range p.SubProcessors {
		if !text(strings.TrimSpace(sp.Name), 200) || !datamap.KnownCountry(sp.Country) {
			return invalid("invalid_sub_processors", fmt.Sprintf("sub_processors[%d] needs a name and an ISO country code", i))
		}
		p.SubProcessors[i].Name = strings.TrimSpace(sp.Name)
	}
	// Names a company, shown in the report and the Art. 30 record and
	// kept after any erasure: never a customer's identifiers (QA).
	for _, t := range [][2]string{{"vendor", p.Vendor}, {"service", p.Service}} {
		if err := freetext.Check(t[0], t[1]); err != nil {
			return err
		}
	}
	for _, sp := range p.SubProcessors {
		if err := freetext.Check("sub_processors", sp.Name); err != nil {
			return err
		}
	}
	for _, c := range p.Categories {
		if !categoryName.MatchString(c) {
			return invalid("invalid_categories", "categories must be fideslang user.* categories (user.contact.email, or an extension of one): "+strconv.Quote(clip(c))+" is not")
		}
		if !datamap.KnownCategory(c) {
			return invalid("unknown_category", "categories: "+strconv.Quote(clip(c))+" is not a fideslang user.* data category, such as user.contact.email")
		}
	}
	for _, pu := range p.Purposes {
		if !text(pu, 200) {
			return invalid("invalid_purposes", "purposes must be purpose names")
		}
	}
	p.DPADocument = strings.ToLower(p.DPADocument)
	if p.SubProcessors == nil {
		p.SubProcessors = []SubProcessor{}
	}
	if p.Categories == nil {
		p.Categories = []string{}
	}
	if p.Purposes == nil {
		p.Purposes = []string{}
	}
	return nil
}

// Check lists the DPA problems of p at now; flows tells whether personal
// data flows to it (categories shared with it, or a system of the data
// map sending it data).
func (p *Processor) Check(flows bool, now time.Time) []Problem {
	out := []Problem{}
	flows = flows || len(p.Categories) > 0
	switch {
	case flows && p.DPAStatus != DPASigned:
		out = append(out, Problem{Kind: "dpa_missing", Message: "personal data flows to this processor without a signed DPA"})
	case flows && p.DPAExpiresAt != nil && !p.DPAExpiresAt.After(now):
		out = append(out, Problem{Kind: "dpa_expired", Message: "personal data flows to this processor and its DPA has expired"})
	case p.DPAExpiresAt != nil && p.DPAExpiresAt.After(now) && p.DPAExpiresAt.Sub(now) <= ExpiryWarning:
		out = append(out, Problem{Kind: "dpa_expiring", Message: "the DPA expires within 30 days: " + p.DPAExpiresAt.UTC().Format("2006-01-02")})
	}
	return out
}

// AlertKey identifies the problems of p, so that one alert is raised per
// change of them: "" when there are none.
func AlertKey(problems []Problem, p *Processor) string {
	if len(problems) == 0 {
		return ""
	}
	k := problems[0].Kind
	if p.DPAExpiresAt != nil {
		k += "@" + p.DPAExpiresAt.UTC().Format("2006-01-02")
	}
	return k
}

// text reports whether s is 1 to max characters of UTF-8.
func text(s string, max int) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= max
}

// clip shortens a value quoted back in an error.
func clip(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}

// isSHA256 reports whether s is a hex SHA-256 digest.
func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}

func invalid(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }
