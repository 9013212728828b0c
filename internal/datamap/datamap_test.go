package datamap

import (
	"encoding/xml"
	"strings"
	"testing"

	"custodia/internal/apperr"
)

func TestMatches(t *testing.T) {
	s := System{Match: Match{Hosts: []string{"Laptop-7"}, Paths: []string{"/home/an/exports/", "postgres://ro@crm/db"}}}
	for _, tc := range []struct {
		host  string
		roots []string
		want  bool
	}{
		{"laptop-7", []string{"/elsewhere"}, true},
		{"other", []string{"/home/an/exports"}, true},
		{"other", []string{"/home/an/exports/2026/q1"}, true},
		{"other", []string{"/home/an/exports-old"}, false},
		{"other", []string{"/home/an"}, false},
		{"other", []string{"postgres://ro@crm/db"}, true},
		{"other", []string{"postgres://ro@crm/db2"}, false},
	} {
		if got := s.Matches(tc.host, tc.roots); got != tc.want {
			t.Errorf("Matches(%q, %v) = %v", tc.host, tc.roots, got)
		}
	}
}

func TestProposal(t *testing.T) {
	p := Proposal("box", []string{"mysql://ro@crm/sales", "/srv"})
	if p.Kind != "database" || p.Name != "box: mysql://ro@crm/sales and others" || p.Status != StatusProposed || len(p.Match.Paths) != 2 {
		t.Errorf("proposal %+v", p)
	}
	long := Proposal(strings.Repeat("é", 150), []string{"/x"})
	if long.Name != strings.Repeat("é", 150)+": /x" || strings.ContainsRune(long.Name, '\uFFFD') {
		t.Errorf("long name %q", long.Name)
	}
}

func TestValidateNormalises(t *testing.T) {
	in := Input{Name: "  CRM ", Kind: "crm", Holders: []string{" an ", "an"}, Transfers: []string{"SG"}}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Name != "CRM" || in.Status != StatusShadow || len(in.Holders) != 1 || in.Holders[0] != "an" {
		t.Errorf("normalised %+v", in)
	}
	in = Input{Name: "x", Kind: "crm", Holders: []string{""}}
	if err := in.Validate(); err == nil {
		t.Error("an empty holder accepted")
	}
}

func TestSVGEscapesNames(t *testing.T) {
	svg := SVG([]System{{Name: `<script>alert("x")</script> & co`, Kind: "crm", Status: StatusShadow,
		Categories: []Category{{Category: "user.contact.email"}}, Processors: []string{"prc_1"}, Transfers: []string{"US"}}},
		[]Processor{{ID: "prc_1", Name: "Mail & Co"}})
	if strings.Contains(string(svg), "<script>") {
		t.Fatal("a name was not escaped")
	}
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	for _, want := range []string{"user.contact.email", "processor: Mail &amp; Co", "country: US"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("svg lacks %q", want)
		}
	}
}

func TestSVGMarksMigratedSystems(t *testing.T) {
	svg := string(SVG([]System{
		{Name: "Sales sheet", Kind: "spreadsheet", Status: StatusShadow, Migration: &Migration{State: MigrationCopyToDestroy, ImportID: "imp_1", TaskID: "ctk_1"}},
		{Name: "Old chat", Kind: "chat", Status: StatusShadow, Migration: &Migration{State: MigrationDestroyed, ImportID: "imp_2", TaskID: "ctk_2"}},
		{Name: "CRM", Kind: "crm", Status: StatusOfficial},
	}, nil))
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	for _, want := range []string{"Sales sheet (copy to destroy)", "Old chat (destroyed)", `class="system shadow migrated copy_to_destroy"`,
		`class="system shadow migrated destroyed"`, `stroke-dasharray="8 4"`, "CRM (crm, official)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
}

// TestNameLimitCountsCharacters: a Vietnamese name is limited by its
// characters, not its bytes ("ệ" is three bytes in UTF-8).
func TestNameLimitCountsCharacters(t *testing.T) {
	in := Input{Name: strings.Repeat("ệ", 200), Kind: "crm"}
	if err := in.Validate(); err != nil {
		t.Fatalf("200 characters refused: %v", err)
	}
	in = Input{Name: strings.Repeat("ệ", 201), Kind: "crm"}
	if err := in.Validate(); err == nil {
		t.Fatal("201 characters accepted")
	}
	if p := Proposal("máy-của-lan", []string{strings.Repeat("ệ", 300)}); len([]rune(p.Name)) != 200 {
		t.Errorf("a proposed name is cut to %d characters, want 200", len([]rune(p.Name)))
	}
}

// TestVaultNameIsTaken: no system passes for the vault's own entry.
func TestVaultNameIsTaken(t *testing.T) {
	for _, name := range []string{VaultName, " custodia VAULT "} {
		in := Input{Name: name, Kind: "crm"}
		if err := in.Validate(); apperr.CodeOf(err) != "system_exists" {
			t.Errorf("%q: %v, want system_exists", name, err)
		}
	}
}
