package legalclock

import "strings"

// The jurisdictions the rules table may name.
const (
	GDPR   = "GDPR"   // EU General Data Protection Regulation 2016/679
	CCPA   = "CCPA"   // California Consumer Privacy Act as amended by the CPRA
	LGPD   = "LGPD"   // Brazil's Lei Geral de Proteção de Dados, Lei 13.709/2018
	VN     = "VN"     // Vietnam: Law 91/2025/QH15 and Decree 356/2025/ND-CP
	DPDP   = "DPDP"   // India: Digital Personal Data Protection Act 2023 and Rules 2025
	PIPEDA = "PIPEDA" // Canada: Personal Information Protection and Electronic Documents Act
	HIPAA  = "HIPAA"  // US: HIPAA Privacy Rule, 45 CFR Part 164
)

// The request types the rules table may name.
const (
	Access          = "access"           // a copy of one's data and how it is processed
	Portability     = "portability"      // one's data in a machine-readable form, or sent on
	Rectification   = "rectification"    // correction or amendment
	Erasure         = "erasure"          // deletion
	Restriction     = "restriction"      // restriction or limitation of processing
	Objection       = "objection"        // objection to processing, or opt-out of sale or sharing
	WithdrawConsent = "withdraw_consent" // withdrawal of consent
)

// AnyType is the request type of an entry that applies to every type of its
// jurisdiction that has no entry of its own.
const AnyType = "*"

var jurisdictions = []string{GDPR, CCPA, LGPD, VN, DPDP, PIPEDA, HIPAA}

var requestTypes = []string{Access, Portability, Rectification, Erasure, Restriction, Objection, WithdrawConsent}

// Jurisdictions returns the jurisdictions a rule may name, in a fixed order.
func Jurisdictions() []string { return append([]string(nil), jurisdictions...) }

// RequestTypes returns the request types a rule may name (besides [AnyType]),
// in a fixed order.
func RequestTypes() []string { return append([]string(nil), requestTypes...) }

// normJurisdiction returns the canonical spelling of a jurisdiction and
// whether it is known. Matching ignores case and surrounding space.
func normJurisdiction(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, j := range jurisdictions {
		if s == j {
			return j, true
		}
	}
	return "", false
}

// normRequestType returns the canonical spelling of a request type and
// whether it is known. AnyType is known only when allowAny is set.
func normRequestType(s string, allowAny bool) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == AnyType {
		return AnyType, allowAny
	}
	for _, t := range requestTypes {
		if s == t {
			return t, true
		}
	}
	return "", false
}
