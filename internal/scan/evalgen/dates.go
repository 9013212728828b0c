package evalgen

import (
	"fmt"
	"time"
)

// date is a calendar day.
type date struct{ y, m, d int }

// newDate draws a day between the first of January of lo and the last of
// December of hi.
func newDate(g *gen, lo, hi int) date {
	y, m := g.between(lo, hi), g.between(1, 12)
	days := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return date{y, m, g.between(1, days)}
}

// newBirthDate draws the birthday of an adult or a teenager.
func newBirthDate(g *gen) date { return newDate(g, 1950, 2007) }

// newBusinessDate draws a recent day, as invoices and deliveries carry.
func newBusinessDate(g *gen) date { return newDate(g, 2023, 2025) }

// weekday is the English abbreviation of the day's weekday.
func (t date) weekday() string {
	return time.Date(t.y, time.Month(t.m), t.d, 0, 0, 0, 0, time.UTC).Weekday().String()[:3]
}

var monthsEN = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// formatDate writes a day in one of the forms used in a region.
func formatDate(g *gen, r region, t date) string {
	dmy := fmt.Sprintf("%02d/%02d/%d", t.d, t.m, t.y)
	iso := fmt.Sprintf("%d-%02d-%02d", t.y, t.m, t.d)
	switch r {
	case regionVN:
		return pickWeighted(g, []weighted[string]{{6, dmy}, {2, fmt.Sprintf("%02d-%02d-%d", t.d, t.m, t.y)}, {1, fmt.Sprintf("%d/%d/%d", t.d, t.m, t.y)}, {1, iso}})
	case regionUS:
		return pickWeighted(g, []weighted[string]{{5, fmt.Sprintf("%02d/%02d/%d", t.m, t.d, t.y)}, {3, fmt.Sprintf("%s %d, %d", monthsEN[t.m-1], t.d, t.y)}, {2, iso}})
	case regionDE:
		return pickWeighted(g, []weighted[string]{{7, fmt.Sprintf("%02d.%02d.%d", t.d, t.m, t.y)}, {3, iso}})
	case regionGB, regionIN, regionSG:
		return pickWeighted(g, []weighted[string]{{5, dmy}, {3, fmt.Sprintf("%d %s %d", t.d, monthsEN[t.m-1][:3], t.y)}, {2, iso}})
	default: // FR, BR
		return pickWeighted(g, []weighted[string]{{8, dmy}, {2, iso}})
	}
}
