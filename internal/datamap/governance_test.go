package datamap

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"custodia/internal/apperr"
)

// wellFormed parses every token of doc with encoding/xml.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(doc)))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
	}
}

// TestValidateRefusesControlCharacters: a control character in a system's
// name, owner, retention, description (but a line break or a tab there),
// or in any entry of its lists is refused, naming the field.
func TestValidateRefusesControlCharacters(t *testing.T) {
	base := func() Input { return Input{Name: "CRM", Kind: "crm"} }
	for _, tc := range []struct {
		field string
		set   func(*Input)
	}{
		{"name", func(in *Input) { in.Name = "a\u0000b\u001b[31m" }},
		{"name", func(in *Input) { in.Name = "line\nbreak" }},
		{"name", func(in *Input) { in.Name = "c1\u0085x" }},
		{"name", func(in *Input) { in.Name = "nonchar\uFFFE" }},
		{"owner", func(in *Input) { in.Owner = "Lan\u0007" }},
		{"retention", func(in *Input) { in.Retention = "1 year\r\n" + "x" }},
		{"description", func(in *Input) { in.Description = "text\u0000" }},
		{"holders", func(in *Input) { in.Holders = []string{"an\u001bx"} }},
		{"jurisdictions", func(in *Input) { in.Jurisdictions = []string{"V\u0000N"} }},
		{"purposes", func(in *Input) { in.Purposes = []string{"support\u0001"} }},
		{"processors", func(in *Input) { in.Processors = []string{"prc\u0002"} }},
		{"match_hosts", func(in *Input) { in.Match.Hosts = []string{"host\u0000"} }},
		{"match_paths", func(in *Input) { in.Match.Paths = []string{"/srv/\u001b"} }},
	} {
		in := base()
		tc.set(&in)
		err := in.Validate()
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Code != "invalid_"+tc.field ||
			!strings.Contains(e.Message, strings.ReplaceAll(strings.Split(tc.field, "_")[0], "_", ".")) {
			t.Errorf("%s %+v: %v", tc.field, in, err)
		}
	}
	in := base()
	in.Description = "first line\r\nsecond\tline"
	if err := in.Validate(); err != nil {
		t.Errorf("a multi-line description: %v", err)
	}
}

// TestValidateRefusesUnknownVocabulary: categories must be fideslang user.*
// categories (or extensions below the top level), transfers ISO 3166-1
// alpha-2 countries; the error names the field and the value.
func TestValidateRefusesUnknownVocabulary(t *testing.T) {
	for _, tc := range []struct {
		in         Input
		code, want string
	}{
		{Input{Categories: []string{"user.totally.madeup"}}, "unknown_category", `categories: "user.totally.madeup"`},
		{Input{Categories: []string{"user.madeup"}}, "unknown_category", `"user.madeup"`},
		{Input{Categories: []string{"system.operations"}}, "unknown_category", `"system.operations"`},
		{Input{Categories: []string{"phone numbers"}}, "unknown_category", `categories: "phone numbers"`},
		{Input{Transfers: []string{"ZZ"}}, "unknown_country", `transfers: "ZZ"`},
		{Input{Transfers: []string{"EU"}}, "unknown_country", `"EU"`},
		{Input{Transfers: []string{"UK"}}, "unknown_country", `"UK"`},
		{Input{Transfers: []string{"sg"}}, "unknown_country", `"sg"`},
		{Input{Transfers: []string{"Singapore"}}, "unknown_country", `"Singapore"`},
	} {
		tc.in.Name, tc.in.Kind = "CRM", "crm"
		err := tc.in.Validate()
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Code != tc.code || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%+v: %v, want %s naming %s", tc.in, err, tc.code, tc.want)
		}
	}
	good := Input{Name: "CRM", Kind: "crm", Categories: []string{"user.contact.email", "user.contact.email.work", "user", "user.health_and_medical"},
		Transfers: []string{"SG", "US", "VN", "GB", "NO"}}
	if err := good.Validate(); err != nil {
		t.Errorf("known vocabulary refused: %v", err)
	}
}

// TestCheckKnown: jurisdictions the breach rules do not know and purposes
// not registered are refused, naming the field and the value.
func TestCheckKnown(t *testing.T) {
	k := Known{
		Jurisdiction: func(j string) bool { return j == "VN" || j == "GDPR" },
		Purpose:      func(p string) (bool, error) { return p == "support", nil },
	}
	in := Input{Jurisdictions: []string{"VN", "Narnia"}, Purposes: []string{"support"}}
	if e, ok := apperr.As(in.CheckKnown(k)); !ok || e.Code != "unknown_jurisdiction" || !strings.Contains(e.Message, `jurisdictions: "Narnia"`) {
		t.Errorf("Narnia: %v", e)
	}
	in = Input{Jurisdictions: []string{"GDPR"}, Purposes: []string{"support", "world_domination"}}
	if e, ok := apperr.As(in.CheckKnown(k)); !ok || e.Code != "unknown_purpose" || !strings.Contains(e.Message, `purposes: "world_domination"`) {
		t.Errorf("world_domination: %v", e)
	}
	in = Input{Jurisdictions: []string{"GDPR", "VN"}, Purposes: []string{"support"}}
	if err := in.CheckKnown(k); err != nil {
		t.Errorf("known names: %v", err)
	}
}

// TestSVGDropsCharactersXMLForbids: whatever a stored name holds (a NUL,
// an escape sequence, a non-character, invalid UTF-8), the picture is
// well-formed XML and keeps the rest of the name.
func TestSVGDropsCharactersXMLForbids(t *testing.T) {
	bad := "a\u0000b\u001b[31m\uFFFE\xff<c>"
	svg := SVG([]System{{Name: bad, Kind: "crm", Status: StatusShadow + "\u0001",
		Categories: []Category{{Category: "user.contact.email\u0000"}}, Processors: []string{"prc_1"}, Transfers: []string{"S\u0000G"},
		Migration: &Migration{State: "x\u0000"}}},
		[]Processor{{ID: "prc_1", Name: "Mail\u0000\u001b Co", Categories: []string{"user.name\u0007"}, Problem: "dpa_missing"}})
	wellFormed(t, svg)
	for _, want := range []string{"ab[31m", "&lt;c&gt;", "processor: Mail Co", "no signed DPA"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("svg lacks %q:\n%s", want, svg)
		}
	}
	if strings.ContainsAny(string(svg), "\u0000\u001b\u0001\u0007") {
		t.Error("a control character reached the picture")
	}
}

// TestSVGDrawsProcessorsSentCategories: a processor registered with the
// categories shared with it, named by no system, is drawn with a flow from
// those categories; one without a signed DPA is marked (red dashed
// edges, a dashed box and "no signed DPA"), an expired one "DPA expired";
// one with a current DPA is drawn plainly; one that receives nothing is
// not drawn.
func TestSVGDrawsProcessorsSentCategories(t *testing.T) {
	systems := []System{{ID: VaultID, Name: "Custodia vault", Kind: "vault", Status: StatusOfficial,
		Categories: []Category{{Category: "user.contact.email"}}}}
	svg := string(SVG(systems, []Processor{
		{ID: "prc_1", Name: "MailCo Newsletters", Categories: []string{"user.contact.email"}, Problem: "dpa_missing"},
		{ID: "prc_2", Name: "ShipIt Labels", Categories: []string{"user.contact.address"}, Problem: "dpa_expired"},
		{ID: "prc_3", Name: "Payer Cards", Categories: []string{"user.financial"}},
		{ID: "prc_4", Name: "Idle Tool"},
	}))
	wellFormed(t, []byte(svg))
	for _, want := range []string{"processor: MailCo Newsletters", "processor: ShipIt Labels", "processor: Payer Cards",
		"user.contact.address", "user.financial", // categories only processors receive are drawn too
		`class="flow dpa_missing"`, "no signed DPA", `class="flow dpa_expired"`, "DPA expired",
		`class="flow-line dpa_missing"`, `class="flow-line dpa_expired"`, `stroke="#c53030" stroke-width="2" stroke-dasharray="6 3"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	if strings.Contains(svg, "Idle Tool") {
		t.Error("a processor that receives no data is drawn")
	}
	if n := strings.Count(svg, `class="flow-line"`); n != 1 { // the category line to Payer Cards
		t.Errorf("%d plain flow lines, want 1:\n%s", n, svg)
	}
}

// TestProposalNameIsOneLine: a scan's host or root with control
// characters proposes a system whose name has none.
func TestProposalNameIsOneLine(t *testing.T) {
	p := Proposal("box\u0000", []string{"/srv/\u001b[31mleads\n"})
	if p.Name != "box: /srv/[31mleads" {
		t.Errorf("name %q", p.Name)
	}
	if in := (Input{Name: p.Name, Kind: p.Kind}); in.Validate() != nil {
		t.Errorf("the proposed name does not validate: %v", in.Validate())
	}
}
