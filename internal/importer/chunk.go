package importer

import (
	"slices"

	"custodia/internal/fieldtype"
	"custodia/internal/scan/detect"
	"custodia/internal/vault"
)

// item is one row on its way through the pipeline.
type item struct {
	seq   int
	ref   string
	cells []string
	plan  *plan
	// unterminated: a quoted cell of the row is never closed (see
	// source.Row.Unterminated).
	unterminated bool

	// Set by validation: the row's values, its identifying values
	// ("field\x00normalised") or, for a row to reject, its code and reason.
	valid        vault.Valid
	keys         []string
	code, reason string
}

// chunk is a run of consecutive rows; ready is closed once they are
// validated.
type chunk struct {
	items []item
	ready chan struct{}
}

// validate checks the rows of the chunks it receives, on its own detector
// session.
func (r *run) validate(work <-chan *chunk) {
	sc := r.im.Scanner
	if sc == nil {
		sc = defaultScanner()
	}
	session := sc.NewSession()
	for ch := range work {
		for i := range ch.items {
			r.check(&ch.items[i], session)
		}
		close(ch.ready)
	}
}

// check validates one row: a mapped table, no personal data in unmapped
// columns, values valid for their fields' types.
func (r *run) check(it *item, session *detect.Session) {
	if it.unterminated {
		it.code, it.reason = "unterminated_quote", "a quoted cell that starts on this row is never closed, so the rest of the file was read as part of it: close the quote (\"\") and import the file again"
		return
	}
	if !it.plan.mapped() {
		it.code, it.reason = "no_mapped_column", "no column of this table is mapped to a field"
		return
	}
	rd := it.plan.build(it.cells, session)
	if rd.personal != "" {
		it.code, it.reason = "unmapped_personal_data", rd.personal+" holds personal data but is not mapped to a declared field; map it, or ignore it with \"-\""
		return
	}
	if rd.twoValues != "" {
		it.code, it.reason = "two_values", "two columns mapped to field \""+rd.twoValues+"\" hold different values and the field holds one: add a field for the other to the collection, or map one column to \"-\""
		return
	}
	valid, err := r.im.vault.Validate(r.c, rd.data)
	if err != nil {
		it.code, it.reason = reasonOf(err)
		return
	}
	it.valid = valid
	it.keys = r.indexKeys(valid)
}

// dedupTypes are the field types whose blind index identifies a person.
var dedupTypes = []fieldtype.Type{fieldtype.Email, fieldtype.Phone, fieldtype.NationalID}

// indexKeys lists a row's identifying values as "field\x00value".
func (r *run) indexKeys(v vault.Valid) []string {
	var keys []string
	for _, f := range r.c.Fields {
		s, ok := v.Value(f.Name)
		if ok && f.Lookup() && slices.Contains(dedupTypes, f.Type) {
			keys = append(keys, f.Name+"\x00"+s)
		}
	}
	return keys
}
