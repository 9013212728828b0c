package evalgen

import (
	"math"
	"strings"
	"testing"

	"custodia/internal/scan"
)

// doc builds a document named "d" with labels given as entity and span.
func doc(labels ...Label) []Doc {
	return []Doc{{Name: "d", Content: make([]byte, 100), Labels: labels}}
}

func lab(e scan.Entity, start, end int) Label { return Label{Entity: e, Start: start, End: end} }

func find(e scan.Entity, start, end int) scan.Finding {
	return scan.Finding{Entity: e, Start: start, End: end}
}

func TestScore(t *testing.T) {
	const (
		email = scan.EmailAddress
		phone = scan.PhoneNumber
	)
	tests := []struct {
		name     string
		docs     []Doc
		findings map[string][]scan.Finding
		want     map[scan.Entity]Metrics
	}{
		{
			name:     "perfect",
			docs:     doc(lab(email, 0, 10), lab(phone, 20, 30)),
			findings: map[string][]scan.Finding{"d": {find(email, 0, 10), find(phone, 20, 30)}},
			want: map[scan.Entity]Metrics{
				email: {TP: 1, Precision: 1, Recall: 1, F2: 1},
				phone: {TP: 1, Precision: 1, Recall: 1, F2: 1},
			},
		},
		{
			name: "all missed",
			docs: doc(lab(email, 0, 10), lab(email, 40, 50), lab(phone, 20, 30)),
			want: map[scan.Entity]Metrics{email: {FN: 2}, phone: {FN: 1}},
		},
		{
			name:     "all false",
			docs:     doc(),
			findings: map[string][]scan.Finding{"d": {find(email, 0, 10), find(email, 20, 30)}},
			want:     map[scan.Entity]Metrics{email: {FP: 2}},
		},
		{
			name:     "partial overlaps count, touching spans do not",
			docs:     doc(lab(email, 10, 20), lab(phone, 40, 50)),
			findings: map[string][]scan.Finding{"d": {find(email, 15, 25), find(phone, 50, 60)}},
			want: map[scan.Entity]Metrics{
				email: {TP: 1, Precision: 1, Recall: 1, F2: 1},
				phone: {FP: 1, FN: 1},
			},
		},
		{
			name:     "overlap with another entity is a miss and a false positive",
			docs:     doc(lab(email, 0, 10)),
			findings: map[string][]scan.Finding{"d": {find(phone, 0, 10)}},
			want:     map[scan.Entity]Metrics{email: {FN: 1}, phone: {FP: 1}},
		},
		{
			name:     "two findings on one label: one true, one false",
			docs:     doc(lab(phone, 0, 12)),
			findings: map[string][]scan.Finding{"d": {find(phone, 0, 4), find(phone, 6, 12)}},
			want:     map[scan.Entity]Metrics{phone: {TP: 1, FP: 1, Precision: 0.5, Recall: 1, F2: 5 * 0.5 / (4*0.5 + 1)}},
		},
		{
			name:     "one finding over two labels matches one",
			docs:     doc(lab(phone, 0, 10), lab(phone, 12, 20)),
			findings: map[string][]scan.Finding{"d": {find(phone, 0, 20)}},
			want:     map[scan.Entity]Metrics{phone: {TP: 1, FN: 1, Precision: 1, Recall: 0.5, F2: 5 * 0.5 / (4 + 0.5)}},
		},
		{
			name: "matching is maximum whatever the finding order",
			docs: doc(lab(email, 0, 5), lab(email, 8, 12)),
			// the wide finding first could take the first label and
			// strand the narrow one; a maximum matching pairs both
			findings: map[string][]scan.Finding{"d": {find(email, 0, 12), find(email, 0, 3)}},
			want:     map[scan.Entity]Metrics{email: {TP: 2, Precision: 1, Recall: 1, F2: 1}},
		},
		{
			name: "mixed counts",
			docs: doc(lab(email, 0, 5), lab(email, 10, 15), lab(email, 20, 25), lab(email, 30, 35)),
			findings: map[string][]scan.Finding{"d": {find(email, 0, 5), find(email, 10, 15), find(email, 60, 70)},
				"unknown": {find(email, 0, 5)}},
			want: map[scan.Entity]Metrics{email: {TP: 2, FP: 2, FN: 2, Precision: 0.5, Recall: 0.5, F2: 0.5}},
		},
		{
			name:     "high precision, low recall",
			docs:     doc(lab(email, 0, 5), lab(email, 10, 15), lab(email, 20, 25), lab(email, 30, 35)),
			findings: map[string][]scan.Finding{"d": {find(email, 1, 2)}},
			want:     map[scan.Entity]Metrics{email: {TP: 1, FN: 3, Precision: 1, Recall: 0.25, F2: 1.25 / 4.25}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.docs, tt.findings)
			if len(got.PerEntity) != len(tt.want) {
				t.Errorf("PerEntity has %d entities, want %d: %+v", len(got.PerEntity), len(tt.want), got.PerEntity)
			}
			for e, w := range tt.want {
				g := got.PerEntity[e]
				if g.TP != w.TP || g.FP != w.FP || g.FN != w.FN || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F2, w.F2) {
					t.Errorf("%s = %+v, want %+v", e, g, w)
				}
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestScoreLabelsAgainstThemselves(t *testing.T) {
	findings := map[string][]scan.Finding{}
	for _, d := range corpusForTests {
		for _, l := range d.Labels {
			findings[d.Name] = append(findings[d.Name], find(l.Entity, l.Start, l.End))
		}
	}
	m := Score(corpusForTests, findings).Micro()
	if m.FP != 0 || m.FN != 0 || m.TP == 0 || m.F2 != 1 {
		t.Errorf("labels as findings: %+v, want all true positives", m)
	}
}

func TestMicro(t *testing.T) {
	r := Report{PerEntity: map[scan.Entity]Metrics{
		scan.EmailAddress: newMetrics(3, 1, 0),
		scan.PhoneNumber:  newMetrics(1, 1, 4),
	}}
	want := newMetrics(4, 2, 4)
	if got := r.Micro(); got != want {
		t.Errorf("Micro() = %+v, want %+v", got, want)
	}
	if !near(want.Precision, 4.0/6) || !near(want.Recall, 0.5) || !near(want.F2, 5*(4.0/6)*0.5/(4*4.0/6+0.5)) {
		t.Errorf("newMetrics(4, 2, 4) = %+v", want)
	}
}

func TestTable(t *testing.T) {
	r := Report{PerEntity: map[scan.Entity]Metrics{
		scan.EmailAddress: newMetrics(3, 1, 0),
		scan.Person:       newMetrics(10, 5, 5),
		"CUSTOM":          newMetrics(0, 2, 0),
	}}
	lines := strings.Split(strings.TrimSuffix(r.Table(), "\n"), "\n")
	if want := 1 + len(scan.Entities) + 1 + 2; len(lines) != want {
		t.Fatalf("Table has %d lines, want %d:\n%s", len(lines), want, r.Table())
	}
	for i, l := range lines {
		if len(l) != len(lines[0]) {
			t.Errorf("line %d is %d wide, want %d: %q", i, len(l), len(lines[0]), l)
		}
	}
	for i, e := range scan.Entities {
		if !strings.HasPrefix(lines[1+i], string(e)+" ") {
			t.Errorf("line %d = %q, want entity %s", 1+i, lines[1+i], e)
		}
	}
	tests := []struct{ line, want string }{
		{lines[1], "EMAIL_ADDRESS          3       1       0     0.750   1.000   0.938"},
		{lines[1+len(scan.Entities)], "CUSTOM                 0       2       0     0.000   0.000   0.000"},
		{lines[len(lines)-1], "micro avg             13       8       5     0.619   0.722   0.699"},
	}
	for _, tt := range tests {
		if tt.line != tt.want {
			t.Errorf("line\n%q, want\n%q", tt.line, tt.want)
		}
	}
}
