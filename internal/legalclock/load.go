package legalclock

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"maps"

	"custodia/internal/apperr"
	"gopkg.in/yaml.v3"
)

//go:embed rules.yaml
var rulesYAML []byte

// maxFileSize bounds a rules or holiday file.
const maxFileSize = 1 << 20

var (
	builtinCalendars map[string]*Calendar
	defaultTable     *Table
)

// init loads and validates the embedded calendars and rules. They ship in
// the binary, so a failure is a build defect: tests catch it first.
func init() {
	cals, err := parseCalendars(holidaysYAML)
	if err != nil {
		panic("legalclock: embedded holidays.yaml: " + err.Error())
	}
	builtinCalendars = cals
	t, err := parseRules(rulesYAML, cals, nil)
	if err != nil {
		panic("legalclock: embedded rules.yaml: " + err.Error())
	}
	defaultTable = t
}

// Default returns the table built from the embedded rules.yaml and
// holidays.yaml.
func Default() *Table { return defaultTable }

// LoadRules reads an operator's rules file (the format of the embedded
// rules.yaml; at most 1 MiB) and validates it. It is a whole table, not an
// overlay; its `calendars` mapping may be left out, and jurisdictions it
// does not map keep the embedded mapping. Rules count with the embedded
// holiday calendars; add dates with Table.LoadHolidays.
//
// Errors are Invalid apperrs with code invalid_rules.
func LoadRules(r io.Reader) (*Table, error) {
	src, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	return parseRules(src, builtinCalendars, defaultTable.jurCal)
}

func readLimited(r io.Reader) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, apperr.Wrap(err, "legalclock: read file")
	}
	if len(src) > maxFileSize {
		return nil, apperr.New(apperr.TooLarge, CodeTooLarge, "the file is over 1 MiB")
	}
	return src, nil
}

type rulesFile struct {
	Version   strictInt         `yaml:"version"`
	Calendars map[string]string `yaml:"calendars"`
	Rules     []ruleEntry       `yaml:"rules"`
}

type ruleEntry struct {
	Jurisdiction     string          `yaml:"jurisdiction"`
	RequestType      string          `yaml:"request_type"`
	Start            string          `yaml:"start"`
	Period           *periodEntry    `yaml:"period"`
	RollToWorkingDay bool            `yaml:"roll_to_working_day"`
	Acknowledge      *periodEntry    `yaml:"acknowledge"`
	Extension        *extensionEntry `yaml:"extension"`
	Calendar         string          `yaml:"calendar"`
	Source           string          `yaml:"source"`
	Notes            string          `yaml:"notes"`
}

type periodEntry struct {
	N    strictInt `yaml:"n"`
	Unit string    `yaml:"unit"`
}

type extensionEntry struct {
	Period       *periodEntry `yaml:"period"`
	MaxTimes     strictInt    `yaml:"max_times"`
	NotifyWithin *periodEntry `yaml:"notify_within"`
}

func (p *periodEntry) period() Period {
	if p == nil {
		return Period{}
	}
	return Period{N: int(p.N), Unit: Unit(p.Unit)}
}

// parseRules decodes and validates a rules file. base is the jurisdiction
// to calendar mapping that the file's own mapping overrides.
func parseRules(src []byte, cals map[string]*Calendar, base map[string]string) (*Table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var f rulesFile
	if err := dec.Decode(&f); err != nil {
		return nil, &apperr.Error{Kind: apperr.Invalid, Code: CodeInvalidRules,
			Message: "the rules file is not valid YAML of the expected shape", Cause: err}
	}
	if f.Version != 1 {
		return nil, invalidRules("version must be 1")
	}
	jurCal := maps.Clone(base)
	if jurCal == nil {
		jurCal = map[string]string{}
	}
	for j, c := range f.Calendars {
		cj, ok := normJurisdiction(j)
		if !ok || cj != j {
			return nil, invalidRules("calendars: unknown jurisdiction")
		}
		if _, ok := cals[c]; !ok {
			return nil, invalidRules("calendars: %s maps to an unknown calendar", j)
		}
		jurCal[j] = c
	}
	rules := make([]Rule, 0, len(f.Rules))
	for _, e := range f.Rules {
		rules = append(rules, e.rule())
	}
	return newTable(rules, cals, jurCal)
}

func (e ruleEntry) rule() Rule {
	r := Rule{
		Jurisdiction:     e.Jurisdiction,
		RequestType:      e.RequestType,
		Start:            StartEvent(e.Start),
		RollToWorkingDay: e.RollToWorkingDay,
		Calendar:         e.Calendar,
		Source:           e.Source,
		Notes:            e.Notes,
		Period:           e.Period.period(),
		Acknowledge:      e.Acknowledge.period(),
	}
	if r.Period.IsZero() {
		r.Period = Period{Unit: "missing"} // refused by validation, not "none"
	}
	if x := e.Extension; x != nil {
		r.Extension = Extension{Period: x.Period.period(), MaxTimes: int(x.MaxTimes), NotifyWithin: x.NotifyWithin.period()}
		if r.Extension == (Extension{}) {
			r.Extension.MaxTimes = -1 // an empty extension block is an error, not "none"
		}
	}
	return r
}

// String describes a rule in one line, for logs and reports.
func (r Rule) String() string {
	s := fmt.Sprintf("%s %s: %s from %s", r.Jurisdiction, r.RequestType, r.Period, r.Start)
	if r.Extension.MaxTimes > 0 {
		s += fmt.Sprintf(", extension %d× %s", r.Extension.MaxTimes, r.Extension.Period)
	}
	if !r.Acknowledge.IsZero() {
		s += ", acknowledge within " + r.Acknowledge.String()
	}
	return s + " (" + r.Source + ")"
}
