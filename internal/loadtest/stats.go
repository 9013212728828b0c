package loadtest

import (
	"math"
	"slices"
	"time"
)

// maxErrorSamples is how many distinct error descriptions a phase keeps.
const maxErrorSamples = 5

// PhaseResult holds one phase's figures.
//
// Ops counts the requests that completed, successful or not; requests cut
// short because the phase ended (Duration cap or ctx) are not counted.
// PerSecond is successful operations per second of Elapsed. The percentiles
// and Max are computed over the latencies of successful requests only.
type PhaseResult struct {
	// Name is the phase name, "create" or "read".
	Name string
	// Ops is the number of requests made, including failed ones.
	Ops int
	// Errors is the number of failed requests (bad status, transport error,
	// or for reads an answer that is not exactly the customer asked for).
	Errors int
	// Elapsed is the wall-clock time of the phase.
	Elapsed time.Duration
	// PerSecond is (Ops-Errors) divided by Elapsed in seconds.
	PerSecond float64
	// P50, P90 and P99 are latency percentiles (nearest rank).
	P50, P90, P99 time.Duration
	// Max is the slowest successful request.
	Max time.Duration
	// ErrorSamples holds up to 5 distinct error descriptions made of the
	// HTTP status and problem code (or transport error kind); never bodies.
	ErrorSamples []string
}

// workerStats is what one worker records; it is owned by that worker
// alone, so recording takes no locks.
type workerStats struct {
	latencies []time.Duration // successful requests only
	errors    int
	samples   []string
}

// newWorkerStats returns stats with room for expected latencies.
func newWorkerStats(expected int) *workerStats {
	return &workerStats{latencies: make([]time.Duration, 0, expected)}
}

// ok records a successful request.
func (s *workerStats) ok(d time.Duration) { s.latencies = append(s.latencies, d) }

// fail records a failed request described by sample.
func (s *workerStats) fail(sample string) {
	s.errors++
	s.samples = addSample(s.samples, sample)
}

// addSample appends sample to samples unless it is already there or
// samples is full.
func addSample(samples []string, sample string) []string {
	if len(samples) >= maxErrorSamples || slices.Contains(samples, sample) {
		return samples
	}
	return append(samples, sample)
}

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest value such that at least p percent of
// the values are less than or equal to it. It returns 0 for an empty slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// The epsilon absorbs float error, e.g. 99.9/100*1000 = 999.0000000000001.
	rank := int(math.Ceil(p/100*float64(n) - 1e-9))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// summarize merges the workers' stats into the figures of phase name.
func summarize(name string, elapsed time.Duration, workers []*workerStats) PhaseResult {
	r := PhaseResult{Name: name, Elapsed: elapsed}
	total := 0
	for _, w := range workers {
		total += len(w.latencies)
	}
	all := make([]time.Duration, 0, total)
	for _, w := range workers {
		all = append(all, w.latencies...)
		r.Errors += w.errors
		for _, s := range w.samples {
			r.ErrorSamples = addSample(r.ErrorSamples, s)
		}
	}
	slices.Sort(all)
	r.Ops = total + r.Errors
	if elapsed > 0 {
		r.PerSecond = float64(total) / elapsed.Seconds()
	}
	r.P50 = percentile(all, 50)
	r.P90 = percentile(all, 90)
	r.P99 = percentile(all, 99)
	if total > 0 {
		r.Max = all[total-1]
	}
	return r
}
