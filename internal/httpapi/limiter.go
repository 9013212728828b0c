package httpapi

import (
	"sync"
	"time"
)

// failLimiter counts failed authentications per client address in fixed
// windows and blocks an address that exceeds the limit until its window
// ends: a brake on token guessing.
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

func (l *failLimiter) fail(ip string) {
	l.mu.Lock()
	l.current(ip).n++
	l.mu.Unlock()
}

func (l *failLimiter) blocked(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current(ip).n >= l.limit
}
