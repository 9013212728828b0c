package loadtest

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func seq(n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = ms(i + 1)
	}
	return s
}

func TestPercentile(t *testing.T) {
	for _, tc := range []struct {
		data []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{[]time.Duration{ms(7)}, 50, ms(7)},
		{[]time.Duration{ms(7)}, 99, ms(7)},
		{seq(100), 50, ms(50)},
		{seq(100), 90, ms(90)},
		{seq(100), 99, ms(99)},
		{seq(100), 100, ms(100)},
		{seq(100), 0, ms(1)},
		{seq(10), 50, ms(5)},
		{seq(10), 90, ms(9)},
		{seq(10), 99, ms(10)},
		{seq(2), 50, ms(1)},
		{seq(2), 51, ms(2)},
		{seq(1000), 99, ms(990)},
		{seq(1000), 99.9, ms(999)},
		{[]time.Duration{ms(1), ms(1), ms(1), ms(40)}, 50, ms(1)},
		{[]time.Duration{ms(1), ms(1), ms(1), ms(40)}, 90, ms(40)},
	} {
		if got := percentile(tc.data, tc.p); got != tc.want {
			t.Errorf("percentile(len %d, %v) = %v, want %v", len(tc.data), tc.p, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	a := newWorkerStats(2)
	b := newWorkerStats(2)
	for i := 100; i >= 51; i-- { // unsorted, more than preallocated
		a.ok(ms(i))
	}
	for i := 1; i <= 50; i++ {
		b.ok(ms(i))
	}
	for i := range 8 {
		a.fail(fmt.Sprintf("500 e%d", i%3))
		b.fail(fmt.Sprintf("503 f%d", i))
	}
	r := summarize("read", 2*time.Second, []*workerStats{a, b})
	if r.Name != "read" || r.Ops != 116 || r.Errors != 16 || r.PerSecond != 50 {
		t.Errorf("got %+v", r)
	}
	if r.P50 != ms(50) || r.P90 != ms(90) || r.P99 != ms(99) || r.Max != ms(100) {
		t.Errorf("percentiles = %v %v %v %v", r.P50, r.P90, r.P99, r.Max)
	}
	want := []string{"500 e0", "500 e1", "500 e2", "503 f0", "503 f1"}
	if !slices.Equal(r.ErrorSamples, want) {
		t.Errorf("samples = %q, want %q", r.ErrorSamples, want)
	}

	empty := summarize("create", 0, []*workerStats{newWorkerStats(0)})
	if empty.Ops != 0 || empty.PerSecond != 0 || empty.P99 != 0 || empty.Max != 0 || empty.ErrorSamples != nil {
		t.Errorf("empty = %+v", empty)
	}
}
