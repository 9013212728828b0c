package vault

import (
	"context"
	"strings"
)

// ReadDecision says whether and how a field may be returned on a read.
type ReadDecision int

// The read decisions.
const (
	Allow ReadDecision = iota
	Mask
	Deny
)

// FieldAccess is the decision for one field, with the reason when the
// field is masked or withheld.
type FieldAccess struct {
	Decision ReadDecision
	Reason   string
}

// ReadPlan is what a caller may see of each field of a collection for a
// purpose. Consented, when set, is asked per subject: without an active
// consent every field is withheld with reason "no_consent".
type ReadPlan struct {
	Fields    map[string]FieldAccess
	Consented func(ctx context.Context, subjectID string) (bool, error)
	// Withhold, when set, names the reason a subject's data may not be read
	// at all for this purpose ("restricted", "objected"), or "".
	Withhold func(ctx context.Context, subjectID string) (string, error)
}

// Policy decides reads and writes.
type Policy interface {
	// PlanRead may refuse the whole read (an error) or return the plan.
	PlanRead(ctx context.Context, c *Collection, purpose string) (*ReadPlan, error)
	// CheckWrite refuses a write of the named fields, or returns nil.
	CheckWrite(ctx context.Context, c *Collection, purpose string, fields []string) error
}

type allowAll struct{}

// AllowAll is the policy that allows every field of every collection.
var AllowAll Policy = allowAll{}

func (allowAll) PlanRead(_ context.Context, c *Collection, _ string) (*ReadPlan, error) {
	fs := make(map[string]FieldAccess, len(c.Fields))
	for _, f := range c.Fields {
		fs[f.Name] = FieldAccess{Decision: Allow}
	}
	return &ReadPlan{Fields: fs}, nil
}

func (allowAll) CheckWrite(context.Context, *Collection, string, []string) error { return nil }

// Withheld names a field not shown in full, and why.
type Withheld struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// reasonNoConsent is the reason fields are withheld without consent.
const reasonNoConsent = "no_consent"

// decisionSummary describes a record's decision for the audit log:
// "allow", or "mask" / "partial" / "deny" with the fields and reasons.
func decisionSummary(r *Record) string {
	if len(r.Withheld) == 0 && len(r.Masked) == 0 {
		return "allow"
	}
	var b strings.Builder
	switch {
	case len(r.Data) == 0:
		b.WriteString("deny")
	case len(r.Withheld) == 0:
		b.WriteString("mask")
	default:
		b.WriteString("partial")
	}
	for _, w := range r.Masked {
		b.WriteString(" masked:" + w.Field + "=" + w.Reason)
	}
	for _, w := range r.Withheld {
		b.WriteString(" withheld:" + w.Field + "=" + w.Reason)
	}
	return b.String()
}
