package incidents

import (
	"fmt"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // breach rules name zones; the binary must not depend on the host's

	"custodia/internal/apperr"
)

// Clock states as stored, and the statuses a clock is shown with.
const (
	ClockOpen    = "open"    // not yet met (status: open, or overdue past its due time)
	ClockMet     = "met"     // the notification was sent
	ClockWaived  = "waived"  // the notification task was justified as not needed
	ClockOverdue = "overdue" // a status only: open past its due time
	// ClockDueNow is a status only: an open clock whose law says "without
	// (undue) delay" (GDPR Art. 34, DPDP Rule 7(1) and 7(2)(a)). It is
	// due from its start and urgent, but it has no fixed deadline to
	// pass: it is never overdue, and never counted as a passed deadline.
	ClockDueNow = "due_now"
)

// Clock is one notification deadline of an incident: regime, recipient,
// due time, source, and whether it was met.
type Clock struct {
	Regime    string     `json:"regime"`
	Recipient string     `json:"recipient"`
	To        string     `json:"to"`
	Audience  string     `json:"audience"`
	Affected  int        `json:"affected"` // subjects under the regime
	StartAt   time.Time  `json:"start_at"`
	DueAt     time.Time  `json:"due_at"`
	Period    string     `json:"period"` // in words, such as "72 hours"
	Source    string     `json:"source"`
	Notes     string     `json:"notes,omitempty"`
	After     string     `json:"after,omitempty"`
	State     string     `json:"-"`
	Status    string     `json:"status"` // open, due_now, met, overdue or waived
	MetAt     *time.Time `json:"met_at,omitempty"`
	Late      bool       `json:"late,omitempty"` // met after its due time (never for a "without delay" clock)
	Reference string     `json:"reference,omitempty"`
	// Rule is the rule as it stood when the clock started: a later change
	// of the rules file does not move a running clock.
	Rule Rule `json:"-"`
	// NearAlerted and OverdueAlerted are when the alerts were raised.
	NearAlerted    *time.Time `json:"-"`
	OverdueAlerted *time.Time `json:"-"`
}

// Facts are what an incident's clocks depend on.
type Facts struct {
	DetectedAt time.Time
	AwareAt    time.Time
	Affected   map[string]int // affected subjects per regime; a regime present with 0 applies with an unknown count
	HighRisk   bool
}

// Clocks returns the clocks an incident starts: one per rule whose regime
// is in f.Affected and whose condition holds, in the table's order. A rule
// that follows another applies only when that one does.
func (t *Table) Clocks(f Facts) ([]Clock, error) {
	var out []Clock
	for _, r := range t.rules {
		n, ok := f.Affected[r.Regime]
		if !ok || !r.When.Holds(n, f.HighRisk) {
			continue
		}
		c := Clock{Regime: r.Regime, Recipient: r.Recipient, To: r.To, Audience: r.Audience, Affected: n,
			Period: r.Period.String(), Source: r.Source, Notes: r.Notes, After: r.After, State: ClockOpen, Rule: r}
		switch r.Start {
		case FromDetected:
			c.StartAt = f.DetectedAt
		case FromAware:
			c.StartAt = f.AwareAt
		case FromYearEnd:
			// The end of the year of detection, in the zone whose deadline
			// comes first.
			locs, err := t.zonesOf(r)
			if err != nil {
				return nil, err
			}
			for _, loc := range locs {
				y := f.DetectedAt.In(loc).Year()
				start := time.Date(y+1, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
				due, err := t.dueIn(r, start, loc)
				if err != nil {
					return nil, err
				}
				if c.DueAt.IsZero() || due.Before(c.DueAt) {
					c.StartAt, c.DueAt = start.In(t.loc), due.In(t.loc)
				}
			}
			out = append(out, c)
			continue
		case FromAfter:
			i := slices.IndexFunc(out, func(x Clock) bool { return x.Regime == r.Regime && x.Recipient == r.After })
			if i < 0 {
				continue
			}
			c.StartAt = out[i].DueAt
		}
		due, err := t.Due(r, c.StartAt)
		if err != nil {
			return nil, err
		}
		c.DueAt = due
		out = append(out, c)
	}
	return out, nil
}

// Due returns when a period of rule r started at start ends: hours from
// the instant; day periods at the last instant of their last day, the
// start day not counted, in the table's zone and, unless that is one of
// them, in each of the rule's zones, whichever end comes first (a
// deadline may fall early, never late); immediate at start.
func (t *Table) Due(r Rule, start time.Time) (time.Time, error) {
	locs, err := t.zonesOf(r)
	if err != nil {
		return time.Time{}, err
	}
	var first time.Time
	for _, loc := range locs {
		due, err := t.dueIn(r, start, loc)
		if err != nil {
			return time.Time{}, err
		}
		if first.IsZero() || due.Before(first) {
			first = due
		}
	}
	return first.In(t.loc), nil
}

// zonesOf returns the zones a rule's days are counted in: the table's
// alone when it is one of the rule's (the organisation is in the
// jurisdiction and counts its own days), else the table's and the rule's.
func (t *Table) zonesOf(r Rule) ([]*time.Location, error) {
	locs := []*time.Location{t.loc}
	if slices.Contains(r.Zones, t.loc.String()) {
		return locs, nil
	}
	for _, z := range r.Zones {
		loc, err := zone(z)
		if err != nil {
			return nil, invalidRules("rule %s %s: zone %q: %v", r.Regime, r.Recipient, z, err)
		}
		locs = append(locs, loc)
	}
	return locs, nil
}

// dueIn is Due with days counted in loc alone.
func (t *Table) dueIn(r Rule, start time.Time, loc *time.Location) (time.Time, error) {
	if start.IsZero() || start.Year() < 1900 || start.Year() > 9000 {
		return time.Time{}, apperr.New(apperr.Invalid, "invalid_start", "the start time is missing or out of range")
	}
	p := r.Period
	if err := p.validate(); err != nil {
		return time.Time{}, invalidRules("%s", err)
	}
	y, m, d := start.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch p.Unit {
	case Immediate:
		return start, nil
	case Hours:
		return start.Add(time.Duration(p.N) * time.Hour), nil
	case CalendarDays:
		day = day.AddDate(0, 0, p.N)
	case BusinessDays:
		cal, ok := t.cals.Calendar(r.Calendar)
		if !ok {
			return time.Time{}, invalidRules("rule %s %s: unknown calendar", r.Regime, r.Recipient)
		}
		for n := p.N; n > 0; {
			day = day.AddDate(0, 0, 1)
			if cal.IsBusinessDay(day) {
				n--
			}
		}
	}
	y, m, d = day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond), nil
}

// zones caches loaded time zones by name.
var zones sync.Map

// zone loads an IANA time zone (the binary embeds the zone database).
func zone(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA zone name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// Rebase moves the clocks that follow another clock to run from when that
// one was met (or, while it is open, from its due time). It changes only
// open clocks, and reports whether any moved.
func (t *Table) Rebase(clocks []Clock) (bool, error) {
	moved := false
	for i := range clocks {
		c := &clocks[i]
		if c.Rule.Start != FromAfter || c.State != ClockOpen {
			continue
		}
		j := slices.IndexFunc(clocks, func(x Clock) bool { return x.Regime == c.Regime && x.Recipient == c.Rule.After })
		if j < 0 {
			continue
		}
		base := clocks[j].DueAt
		if clocks[j].MetAt != nil {
			base = *clocks[j].MetAt
		}
		if base.Equal(c.StartAt) {
			continue
		}
		due, err := t.Due(c.Rule, base)
		if err != nil {
			return moved, err
		}
		c.StartAt, c.DueAt, moved = base, due, true
	}
	return moved, nil
}

// Immediate reports whether the clock runs "without delay": due from its
// start, with no fixed deadline to pass.
func (c Clock) Immediate() bool { return c.Rule.Period.Unit == Immediate }

// Refresh sets the clock's Status and Late at now.
func (c *Clock) Refresh(now time.Time) {
	switch {
	case c.State == ClockMet:
		c.Status = ClockMet
		c.Late = c.MetAt != nil && c.MetAt.After(c.DueAt) && !c.Immediate()
	case c.State == ClockWaived:
		c.Status = ClockWaived
	case c.Immediate():
		c.Status = ClockDueNow
	case now.After(c.DueAt):
		c.Status = ClockOverdue
	default:
		c.Status = ClockOpen
	}
}

// nearWindow is the most time left at which a clock counts as nearing its
// end: 12 hours, or a quarter of its length when that is less.
const nearWindow = 12 * time.Hour

// NearEnd reports whether an open clock is not past its due time but has
// less than a quarter of its time, or less than 12 hours, whichever is
// less, left at now. A "without delay" clock is never near its end: it is
// due now (see DueNow).
func (c Clock) NearEnd(now time.Time) bool {
	if c.State != ClockOpen || c.Immediate() || now.After(c.DueAt) {
		return false
	}
	limit := min(c.DueAt.Sub(c.StartAt)/4, nearWindow)
	return c.DueAt.Sub(now) < limit
}

// Overdue reports whether an open clock is past its due time at now: a
// passed deadline. A "without delay" clock is never overdue (see DueNow).
func (c Clock) Overdue(now time.Time) bool {
	return c.State == ClockOpen && !c.Immediate() && now.After(c.DueAt)
}

// DueNow reports whether an open clock runs "without delay" and is due
// from its start at now: urgent, but not a passed deadline.
func (c Clock) DueNow(now time.Time) bool {
	return c.State == ClockOpen && c.Immediate() && !now.Before(c.StartAt)
}
