package csvsafe

import (
	"slices"
	"testing"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"plain":                    "plain",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+cmd|' /C calc'!A0":       "'+cmd|' /C calc'!A0",
		"-2+3":                     "'-2+3",
		"@SUM(1,2)":                "'@SUM(1,2)",
		"\tx":                      "'\tx",
		"\rx":                      "'\rx",
		"a=b":                      "a=b",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Row([]string{"=1", "ok"}); !slices.Equal(got, []string{"'=1", "ok"}) {
		t.Errorf("Row: %q", got)
	}
}
