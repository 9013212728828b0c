package httpapi

import (
	"sync"
	"time"
)

// failLimiter counts failed authentications (credentials presented and
// refused) per client address in fixed windows and blocks an address
// that reaches the limit until its window ends: a brake on token
// guessing. A request without credentials is no guess and is not
// counted, so that anonymous probes cannot lock the address's users out.
type failLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	now    func() time.Time
	counts map[string]*failWindow
}

type failWindow struct {
	start time.Time
	n     int
}

func newFailLimiter(limit int, window time.Duration) *failLimiter {
	return &failLimiter{limit: limit, window: window, now: time.Now, counts: map[string]*failWindow{}}
}

func (l *failLimiter) current(ip string) *failWindow {
	now := l.now()
	w, ok := l.counts[ip]
	if !ok || now.Sub(w.start) > l.window {
		if len(l.counts) > 100000 {
			clear(l.counts)
		}
		w = &failWindow{start: now}
		l.counts[ip] = w
	}
	return w
}

// fail counts a failed authentication and reports whether it is the one
// that blocks the address.
func (l *failLimiter) fail(ip string) (nowBlocked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(ip)
	w.n++
	return w.n == l.limit
}

// blocked reports whether the address is blocked, and for how long still.
func (l *failLimiter) blocked(ip string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(ip)
	if w.n < l.limit {
		return false, 0
	}
	return true, max(time.Second, w.start.Add(l.window).Sub(l.now()))
}
