package dsr

import (
	"fmt"
	"testing"
)

var allStates = []string{StateReceived, StateVerifying, StateInProgress, StateExtended, StatePaused, StateCompleted, StateRejected}

// allowedMoves is the state table as the product defines it, written out
// independently of the transitions map.
var allowedMoves = []struct{ from, to string }{
	{StateReceived, StateVerifying},
	{StateReceived, StateRejected},
	{StateVerifying, StateInProgress},
	{StateVerifying, StateRejected},
	{StateVerifying, StateExtended}, // the clock may run during verification
	{StateInProgress, StateCompleted},
	{StateInProgress, StateRejected},
	{StateInProgress, StateExtended},
	{StateInProgress, StatePaused},
	{StateExtended, StateCompleted},
	{StateExtended, StateRejected},
	{StateExtended, StatePaused},
	{StateExtended, StateExtended},   // a further extension, where the rule allows one
	{StateExtended, StateInProgress}, // identity verified after an extension during verification (Move checks)
	{StatePaused, StateInProgress},
	{StatePaused, StateRejected},
}

func TestCanMoveAllowed(t *testing.T) {
	for _, tc := range allowedMoves {
		t.Run(tc.from+"->"+tc.to, func(t *testing.T) {
			if !CanMove(tc.from, tc.to) {
				t.Fatalf("CanMove(%q, %q) = false, want true", tc.from, tc.to)
			}
		})
	}
}

func TestCanMoveRefused(t *testing.T) {
	tests := []struct {
		from, to string
		why      string
	}{
		{StateReceived, StateInProgress, "identity must be verified first"},
		{StateReceived, StateCompleted, "nothing done yet"},
		{StateReceived, StateExtended, "no clock to extend before work starts"},
		{StateReceived, StateReceived, "no self move"},
		{StateVerifying, StateCompleted, "not carried out"},
		{StateVerifying, StatePaused, "pausing is for work in progress"},
		{StateVerifying, StateReceived, "no way back"},
		{StateInProgress, StateInProgress, "no self move"},
		{StateInProgress, StateVerifying, "no way back"},
		{StatePaused, StateCompleted, "resume first"},
		{StatePaused, StateExtended, "resume first"},
		{StatePaused, StatePaused, "no self move"},
		{StateCompleted, StateRejected, "final"},
		{StateCompleted, StateInProgress, "final"},
		{StateRejected, StateReceived, "final"},
		{StateRejected, StateVerifying, "final"},
		{"", StateReceived, "creation is not a move"},
		{StateReceived, "", "empty target"},
		{"archived", StateCompleted, "unknown source"},
		{StateInProgress, "archived", "unknown target"},
		{"In_Progress", StateCompleted, "states are case-sensitive"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s->%s", tc.from, tc.to), func(t *testing.T) {
			if CanMove(tc.from, tc.to) {
				t.Fatalf("CanMove(%q, %q) = true, want false (%s)", tc.from, tc.to, tc.why)
			}
		})
	}
}

// TestCanMoveFullTable checks every pair of known states: exactly the
// allowed table moves.
func TestCanMoveFullTable(t *testing.T) {
	allowed := map[[2]string]bool{}
	for _, m := range allowedMoves {
		allowed[[2]string{m.from, m.to}] = true
	}
	for _, from := range allStates {
		for _, to := range allStates {
			if got, want := CanMove(from, to), allowed[[2]string{from, to}]; got != want {
				t.Errorf("CanMove(%q, %q) = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		state string
		want  bool
	}{
		{StateReceived, true},
		{StateVerifying, true},
		{StateInProgress, true},
		{StateExtended, true},
		{StatePaused, true},
		{StateCompleted, false},
		{StateRejected, false},
	}
	for _, tc := range tests {
		t.Run(tc.state, func(t *testing.T) {
			if got := Open(tc.state); got != tc.want {
				t.Fatalf("Open(%q) = %v, want %v", tc.state, got, tc.want)
			}
		})
	}
	// A closed state has no way out; an open one has at least one.
	for _, s := range allStates {
		hasExit := false
		for _, to := range allStates {
			hasExit = hasExit || CanMove(s, to)
		}
		if hasExit != Open(s) {
			t.Errorf("state %s: open %v but has exits %v", s, Open(s), hasExit)
		}
	}
}
