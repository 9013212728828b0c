package incidents

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"custodia/internal/legalclock"
)

// Unit is the unit a breach period is counted in.
type Unit string

// The units of a breach period.
const (
	Hours        Unit = "hours"         // from the start instant
	CalendarDays Unit = "calendar_days" // the start day not counted; ends at the last instant of the last day
	BusinessDays Unit = "business_days" // days that are not Saturday, Sunday or a holiday of the rule's calendar
	Immediate    Unit = "immediate"     // "without delay": due at the start
)

// maxN bounds a period's count per unit.
var maxN = map[Unit]int{Hours: 8760, CalendarDays: 1000, BusinessDays: 500}

// Start names the event a rule's period runs from.
type Start string

// The start events a rule may name.
const (
	FromDetected Start = "detected" // the breach was discovered
	FromAware    Start = "aware"    // the controller became aware of it
	FromYearEnd  Start = "year_end" // the end of the calendar year of detection
	FromAfter    Start = "after"    // another clock of the regime was met (or fell due)
)

// Audiences: the incident task a clock belongs to.
const (
	AudienceAuthority   = "authority"
	AudienceIndividuals = "individuals"
)

// Period is a length of time in one unit; an Immediate period has no count.
type Period struct {
	N    int  `json:"n,omitempty"`
	Unit Unit `json:"unit"`
}

// String returns the period in words, such as "72 hours" or "without delay".
func (p Period) String() string {
	if p.Unit == Immediate {
		return "without delay"
	}
	word := strings.ReplaceAll(string(p.Unit), "_", " ")
	if p.N == 1 {
		word = strings.TrimSuffix(word, "s")
	}
	return fmt.Sprintf("%d %s", p.N, word)
}

// Condition limits when a rule applies; its counts are the affected
// subjects under the rule's regime.
type Condition struct {
	MinAffected   int  `json:"min_affected,omitempty"`   // at least this many (0: any)
	BelowAffected int  `json:"below_affected,omitempty"` // fewer than this many (0: no limit)
	HighRisk      bool `json:"high_risk,omitempty"`      // only for incidents marked high risk
}

// Holds reports whether the condition holds for n affected subjects.
func (c Condition) Holds(n int, highRisk bool) bool {
	return n >= c.MinAffected && (c.BelowAffected == 0 || n < c.BelowAffected) && (!c.HighRisk || highRisk)
}

// Rule is one entry of the breach rules table: the deadline to notify one
// recipient under one regime.
type Rule struct {
	Regime    string `json:"regime"`
	Recipient string `json:"recipient"`
	To        string `json:"to"`
	Audience  string `json:"audience"`
	Start     Start  `json:"start"`
	After     string `json:"after,omitempty"`
	Period    Period `json:"period"`
	Calendar  string `json:"calendar,omitempty"`
	// Zones are the IANA time zones of the jurisdiction; a day period ends
	// at the earliest of its ends in these and in the server's zone.
	Zones  []string  `json:"zones,omitempty"`
	When   Condition `json:"when"`
	Source string    `json:"source"`
	Notes  string    `json:"notes,omitempty"`
}

// Limits on a rule's text.
const (
	maxSourceLen = 1000
	maxNotesLen  = 8000
	maxToLen     = 300
	maxCount     = 1_000_000_000
	maxZones     = 20
)

var recipientName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// validate checks one rule on its own; the table checks calendars and
// references between rules.
func (r Rule) validate() error {
	if !slices.Contains(legalclock.Jurisdictions(), r.Regime) {
		return errors.New("regime must be one of " + strings.Join(legalclock.Jurisdictions(), ", "))
	}
	if !recipientName.MatchString(r.Recipient) {
		return errors.New("recipient must match " + recipientName.String())
	}
	if r.Audience != AudienceAuthority && r.Audience != AudienceIndividuals {
		return errors.New("audience must be authority or individuals")
	}
	switch r.Start {
	case FromDetected, FromAware, FromYearEnd:
		if r.After != "" {
			return errors.New("after is only for start: after")
		}
	case FromAfter:
		if r.After == "" || r.After == r.Recipient {
			return errors.New("start: after needs after, naming another recipient of the regime")
		}
	default:
		return errors.New("start must be detected, aware, year_end or after")
	}
	if err := r.Period.validate(); err != nil {
		return err
	}
	if (r.Period.Unit == BusinessDays) != (r.Calendar != "") {
		return errors.New("calendar is required with business_days, and only then")
	}
	if len(r.Zones) > maxZones {
		return fmt.Errorf("zones: at most %d", maxZones)
	}
	for _, z := range r.Zones {
		if _, err := zone(z); err != nil {
			return fmt.Errorf("zones: %q is not an IANA time zone", z)
		}
	}
	c := r.When
	if c.MinAffected < 0 || c.MinAffected > maxCount || c.BelowAffected < 0 || c.BelowAffected > maxCount {
		return errors.New("when: counts must be 0 to 1000000000")
	}
	if c.BelowAffected != 0 && c.BelowAffected <= c.MinAffected {
		return errors.New("when: below_affected must be above min_affected")
	}
	if !legalclock.ValidText(r.To, maxToLen) || strings.TrimSpace(r.To) == "" {
		return fmt.Errorf("to is required (at most %d bytes of text)", maxToLen)
	}
	if !legalclock.ValidText(r.Source, maxSourceLen) || strings.TrimSpace(r.Source) == "" {
		return fmt.Errorf("source is required (at most %d bytes of text)", maxSourceLen)
	}
	if !legalclock.ValidText(r.Notes, maxNotesLen) {
		return fmt.Errorf("notes must be at most %d bytes of text", maxNotesLen)
	}
	return nil
}

func (p Period) validate() error {
	if p.Unit == Immediate {
		if p.N != 0 {
			return errors.New("period: an immediate period has no n")
		}
		return nil
	}
	limit, ok := maxN[p.Unit]
	switch {
	case !ok:
		return errors.New("period: unit must be hours, calendar_days, business_days or immediate")
	case p.N <= 0:
		return errors.New("period: n must be positive")
	case p.N > limit:
		return fmt.Errorf("period: n is above %d", limit)
	}
	return nil
}
