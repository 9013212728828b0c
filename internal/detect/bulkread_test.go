package detect

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBulkReadDetector(t *testing.T) {
	type obs struct {
		wait      time.Duration
		principal string
		subjects  []string
		tripped   bool
		distinct  int
	}
	cases := []struct {
		name string
		obs  []obs
	}{
		{"trips once when the count goes over the threshold", []obs{
			{0, "p", []string{"s1"}, false, 1},
			{0, "p", []string{"s2", "s3"}, false, 3},
			{0, "p", []string{"s4"}, true, 4},
			{0, "p", []string{"s5"}, false, 4},
			{0, "p", []string{"s6", "s7"}, false, 4},
		}},
		{"repeated subjects count once", []obs{
			{0, "p", []string{"s1", "s1", "s2"}, false, 2},
			{0, "p", []string{"s2", "s1"}, false, 2},
			{0, "p", []string{"s3", "s3", "s3"}, false, 3},
			{0, "p", []string{"s1", "s4"}, true, 4},
		}},
		{"empty subjects are ignored", []obs{
			{0, "p", []string{"", "", "s1"}, false, 1},
			{0, "p", nil, false, 1},
		}},
		{"principals are counted apart", []obs{
			{0, "p", []string{"s1", "s2", "s3"}, false, 3},
			{0, "q", []string{"s1", "s2", "s3"}, false, 3},
			{0, "q", []string{"s4"}, true, 4},
			{0, "p", []string{"s3"}, false, 3},
		}},
		{"a new window starts from zero and may trip again", []obs{
			{0, "p", []string{"s1", "s2", "s3", "s4"}, true, 4},
			{10 * time.Minute, "p", []string{"s1"}, false, 1},
			{0, "p", []string{"s2", "s3", "s4", "s5"}, true, 4},
		}},
		{"windows are fixed, not sliding", []obs{
			{0, "p", []string{"s1", "s2"}, false, 2},
			{10*time.Minute - 1, "p", []string{"s3"}, false, 3},
			{1, "p", []string{"s4"}, false, 1},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			d := NewBulkReadDetector(BulkReadConfig{Threshold: 3, Window: 10 * time.Minute}, clk.Now)
			for i, o := range tc.obs {
				clk.Advance(o.wait)
				tripped, distinct := d.Observe(o.principal, o.subjects...)
				if tripped != o.tripped || distinct != o.distinct {
					t.Fatalf("step %d: Observe(%q, %q) = %v, %d; want %v, %d", i, o.principal, o.subjects, tripped, distinct, o.tripped, o.distinct)
				}
				if c := d.Count(o.principal); c != distinct {
					t.Fatalf("step %d: Count = %d, Observe said %d", i, c, distinct)
				}
			}
		})
	}
}

// TestBulkReadReset: after Reset (an administrator cleared the alert) the
// principal is watched afresh within the same window and trips again.
func TestBulkReadReset(t *testing.T) {
	clk := newFakeClock()
	d := NewBulkReadDetector(BulkReadConfig{Threshold: 3, Window: 10 * time.Minute}, clk.Now)
	if tripped, _ := d.Observe("p", "s1", "s2", "s3", "s4"); !tripped {
		t.Fatal("did not trip")
	}
	d.Observe("q", "s1")
	d.Reset("p")
	clk.Advance(time.Minute)
	if tripped, n := d.Observe("p", "s5", "s6", "s7"); tripped || n != 3 {
		t.Fatalf("after a reset: %v %d, want 3 distinct and no trip", tripped, n)
	}
	if tripped, _ := d.Observe("p", "s8"); !tripped {
		t.Fatal("after a reset the principal does not trip again in the same window")
	}
	if n := d.Count("q"); n != 1 {
		t.Fatalf("a reset of p changed q: %d", n)
	}
}

func TestBulkReadDefaults(t *testing.T) {
	d := NewBulkReadDetector(BulkReadConfig{}, nil)
	if d.threshold != 1000 || d.window != 10*time.Minute {
		t.Fatalf("defaults: threshold %d, window %v", d.threshold, d.window)
	}
}

func TestBulkReadMemoryBounded(t *testing.T) {
	clk := newFakeClock()
	d := NewBulkReadDetector(BulkReadConfig{Threshold: 10, Window: time.Minute}, clk.Now)
	for i := range 100 {
		d.Observe("p", fmt.Sprint("s", i))
	}
	s := d.shard("p")
	if w := s.principals["p"]; len(w.subjects) != 0 || w.count != 11 {
		t.Fatalf("over the threshold: %d subjects kept, count %d", len(w.subjects), w.count)
	}
	d.Observe("q", "s1")
	clk.Advance(time.Minute)
	d.Observe("q", "s2")
	clk.Advance(time.Minute)
	d.Observe("r", "s1") // "p" has read nothing for a whole window: forgotten
	total := 0
	for i := range d.shards {
		total += len(d.shards[i].principals)
	}
	if total != 2 || d.Count("p") != 0 || d.Count("r") != 1 {
		t.Fatalf("after a window: %d principals tracked, Count(p) %d, Count(r) %d", total, d.Count("p"), d.Count("r"))
	}
}

func TestBulkReadNoAllocationsOnRepeatReads(t *testing.T) {
	d := NewBulkReadDetector(BulkReadConfig{}, newFakeClock().Now)
	d.Observe("p", "s1")
	if n := testing.AllocsPerRun(100, func() { d.Observe("p", "s1") }); n != 0 {
		t.Fatalf("Observe allocates %v times per call", n)
	}
	clk := newFakeClock()
	d = NewBulkReadDetector(BulkReadConfig{Window: time.Minute}, clk.Now)
	subjects := []string{"a", "b", "c", "d"}
	d.Observe("p", subjects...)
	// A new window reuses the principal's map.
	if n := testing.AllocsPerRun(100, func() { clk.Advance(time.Minute); d.Observe("p", subjects...) }); n != 0 {
		t.Fatalf("Observe allocates %v times per call across windows", n)
	}
}

func TestBulkReadConcurrentTripsOnce(t *testing.T) {
	d := NewBulkReadDetector(BulkReadConfig{Threshold: 100, Window: time.Hour}, newFakeClock().Now)
	var trips atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				if tripped, _ := d.Observe("p", fmt.Sprint(w, "/", i)); tripped {
					trips.Add(1)
				}
				d.Count("p")
			}
		})
	}
	wg.Wait()
	if trips.Load() != 1 || d.Count("p") != 101 {
		t.Fatalf("trips %d, count %d; want 1, 101", trips.Load(), d.Count("p"))
	}
}

// BenchmarkObserve measures the read hot path: parallel goroutines, 256
// principals, each rereading 512 subjects it has mostly seen before.
func BenchmarkObserve(b *testing.B) {
	d := NewBulkReadDetector(BulkReadConfig{}, nil)
	principals := make([]string, 256)
	for i := range principals {
		principals[i] = fmt.Sprint("principal-", i)
	}
	subjects := make([]string, 512)
	for i := range subjects {
		subjects[i] = fmt.Sprint("subject-", i)
	}
	for _, p := range principals { // the steady state: maps have grown
		d.Observe(p, subjects...)
	}
	var worker atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(worker.Add(1)) * 7919
		for pb.Next() {
			// Each principal cycles through all the subjects, below the threshold.
			d.Observe(principals[i%len(principals)], subjects[(i/len(principals))%len(subjects)])
			i++
		}
	})
}
