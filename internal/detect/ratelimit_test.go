package detect

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	type call struct {
		wait      time.Duration
		key       string
		perSecond float64
		burst     int
		ok        bool
		retry     time.Duration
	}
	cases := []struct {
		name  string
		calls []call
	}{
		{"burst then refill", []call{
			{0, "k", 2, 2, true, 0},
			{0, "k", 2, 2, true, 0},
			{0, "k", 2, 2, false, 500 * time.Millisecond},
			{200 * time.Millisecond, "k", 2, 2, false, 300 * time.Millisecond},
			{300 * time.Millisecond, "k", 2, 2, true, 0},
			{0, "k", 2, 2, false, 500 * time.Millisecond},
		}},
		{"keys are limited apart", []call{
			{0, "a", 1, 1, true, 0},
			{0, "a", 1, 1, false, time.Second},
			{0, "b", 1, 1, true, 0},
		}},
		{"slow rates wait long", []call{
			{0, "k", 0.1, 1, true, 0},
			{0, "k", 0.1, 1, false, 10 * time.Second},
		}},
		{"unlimited when perSecond <= 0", []call{
			{0, "k", 0, 1, true, 0},
			{0, "k", 0, 1, true, 0},
			{0, "k", -1, 0, true, 0},
			{0, "k", math.NaN(), 0, true, 0},
		}},
		{"burst < 1 defaults to ceil(perSecond)", []call{
			{0, "k", 2.5, 0, true, 0},
			{0, "k", 2.5, 0, true, 0},
			{0, "k", 2.5, -3, true, 0},
			{0, "k", 2.5, 0, false, 400 * time.Millisecond},
		}},
		{"burst < 1 is at least 1", []call{
			{0, "k", 0.5, 0, true, 0},
			{0, "k", 0.5, 0, false, 2 * time.Second},
		}},
		{"a changed limit replaces the bucket", []call{
			{0, "k", 1, 1, true, 0},
			{0, "k", 1, 1, false, time.Second},
			{0, "k", 10, 1, true, 0},
			{0, "k", 10, 1, false, 100 * time.Millisecond},
			{0, "k", 10, 2, true, 0},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			l := NewRateLimiter(clk.Now)
			for i, c := range tc.calls {
				clk.Advance(c.wait)
				ok, retry := l.Allow(c.key, c.perSecond, c.burst)
				if ok != c.ok || retry != c.retry {
					t.Fatalf("call %d: Allow(%q, %v, %d) = %v, %v; want %v, %v", i, c.key, c.perSecond, c.burst, ok, retry, c.ok, c.retry)
				}
			}
		})
	}
}

func TestRateLimiterUnlimitedKeepsNoState(t *testing.T) {
	l := NewRateLimiter(nil)
	for i := range 10 {
		l.Allow(fmt.Sprint(i), 0, 5)
	}
	if len(l.keys) != 0 {
		t.Fatalf("tracking %d keys for unlimited calls", len(l.keys))
	}
}

func TestRateLimiterEviction(t *testing.T) {
	clk := newFakeClock()
	l := NewRateLimiter(clk.Now)
	l.maxKeys = 4
	l.Allow("busy", 1, 1) // empty until a second from now
	l.Allow("full", 1, 2) // one token left: not idle
	clk.Advance(500 * time.Millisecond)
	l.Allow("later", 1, 2)
	l.Allow("refilled", 100, 1) // full again 10ms from now
	clk.Advance(100 * time.Millisecond)
	l.Allow("newest", 1, 1) // evicts "refilled"; 3 remain
	l.Allow("another", 1, 1)
	if len(l.keys) != 4 {
		t.Fatalf("tracking %d keys, want 4", len(l.keys))
	}
	l.Allow("more", 1, 1) // nothing idle: the least recently used go down to 3
	for key, want := range map[string]bool{"busy": false, "full": false, "later": true, "refilled": false, "newest": true, "another": true, "more": true} {
		if _, ok := l.keys[key]; ok != want {
			t.Errorf("%q kept = %v, want %v", key, ok, want)
		}
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	l := NewRateLimiter(newFakeClock().Now)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if ok, _ := l.Allow("k", 1, 10); ok {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 10 {
		t.Fatalf("allowed %d with a frozen clock, want the burst of 10", allowed.Load())
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{
		-time.Second:                  1,
		0:                             1,
		time.Nanosecond:               1,
		999 * time.Millisecond:        1,
		time.Second:                   1,
		time.Second + time.Nanosecond: 2,
		90 * time.Second:              90,
		time.Duration(math.MaxInt64):  int(math.MaxInt64/int64(time.Second)) + 1,
	} {
		if got := RetryAfterSeconds(d); got != want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}
