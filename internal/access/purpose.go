package access

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
)

// LegalBasis is a lawful basis for processing under GDPR Art. 6(1).
type LegalBasis string

// The six bases of GDPR Art. 6(1)(a) to (f).
const (
	BasisConsent             LegalBasis = "consent"
	BasisContract            LegalBasis = "contract"
	BasisLegalObligation     LegalBasis = "legal_obligation"
	BasisVitalInterests      LegalBasis = "vital_interests"
	BasisPublicTask          LegalBasis = "public_task"
	BasisLegitimateInterests LegalBasis = "legitimate_interests"
)

// LegalBases lists the valid bases.
var LegalBases = []LegalBasis{BasisConsent, BasisContract, BasisLegalObligation, BasisVitalInterests, BasisPublicTask, BasisLegitimateInterests}

// Purpose is a registered reason for processing.
type Purpose struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	LegalBasis  LegalBasis `json:"legal_basis"`
	// Roles may invoke the purpose; the rest are refused.
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// PurposeName is the syntax of purpose names (the same as in collections).
var PurposeName = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,99}$`)

// Normalize validates p; roles are checked against known by the caller.
func (p *Purpose) Normalize(roleExists func(string) bool) error {
	p.Name = strings.TrimSpace(p.Name)
	if !PurposeName.MatchString(p.Name) {
		return invalid("invalid_purpose_name", "a purpose name must match "+PurposeName.String())
	}
	p.Description = strings.TrimSpace(p.Description)
	if p.Description == "" || utf8.RuneCountInString(p.Description) > 1000 {
		return invalid("invalid_description", "a purpose needs a description of 1 to 1000 characters")
	}
	if !slices.Contains(LegalBases, p.LegalBasis) {
		return invalid("invalid_legal_basis", "legal_basis must be one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests (GDPR Art. 6(1))")
	}
	if p.Roles == nil {
		p.Roles = []string{}
	}
	for _, r := range p.Roles {
		if !roleExists(r) {
			return apperr.Newf(apperr.Invalid, "unknown_role", "purpose names an unknown role %q", truncate(r, 64))
		}
	}
	slices.Sort(p.Roles)
	p.Roles = slices.Compact(p.Roles)
	return nil
}

// DefaultPurposes are registered on first start, so the common collections
// work at once; the DPO adjusts them through /v1/purposes.
func DefaultPurposes() []Purpose {
	return []Purpose{
		{Name: "support", Description: "Answering the customer's own requests and providing the contracted service.", LegalBasis: BasisContract, Roles: []string{RoleDPO, RoleSales, RoleSupport}},
		{Name: "marketing", Description: "Sending offers and news to customers who agreed to receive them.", LegalBasis: BasisConsent, Roles: []string{RoleDPO, RoleMarketing}},
		{Name: "sales", Description: "Following up with prospects and customers about purchases.", LegalBasis: BasisLegitimateInterests, Roles: []string{RoleDPO, RoleSales}},
		{Name: "billing", Description: "Invoicing and payments under the customer's contract.", LegalBasis: BasisContract, Roles: []string{RoleDPO, RoleSupport}},
		{Name: "analytics", Description: "Aggregate analysis of how the service is used.", LegalBasis: BasisLegitimateInterests, Roles: []string{RoleDPO, RoleMarketing}},
		{Name: "legal", Description: "Meeting legal and regulatory obligations, such as tax records and lawful requests.", LegalBasis: BasisLegalObligation, Roles: []string{RoleDPO}},
		{Name: "erasure", Description: "Carrying out erasure requests and retention deletions.", LegalBasis: BasisLegalObligation, Roles: []string{RoleDPO, RoleAdmin}},
	}
}
