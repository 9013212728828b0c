package detect

import (
	"hash/maphash"
	"sync"
	"time"
)

// Scopes of a lockout: what kind of key was locked.
const (
	ScopeAccount = "account"
	ScopeAddress = "address"
)

// LoginGuardConfig tunes a LoginGuard. Zero fields take the defaults.
type LoginGuardConfig struct {
	MaxFailures int           // failures within Window that start a lockout; default 5
	Window      time.Duration // how long a failure counts; default 15m
	BaseBackoff time.Duration // length of a key's first lockout; default 1m
	MaxBackoff  time.Duration // cap on a lockout's length, and the quiet period that resets the back-off; default 1h
	MaxKeys     int           // accounts and addresses tracked at most; default 100000
}

func (c LoginGuardConfig) withDefaults() LoginGuardConfig {
	if c.MaxFailures < 1 {
		c.MaxFailures = 5
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = time.Minute
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Hour
	}
	c.MaxBackoff = max(c.MaxBackoff, c.BaseBackoff)
	if c.MaxKeys < 1 {
		c.MaxKeys = 100000
	}
	return c
}

// Lockout describes a lockout that has just started.
type Lockout struct {
	Scope    string        // ScopeAccount or ScopeAddress
	Key      string        // the account or address as given to Fail
	Failures int           // failures within the window that started it
	Duration time.Duration // how long the key stays locked
	Level    int           // back-off step: 0 for BaseBackoff, 1 for twice that, and so on
}

// LoginGuard counts failed logins per account and per source address and
// locks a key out, for a back-off that doubles with each successive
// lockout, once it fails too often. It is safe for concurrent use.
//
// Call Serialize, then Check before verifying credentials and refuse the
// attempt when it reports a lockout; then call Fail or Succeed with the
// outcome, and release.
type LoginGuard struct {
	cfg LoginGuardConfig
	now func() time.Time

	mu   sync.Mutex
	keys map[guardKey]*guardEntry

	// accounts and addresses serialise the attempts on one account, and
	// from one address (a stripe per hash): Check before a slow password
	// check counts only the failures of the attempts that finished, so
	// attempts sent at once would all be checked past the limit.
	accounts, addresses [256]sync.Mutex
	seed                maphash.Seed
}

// Serialize makes the attempts on one account, and those from one
// address, wait for one another, from before Check until release is
// called after Fail or Succeed: attempts sent at once are then checked
// one by one, and those past either limit are refused (QA: 40 guesses at
// once, at one account or sprayed over 40 from one address, were all
// checked). An empty key is not serialised. The account's lock is always
// taken before the address's, so two attempts never wait for each other.
func (g *LoginGuard) Serialize(account, addr string) (release func()) {
	var held []*sync.Mutex
	if account != "" {
		held = append(held, &g.accounts[maphash.String(g.seed, account)%uint64(len(g.accounts))])
	}
	if addr != "" {
		held = append(held, &g.addresses[maphash.String(g.seed, addr)%uint64(len(g.addresses))])
	}
	for _, m := range held {
		m.Lock()
	}
	return func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].Unlock()
		}
	}
}

type guardKey struct {
	scope string
	key   string
}

type guardEntry struct {
	fails       []time.Time // failures within the window, oldest first; at most MaxFailures
	lastFail    time.Time
	lockedUntil time.Time
	level       int // back-off step of the next lockout
}

// NewLoginGuard returns a guard with cfg's zero fields set to their
// defaults. A nil now means time.Now.
func NewLoginGuard(cfg LoginGuardConfig, now func() time.Time) *LoginGuard {
	if now == nil {
		now = time.Now
	}
	return &LoginGuard{cfg: cfg.withDefaults(), now: now, keys: map[guardKey]*guardEntry{}, seed: maphash.MakeSeed()}
}

// Check reports whether the account or the address is locked out, and if so
// how long until both locks have ended. Empty keys are skipped. Check
// records nothing.
func (g *LoginGuard) Check(account, addr string) (retryAfter time.Duration, locked bool) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range [2]guardKey{{ScopeAccount, account}, {ScopeAddress, addr}} {
		if k.key == "" {
			continue
		}
		if e := g.keys[k]; e != nil && now.Before(e.lockedUntil) {
			locked = true
			retryAfter = max(retryAfter, e.lockedUntil.Sub(now))
		}
	}
	return retryAfter, locked
}

// Fail records one failed login for the account and one for the address;
// an empty account or address is skipped. It returns the lockouts that this
// call started, at most one per key, so the caller can raise exactly one
// alert per lockout. A failure for a key that is already locked changes
// nothing.
func (g *LoginGuard) Fail(account, addr string) []Lockout {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	var started []Lockout
	for _, k := range [2]guardKey{{ScopeAccount, account}, {ScopeAddress, addr}} {
		if k.key == "" {
			continue
		}
		if lo, ok := g.fail(now, k); ok {
			started = append(started, lo)
		}
	}
	return started
}

// Succeed records a successful login: it clears the account's and the
// address's failure counts. An account that is not locked also has its
// back-off reset; a lockout in progress and the address's back-off stay.
func (g *LoginGuard) Succeed(account, addr string) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.keys[guardKey{ScopeAccount, account}]; account != "" && e != nil {
		e.fails = e.fails[:0]
		if !now.Before(e.lockedUntil) {
			e.level = 0
		}
		g.forgetIfIdle(now, guardKey{ScopeAccount, account}, e)
	}
	if e := g.keys[guardKey{ScopeAddress, addr}]; addr != "" && e != nil {
		e.fails = e.fails[:0]
		g.forgetIfIdle(now, guardKey{ScopeAddress, addr}, e)
	}
}

// fail records a failure for k and starts a lockout when it is due.
// g.mu must be held.
func (g *LoginGuard) fail(now time.Time, k guardKey) (Lockout, bool) {
	e := g.keys[k]
	if e == nil {
		if len(g.keys) >= g.cfg.MaxKeys {
			g.evict(now)
		}
		e = &guardEntry{}
		g.keys[k] = e
	}
	if now.Before(e.lockedUntil) {
		return Lockout{}, false
	}
	g.decay(now, e)
	g.prune(now, e)
	e.fails = append(e.fails, now)
	e.lastFail = now
	if len(e.fails) < g.cfg.MaxFailures {
		return Lockout{}, false
	}
	d := g.backoff(e.level)
	lo := Lockout{Scope: k.scope, Key: k.key, Failures: len(e.fails), Duration: d, Level: e.level}
	e.lockedUntil = now.Add(d)
	if d < g.cfg.MaxBackoff {
		e.level++
	}
	e.fails = e.fails[:0]
	return lo, true
}

// backoff is the length of a lockout at the given step: BaseBackoff doubled
// level times, capped at MaxBackoff.
func (g *LoginGuard) backoff(level int) time.Duration {
	d := g.cfg.BaseBackoff
	for range level {
		if d >= g.cfg.MaxBackoff/2 {
			return g.cfg.MaxBackoff
		}
		d *= 2
	}
	return min(d, g.cfg.MaxBackoff)
}

// decay resets e's back-off once it has been quiet, with no failure and no
// lockout, for MaxBackoff.
func (g *LoginGuard) decay(now time.Time, e *guardEntry) {
	quietSince := e.lastFail
	if e.lockedUntil.After(quietSince) {
		quietSince = e.lockedUntil
	}
	if e.level > 0 && now.Sub(quietSince) >= g.cfg.MaxBackoff {
		e.level = 0
	}
}

// prune drops e's failures that have left the window.
func (g *LoginGuard) prune(now time.Time, e *guardEntry) {
	i := 0
	for i < len(e.fails) && now.Sub(e.fails[i]) >= g.cfg.Window {
		i++
	}
	if i > 0 {
		e.fails = append(e.fails[:0], e.fails[i:]...)
	}
}

// idle reports whether e holds nothing that a fresh entry would not: no
// lockout, no failure in the window, no back-off left.
func (g *LoginGuard) idle(now time.Time, e *guardEntry) bool {
	if now.Before(e.lockedUntil) {
		return false
	}
	g.decay(now, e)
	g.prune(now, e)
	return len(e.fails) == 0 && e.level == 0
}

func (g *LoginGuard) forgetIfIdle(now time.Time, k guardKey, e *guardEntry) {
	if g.idle(now, e) {
		delete(g.keys, k)
	}
}

// evict makes room for new keys: it forgets idle entries, then, if still
// too many remain, unlocked entries with the oldest failures and last the
// locked entries that end soonest. g.mu must be held.
func (g *LoginGuard) evict(now time.Time) {
	for k, e := range g.keys {
		if g.idle(now, e) {
			delete(g.keys, k)
		}
	}
	trimMap(g.keys, lowWater(g.cfg.MaxKeys), func(a, b *guardEntry) int {
		aLocked, bLocked := now.Before(a.lockedUntil), now.Before(b.lockedUntil)
		switch {
		case aLocked != bLocked:
			if aLocked {
				return 1
			}
			return -1
		case aLocked:
			return a.lockedUntil.Compare(b.lockedUntil)
		default:
			return a.lastFail.Compare(b.lastFail)
		}
	})
}
