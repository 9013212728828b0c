package importer

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"custodia/internal/apperr"
	"custodia/internal/fieldtype"
	"custodia/internal/scan/detect"
	"custodia/internal/vault"
)

// plan is how the columns of one table (a CSV file, a sheet) become a
// record: the field of each column, nil when it is not mapped.
type plan struct {
	header []string
	fields []*vault.Field
	ignore []bool
}

// newPlan applies m to a table's header. A mapping that names a field the
// collection does not declare is an error, and so is a header the table
// has twice (or in two spellings the mapping does not tell apart) when
// the mapping maps it to a field: the mapping cannot say which column is
// meant. A table none of whose columns is mapped gets a plan that rejects
// its rows.
func newPlan(header []string, m Mapping, c *vault.Collection) (*plan, error) {
	p := &plan{header: header, fields: make([]*vault.Field, len(header)), ignore: make([]bool, len(header))}
	mappedAt := map[string]int{} // normalised header -> its first mapped column
	fieldAt := map[string]int{}  // field -> its first column
	for j, h := range header {
		name, ok := m.fieldAt(j, h)
		switch {
		case !ok:
		case name == Ignore:
			p.ignore[j] = true
		default:
			key := norm.NFC.String(strings.ToLower(strings.TrimSpace(h)))
			if first, dup := mappedAt[key]; dup {
				return nil, apperr.Newf(apperr.Invalid, "mapping_header_duplicated",
					"the header %s appears twice (columns %d and %d) and the mapping maps it to field %q: rename one of the columns in the file so that each mapped header is unique",
					strconv.Quote(h), first+1, j+1, name)
			}
			mappedAt[key] = j
			f, ok := c.Field(name)
			if !ok {
				return nil, apperr.Newf(apperr.Invalid, "unknown_field", "the mapping names field %q, which collection %s does not declare", name, c.Name)
			}
			// Several columns of a field that holds one value (a phone and
			// a mobile column, one phone field) are alternatives: the
			// first non-empty one gives the value (see build).
			if _, seen := fieldAt[name]; !seen {
				fieldAt[name] = j
			}
			p.fields[j] = f
		}
	}
	return p, nil
}

// joinable reports whether several columns of a table may fill one field
// of type t, joined with a space ("Họ" and "Tên" into a name, street and
// city into an address); the other types hold one value each.
func joinable(t fieldtype.Type) bool {
	return t == fieldtype.Name || t == fieldtype.Address || t == fieldtype.Text
}

// sameValue reports whether two cells mapped to one field hold the same
// value, however written: "0912 345 602" and "+84 912 345 602", or
// "Case.Diff@example.com" and "case.diff@example.com" (QA: CRM exports
// repeat a number in their phone and mobile columns, and such rows were
// rejected as holding two values).
func sameValue(t fieldtype.Type, a, b string) bool {
	if a == b {
		return true
	}
	if t == fieldtype.Phone {
		return samePhone(a, b)
	}
	na, errA := t.Normalize(a, fieldtype.Options{})
	nb, errB := t.Normalize(b, fieldtype.Options{})
	return errA == nil && errB == nil && na == nb
}

// samePhone reports whether two phone numbers have the same digits, one
// perhaps with a country code (1 to 3 digits) where the other has its
// trunk 0: 0912345602 and +84912345602.
func samePhone(a, b string) bool {
	da, db := phoneDigits(a), phoneDigits(b)
	if da == "" || db == "" {
		return false
	}
	if da == db {
		return true
	}
	if len(da) > len(db) {
		da, db = db, da
	}
	national := strings.TrimPrefix(da, "0")
	cc := len(db) - len(national)
	return len(national) >= 6 && cc >= 1 && cc <= 3 && strings.HasSuffix(db, national) && (national != da || strings.HasPrefix(b, "+") || strings.HasPrefix(a, "+"))
}

// phoneDigits returns the digits of a phone number, without a leading 00.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return strings.TrimPrefix(b.String(), "00")
}

// rowData is a row's values by field, before validation.
type rowData struct {
	data map[string]any
	// personal names an unmapped column in which the detectors found
	// personal data, with the entity; "" when there is none.
	personal string
	// twoValues names a field that holds one value for which the row's
	// columns give two different ones; "" when there is none.
	twoValues string
}

// build gathers a row's mapped values and checks its unmapped cells for
// personal data with ss. Several columns of a joinable field (a name, an
// address, a text) are joined with a space, in column order; of a field
// that holds one value, the first non-empty column gives it, and another
// column with a different value makes the row's twoValues.
func (p *plan) build(cells []string, ss *detect.Session) rowData {
	out := rowData{data: map[string]any{}}
	for j, cell := range cells {
		v := strings.TrimSpace(cell)
		if v == "" {
			continue
		}
		if j >= len(p.fields) {
			if out.personal == "" && sessionEntity(ss, v, "") != "" {
				out.personal = fmt.Sprintf("column %d", j+1)
			}
			continue
		}
		f := p.fields[j]
		if f == nil {
			if !p.ignore[j] && out.personal == "" {
				if ent := sessionEntity(ss, v, p.header[j]); ent != "" {
					out.personal = columnLabel(j, p.header[j], string(ent))
				}
			}
			continue
		}
		if f.Type == fieldtype.Date {
			v = isoDate(v)
		}
		if prev, ok := out.data[f.Name]; ok {
			if !joinable(f.Type) {
				if !sameValue(f.Type, prev.(string), v) && out.twoValues == "" {
					out.twoValues = f.Name
				}
				continue
			}
			v = prev.(string) + " " + v
		}
		out.data[f.Name] = v
	}
	return out
}

// mapped reports whether any column of the table is mapped to a field.
func (p *plan) mapped() bool {
	for _, f := range p.fields {
		if f != nil {
			return true
		}
	}
	return false
}

// isoDate rewrites a day-first date as spreadsheets in Vietnam and Europe
// write it (31/12/1990, 31-12-1990, 31.12.1990) as 1990-12-31; anything
// else is returned as it is, for the field type to judge.
func isoDate(v string) string {
	sep := strings.IndexAny(v, "/-.")
	if sep < 1 || sep > 2 {
		return v
	}
	parts := strings.Split(v, v[sep:sep+1])
	if len(parts) != 3 || len(parts[2]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 {
		return v
	}
	for _, p := range parts {
		for _, r := range p {
			if r < '0' || r > '9' {
				return v
			}
		}
	}
	pad := func(s string) string {
		if len(s) == 1 {
			return "0" + s
		}
		return s
	}
	return parts[2] + "-" + pad(parts[1]) + "-" + pad(parts[0])
}
