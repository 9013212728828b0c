package datamap

import (
	"bytes"
	"fmt"
	"html"
	"slices"
	"sort"
)

// Layout of the picture, in pixels.
const (
	svgRow     = 34
	svgBox     = 26
	svgTop     = 60
	svgColW    = 260
	svgGap     = 170
	svgPadding = 20
)

// Colours of systems by status.
var statusColour = map[string]string{StatusOfficial: "#2b6cb0", StatusShadow: "#c05621", StatusProposed: "#718096"}

// SVG draws the map: systems on the left (blue official, orange shadow,
// grey dashed proposed), the data categories they hold in the middle, and
// where their data flows on the right (processors, and countries it is
// transferred to), with a line for each link. processorNames maps
// processor ids to the names shown (an id is shown as is when missing).
func SVG(systems []System, processorNames map[string]string) []byte {
	sys := slices.Clone(systems)
	sort.Slice(sys, func(i, j int) bool { return sys[i].Name < sys[j].Name })
	var cats, flows []string
	for _, s := range sys {
		for _, c := range s.Categories {
			if !slices.Contains(cats, c.Category) {
				cats = append(cats, c.Category)
			}
		}
		for _, p := range s.Processors {
			if f := "processor: " + nameOr(processorNames, p); !slices.Contains(flows, f) {
				flows = append(flows, f)
			}
		}
		for _, t := range s.Transfers {
			if f := "country: " + t; !slices.Contains(flows, f) {
				flows = append(flows, f)
			}
		}
	}
	sort.Strings(cats)
	sort.Strings(flows)
	rows := max(len(sys), len(cats), len(flows), 1)
	width := svgPadding*2 + svgColW*3 + svgGap*2
	height := svgTop + rows*svgRow + svgPadding
	x := [3]int{svgPadding, svgPadding + svgColW + svgGap, svgPadding + 2*(svgColW+svgGap)}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<title>Custodia data map</title>` + "\n")
	for i, h := range []string{"Systems", "Data categories", "Flows (processors, countries)"} {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", x[i], svgTop-24, h)
	}
	y := func(i int) int { return svgTop + i*svgRow }
	// Links first, so that the boxes cover their ends.
	for i, s := range sys {
		for _, c := range s.Categories {
			j := slices.Index(cats, c.Category)
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#a0aec0"/>`+"\n", x[0]+svgColW, y(i)+svgBox/2, x[1], y(j)+svgBox/2)
		}
		for _, f := range flowsOf(s, processorNames) {
			j := slices.Index(flows, f)
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e53e3e" stroke-dasharray="4 3"/>`+"\n", x[0]+svgColW, y(i)+svgBox/2, x[2], y(j)+svgBox/2)
		}
	}
	for i, s := range sys {
		colour := statusColour[s.Status]
		if colour == "" {
			colour = "#4a5568"
		}
		dash, class, label := "", html.EscapeString(s.Status), s.Name+" ("+s.Kind+", "+s.Status+")"
		if s.Status == StatusProposed {
			dash = ` stroke-dasharray="5 3"`
		}
		if m := s.Migration; m != nil {
			// A migrated system: its data is in the vault; its copy is
			// to be destroyed (dashed) or destroyed (dotted, greyed).
			switch m.State {
			case MigrationDestroyed:
				dash, colour, label = ` stroke-dasharray="2 3"`, "#718096", s.Name+" (destroyed)"
			default:
				dash, label = ` stroke-dasharray="8 4"`, s.Name+" (copy to destroy)"
			}
			class += " migrated " + html.EscapeString(m.State)
		}
		fmt.Fprintf(&b, `<g class="system %s"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#fff" stroke="%s" stroke-width="2"%s/>`,
			class, x[0], y(i), svgColW, svgBox, colour, dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text></g>`+"\n", x[0]+8, y(i)+17, colour, html.EscapeString(clipLabel(label)))
	}
	for j, c := range cats {
		fmt.Fprintf(&b, `<g class="category"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#edf2f7" stroke="#a0aec0"/><text x="%d" y="%d">%s</text></g>`+"\n",
			x[1], y(j), svgColW, svgBox, x[1]+8, y(j)+17, html.EscapeString(clipLabel(c)))
	}
	for j, f := range flows {
		fmt.Fprintf(&b, `<g class="flow"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#fff5f5" stroke="#e53e3e"/><text x="%d" y="%d">%s</text></g>`+"\n",
			x[2], y(j), svgColW, svgBox, x[2]+8, y(j)+17, html.EscapeString(clipLabel(f)))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// flowsOf lists the flow labels of one system.
func flowsOf(s System, names map[string]string) []string {
	var out []string
	for _, p := range s.Processors {
		out = append(out, "processor: "+nameOr(names, p))
	}
	for _, t := range s.Transfers {
		out = append(out, "country: "+t)
	}
	return out
}

// nameOr returns names[id], or id when it has no name.
func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// clipLabel shortens a label to fit its box.
func clipLabel(s string) string {
	r := []rune(s)
	if len(r) > 38 {
		return string(r[:37]) + "…"
	}
	return s
}
