package dlp

import (
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"custodia/internal/scan"
)

// FuzzPolicy feeds arbitrary bytes to the policy parser: it must never
// panic, and a policy it accepts must be valid and survive a round trip
// through its YAML form unchanged.
func FuzzPolicy(f *testing.F) {
	for _, s := range []string{
		"",
		"block: [CREDIT_CARD]\n",
		"name: mail-gateway\nmin_confidence: 0.7\nbulk_threshold: 25\nunreadable: block\nregions: [VN, US]\nblock: [CREDIT_CARD, IBAN_CODE]\nwarn: [EMAIL_ADDRESS, PERSON]\n",
		"warn:\n  - EMAIL_ADDRESS\n  - PHONE_NUMBER\n",
		"block: []\nwarn: []\n",
		"bulk_threshold: 0\n",
		"min_confidence: 1e-3\n",
		"min_confidence: .inf\n",
		"block: &a [PASSPORT]\nwarn: *a\n",
		"{block: [US_SSN], warn: [IP_ADDRESS]}\n",
		"block: [CREDITCARD]\n",
		"unknown: 1\n",
		"--- \n...\n",
		"block: !!str CREDIT_CARD\n",
		"regions: [vn, in]\n",
		"name: \"\\u0000\"\n",
		"? [a]\n: b\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b, "fuzz")
		if err != nil {
			if p != nil {
				t.Fatal("Parse returned a policy with an error")
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid policy: %v", err)
		}
		for _, e := range scan.Entities {
			if slices.Contains(p.Block, e) && slices.Contains(p.Warn, e) {
				t.Fatalf("%s both blocks and warns", e)
			}
		}
		again, err := Parse(encodePolicy(t, p), "other")
		if err != nil {
			t.Fatalf("round trip of %+v: %v", p, err)
		}
		if again.Name != p.Name || again.MinConfidence != p.MinConfidence || again.BulkThreshold != p.BulkThreshold ||
			again.Unreadable != p.Unreadable || !slices.Equal(again.Regions, p.Regions) ||
			!slices.Equal(again.Block, p.Block) || !slices.Equal(again.Warn, p.Warn) {
			t.Fatalf("round trip changed the policy:\n%+v\n%+v", p, again)
		}
	})
}

// encodePolicy writes p in the policy file format, every key given.
func encodePolicy(t *testing.T, p *Policy) []byte {
	t.Helper()
	names := func(es []scan.Entity) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, string(e))
		}
		return out
	}
	regions := p.Regions
	if regions == nil {
		regions = []string{}
	}
	b, err := yaml.Marshal(map[string]any{"name": p.Name, "min_confidence": p.MinConfidence, "bulk_threshold": p.BulkThreshold,
		"unreadable": string(p.Unreadable), "regions": regions, "block": names(p.Block), "warn": names(p.Warn)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
