package importer

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

// Ignore, as a mapping's field, marks a column left out on purpose: its
// values are not imported and not checked for personal data.
const Ignore = "-"

// Mapping maps a file's column headers to a collection's field names (or
// Ignore). Several columns may map to one field ("First Name" and "Last
// Name" to name): their values are joined with a space, in the file's
// column order.
type Mapping map[string]string

// maxHeader is the longest column header a mapping accepts.
const maxHeader = 128

var mappedField = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,62}$`)

// ParseMapping parses the command-line form of a mapping:
// `Họ tên=name,SĐT=phone,Email=email`. Pairs are separated by commas and
// split at their last "="; a header holding a comma is written in double
// quotes (`"Name, full"=name`, with "" for a quote). Headers are trimmed;
// a field is a field name or "-" to ignore the column. A column without a
// header is named by its number from 1, after "#": `#5=-` ignores the
// fifth column when its header is blank. Errors name the pair by
// position, never quote it.
func ParseMapping(s string) (Mapping, error) {
	pairs, err := splitPairs(s)
	if err != nil {
		return nil, err
	}
	m := Mapping{}
	for i, p := range pairs {
		if err := m.addPair(fmt.Sprintf("mapping pair %d", i+1), p); err != nil {
			return nil, err
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("the mapping is empty")
	}
	return m, nil
}

// ParseMappingLines parses a mapping file: one HEADER=FIELD per line, so
// a header may hold commas (`Tel, mobile=phone`) and is split from its
// field at the line's last "=" (a header holding "=" is written in double
// quotes, as in ParseMapping). Blank lines, and lines starting with "#"
// other than a column number's `#5=-`, are left out; a byte order mark
// and CRLF line ends are accepted. Errors name the line by number, never
// quote it.
func ParseMappingLines(text string) (Mapping, error) {
	m := Mapping{}
	for i, line := range strings.Split(strings.TrimPrefix(text, "\ufeff"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") && !columnNumberPair.MatchString(line) {
			continue
		}
		label := fmt.Sprintf("mapping line %d", i+1)
		p := pair{text: line, quoted: -1}
		if strings.HasPrefix(line, `"`) {
			pairs, err := splitPairs(line)
			if err != nil || len(pairs) != 1 {
				return nil, fmt.Errorf("%s: want \"HEADER\"=FIELD", label)
			}
			p = pairs[0]
		}
		if err := m.addPair(label, p); err != nil {
			return nil, err
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("the mapping is empty")
	}
	return m, nil
}

// columnNumberPair is a mapping file line that maps a column by number.
var columnNumberPair = regexp.MustCompile(`^#[0-9]+\s*=`)

// addPair checks one HEADER=FIELD as written and adds it to m; label
// names it in errors.
func (m Mapping) addPair(label string, p pair) error {
	eq := strings.LastIndexByte(p.text, '=')
	if p.quoted >= 0 {
		eq = strings.IndexByte(p.text[p.quoted:], '=')
		if eq >= 0 {
			if strings.TrimSpace(p.text[p.quoted:p.quoted+eq]) != "" {
				return fmt.Errorf("%s: want \"HEADER\"=FIELD", label)
			}
			eq += p.quoted
		}
	}
	if eq < 0 {
		return fmt.Errorf("%s: want HEADER=FIELD", label)
	}
	header, field := strings.TrimSpace(p.text[:eq]), strings.TrimSpace(p.text[eq+1:])
	if p.quoted >= 0 {
		header = p.header
	}
	switch {
	case header == "":
		return fmt.Errorf("%s: the header is empty (a column without a header is named by its number: #5=-)", label)
	case len(header) > maxHeader || !utf8.ValidString(header):
		return fmt.Errorf("%s: the header must be valid UTF-8 of at most %d bytes", label, maxHeader)
	case field != Ignore && !mappedField.MatchString(field):
		return fmt.Errorf("%s: the field must be a field name or %q", label, Ignore)
	}
	if _, dup := m[header]; dup {
		return fmt.Errorf("%s: its header is mapped twice", label)
	}
	m[header] = field
	return nil
}

// pair is one HEADER=FIELD of a mapping as written.
type pair struct {
	text   string
	header string // the unquoted header when it was quoted
	quoted int    // offset in text just after the closing quote, -1 when unquoted
}

// splitPairs splits at the commas outside double quotes.
func splitPairs(s string) ([]pair, error) {
	var out []pair
	for rest := s; ; {
		p := pair{quoted: -1}
		t := strings.TrimLeft(rest, " \t")
		if strings.HasPrefix(t, `"`) {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(t[i:], '"')
				if j < 0 {
					return nil, fmt.Errorf("mapping pair %d: unterminated quote", len(out)+1)
				}
				b.WriteString(t[i : i+j])
				i += j + 1
				if i < len(t) && t[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			p.header = strings.TrimSpace(b.String())
			end := strings.IndexByte(t[i:], ',')
			if end < 0 {
				p.text, p.quoted = t, i
				out = append(out, p)
				return out, nil
			}
			p.text, p.quoted = t[:i+end], i
			out = append(out, p)
			rest = t[i+end+1:]
			continue
		}
		end := strings.IndexByte(rest, ',')
		if end < 0 {
			if strings.TrimSpace(rest) != "" || len(out) == 0 {
				p.text = rest
				out = append(out, p)
			}
			return out, nil
		}
		p.text = rest[:end]
		out = append(out, p)
		rest = rest[end+1:]
	}
}

// String renders m in the form ParseMapping reads, headers sorted.
func (m Mapping) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(k, `,"=`) || strings.TrimSpace(k) != k {
			b.WriteString(`"` + strings.ReplaceAll(k, `"`, `""`) + `"`)
		} else {
			b.WriteString(k)
		}
		b.WriteByte('=')
		b.WriteString(m[k])
	}
	return b.String()
}

// field returns the field m gives a column header: that of the header as
// written, else that of a header equal to it once both are in Unicode NFC
// and case-folded (a mapping typed on a terminal may use another Unicode
// form than the file).
func (m Mapping) field(h string) (string, bool) {
	if f, ok := m[h]; ok {
		return f, true
	}
	h = norm.NFC.String(strings.TrimSpace(h))
	for k, f := range m {
		if strings.EqualFold(norm.NFC.String(k), h) {
			return f, true
		}
	}
	return "", false
}

// MatchFields returns the fields m maps that can match a row to a person
// already in the vault: indexed or unique ones. With none, every row
// becomes a new person, whoever it is.
func MatchFields(m Mapping, c *vault.Collection) []string {
	var out []string
	for _, name := range m {
		if f, ok := c.Field(name); ok && f.Lookup() && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// headerTest returns a test of whether a row is the header this mapping
// was written for: one holding every header it names (columns named by
// number aside), as Mapping.field matches them. A title row of several
// cells above the header then is not taken for it (QA: "Báo cáo khách
// hàng,Tháng 11/2026,Người lập,…" was). nil when the mapping names no
// header.
func (m Mapping) headerTest() func([]string) bool {
	var names []string
	for k := range m {
		if !strings.HasPrefix(k, "#") {
			names = append(names, norm.NFC.String(strings.TrimSpace(k)))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return func(cells []string) bool {
		for _, n := range names {
			if !slices.ContainsFunc(cells, func(c string) bool { return strings.EqualFold(norm.NFC.String(strings.TrimSpace(c)), n) }) {
				return false
			}
		}
		return true
	}
}

// fieldAt returns the field m gives column j (from 0) of a table whose
// header there is h: by the header, or, for a column without one, by its
// number ("#5").
func (m Mapping) fieldAt(j int, h string) (string, bool) {
	if strings.TrimSpace(h) == "" {
		f, ok := m["#"+strconv.Itoa(j+1)]
		return f, ok
	}
	return m.field(h)
}

// columnLabel names column j (from 0), whose header is h, where the
// detectors found ent, in a reject reason: by its header, or, without
// one, by the number a mapping names it with (`column #5 (no header,
// PHONE_NUMBER)`, ignored by #5=-).
func columnLabel(j int, h, ent string) string {
	if strings.TrimSpace(h) == "" {
		return fmt.Sprintf("column #%d (no header, %s)", j+1, ent)
	}
	return fmt.Sprintf("column %q (%s)", h, ent)
}

// checkMapping checks, before any row is read, that every field a mapping
// names is declared by the collection.
func checkMapping(m Mapping, c *vault.Collection) error {
	for _, h := range slices.Sorted(maps.Keys(m)) {
		if f := m[h]; f != Ignore {
			if _, ok := c.Field(f); !ok {
				return apperr.Newf(apperr.Invalid, "unknown_field", "the mapping names field %q, which collection %s does not declare", f, c.Name)
			}
		}
	}
	return nil
}

// checkHeaders checks a given mapping against a table's header: a header
// the mapping names but the table lacks is a mistake (a misspelt column)
// when the table also has columns the mapping leaves out. A workbook's
// sheets may have different columns, so a mapping may name headers of
// other sheets as long as it accounts for every column of this one.
// Unmapped columns are named by position only: a file without a header
// line has personal data in its first row.
func checkHeaders(m Mapping, header []string) error {
	var missing []string
	for _, h := range slices.Sorted(maps.Keys(m)) {
		found := false
		for j, col := range header {
			if _, ok := (Mapping{h: ""}).fieldAt(j, col); ok {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, strconv.Quote(h))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var unmapped []string
	for j, col := range header {
		if _, ok := m.fieldAt(j, col); !ok && strings.TrimSpace(col) != "" {
			unmapped = append(unmapped, strconv.Itoa(j+1))
		}
	}
	if len(unmapped) == 0 {
		return nil
	}
	return apperr.Newf(apperr.Invalid, "mapping_header_missing",
		"the mapping names %s, which the table's header does not have, and leaves column(s) %s unmapped: check the spelling against the header line, or map every column (\"-\" ignores one)",
		strings.Join(missing, ", "), strings.Join(unmapped, ", "))
}
