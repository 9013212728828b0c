package incidents

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"
)

//go:embed drafts.tmpl
var draftsTmpl string

var drafts = template.Must(template.New("drafts").Funcs(template.FuncMap{
	"list": func(items []string) string {
		switch len(items) {
		case 0:
			return "our systems"
		case 1:
			return items[0]
		}
		return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
	},
	"listVI": func(items []string) string {
		switch len(items) {
		case 0:
			return "các hệ thống của chúng tôi"
		case 1:
			return items[0]
		}
		return strings.Join(items[:len(items)-1], ", ") + " và " + items[len(items)-1]
	},
}).Parse(draftsTmpl))

// vietnameseRegimes are the regimes whose notifications are drafted in
// Vietnamese: the authority and the people they go to read it.
var vietnameseRegimes = map[string]bool{"VN": true}

// Draft is a notification ready to be completed and sent: filled from the
// incident's counts, categories, systems, times and contact, never with
// personal data or the incident's free-text description.
type Draft struct {
	Regime    string `json:"regime"`
	Recipient string `json:"recipient"`
	Audience  string `json:"audience"`
	Text      string `json:"text"`
}

// draftData is what the templates see.
type draftData struct {
	Incident, To, Source, Due string
	Late                      bool
	Systems, Categories       []string
	Actor                     string
	WindowFrom, WindowTo      string
	Detected, Aware           string
	Affected, Total           int
	Contact                   string
}

// SystemKinds maps system ids to their kinds (crm, spreadsheet, vault, ...):
// drafts name the kind of system, never a system's name, which may name a
// person.
type SystemKinds map[string]string

// RenderDrafts renders one draft per clock that is not waived, in loc.
func (r Record) RenderDrafts(kinds SystemKinds, loc *time.Location, now time.Time) ([]Draft, error) {
	if loc == nil {
		loc = time.UTC
	}
	out := []Draft{}
	for _, c := range r.Clocks {
		if c.State == ClockWaived {
			continue
		}
		w := englishWords
		template := c.Audience
		if vietnameseRegimes[c.Regime] {
			w, template = vietnameseWords, c.Audience+"_vi"
		}
		at := func(t time.Time) string { return t.In(loc).Format(w.dateLayout) }
		var systems []string
		for _, id := range r.Systems {
			if k := w.kind(kinds[id]); !slices.Contains(systems, k) {
				systems = append(systems, k)
			}
		}
		var cats []string
		for _, cat := range r.Categories {
			// A notice is about people: system.* categories describe the
			// system, not the data subjects.
			if cat != "user" && !strings.HasPrefix(cat, "user.") {
				continue
			}
			if words := w.category(cat); !slices.Contains(cats, words) {
				cats = append(cats, words)
			}
		}
		actor := ""
		switch {
		case strings.HasPrefix(r.Actor, "token:"):
			actor = w.token
		case strings.HasPrefix(r.Actor, "user:"):
			actor = w.account
		}
		d := draftData{Incident: r.ID, To: c.To, Source: c.Source, Due: at(c.DueAt), Systems: systems, Categories: cats, Actor: actor,
			Detected: at(r.DetectedAt), Aware: at(r.BecameAwareAt), Affected: c.Affected, Total: r.Affected.Total, Contact: r.Contact,
			Late: !c.Immediate() && ((c.MetAt == nil && now.After(c.DueAt)) || (c.MetAt != nil && c.MetAt.After(c.DueAt)))}
		if r.Window != nil {
			d.WindowFrom, d.WindowTo = at(r.Window.From), at(r.Window.To)
		}
		var b strings.Builder
		if err := drafts.ExecuteTemplate(&b, template, d); err != nil {
			return nil, fmt.Errorf("incident draft %s %s: %w", c.Regime, c.Recipient, err)
		}
		out = append(out, Draft{Regime: c.Regime, Recipient: c.Recipient, Audience: c.Audience, Text: b.String()})
	}
	return out, nil
}

// kindWords describes a kind of system.
func kindWords(kind string) string {
	switch kind {
	case "vault":
		return "our customer database"
	case "crm":
		return "our CRM"
	case "":
		return "a system"
	}
	return "a " + strings.ReplaceAll(kind, "_", " ")
}

// categoryWords turns a fideslang category into words:
// user.contact.phone_number is "contact: phone number".
func categoryWords(c string) string {
	parts := strings.Split(strings.TrimPrefix(c, "user."), ".")
	if len(parts) == 1 && parts[0] == "user" {
		return "personal data"
	}
	last := strings.ReplaceAll(parts[len(parts)-1], "_", " ")
	if len(parts) == 1 {
		return last
	}
	return strings.ReplaceAll(parts[0], "_", " ") + ": " + last
}
