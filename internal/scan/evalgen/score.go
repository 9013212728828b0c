package evalgen

import (
	"slices"

	"custodia/internal/scan"
)

// Metrics counts one entity's matches and derives the scores from them.
type Metrics struct {
	// TP counts findings matched to a label, FP findings matched to
	// none, FN labels no finding matched.
	TP, FP, FN int
	// Precision is TP/(TP+FP), Recall TP/(TP+FN), and F2 = 5PR/(4P+R),
	// which weighs recall four times as much as precision; each is 0
	// when undefined.
	Precision, Recall, F2 float64
}

// newMetrics derives the scores from the counts.
func newMetrics(tp, fp, fn int) Metrics {
	m := Metrics{TP: tp, FP: fp, FN: fn}
	if tp+fp > 0 {
		m.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		m.Recall = float64(tp) / float64(tp+fn)
	}
	if d := 4*m.Precision + m.Recall; d > 0 {
		m.F2 = 5 * m.Precision * m.Recall / d
	}
	return m
}

// Report holds the scores of a scanner over a set of documents.
type Report struct {
	// PerEntity has an entry for every entity with at least one label or
	// finding.
	PerEntity map[scan.Entity]Metrics
}

// Micro returns the micro-average over all entities: the scores of the
// summed counts.
func (r Report) Micro() Metrics {
	var tp, fp, fn int
	for _, m := range r.PerEntity {
		tp, fp, fn = tp+m.TP, fp+m.FP, fn+m.FN
	}
	return newMetrics(tp, fp, fn)
}

// Score matches findings, keyed by Doc.Name, against the documents'
// labels. A finding is a true positive when its span overlaps a label of
// the same entity; each label matches at most one finding and each
// finding at most one label, and the matching is a maximum one, so the
// order of findings does not matter. Findings left over are false
// positives (findings for names not among docs included), labels left
// over false negatives. Document names are taken to be unique, as
// Generate makes them.
func Score(docs []Doc, findings map[string][]scan.Finding) Report {
	type counts struct{ tp, fp, fn int }
	c := map[scan.Entity]*counts{}
	get := func(e scan.Entity) *counts {
		if c[e] == nil {
			c[e] = &counts{}
		}
		return c[e]
	}
	known := make(map[string]bool, len(docs))
	for _, d := range docs {
		known[d.Name] = true
		fs := findings[d.Name]
		for _, e := range entitiesOf(d.Labels, fs) {
			var ls [][2]int
			for _, l := range d.Labels {
				if l.Entity == e {
					ls = append(ls, [2]int{l.Start, l.End})
				}
			}
			var spans [][2]int
			for _, f := range fs {
				if f.Entity == e {
					spans = append(spans, [2]int{f.Start, f.End})
				}
			}
			tp := maxMatching(spans, ls)
			k := get(e)
			k.tp += tp
			k.fp += len(spans) - tp
			k.fn += len(ls) - tp
		}
	}
	for name, fs := range findings {
		if known[name] {
			continue
		}
		for _, f := range fs {
			get(f.Entity).fp++
		}
	}
	r := Report{PerEntity: make(map[scan.Entity]Metrics, len(c))}
	for e, k := range c {
		r.PerEntity[e] = newMetrics(k.tp, k.fp, k.fn)
	}
	return r
}

// entitiesOf lists the entities among labels and findings, sorted.
func entitiesOf(ls []Label, fs []scan.Finding) []scan.Entity {
	var es []scan.Entity
	for _, l := range ls {
		es = append(es, l.Entity)
	}
	for _, f := range fs {
		es = append(es, f.Entity)
	}
	slices.Sort(es)
	return slices.Compact(es)
}

// overlaps reports whether half-open spans a and b share a byte.
func overlaps(a, b [2]int) bool { return a[0] < b[1] && b[0] < a[1] }

// maxMatching returns the size of a maximum matching between findings and
// labels, an edge joining each overlapping pair (Kuhn's augmenting paths;
// overlaps are local, so the graph is sparse).
func maxMatching(findings, labels [][2]int) int {
	if len(findings) == 0 || len(labels) == 0 {
		return 0
	}
	slices.SortFunc(labels, func(a, b [2]int) int { return a[0] - b[0] })
	adj := make([][]int, len(findings))
	for i, f := range findings {
		for j, l := range labels {
			if l[0] >= f[1] {
				break
			}
			if overlaps(f, l) {
				adj[i] = append(adj[i], j)
			}
		}
	}
	owner := make([]int, len(labels))
	for j := range owner {
		owner[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for _, j := range adj[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || try(owner[j], seen) {
				owner[j] = i
				return true
			}
		}
		return false
	}
	n := 0
	seen := make([]bool, len(labels))
	for i := range findings {
		if len(adj[i]) == 0 {
			continue
		}
		clear(seen)
		if try(i, seen) {
			n++
		}
	}
	return n
}
