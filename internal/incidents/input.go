package incidents

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/datamap"
	"custodia/internal/freetext"
	"custodia/internal/legalclock"
)

// Window is when the breach happened: the span in which the compromised
// token or account may have read data.
type Window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// FieldRef names a collection field that holds each subject's country or
// regime, such as customers.country.
type FieldRef struct {
	Collection string `json:"collection"`
	Field      string `json:"field"`
}

// Input is the body of POST /v1/incidents.
type Input struct {
	Description   string    `json:"description"`
	DetectedAt    time.Time `json:"detected_at"`
	BecameAwareAt time.Time `json:"became_aware_at"`
	Window        *Window   `json:"window,omitempty"`
	Systems       []string  `json:"systems"`
	Categories    []string  `json:"categories,omitempty"`
	// Token is the id or name of an API token believed compromised: the
	// subjects it read in the window are affected.
	Token string `json:"token,omitempty"`
	// Actor is an audit-log actor believed compromised ("token:NAME" or
	// "user:ID"); the same as Token, for people's accounts.
	Actor string `json:"actor,omitempty"`
	// Collections are vault collections exposed whole: all their subjects
	// are affected.
	Collections []string `json:"collections,omitempty"`
	// Jurisdictions apply to every affected subject (HIPAA for health data
	// of a covered entity, or the regime of the vault's customers).
	Jurisdictions []string `json:"jurisdictions,omitempty"`
	// JurisdictionField is where each subject's country or regime is kept.
	JurisdictionField *FieldRef `json:"jurisdiction_field,omitempty"`
	// EstimatedSubjects are affected outside the vault (other systems),
	// counted under the jurisdictions declared for them.
	EstimatedSubjects int    `json:"estimated_subjects,omitempty"`
	HighRisk          bool   `json:"high_risk,omitempty"`
	Contact           string `json:"contact,omitempty"` // who answers questions, for the drafts
}

// clockSkew is how far in the future a reported time may lie, for clocks
// that are slightly ahead.
const clockSkew = time.Minute

// Limits on an incident's input.
const (
	maxDescription = 5000
	maxList        = 200
	maxName        = 200
	maxEstimated   = 1_000_000_000
)

var (
	categoryName = regexp.MustCompile(`^user(\.[a-z0-9_]+)*$`)
	actorName    = regexp.MustCompile(`^(token|user):[^\s]{1,190}$`)
)

func bad(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }

// Validate checks and normalises an input at now: times present and not
// in the future, awareness not before detection, a window that ends by
// now and starts by the detection, known jurisdictions. It does not check
// that systems, collections or the token exist: the API does.
func (in *Input) Validate(now time.Time, t *Table) error {
	in.Description = strings.TrimSpace(in.Description)
	if in.Description == "" || !legalclock.ValidText(in.Description, maxDescription) {
		return bad("invalid_description", "description must be 1 to 5000 characters of text")
	}
	if err := freetext.Check("description", in.Description); err != nil {
		return err
	}
	latest := now.Add(clockSkew)
	switch {
	case in.DetectedAt.IsZero():
		return bad("invalid_detected_at", "detected_at is required (RFC 3339)")
	case in.DetectedAt.Year() < 1970:
		return bad("invalid_detected_at", "detected_at is before 1970: give the time the breach was detected")
	case in.DetectedAt.After(latest):
		return bad("detected_at_in_future", "detected_at is in the future")
	case in.BecameAwareAt.IsZero():
		return bad("invalid_became_aware_at", "became_aware_at is required (RFC 3339)")
	case in.BecameAwareAt.After(latest):
		return bad("became_aware_at_in_future", "became_aware_at is in the future")
	case in.BecameAwareAt.Before(in.DetectedAt):
		return bad("aware_before_detected", "became_aware_at is before detected_at: the organisation cannot be aware of a breach before it is detected")
	}
	if err := in.validateWindow(latest); err != nil {
		return err
	}
	if in.Token != "" && in.Actor != "" {
		return bad("token_and_actor", "name the compromised token or the actor, not both")
	}
	if in.Actor != "" && !actorName.MatchString(in.Actor) {
		return bad("invalid_actor", `actor must be an audit-log actor, "token:NAME" or "user:ID"`)
	}
	if (in.Token != "" || in.Actor != "") && in.Window == nil {
		return bad("window_required", "a compromised token or actor needs the window in which it was used")
	}
	if err := in.validateLists(t); err != nil {
		return err
	}
	if f := in.JurisdictionField; f != nil && (f.Collection == "" || f.Field == "") {
		return bad("invalid_jurisdiction_field", "jurisdiction_field needs a collection and a field")
	}
	if in.EstimatedSubjects < 0 || in.EstimatedSubjects > maxEstimated {
		return bad("invalid_estimated_subjects", "estimated_subjects must be 0 to 1000000000")
	}
	in.Contact = strings.TrimSpace(in.Contact)
	if !legalclock.ValidText(in.Contact, 500) {
		return bad("invalid_contact", "contact must be at most 500 characters of text")
	}
	// The organisation's contact point: an address and a phone number are
	// expected there, a card or an id number is not (QA).
	if err := freetext.CheckContact("contact", in.Contact); err != nil {
		return err
	}
	return nil
}

func (in *Input) validateWindow(latest time.Time) error {
	w := in.Window
	if w == nil {
		return nil
	}
	switch {
	case w.From.IsZero() || w.To.IsZero():
		return bad("invalid_window", "window needs from and to (RFC 3339)")
	case w.To.After(latest) || w.From.After(latest):
		return bad("window_in_future", "the incident window ends in the future: give the time the access ended, or now")
	case w.To.Before(w.From):
		return bad("invalid_window", "window.to is before window.from")
	case w.From.After(in.DetectedAt):
		return bad("invalid_window", "window.from is after detected_at: a breach is detected after it begins")
	}
	return nil
}

func (in *Input) validateLists(t *Table) error {
	var err error
	if in.Systems, err = cleanList(in.Systems, "systems", func(s string) bool { return s != "" && len(s) <= maxName }); err != nil {
		return err
	}
	if len(in.Systems) == 0 {
		return bad("invalid_systems", "systems must name at least one system of the data map (sys_vault for the vault)")
	}
	if in.Categories, err = cleanList(in.Categories, "categories", categoryName.MatchString); err != nil {
		return err
	}
	for _, c := range in.Categories {
		if !datamap.KnownCategory(c) {
			return apperr.Newf(apperr.Invalid, "unknown_category", "categories: %.64q is not a fideslang user.* data category, such as user.contact.email", c)
		}
	}
	if in.Collections, err = cleanList(in.Collections, "collections", func(s string) bool { return s != "" && len(s) <= maxName }); err != nil {
		return err
	}
	var regimes []string
	for _, j := range in.Jurisdictions {
		rs, ok := t.Resolve(j)
		if !ok {
			return bad("unknown_jurisdiction", "jurisdictions must be regimes (GDPR, CCPA, HIPAA, LGPD, VN, DPDP, PIPEDA), countries or names the breach rules know")
		}
		for _, r := range rs {
			if !slices.Contains(regimes, r) {
				regimes = append(regimes, r)
			}
		}
	}
	in.Jurisdictions = regimes
	return nil
}

// cleanList trims, checks and de-duplicates a list, keeping its order.
func cleanList(l []string, name string, ok func(string) bool) ([]string, error) {
	if len(l) > maxList {
		return nil, bad("invalid_"+name, name+" holds at most 200 entries")
	}
	out := make([]string, 0, len(l))
	for _, s := range l {
		s = strings.TrimSpace(s)
		if !ok(s) {
			return nil, bad("invalid_"+name, name+" has an invalid entry")
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
