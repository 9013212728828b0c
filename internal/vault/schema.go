package vault

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
)

// Collection kinds.
const (
	KindPersons = "persons" // one record is one subject's profile
	KindData    = "data"    // records point to an existing subject
)

// Sensitivity levels of a field.
var sensitivities = []string{"", "low", "medium", "high", "special"}

// Field is one declared field of a collection.
type Field struct {
	Name        string         `json:"name" yaml:"name"`
	Type        fieldtype.Type `json:"type" yaml:"type"`
	Category    string         `json:"category" yaml:"category"`
	Purposes    []string       `json:"purposes" yaml:"purposes"`
	Unique      bool           `json:"unique,omitempty" yaml:"unique,omitempty"`
	Indexed     bool           `json:"indexed,omitempty" yaml:"indexed,omitempty"`
	Required    bool           `json:"required,omitempty" yaml:"required,omitempty"`
	Sensitivity string         `json:"sensitivity,omitempty" yaml:"sensitivity,omitempty"`
	Format      string         `json:"format,omitempty" yaml:"format,omitempty"`
	Description string         `json:"description,omitempty" yaml:"description,omitempty"`
}

// Lookup reports whether the field has a blind index.
func (f *Field) Lookup() bool { return f.Unique || f.Indexed }

// Collection is a named, typed schema.
type Collection struct {
	Name        string    `json:"name" yaml:"name"`
	Kind        string    `json:"kind" yaml:"kind"`
	Description string    `json:"description,omitempty" yaml:"description,omitempty"`
	Fields      []Field   `json:"fields" yaml:"fields"`
	Version     int64     `json:"version,omitempty" yaml:"-"`
	CreatedAt   time.Time `json:"created_at,omitzero" yaml:"-"`
	UpdatedAt   time.Time `json:"updated_at,omitzero" yaml:"-"`

	byName map[string]int
}

var (
	collectionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,62}$`)
	fieldName      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,62}$`)
	purposeName    = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,99}$`)
)

// reservedFields cannot be field names: they are the record envelope's keys
// or request parameters.
var reservedFields = []string{"id", "subject", "data", "purpose", "limit", "after", "cursor"}

// Field returns the named field.
func (c *Collection) Field(name string) (*Field, bool) {
	if c.byName == nil {
		c.index()
	}
	i, ok := c.byName[name]
	if !ok {
		return nil, false
	}
	return &c.Fields[i], true
}

func (c *Collection) index() {
	c.byName = make(map[string]int, len(c.Fields))
	for i, f := range c.Fields {
		c.byName[f.Name] = i
	}
}

// DeclaresPurpose reports whether any field was collected for purpose.
func (c *Collection) DeclaresPurpose(purpose string) bool {
	for _, f := range c.Fields {
		if slices.Contains(f.Purposes, purpose) {
			return true
		}
	}
	return false
}

// Purposes lists the purposes the fields declare, sorted and unique.
func (c *Collection) Purposes() []string {
	var out []string
	for _, f := range c.Fields {
		out = append(out, f.Purposes...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func invalid(code, format string, args ...any) error {
	return apperr.Newf(apperr.Unprocessable, code, format, args...)
}

// Validate checks a collection definition. Messages name fields, which are
// schema, never values.
func (c *Collection) Validate() error {
	if !collectionName.MatchString(c.Name) {
		return invalid("invalid_collection_name", "collection name must match %s", collectionName)
	}
	if c.Kind == "" {
		c.Kind = KindPersons // the common case: one record per person
	}
	if c.Kind != KindPersons && c.Kind != KindData {
		return invalid("invalid_kind", "kind must be %q or %q", KindPersons, KindData)
	}
	if len(c.Fields) == 0 || len(c.Fields) > 200 {
		return invalid("invalid_fields", "a collection needs 1 to 200 fields")
	}
	seen := map[string]bool{}
	for i := range c.Fields {
		f := &c.Fields[i]
		if err := f.validate(); err != nil {
			return err
		}
		if seen[f.Name] {
			return invalid("duplicate_field", "field %q is declared twice", f.Name)
		}
		seen[f.Name] = true
	}
	c.index()
	return nil
}

func (f *Field) validate() error {
	if !fieldName.MatchString(f.Name) {
		return invalid("invalid_field_name", "field name %q must match %s", truncate(f.Name, 64), fieldName)
	}
	if slices.Contains(reservedFields, f.Name) {
		return invalid("reserved_field_name", "field name %q is reserved", f.Name)
	}
	t, err := fieldtype.Parse(string(f.Type))
	if err != nil {
		return invalid("invalid_field_type", "field %q: unknown type; known types are %v", f.Name, fieldtype.Known())
	}
	f.Type = t
	if err := fieldtype.ValidateFormat(t, f.Format); err != nil {
		return invalid("invalid_field_format", "field %q: %v", f.Name, err)
	}
	if !KnownCategory(f.Category) {
		return invalid("invalid_category", "field %q: category must be a fideslang data category key such as user.contact.email", f.Name)
	}
	if len(f.Purposes) == 0 {
		return invalid("missing_purposes", "field %q must declare the purposes it is collected for", f.Name)
	}
	for _, p := range f.Purposes {
		if !purposeName.MatchString(p) {
			return invalid("invalid_purpose", "field %q: purpose names must match %s", f.Name, purposeName)
		}
	}
	// A purpose named twice is named once (QA: [marketing, marketing]
	// was stored as given).
	var once []string
	for _, p := range f.Purposes {
		if !slices.Contains(once, p) {
			once = append(once, p)
		}
	}
	f.Purposes = once
	if f.Lookup() && !t.Indexable() {
		return invalid("not_indexable", "field %q: type %s cannot be indexed", f.Name, t)
	}
	if !slices.Contains(sensitivities, f.Sensitivity) {
		return invalid("invalid_sensitivity", "field %q: sensitivity must be one of low, medium, high, special", f.Name)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// CheckEvolution reports whether next may replace prev: fields may be added
// and their purposes, category and description changed, but a field's type,
// format and indexing cannot change and no field can be removed, because
// stored ciphertexts and index entries depend on them.
func CheckEvolution(prev, next *Collection) error {
	if prev.Kind != next.Kind {
		return apperr.New(apperr.Conflict, "schema_incompatible", "a collection's kind cannot change")
	}
	for _, pf := range prev.Fields {
		nf, ok := next.Field(pf.Name)
		if !ok {
			return apperr.Newf(apperr.Conflict, "schema_incompatible", "field %q cannot be removed", pf.Name)
		}
		if nf.Type != pf.Type || nf.Format != pf.Format || nf.Unique != pf.Unique || nf.Indexed != pf.Indexed {
			return apperr.Newf(apperr.Conflict, "schema_incompatible", "field %q cannot change type, format, unique or indexed", pf.Name)
		}
	}
	return nil
}

// ParseCollection decodes a stored schema.
func ParseCollection(row CollectionRow) (*Collection, error) {
	var c Collection
	if err := json.Unmarshal(row.Schema, &c); err != nil {
		return nil, fmt.Errorf("decode collection %s: %w", row.Name, err)
	}
	c.Version, c.CreatedAt, c.UpdatedAt = row.Version, row.CreatedAt, row.UpdatedAt
	c.index()
	return &c, nil
}
