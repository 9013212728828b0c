package legalclock

import (
	"maps"
	"slices"
	"strings"

	"custodia/internal/apperr"
)

// Table is a validated rules table with the holiday calendars its rules
// count with. A Table is immutable and safe for concurrent use; loading
// holidays returns a new Table.
type Table struct {
	rules     []Rule
	index     map[ruleKey]int
	calendars map[string]*Calendar
	jurCal    map[string]string // jurisdiction -> calendar name
}

type ruleKey struct{ jurisdiction, requestType string }

// newTable validates rules, resolves their calendars and indexes them.
// jurCal maps each jurisdiction to a calendar name; a rule whose Calendar
// is empty takes its jurisdiction's.
func newTable(rules []Rule, calendars map[string]*Calendar, jurCal map[string]string) (*Table, error) {
	if len(rules) == 0 {
		return nil, invalidRules("the rules file has no rules")
	}
	t := &Table{
		rules:     make([]Rule, len(rules)),
		index:     make(map[ruleKey]int, len(rules)),
		calendars: calendars,
		jurCal:    jurCal,
	}
	for i, r := range rules {
		if r.Calendar == "" {
			r.Calendar = jurCal[r.Jurisdiction]
		}
		if err := r.validate(); err != nil {
			return nil, invalidRules("rule %d: %s", i+1, err)
		}
		cal, ok := calendars[r.Calendar]
		if !ok {
			return nil, invalidRules("rule %d: unknown calendar", i+1)
		}
		r.cal = cal
		k := ruleKey{r.Jurisdiction, r.RequestType}
		if _, dup := t.index[k]; dup {
			return nil, invalidRules("rule %d: a second entry for %s %s", i+1, r.Jurisdiction, r.RequestType)
		}
		t.index[k] = i
		t.rules[i] = r
	}
	return t, nil
}

// For returns the rule for a request type under a jurisdiction: the entry
// for that type, or else the jurisdiction's "*" entry. Matching ignores
// case and surrounding space. The rule's RequestType is the entry's, so it
// may be AnyType.
//
// Errors: an Invalid apperr with code unknown_jurisdiction or
// unknown_request_type for names not in Jurisdictions() or RequestTypes();
// an Unprocessable apperr with code no_rule when the table has no period
// for that type in that jurisdiction (the law sets none).
func (t *Table) For(jurisdiction, requestType string) (Rule, error) {
	j, ok := normJurisdiction(jurisdiction)
	if !ok {
		return Rule{}, apperr.New(apperr.Invalid, CodeUnknownJurisdiction,
			"unknown jurisdiction: want one of "+strings.Join(jurisdictions, ", "))
	}
	rt, ok := normRequestType(requestType, false)
	if !ok {
		return Rule{}, apperr.New(apperr.Invalid, CodeUnknownRequestType,
			"unknown request type: want one of "+strings.Join(requestTypes, ", "))
	}
	if i, ok := t.index[ruleKey{j, rt}]; ok {
		return t.rules[i], nil
	}
	if i, ok := t.index[ruleKey{j, AnyType}]; ok {
		return t.rules[i], nil
	}
	return Rule{}, apperr.New(apperr.Unprocessable, CodeNoRule,
		"the rules table sets no period for this request type in this jurisdiction (the law names none): file it under a jurisdiction that also applies to the person, or add the period to the rules (serve --request-rules)")
}

// Rules returns a copy of the table's rules in file order.
func (t *Table) Rules() []Rule { return slices.Clone(t.rules) }

// Calendar returns the named holiday calendar.
func (t *Table) Calendar(name string) (*Calendar, bool) {
	c, ok := t.calendars[name]
	return c, ok
}

// CalendarNames returns the names of the table's calendars, sorted.
func (t *Table) CalendarNames() []string { return slices.Sorted(maps.Keys(t.calendars)) }
