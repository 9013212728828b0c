package dlp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"custodia/internal/apperr"
	"custodia/internal/scan"
	"custodia/internal/scan/detect"
)

// Decision is the answer of a check: whether the data may leave.
type Decision string

// The decisions, from the mildest to the strictest.
const (
	Allow Decision = "allow" // nothing the policy cares about was found
	Warn  Decision = "warn"  // personal data: the sender should confirm
	Block Decision = "block" // sensitive or bulk personal data: stop it
)

// rank orders decisions; an unknown decision ranks as Block.
func (d Decision) rank() int {
	switch d {
	case Allow:
		return 0
	case Warn:
		return 1
	}
	return 2
}

// valid reports whether d is one of the three decisions.
func (d Decision) valid() bool { return d == Allow || d == Warn || d == Block }

// Defaults of the policy settings.
const (
	DefaultMinConfidence = 0.5
	DefaultBulkThreshold = 10
	// MaxBulkThreshold bounds bulk_threshold.
	MaxBulkThreshold = 1_000_000
	// maxPolicyBytes bounds a policy file.
	maxPolicyBytes = 1 << 20
)

// Policy maps the entities the scanner finds to decisions. Build one with
// Default, Parse or LoadFile: they validate it.
type Policy struct {
	// Name identifies the policy in answers: "default", or the policy
	// file's name.
	Name string
	// MinConfidence drops findings below it before any rule applies.
	MinConfidence float64
	// BulkThreshold blocks a check that finds more than this many distinct
	// contact values (e-mail addresses and phone numbers together); 0
	// disables the rule.
	BulkThreshold int
	// Unreadable is the decision when part of a file could not be read
	// (encrypted, malformed, over a limit): at least this.
	Unreadable Decision
	// Regions are the phone and national-id regions of the scanner (see
	// detect.Options.Regions); empty means detect.DefaultRegions.
	Regions []string
	// Block and Warn list the entities whose presence blocks or warns.
	// An entity in neither is reported but allowed.
	Block, Warn []scan.Entity
}

// Default returns the built-in policy (see the package documentation).
func Default() *Policy {
	return &Policy{
		Name:          "default",
		MinConfidence: DefaultMinConfidence,
		BulkThreshold: DefaultBulkThreshold,
		Unreadable:    Warn,
		Block: []scan.Entity{scan.CreditCard, scan.IBANCode, scan.USSSN, scan.VNCCCD, scan.VNCMND,
			scan.INAadhaar, scan.INPAN, scan.Passport},
		Warn: []scan.Entity{scan.EmailAddress, scan.PhoneNumber, scan.DateOfBirth, scan.StreetAddress,
			scan.IPAddress, scan.Person},
	}
}

// ScannerOptions are the options of the scanner a check with p should use.
func (p *Policy) ScannerOptions() detect.Options {
	return detect.Options{MinConfidence: p.MinConfidence, Regions: slices.Clone(p.Regions)}
}

// decisionFor returns the decision the policy gives entity e when found.
func (p *Policy) decisionFor(e scan.Entity) Decision {
	switch {
	case slices.Contains(p.Block, e):
		return Block
	case slices.Contains(p.Warn, e):
		return Warn
	}
	return Allow
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate reports the first problem of p as an error that names the
// setting.
func (p *Policy) Validate() error {
	switch {
	case !validName.MatchString(p.Name):
		return fmt.Errorf("name %q: use 1 to 64 letters, digits, '.', '_' or '-'", p.Name)
	case math.IsNaN(p.MinConfidence) || p.MinConfidence < 0 || p.MinConfidence > 1:
		return fmt.Errorf("min_confidence %v: must be between 0 and 1", p.MinConfidence)
	case p.BulkThreshold < 0 || p.BulkThreshold > MaxBulkThreshold:
		return fmt.Errorf("bulk_threshold %d: must be between 0 (off) and %d", p.BulkThreshold, MaxBulkThreshold)
	case !p.Unreadable.valid():
		return fmt.Errorf("unreadable %q: must be allow, warn or block", p.Unreadable)
	}
	if err := (detect.Options{Regions: p.Regions}).Validate(); err != nil {
		return fmt.Errorf("regions: %s", messageOf(err))
	}
	seen := map[scan.Entity]string{}
	for _, l := range []struct {
		key  string
		list []scan.Entity
	}{{"block", p.Block}, {"warn", p.Warn}} {
		for _, e := range l.list {
			if !slices.Contains(scan.Entities, e) {
				return fmt.Errorf("%s: unknown entity %q (known: %s)", l.key, e, knownEntities())
			}
			if prev, dup := seen[e]; dup {
				if prev == l.key {
					return fmt.Errorf("%s: %s is listed twice", l.key, e)
				}
				return fmt.Errorf("%s is listed in both block and warn", e)
			}
			seen[e] = l.key
		}
	}
	return nil
}

// messageOf returns the client-safe message of an apperr error, or its text.
func messageOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return err.Error()
}

// knownEntities lists the entity names for error messages.
func knownEntities() string {
	names := make([]string, len(scan.Entities))
	for i, e := range scan.Entities {
		names[i] = string(e)
	}
	return strings.Join(names, ", ")
}

// policyFile is the YAML form of a policy. Every key is optional.
type policyFile struct {
	Name          string   `yaml:"name"`
	MinConfidence *float64 `yaml:"min_confidence"`
	BulkThreshold *int     `yaml:"bulk_threshold"`
	Unreadable    string   `yaml:"unreadable"`
	Regions       []string `yaml:"regions"`
	Block         []string `yaml:"block"`
	Warn          []string `yaml:"warn"`
}

// policyKeys are the keys of a policy file.
var policyKeys = []string{"name", "min_confidence", "bulk_threshold", "unreadable", "regions", "block", "warn"}

// Parse reads a policy from YAML (see the package documentation for the
// format). Unknown keys, unknown entity names, a value of the wrong type
// or out of range and a second YAML document are errors; keys left out
// keep the default's value, except that block and warn go together: give
// either and the other is empty. name, when left out, is defaultName.
func Parse(b []byte, defaultName string) (*Policy, error) {
	if len(b) > maxPolicyBytes {
		return nil, fmt.Errorf("policy is over %d bytes", maxPolicyBytes)
	}
	// The node tree tells which keys are present and catches what the
	// decoder would let by or word obscurely: a document that is not a
	// mapping, unknown keys, keys without a value, a fractional threshold.
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("policy is empty")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping of settings (%s)", root.Line, strings.Join(policyKeys, ", "))
	}
	present := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return nil, fmt.Errorf("line %d: %s has no value (for an empty list write [])", k.Line, k.Value)
		}
		// The decoder would truncate 2.5 to 2.
		if k.Value == "bulk_threshold" && v.Kind == yaml.ScalarNode && v.Tag != "!!int" {
			return nil, fmt.Errorf("line %d: bulk_threshold %q: want a whole number", k.Line, v.Value)
		}
		if !slices.Contains(policyKeys, k.Value) {
			return nil, fmt.Errorf("line %d: unknown key %q (known: %s)", k.Line, k.Value, strings.Join(policyKeys, ", "))
		}
		present[k.Value] = true
	}

	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f policyFile
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("only one YAML document is allowed")
	}

	p := Default()
	p.Name = defaultName
	if present["name"] {
		p.Name = f.Name
	}
	if f.MinConfidence != nil {
		p.MinConfidence = *f.MinConfidence
	}
	if f.BulkThreshold != nil {
		p.BulkThreshold = *f.BulkThreshold
	}
	if present["unreadable"] {
		p.Unreadable = Decision(f.Unreadable)
	}
	if present["regions"] {
		p.Regions = f.Regions
	}
	if present["block"] || present["warn"] {
		p.Block, p.Warn = entities(f.Block), entities(f.Warn)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func entities(names []string) []scan.Entity {
	out := make([]scan.Entity, len(names))
	for i, n := range names {
		out[i] = scan.Entity(n)
	}
	return out
}

// LoadFile reads and validates the policy file at path. Its name, unless
// the file sets one, is the file's base name without extension (or
// "custom" when that is not a valid name).
func LoadFile(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPolicyBytes+1))
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if !validName.MatchString(name) {
		name = "custom"
	}
	return Parse(b, name)
}
