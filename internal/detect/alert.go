package detect

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Alert kinds.
const (
	KindBruteForceAccount = "brute_force_account"
	KindBruteForceAddress = "brute_force_address"
	KindBulkRead          = "bulk_read"
	KindRateLimited       = "rate_limited"
	// KindLookupMisses: one principal looked up many values that matched
	// no one, the pattern of guessing which phone numbers or addresses
	// belong to customers.
	KindLookupMisses = "lookup_misses"
	// KindAuditChain: the audit chain's head had no valid seal when a
	// writer came to extend it (entries deleted with the head moved back).
	KindAuditChain = "audit_chain_broken"
)

// Alert severities.
const (
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Alert is one security event for an operator, as sent to the webhook. It
// carries opaque keys and counts, never personal data.
type Alert struct {
	ID        string            `json:"id"`
	At        time.Time         `json:"at"`
	Kind      string            `json:"kind"`
	Severity  string            `json:"severity"`
	Principal string            `json:"principal,omitempty"`
	Message   string            `json:"message"`
	Data      map[string]string `json:"data,omitempty"`
}

// Alert describes the lockout as an alert of kind KindBruteForceAccount or
// KindBruteForceAddress: a warning for a key's first lockout, critical once
// the back-off has grown. ID and At are left empty for Dispatcher.Notify to
// fill in.
func (l Lockout) Alert() Alert {
	a := Alert{
		Kind:     KindBruteForceAccount,
		Severity: SeverityWarning,
		Message:  fmt.Sprintf("%s locked for %s after %d failed logins", l.Scope, l.Duration, l.Failures),
		Data: map[string]string{
			"failures":         strconv.Itoa(l.Failures),
			"duration_seconds": strconv.Itoa(int(l.Duration / time.Second)),
			"level":            strconv.Itoa(l.Level),
		},
	}
	if l.Scope == ScopeAddress {
		a.Kind = KindBruteForceAddress
		a.Data["address"] = l.Key
	} else {
		a.Principal = l.Key
	}
	if l.Level > 0 {
		a.Severity = SeverityCritical
	}
	return a
}

// newAlertID returns a random 128-bit id in hex.
func newAlertID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24
	return hex.EncodeToString(b[:])
}
