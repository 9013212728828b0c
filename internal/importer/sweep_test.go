package importer

import "testing"

// TestSweepForgetsWrittenClaims: a sweep drops the claims of rows whose
// write is over, oldest first, up to the first row still in flight; a key
// a later row claimed again stays with that row.
func TestSweepForgetsWrittenClaims(t *testing.T) {
	written := func() *pending { p := &pending{done: make(chan struct{})}; close(p.done); return p }
	inFlight := func() *pending { return &pending{done: make(chan struct{})} }
	a, b, c, d := written(), written(), inFlight(), written()
	r := &run{claims: map[string]*pending{}}
	r.claim("email\x00a@x.example", a)
	r.claim("phone\x00+84912000001", a)
	r.claim("phone\x00+84912000002", b)
	r.claim("email\x00a@x.example", b) // the same person again, in a later row
	r.claim("email\x00c@x.example", c)
	r.claim("email\x00d@x.example", d)
	r.sweep()
	want := map[string]*pending{"email\x00c@x.example": c, "email\x00d@x.example": d}
	if len(r.claims) != len(want) || len(r.claimed) != 2 {
		t.Fatalf("after the first sweep: %d claims, %d in order; want %d and 2", len(r.claims), len(r.claimed), len(want))
	}
	for k, p := range want {
		if r.claims[k] != p {
			t.Errorf("claim %q lost or moved", k)
		}
	}
	close(c.done)
	r.sweep()
	if len(r.claims) != 0 || len(r.claimed) != 0 {
		t.Errorf("after every write: %d claims, %d in order; want none", len(r.claims), len(r.claimed))
	}
}
