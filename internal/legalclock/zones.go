package legalclock

import (
	"time"
	_ "time/tzdata" // the zones below must not depend on the host's
)

// jurisdictionZones are where each jurisdiction's requesters are: a
// request's date is its date there, and its deadline the end of a day
// there. Table.Deadlines counts in each of them as well as in the
// server's zone (--time-zone) and keeps the earliest instant, so that
// a deadline is never later than the law's for any of them: a request
// received at 19:00 in California is received that day, not the next, as
// UTC would have it (QA: a CCPA deadline a day late on a UTC server).
var jurisdictionZones = map[string][]string{
	GDPR:   {"Europe/Lisbon", "Europe/Helsinki"}, // the Union's westernmost and easternmost mainland zones
	CCPA:   {"America/Los_Angeles"},
	HIPAA:  {"America/New_York", "America/Los_Angeles", "Pacific/Honolulu"},
	VN:     {"Asia/Ho_Chi_Minh"},
	LGPD:   {"America/Sao_Paulo"},
	DPDP:   {"Asia/Kolkata"},
	PIPEDA: {"America/St_Johns", "America/Vancouver"},
}

// zoneLocations are jurisdictionZones loaded.
var zoneLocations = func() map[string][]*time.Location {
	out := make(map[string][]*time.Location, len(jurisdictionZones))
	for j, names := range jurisdictionZones {
		for _, n := range names {
			loc, err := time.LoadLocation(n)
			if err != nil {
				panic("legalclock: zone " + n + ": " + err.Error()) // embedded tzdata: a typo in this file
			}
			out[j] = append(out[j], loc)
		}
	}
	return out
}()

// Deadlines are r's deadlines (Rule.Deadlines) counted in loc and in each
// zone of r's jurisdiction, each the earliest of them, expressed in loc.
func (t *Table) Deadlines(r Rule, start time.Time, loc *time.Location, extensions int) (Deadlines, error) {
	d, err := r.Deadlines(start, loc, extensions)
	if err != nil {
		return Deadlines{}, err
	}
	for _, z := range zoneLocations[r.Jurisdiction] {
		o, err := r.Deadlines(start, z, extensions)
		if err != nil {
			return Deadlines{}, err
		}
		d.Due = earlier(d.Due, o.Due).In(loc)
		d.AcknowledgeBy = earlier(d.AcknowledgeBy, o.AcknowledgeBy).In(loc)
		d.ExtendNoticeBy = earlier(d.ExtendNoticeBy, o.ExtendNoticeBy).In(loc)
	}
	return d, nil
}

// earlier is the earlier of two instants, a zero one counting as absent.
func earlier(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
