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
	svgBadge   = 130 // room right of the flows for a DPA problem
)

// Colours of systems by status.
var statusColour = map[string]string{StatusOfficial: "#2b6cb0", StatusShadow: "#c05621", StatusProposed: "#718096"}

// Processor is a registered processor as the picture draws it: its name
// ("vendor service"), the categories shared with it, and its DPA problem
// (dpa_missing, dpa_expired, dpa_expiring, or none).
type Processor struct {
	ID         string
	Name       string
	Categories []string
	Problem    string
}

// dpaWords says what a DPA problem is, in the picture.
var dpaWords = map[string]string{"dpa_missing": "no signed DPA", "dpa_expired": "DPA expired", "dpa_expiring": "DPA expiring"}

// flow is one box of the right column: a processor or a country.
type flow struct {
	label, problem string
}

// SVG draws the map: systems on the left (blue official, orange shadow,
// grey dashed proposed), the data categories they hold in the middle, and
// where their data flows on the right: processors and the countries it is
// transferred to, with a line for each link. A processor a system names
// is linked to that system; a processor that is sent categories is
// linked to those categories, so every processor that receives personal
// data is drawn, whether or not a system names it. A flow to a processor
// without a signed, current DPA is drawn red and dashed, its box dashed,
// with the problem beside it. procs are the registered processors (a
// processor a system names but procs lacks is shown by its id).
//
// Every text is stripped of the characters XML 1.0 forbids and escaped,
// so the picture is well-formed whatever the names hold.
func SVG(systems []System, procs []Processor) []byte {
	sys := slices.Clone(systems)
	sort.Slice(sys, func(i, j int) bool { return sys[i].Name < sys[j].Name })
	byID := map[string]Processor{}
	for _, p := range procs {
		byID[p.ID] = p
	}
	procOf := func(id string) Processor {
		if p, ok := byID[id]; ok {
			if p.Name == "" {
				p.Name = id
			}
			return p
		}
		return Processor{ID: id, Name: id}
	}
	var cats []string
	var flows []flow
	addFlow := func(f flow) {
		if i := slices.IndexFunc(flows, func(x flow) bool { return x.label == f.label }); i < 0 {
			flows = append(flows, f)
		} else if flows[i].problem == "" {
			flows[i].problem = f.problem
		}
	}
	addCat := func(c string) {
		if !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	for _, s := range sys {
		for _, c := range s.Categories {
			addCat(c.Category)
		}
		for _, p := range s.Processors {
			pr := procOf(p)
			addFlow(flow{"processor: " + pr.Name, pr.Problem})
		}
		for _, t := range s.Transfers {
			addFlow(flow{"country: " + t, ""})
		}
	}
	// Processors sent categories, named by a system or not.
	for _, p := range procs {
		if len(p.Categories) == 0 {
			continue
		}
		pr := procOf(p.ID)
		addFlow(flow{"processor: " + pr.Name, pr.Problem})
		for _, c := range p.Categories {
			addCat(c)
		}
	}
	sort.Strings(cats)
	sort.Slice(flows, func(i, j int) bool { return flows[i].label < flows[j].label })
	flowIndex := func(label string) int { return slices.IndexFunc(flows, func(f flow) bool { return f.label == label }) }
	rows := max(len(sys), len(cats), len(flows), 1)
	width := svgPadding*2 + svgColW*3 + svgGap*2 + svgBadge
	height := svgTop + rows*svgRow + svgPadding
	x := [3]int{svgPadding, svgPadding + svgColW + svgGap, svgPadding + 2*(svgColW+svgGap)}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<title>Custodia data map</title>` + "\n")
	for i, h := range []string{"Systems", "Data categories", "Flows (processors, countries)"} {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", x[i], svgTop-24, h)
	}
	y := func(i int) int { return svgTop + i*svgRow }
	line := func(x1, y1, x2, y2 int, problem string) {
		switch problem {
		case "dpa_missing", "dpa_expired":
			fmt.Fprintf(&b, `<line class="flow-line %s" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c53030" stroke-width="2" stroke-dasharray="6 3"/>`+"\n", problem, x1, y1, x2, y2)
		default:
			fmt.Fprintf(&b, `<line class="flow-line" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#dd6b20"/>`+"\n", x1, y1, x2, y2)
		}
	}
	// Links first, so that the boxes cover their ends.
	for i, s := range sys {
		for _, c := range s.Categories {
			j := slices.Index(cats, c.Category)
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#a0aec0"/>`+"\n", x[0]+svgColW, y(i)+svgBox/2, x[1], y(j)+svgBox/2)
		}
		for _, p := range s.Processors {
			pr := procOf(p)
			line(x[0]+svgColW, y(i)+svgBox/2, x[2], y(flowIndex("processor: "+pr.Name))+svgBox/2, pr.Problem)
		}
		for _, t := range s.Transfers {
			line(x[0]+svgColW, y(i)+svgBox/2, x[2], y(flowIndex("country: "+t))+svgBox/2, "")
		}
	}
	for _, p := range procs {
		pr := procOf(p.ID)
		for _, c := range p.Categories {
			line(x[1]+svgColW, y(slices.Index(cats, c))+svgBox/2, x[2], y(flowIndex("processor: "+pr.Name))+svgBox/2, pr.Problem)
		}
	}
	for i, s := range sys {
		colour := statusColour[s.Status]
		if colour == "" {
			colour = "#4a5568"
		}
		dash, class, label := "", text(s.Status), s.Name+" ("+s.Kind+", "+s.Status+")"
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
			class += " migrated " + text(m.State)
		}
		fmt.Fprintf(&b, `<g class="system %s"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#fff" stroke="%s" stroke-width="2"%s/>`,
			class, x[0], y(i), svgColW, svgBox, colour, dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text></g>`+"\n", x[0]+8, y(i)+17, colour, text(clipLabel(label)))
	}
	for j, c := range cats {
		fmt.Fprintf(&b, `<g class="category"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#edf2f7" stroke="#a0aec0"/><text x="%d" y="%d">%s</text></g>`+"\n",
			x[1], y(j), svgColW, svgBox, x[1]+8, y(j)+17, text(clipLabel(c)))
	}
	for j, f := range flows {
		words := dpaWords[f.problem]
		switch f.problem {
		case "dpa_missing", "dpa_expired":
			fmt.Fprintf(&b, `<g class="flow %s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#fff5f5" stroke="#c53030" stroke-width="2" stroke-dasharray="6 3"/><text x="%d" y="%d">%s</text><text class="dpa" x="%d" y="%d" fill="#c53030" font-weight="bold">⚠ %s</text></g>`+"\n",
				f.problem, text(f.label+": "+words), x[2], y(j), svgColW, svgBox, x[2]+8, y(j)+17, text(clipLabel(f.label)), x[2]+svgColW+8, y(j)+17, words)
		case "dpa_expiring":
			fmt.Fprintf(&b, `<g class="flow %s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#fffaf0" stroke="#dd6b20"/><text x="%d" y="%d">%s</text><text class="dpa" x="%d" y="%d" fill="#c05621">%s</text></g>`+"\n",
				f.problem, text(f.label+": "+words), x[2], y(j), svgColW, svgBox, x[2]+8, y(j)+17, text(clipLabel(f.label)), x[2]+svgColW+8, y(j)+17, words)
		default:
			fmt.Fprintf(&b, `<g class="flow"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#fffaf0" stroke="#dd6b20"/><text x="%d" y="%d">%s</text></g>`+"\n",
				x[2], y(j), svgColW, svgBox, x[2]+8, y(j)+17, text(clipLabel(f.label)))
		}
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// text makes s safe as XML character data or an attribute value: the
// characters XML 1.0 forbids dropped, the rest escaped.
func text(s string) string { return html.EscapeString(XMLSafe(s)) }

// clipLabel shortens a label to fit its box.
func clipLabel(s string) string {
	r := []rune(s)
	if len(r) > 38 {
		return string(r[:37]) + "…"
	}
	return s
}
