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
		"+84912345678":             "+84912345678",
		"-12.50":                   "-12.50",
		"+":                        "'+",
		"-.5":                      "'-.5",
		"-5.":                      "'-5.",
		"+1.2.3":                   "'+1.2.3",
		"+1+1":                     "'+1+1",
		"-1E5":                     "'-1E5",
		"+84 912 345 678":          "'+84 912 345 678",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Row([]string{"=1", "ok"}); !slices.Equal(got, []string{"'=1", "ok"}) {
		t.Errorf("Row: %q", got)
	}
}
