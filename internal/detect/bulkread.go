package detect

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// BulkReadConfig tunes a BulkReadDetector. Zero fields take the defaults.
type BulkReadConfig struct {
	Threshold int           // distinct subjects a principal may read per window; default 1000
	Window    time.Duration // length of a window; default 10m
}

// bulkShards spreads principals over this many locks so parallel readers
// rarely contend.
const bulkShards = 32

// BulkReadDetector spots the exfiltration pattern: one principal reading
// many distinct data subjects. It counts distinct subjects per principal in
// fixed (tumbling) windows of length Window, each starting at the
// principal's first read after the previous one ended, and trips once per
// window when the count goes over Threshold. It is safe for concurrent use
// and meant for the read hot path.
type BulkReadDetector struct {
	threshold int
	window    time.Duration
	now       func() time.Time
	seed      maphash.Seed
	swept     atomic.Int64 // clock reading, in Unix nanoseconds, of the last sweep
	shards    [bulkShards]bulkShard
}

type bulkShard struct {
	mu         sync.Mutex
	principals map[string]*bulkWindow
	_          [64]byte // keep neighbouring shards' locks off one cache line
}

type bulkWindow struct {
	start    time.Time
	subjects map[string]struct{} // nil once over the threshold
	count    int
	over     bool
}

// NewBulkReadDetector returns a detector with cfg's zero fields set to
// their defaults. A nil now means time.Now.
func NewBulkReadDetector(cfg BulkReadConfig, now func() time.Time) *BulkReadDetector {
	if cfg.Threshold < 1 {
		cfg.Threshold = 1000
	}
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Minute
	}
	if now == nil {
		now = time.Now
	}
	d := &BulkReadDetector{threshold: cfg.Threshold, window: cfg.Window, now: now, seed: maphash.MakeSeed()}
	for i := range d.shards {
		d.shards[i].principals = map[string]*bulkWindow{}
	}
	d.swept.Store(now().UnixNano())
	return d
}

// Observe records that principal read the given subjects and returns the
// number of distinct subjects it has read in its current window. tripped is
// true on the one call per window that takes that number over the
// threshold. Empty subjects are ignored. Once over the threshold a
// principal's subjects are no longer recorded, and distinct stays at
// Threshold+1 until the window ends.
func (d *BulkReadDetector) Observe(principal string, subjects ...string) (tripped bool, distinct int) {
	now := d.now()
	d.sweep(now)
	s := d.shard(principal)
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.principals[principal]
	if w == nil {
		w = &bulkWindow{start: now, subjects: map[string]struct{}{}}
		s.principals[principal] = w
	} else if now.Sub(w.start) >= d.window {
		w.start, w.count, w.over = now, 0, false
		if w.subjects == nil {
			w.subjects = map[string]struct{}{}
		} else {
			clear(w.subjects) // keeps the buckets: no allocation next window
		}
	}
	for _, sub := range subjects {
		if w.over {
			break
		}
		if sub == "" {
			continue
		}
		if _, seen := w.subjects[sub]; seen {
			continue
		}
		w.subjects[sub] = struct{}{}
		w.count++
		if w.count > d.threshold {
			w.over, w.subjects, tripped = true, nil, true
		}
	}
	return tripped, w.count
}

// Reset starts a new window for principal now, as when an administrator
// clears its alert: it is watched afresh, and trips again after Threshold
// more distinct subjects, rather than reading unwatched until the window
// that tripped ends.
func (d *BulkReadDetector) Reset(principal string) {
	s := d.shard(principal)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.principals, principal)
}

// WindowStart returns when principal's current window began, and false
// when it has none.
func (d *BulkReadDetector) WindowStart(principal string) (time.Time, bool) {
	now := d.now()
	s := d.shard(principal)
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.principals[principal]; w != nil && now.Sub(w.start) < d.window {
		return w.start, true
	}
	return time.Time{}, false
}

// Count returns the number of distinct subjects principal has read in its
// current window, saturated at Threshold+1.
func (d *BulkReadDetector) Count(principal string) int {
	now := d.now()
	s := d.shard(principal)
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.principals[principal]; w != nil && now.Sub(w.start) < d.window {
		return w.count
	}
	return 0
}

func (d *BulkReadDetector) shard(principal string) *bulkShard {
	return &d.shards[maphash.String(d.seed, principal)%bulkShards]
}

// sweep forgets, at most once per window, the principals that have read
// nothing for a whole window, so memory follows the principals active
// lately while those reading steadily keep their maps. The caller must hold
// no shard lock.
func (d *BulkReadDetector) sweep(now time.Time) {
	last, t := d.swept.Load(), now.UnixNano()
	if t-last < int64(d.window) || !d.swept.CompareAndSwap(last, t) {
		return
	}
	for i := range d.shards {
		s := &d.shards[i]
		s.mu.Lock()
		for p, w := range s.principals {
			if now.Sub(w.start) >= 2*d.window {
				delete(s.principals, p)
			}
		}
		s.mu.Unlock()
	}
}
