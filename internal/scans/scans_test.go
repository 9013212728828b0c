package scans

import "testing"

func TestHasPassword(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://u:secret@db/crm":      true,
		"mysql://root:pw@tcp(host)/x":     true,
		"postgres://readonly@db/crm":      false,
		"postgres://db/crm?user=a@b":      false,
		"/home/an/exports":                false,
		"user:pass@host":                  false,
		"https://host/path/with:colon@at": false,
	} {
		if got := HasPassword(in); got != want {
			t.Errorf("HasPassword(%q) = %v, want %v", in, got, want)
		}
	}
}
