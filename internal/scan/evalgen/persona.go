package evalgen

// persona is a made-up person. Values are drawn the first time a document
// mentions them, then reused, so a person keeps one phone number, one
// address and one birthday across a document.
type persona struct {
	region region
	name   fullName
	female bool
	birth  date
	vals   map[string]string
}

// newPersona draws a person from a region.
func newPersona(g *gen, r region) *persona {
	return &persona{region: r, name: newName(g, r), female: g.chance(0.5), birth: newBirthDate(g)}
}

// memo returns the person's value for key, drawing it with f the first
// time.
func (p *persona) memo(key string, f func() string) string {
	if v, ok := p.vals[key]; ok {
		return v
	}
	if p.vals == nil {
		p.vals = make(map[string]string, 4)
	}
	v := f()
	p.vals[key] = v
	return v
}

// group is the template region group the person belongs to.
func (p *persona) group() string {
	switch p.region {
	case regionVN:
		return "vn"
	case regionUS:
		return "us"
	case regionIN:
		return "in"
	case regionGB, regionDE, regionFR:
		return "eu"
	}
	return ""
}

// regionFor draws a region for a person in a document of a language and a
// template needing a region group ("vn", "us", "in", "eu" or "" for any).
func regionFor(g *gen, lang, need string) region {
	switch need {
	case "vn":
		return regionVN
	case "us":
		return regionUS
	case "in":
		return regionIN
	case "eu":
		return pick(g, []region{regionGB, regionDE, regionFR})
	}
	if lang == "vi" {
		return pickWeighted(g, []weighted[region]{{85, regionVN}, {4, regionUS}, {3, regionIN}, {3, regionSG}, {2, regionDE}, {2, regionFR}, {1, regionGB}})
	}
	return pickWeighted(g, []weighted[region]{{25, regionUS}, {15, regionGB}, {25, regionIN}, {8, regionDE}, {8, regionFR}, {7, regionBR}, {12, regionSG}})
}
