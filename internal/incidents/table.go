package incidents

import (
	"bytes"
	_ "embed"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"custodia/internal/apperr"
	"custodia/internal/legalclock"
)

//go:embed breach.yaml
var breachYAML []byte

// maxFileSize bounds a rules file.
const maxFileSize = 1 << 20

// Table is a validated breach rules table bound to the holiday calendars
// business days count with and the time zone day periods end in. It is
// immutable and safe for concurrent use.
type Table struct {
	rules []Rule
	names map[string][]string // upper-case name -> regimes
	cals  *legalclock.Table
	loc   *time.Location
}

var defaultTable *Table

// init loads the embedded rules; they ship in the binary, so a failure is
// a build defect that tests catch first.
func init() {
	t, err := parse(breachYAML, legalclock.Default())
	if err != nil {
		panic("incidents: embedded breach.yaml: " + err.Error())
	}
	defaultTable = t
}

// Default returns the table of the embedded breach.yaml, counting with
// legalclock's built-in calendars in UTC.
func Default() *Table { return defaultTable }

// Load reads an operator's breach rules file (the format of the embedded
// breach.yaml, at most 1 MiB) and validates it against cals' calendars
// (the default calendars when nil). Errors are Invalid apperrs with code
// invalid_rules, or TooLarge with too_large.
func Load(r io.Reader, cals *legalclock.Table) (*Table, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, apperr.Wrap(err, "incidents: read rules")
	}
	if len(src) > maxFileSize {
		return nil, apperr.New(apperr.TooLarge, "too_large", "the rules file is over 1 MiB")
	}
	if cals == nil {
		cals = legalclock.Default()
	}
	return parse(src, cals)
}

// With returns a copy of t counting business days with cals' calendars
// (nil keeps t's) and ending day periods in loc (nil keeps t's). It fails
// when a rule names a calendar cals lacks.
func (t *Table) With(cals *legalclock.Table, loc *time.Location) (*Table, error) {
	out := *t
	if cals != nil {
		out.cals = cals
		for _, r := range t.rules {
			if _, ok := cals.Calendar(r.Calendar); r.Calendar != "" && !ok {
				return nil, invalidRules("rule %s %s: unknown calendar %s", r.Regime, r.Recipient, r.Calendar)
			}
		}
	}
	if loc != nil {
		out.loc = loc
	}
	return &out, nil
}

// Rules returns a copy of the table's rules in file order.
func (t *Table) Rules() []Rule { return slices.Clone(t.rules) }

// Location returns the zone day periods end in.
func (t *Table) Location() *time.Location { return t.loc }

// Resolve returns the regimes a jurisdiction name stands for: a regime's
// own name, a country or subdivision code, or a word the rules file
// lists, matched without regard to case or surrounding space. It reports
// false for a name no regime claims.
func (t *Table) Resolve(name string) ([]string, bool) {
	rs, ok := t.names[strings.ToUpper(strings.TrimSpace(name))]
	return slices.Clone(rs), ok
}

type fileFormat struct {
	Version strictInt           `yaml:"version"`
	Regimes map[string][]string `yaml:"regimes"`
	Rules   []ruleEntry         `yaml:"rules"`
}

type ruleEntry struct {
	Regime    string `yaml:"regime"`
	Recipient string `yaml:"recipient"`
	To        string `yaml:"to"`
	Audience  string `yaml:"audience"`
	Start     string `yaml:"start"`
	After     string `yaml:"after"`
	Period    *struct {
		N    strictInt `yaml:"n"`
		Unit string    `yaml:"unit"`
	} `yaml:"period"`
	Calendar string   `yaml:"calendar"`
	Zones    []string `yaml:"zones"`
	When     struct {
		MinAffected   strictInt `yaml:"min_affected"`
		BelowAffected strictInt `yaml:"below_affected"`
		HighRisk      bool      `yaml:"high_risk"`
	} `yaml:"when"`
	Source string `yaml:"source"`
	Notes  string `yaml:"notes"`
}

var aliasName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 _-]{0,39}$`)

func invalidRules(format string, args ...any) error {
	return apperr.Newf(apperr.Invalid, "invalid_rules", format, args...)
}

// parse decodes and validates a rules file.
func parse(src []byte, cals *legalclock.Table) (*Table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var f fileFormat
	if err := dec.Decode(&f); err != nil {
		return nil, &apperr.Error{Kind: apperr.Invalid, Code: "invalid_rules",
			Message: "the breach rules file is not valid YAML of the expected shape", Cause: err}
	}
	if f.Version != 1 {
		return nil, invalidRules("version must be 1")
	}
	t := &Table{names: map[string][]string{}, cals: cals, loc: time.UTC}
	for _, j := range legalclock.Jurisdictions() {
		t.names[j] = []string{j}
	}
	for regime, names := range f.Regimes {
		if !slices.Contains(legalclock.Jurisdictions(), regime) {
			return nil, invalidRules("regimes: unknown regime (want one of %s)", strings.Join(legalclock.Jurisdictions(), ", "))
		}
		for _, n := range names {
			key := strings.ToUpper(strings.TrimSpace(n))
			if !aliasName.MatchString(n) || slices.Contains(legalclock.Jurisdictions(), key) {
				return nil, invalidRules("regimes: %s: names must match %s and not be a regime's name", regime, aliasName)
			}
			if !slices.Contains(t.names[key], regime) {
				t.names[key] = append(t.names[key], regime)
			}
		}
	}
	if len(f.Rules) == 0 {
		return nil, invalidRules("the rules file has no rules")
	}
	for i, e := range f.Rules {
		r := e.rule()
		if err := r.validate(); err != nil {
			return nil, invalidRules("rule %d: %s", i+1, err)
		}
		if _, ok := cals.Calendar(r.Calendar); r.Calendar != "" && !ok {
			return nil, invalidRules("rule %d: unknown calendar", i+1)
		}
		if slices.ContainsFunc(t.rules, func(x Rule) bool { return x.Regime == r.Regime && x.Recipient == r.Recipient }) {
			return nil, invalidRules("rule %d: a second entry for %s %s", i+1, r.Regime, r.Recipient)
		}
		t.rules = append(t.rules, r)
	}
	if err := t.checkAfter(); err != nil {
		return nil, err
	}
	return t, nil
}

// checkAfter makes sure every "after" names a rule of the same regime that
// does not itself follow another: one level, so no cycles.
func (t *Table) checkAfter() error {
	for i, r := range t.rules {
		if r.Start != FromAfter {
			continue
		}
		j := slices.IndexFunc(t.rules, func(x Rule) bool { return x.Regime == r.Regime && x.Recipient == r.After })
		if j < 0 {
			return invalidRules("rule %d: after names no recipient of %s", i+1, r.Regime)
		}
		if t.rules[j].Start == FromAfter {
			return invalidRules("rule %d: after names a rule that itself follows another", i+1)
		}
	}
	return nil
}

func (e ruleEntry) rule() Rule {
	r := Rule{Regime: e.Regime, Recipient: e.Recipient, To: e.To, Audience: e.Audience, Start: Start(e.Start), After: e.After,
		Calendar: e.Calendar, Zones: e.Zones, Source: e.Source, Notes: e.Notes,
		When: Condition{MinAffected: int(e.When.MinAffected), BelowAffected: int(e.When.BelowAffected), HighRisk: e.When.HighRisk}}
	if e.Period == nil {
		r.Period = Period{Unit: "missing"} // refused by validation
	} else {
		r.Period = Period{N: int(e.Period.N), Unit: Unit(e.Period.Unit)}
	}
	return r
}

// strictInt is an int that must be written as a YAML integer: yaml.v3
// would otherwise truncate 1.5 to 1 without a word.
type strictInt int

// UnmarshalYAML implements yaml.Unmarshaler.
func (i *strictInt) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return errors.New("not an integer")
	}
	var v int
	if err := n.Decode(&v); err != nil {
		return err
	}
	if v < -maxCount || v > maxCount {
		return errors.New("integer out of range")
	}
	*i = strictInt(v)
	return nil
}
