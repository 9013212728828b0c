package detect

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateMaxKeys bounds the keys a RateLimiter tracks.
const rateMaxKeys = 100000

// RateLimiter holds one token bucket per key, such as a principal or a
// client address. The caller passes the limit with every call, so limits
// can come from configuration or from the principal. It is safe for
// concurrent use.
type RateLimiter struct {
	now     func() time.Time
	maxKeys int

	mu   sync.Mutex
	keys map[string]*rateEntry
}

type rateEntry struct {
	lim       *rate.Limiter
	perSecond float64
	burst     int
	last      time.Time
}

// NewRateLimiter returns an empty limiter. A nil now means time.Now.
func NewRateLimiter(now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{now: now, maxKeys: rateMaxKeys, keys: map[string]*rateEntry{}}
}

// Allow takes one token from key's bucket, which refills at perSecond
// tokens a second and holds at most burst. When the bucket is empty it
// refuses and returns how long until a token is available.
//
// A perSecond of zero or less (or NaN) means unlimited: Allow says yes and
// keeps no state. A burst below 1 means max(1, ceil(perSecond)). When a
// key's limit differs from the previous call's, its bucket is replaced by a
// full one.
func (l *RateLimiter) Allow(key string, perSecond float64, burst int) (ok bool, retryAfter time.Duration) {
	if !(perSecond > 0) {
		return true, 0
	}
	if burst < 1 {
		burst = int(min(math.Ceil(perSecond), math.MaxInt32))
		burst = max(burst, 1)
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if e == nil || e.perSecond != perSecond || e.burst != burst {
		if e == nil && len(l.keys) >= l.maxKeys {
			l.evict(now)
		}
		e = &rateEntry{lim: rate.NewLimiter(rate.Limit(perSecond), burst), perSecond: perSecond, burst: burst}
		l.keys[key] = e
	}
	e.last = now
	if e.lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - e.lim.TokensAt(now)
	wait := time.Duration(math.Ceil(missing / perSecond * float64(time.Second)))
	return false, max(wait, time.Nanosecond)
}

// evict makes room for new keys: it forgets the limiters whose bucket has
// refilled, which a fresh limiter would equal, then if still too many
// remain those used least recently. l.mu must be held.
func (l *RateLimiter) evict(now time.Time) {
	for k, e := range l.keys {
		if e.lim.TokensAt(now) >= float64(e.burst) {
			delete(l.keys, k)
		}
	}
	trimMap(l.keys, lowWater(l.maxKeys), func(a, b *rateEntry) int { return a.last.Compare(b.last) })
}

// RetryAfterSeconds rounds d up to whole seconds for a Retry-After header,
// and is at least 1.
func RetryAfterSeconds(d time.Duration) int {
	s := d / time.Second
	if d%time.Second > 0 {
		s++
	}
	return int(max(s, 1))
}
