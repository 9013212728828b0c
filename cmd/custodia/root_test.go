package main

import "testing"

// TestUsageExitCode: bad arguments, flags and flag values, and a command
// that does not exist, exit 2 (usage), as the commands' own checks do.
func TestUsageExitCode(t *testing.T) {
	for _, args := range [][]string{
		{"scan"},
		{"scan", ".", "--bogus"},
		{"scan", ".", "--min-confidence", "abc"},
		{"nosuchcommand"},
		{"keys", "rotate", "extra"},
	} {
		if _, errOut, code := run(t, "", args...); code != exitUsage {
			t.Errorf("custodia %v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
}
