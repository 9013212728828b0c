package evalgen

import (
	"fmt"
	"slices"
	"strings"

	"custodia/internal/scan"
)

// Table formats the report as a fixed-width table: one row per entity in
// scan.Entities order (then any other entity the report holds, sorted),
// and a last row with the micro-average over all of them.
func (r Report) Table() string {
	var b strings.Builder
	row := func(name string, m Metrics) {
		fmt.Fprintf(&b, "%-16s %7d %7d %7d %9.3f %7.3f %7.3f\n", name, m.TP, m.FP, m.FN, m.Precision, m.Recall, m.F2)
	}
	fmt.Fprintf(&b, "%-16s %7s %7s %7s %9s %7s %7s\n", "ENTITY", "TP", "FP", "FN", "PRECISION", "RECALL", "F2")
	for _, e := range scan.Entities {
		row(string(e), r.PerEntity[e])
	}
	var extra []scan.Entity
	for e := range r.PerEntity {
		if !slices.Contains(scan.Entities, e) {
			extra = append(extra, e)
		}
	}
	slices.Sort(extra)
	for _, e := range extra {
		row(string(e), r.PerEntity[e])
	}
	b.WriteString(strings.Repeat("-", 16+8*3+10+8*2) + "\n")
	row("micro avg", r.Micro())
	return b.String()
}
