package detect

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// guardStep is one action in a LoginGuard scenario, after advancing the
// clock by wait.
type guardStep struct {
	wait          time.Duration
	op            string // "fail", "succeed" or "check"
	account, addr string
	want          []Lockout     // for "fail"
	locked        bool          // for "check"
	retryAfter    time.Duration // for "check"
}

func fails(n int, account, addr string) []guardStep {
	s := make([]guardStep, n)
	for i := range s {
		s[i] = guardStep{op: "fail", account: account, addr: addr}
	}
	return s
}

func steps(parts ...any) []guardStep {
	var out []guardStep
	for _, p := range parts {
		switch p := p.(type) {
		case guardStep:
			out = append(out, p)
		case []guardStep:
			out = append(out, p...)
		default:
			panic(fmt.Sprintf("bad step %T", p))
		}
	}
	return out
}

func acct(key string, d time.Duration, level int) Lockout {
	return Lockout{Scope: ScopeAccount, Key: key, Failures: 3, Duration: d, Level: level}
}

func addrLock(key string, d time.Duration, level int) Lockout {
	return Lockout{Scope: ScopeAddress, Key: key, Failures: 3, Duration: d, Level: level}
}

func TestLoginGuard(t *testing.T) {
	cfg := LoginGuardConfig{MaxFailures: 3, Window: 10 * time.Minute, BaseBackoff: time.Minute, MaxBackoff: 8 * time.Minute}
	lockA := guardStep{op: "fail", account: "a", want: []Lockout{acct("a", time.Minute, 0)}}
	cases := []struct {
		name  string
		steps []guardStep
	}{
		{"locks the account at MaxFailures", steps(
			fails(2, "a", ""),
			guardStep{op: "check", account: "a"},
			lockA,
			guardStep{op: "check", account: "a", locked: true, retryAfter: time.Minute},
			guardStep{wait: 20 * time.Second, op: "check", account: "a", addr: "10.0.0.9", locked: true, retryAfter: 40 * time.Second},
			guardStep{op: "check", account: "b"},
			guardStep{wait: 40 * time.Second, op: "check", account: "a"},
		)},
		{"locks the address across accounts", steps(
			guardStep{op: "fail", account: "a", addr: "ip1"},
			guardStep{op: "fail", account: "b", addr: "ip1"},
			guardStep{op: "fail", account: "c", addr: "ip1", want: []Lockout{addrLock("ip1", time.Minute, 0)}},
			guardStep{op: "check", account: "a", addr: "ip1", locked: true, retryAfter: time.Minute},
			guardStep{op: "check", account: "a", addr: "ip2"},
		)},
		{"one call can start both lockouts", steps(
			fails(2, "a", "ip1"),
			guardStep{op: "fail", account: "a", addr: "ip1", want: []Lockout{acct("a", time.Minute, 0), addrLock("ip1", time.Minute, 0)}},
		)},
		{"failures outside the window do not add up", steps(
			fails(2, "a", ""),
			guardStep{wait: 10 * time.Minute, op: "fail", account: "a"},
			guardStep{wait: 5 * time.Minute, op: "fail", account: "a"},
			guardStep{wait: 5*time.Minute - 1, op: "fail", account: "a", want: []Lockout{acct("a", time.Minute, 0)}},
		)},
		{"failures during a lockout change nothing", steps(
			fails(2, "a", ""), lockA,
			fails(5, "a", ""),
			guardStep{wait: 30 * time.Second, op: "check", account: "a", locked: true, retryAfter: 30 * time.Second},
			guardStep{wait: 30 * time.Second, op: "check", account: "a"},
			fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 2*time.Minute, 1)}},
		)},
		{"back-off doubles up to the cap", steps(
			fails(2, "a", ""), lockA,
			guardStep{wait: time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 2*time.Minute, 1)}},
			guardStep{wait: 2 * time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 4*time.Minute, 2)}},
			guardStep{wait: 4 * time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 8*time.Minute, 3)}},
			guardStep{wait: 8 * time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 8*time.Minute, 3)}},
		)},
		{"back-off decays after a quiet MaxBackoff", steps(
			fails(2, "a", ""), lockA,
			guardStep{wait: time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 2*time.Minute, 1)}},
			// The lockout ends 2m later; the quiet period counts from then.
			guardStep{wait: 2*time.Minute + 8*time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", time.Minute, 0)}},
		)},
		{"back-off keeps its level before the quiet period ends", steps(
			fails(2, "a", ""), lockA,
			guardStep{wait: time.Minute + 8*time.Minute - 1}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 2*time.Minute, 1)}},
		)},
		{"success clears the counts", steps(
			fails(2, "a", "ip1"),
			guardStep{op: "succeed", account: "a", addr: "ip1"},
			fails(2, "a", "ip1"),
			guardStep{op: "check", account: "a", addr: "ip1"},
		)},
		{"success resets an unlocked account's back-off", steps(
			fails(2, "a", ""), lockA,
			guardStep{wait: time.Minute, op: "succeed", account: "a"},
			fails(2, "a", ""), lockA,
		)},
		{"success during a lockout keeps it and its back-off", steps(
			fails(2, "a", ""), lockA,
			guardStep{op: "succeed", account: "a"},
			guardStep{op: "check", account: "a", locked: true, retryAfter: time.Minute},
			guardStep{wait: time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 2*time.Minute, 1)}},
		)},
		{"success keeps the address's back-off", steps(
			fails(2, "", "ip1"),
			guardStep{op: "fail", addr: "ip1", want: []Lockout{addrLock("ip1", time.Minute, 0)}},
			guardStep{wait: time.Minute, op: "succeed", account: "a", addr: "ip1"},
			fails(2, "", "ip1"),
			guardStep{op: "fail", addr: "ip1", want: []Lockout{addrLock("ip1", 2*time.Minute, 1)}},
		)},
		{"empty keys are skipped", steps(
			fails(5, "", ""),
			guardStep{op: "check"},
		)},
		{"retryAfter is the longer of the two locks", steps(
			fails(2, "a", ""), lockA,
			guardStep{wait: time.Minute}, fails(2, "a", ""),
			guardStep{op: "fail", account: "a", want: []Lockout{acct("a", 2*time.Minute, 1)}},
			fails(2, "", "ip1"),
			guardStep{op: "fail", addr: "ip1", want: []Lockout{addrLock("ip1", time.Minute, 0)}},
			guardStep{op: "check", account: "a", addr: "ip1", locked: true, retryAfter: 2 * time.Minute},
			guardStep{op: "check", account: "b", addr: "ip1", locked: true, retryAfter: time.Minute},
		)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			g := NewLoginGuard(cfg, clk.Now)
			for i, s := range tc.steps {
				clk.Advance(s.wait)
				switch s.op {
				case "fail":
					if got := g.Fail(s.account, s.addr); !reflect.DeepEqual(got, s.want) {
						t.Fatalf("step %d: Fail(%q, %q) = %+v, want %+v", i, s.account, s.addr, got, s.want)
					}
				case "succeed":
					g.Succeed(s.account, s.addr)
				case "check":
					retry, locked := g.Check(s.account, s.addr)
					if locked != s.locked || retry != s.retryAfter {
						t.Fatalf("step %d: Check(%q, %q) = %v, %v; want %v, %v", i, s.account, s.addr, retry, locked, s.retryAfter, s.locked)
					}
				}
			}
		})
	}
}

func TestLoginGuardDefaults(t *testing.T) {
	g := NewLoginGuard(LoginGuardConfig{}, nil)
	want := LoginGuardConfig{MaxFailures: 5, Window: 15 * time.Minute, BaseBackoff: time.Minute, MaxBackoff: time.Hour, MaxKeys: 100000}
	if g.cfg != want {
		t.Fatalf("defaults = %+v, want %+v", g.cfg, want)
	}
	for range 4 {
		if lo := g.Fail("a", ""); lo != nil {
			t.Fatalf("early lockout %+v", lo)
		}
	}
	if lo := g.Fail("a", ""); len(lo) != 1 || lo[0].Duration != time.Minute {
		t.Fatalf("fifth failure: %+v", lo)
	}
}

func TestLoginGuardBackoffSaturates(t *testing.T) {
	g := NewLoginGuard(LoginGuardConfig{BaseBackoff: time.Minute, MaxBackoff: time.Hour}, nil)
	for level, want := range map[int]time.Duration{0: time.Minute, 1: 2 * time.Minute, 5: 32 * time.Minute, 6: time.Hour, 1000: time.Hour} {
		if got := g.backoff(level); got != want {
			t.Errorf("backoff(%d) = %v, want %v", level, got, want)
		}
	}
}

func TestLoginGuardEviction(t *testing.T) {
	clk := newFakeClock()
	g := NewLoginGuard(LoginGuardConfig{MaxFailures: 2, Window: time.Minute, BaseBackoff: time.Hour, MaxBackoff: time.Hour, MaxKeys: 4}, clk.Now)
	g.Fail("locked", "")
	g.Fail("locked", "") // locked for an hour
	g.Fail("stale", "")
	clk.Advance(time.Minute) // "stale" has left the window: idle
	g.Fail("old", "")
	clk.Advance(time.Second)
	g.Fail("new", "")
	if len(g.keys) != 4 {
		t.Fatalf("tracking %d keys, want 4", len(g.keys))
	}
	g.Fail("newest", "") // evicts only the idle "stale"
	if _, ok := g.keys[guardKey{ScopeAccount, "stale"}]; ok || len(g.keys) != 4 {
		t.Fatalf("after the first eviction: %d keys, stale kept %v", len(g.keys), ok)
	}
	clk.Advance(time.Second)
	g.Fail("another", "") // nothing idle: the unlocked key with the oldest failure goes
	for key, want := range map[string]bool{"locked": true, "old": false, "new": true, "newest": true, "another": true} {
		if _, ok := g.keys[guardKey{ScopeAccount, key}]; ok != want {
			t.Errorf("after the second eviction: %q kept = %v, want %v", key, ok, want)
		}
	}
	if _, locked := g.Check("locked", ""); !locked {
		t.Fatal("eviction lifted a lockout while unlocked entries remained")
	}
}

func TestLoginGuardSucceedForgetsIdleKeys(t *testing.T) {
	g := NewLoginGuard(LoginGuardConfig{}, newFakeClock().Now)
	g.Fail("a", "ip1")
	g.Succeed("a", "ip1")
	if len(g.keys) != 0 {
		t.Fatalf("tracking %d keys after success, want 0", len(g.keys))
	}
}

func TestLoginGuardConcurrentFailuresLockOnce(t *testing.T) {
	clk := newFakeClock()
	g := NewLoginGuard(LoginGuardConfig{MaxFailures: 5}, clk.Now)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		lockouts []Lockout
	)
	for w := range 8 {
		wg.Go(func() {
			for range 50 {
				lo := g.Fail("victim", fmt.Sprintf("ip%d", w))
				g.Check("victim", "ip0")
				mu.Lock()
				lockouts = append(lockouts, lo...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var account, address int
	for _, lo := range lockouts {
		if lo.Scope == ScopeAccount {
			account++
		} else {
			address++
		}
	}
	if account != 1 || address != 8 {
		t.Fatalf("got %d account and %d address lockouts, want 1 and 8", account, address)
	}
}

func TestLoginGuardEvictsSoonestEndingLockoutLast(t *testing.T) {
	clk := newFakeClock()
	g := NewLoginGuard(LoginGuardConfig{MaxFailures: 1, MaxKeys: 2}, clk.Now)
	g.Fail("x", "")
	clk.Advance(time.Second)
	g.Fail("y", "")
	g.Fail("z", "") // all locked: "x" ends first and goes
	for key, want := range map[string]bool{"x": false, "y": true, "z": true} {
		if _, locked := g.Check(key, ""); locked != want {
			t.Errorf("%q locked = %v, want %v", key, locked, want)
		}
	}
}

// TestLoginGuardSerializedAttempts: attempts on one account sent at once,
// each verified slowly (as argon2 is), are checked one by one, so no more
// than MaxFailures wrong passwords are verified before the lockout (QA:
// 119 parallel guesses were all verified, and the 120th, right, passed).
func TestLoginGuardSerializedAttempts(t *testing.T) {
	g := NewLoginGuard(LoginGuardConfig{MaxFailures: 5}, nil)
	var mu sync.Mutex
	verified := 0
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			release := g.Serialize("acct:victim", "")
			defer release()
			if _, locked := g.Check("acct:victim", ""); locked {
				return
			}
			time.Sleep(2 * time.Millisecond) // the password check
			mu.Lock()
			verified++
			mu.Unlock()
			g.Fail("acct:victim", "")
		})
	}
	wg.Wait()
	if verified != 5 {
		t.Errorf("%d guesses verified, want 5 (MaxFailures)", verified)
	}
	// Another account is not held up by the locked one.
	release := g.Serialize("acct:other", "")
	if _, locked := g.Check("acct:other", ""); locked {
		t.Error("another account is locked")
	}
	release()
}

// TestLoginGuardSerializedSpray: guesses sprayed over many accounts from
// one address, all at once, are checked one by one too, so no more than
// MaxFailures are verified before the address is locked.
func TestLoginGuardSerializedSpray(t *testing.T) {
	g := NewLoginGuard(LoginGuardConfig{MaxFailures: 5}, nil)
	var mu sync.Mutex
	verified := 0
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			account := fmt.Sprintf("acct:%d", i)
			release := g.Serialize(account, "203.0.113.9")
			defer release()
			if _, locked := g.Check(account, "203.0.113.9"); locked {
				return
			}
			time.Sleep(time.Millisecond) // the password check
			mu.Lock()
			verified++
			mu.Unlock()
			g.Fail(account, "203.0.113.9")
		})
	}
	wg.Wait()
	if verified != 5 {
		t.Errorf("%d sprayed guesses verified, want 5 (MaxFailures)", verified)
	}
}
