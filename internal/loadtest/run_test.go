package loadtest

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func checkPhase(t *testing.T, p PhaseResult, name string, ops, errs int) {
	t.Helper()
	if p.Name != name || p.Ops != ops || p.Errors != errs {
		t.Fatalf("%s phase = {Name:%q Ops:%d Errors:%d samples:%q}, want {%q %d %d}", name, p.Name, p.Ops, p.Errors, p.ErrorSamples, name, ops, errs)
	}
	if ops > errs {
		if p.PerSecond <= 0 || p.Elapsed <= 0 {
			t.Errorf("%s: PerSecond=%v Elapsed=%v, want > 0", name, p.PerSecond, p.Elapsed)
		}
		if !(0 < p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.Max) {
			t.Errorf("%s: percentiles not ordered: p50=%v p90=%v p99=%v max=%v", name, p.P50, p.P90, p.P99, p.Max)
		}
	}
}

func TestRunCounts(t *testing.T) {
	f := newFakeServer(t, nil)
	res, err := Run(context.Background(), Config{URL: f.URL() + "/", Token: testToken, Clients: 8, Records: 300})
	if err != nil {
		t.Fatal(err)
	}
	checkPhase(t, res.Creates, "create", 300, 0)
	checkPhase(t, res.Reads, "read", 600, 0) // Reads 0 means 2*Records
	if res.Clients != 8 {
		t.Errorf("Clients = %d, want 8", res.Clients)
	}
	if got := f.count(); got != 300 {
		t.Errorf("server holds %d records, want 300", got)
	}
	if got := len(f.phones); got != 300 {
		t.Errorf("%d distinct phones, want 300", got)
	}
	if got := f.reads.Load(); got != 600 {
		t.Errorf("server saw %d reads, want 600", got)
	}
	// Bodies are drained, so connections are reused: never more than Clients.
	if got := f.newConns.Load(); got > 8 {
		t.Errorf("server saw %d connections, want <= 8 (connections not reused?)", got)
	}

	// A second run against the same server: collection exists (200), and
	// the new run id keeps e-mails unique.
	res, err = Run(context.Background(), Config{URL: f.URL(), Token: testToken, Clients: 3, Records: 10, Reads: 7})
	if err != nil {
		t.Fatal(err)
	}
	checkPhase(t, res.Creates, "create", 10, 0)
	checkPhase(t, res.Reads, "read", 7, 0)
}

func TestRunMoreClientsThanRecords(t *testing.T) {
	f := newFakeServer(t, nil)
	res, err := Run(context.Background(), Config{URL: f.URL(), Token: testToken, Clients: 50, Records: 5, Reads: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkPhase(t, res.Creates, "create", 5, 0)
	checkPhase(t, res.Reads, "read", 3, 0)
}

func TestRunCountsErrors(t *testing.T) {
	f := newFakeServer(t, func(f *fakeServer) {
		f.failCreate = func(n int64) bool { return n%5 == 0 }
		f.failRead = func(n int64) bool { return n%4 == 0 }
	})
	res, err := Run(context.Background(), Config{URL: f.URL(), Token: testToken, Clients: 4, Records: 100, Reads: 100})
	if err != nil {
		t.Fatal(err)
	}
	checkPhase(t, res.Creates, "create", 100, 20)
	checkPhase(t, res.Reads, "read", 100, 25)
	if !slices.Equal(res.Creates.ErrorSamples, []string{"500 boom"}) {
		t.Errorf("create samples = %q, want [500 boom]", res.Creates.ErrorSamples)
	}
	if !slices.Equal(res.Reads.ErrorSamples, []string{"503 overloaded"}) {
		t.Errorf("read samples = %q, want [503 overloaded]", res.Reads.ErrorSamples)
	}
	if f.count() != 80 {
		t.Errorf("server holds %d records, want 80", f.count())
	}
}

func TestRunAllCreatesFailSkipsReads(t *testing.T) {
	f := newFakeServer(t, func(f *fakeServer) { f.failCreate = func(int64) bool { return true } })
	res, err := Run(context.Background(), Config{URL: f.URL(), Token: testToken, Clients: 2, Records: 10})
	if err != nil {
		t.Fatal(err)
	}
	checkPhase(t, res.Creates, "create", 10, 10)
	checkPhase(t, res.Reads, "read", 0, 0)
	if f.reads.Load() != 0 {
		t.Errorf("server saw %d reads, want 0", f.reads.Load())
	}
}

func TestRunReadsVerifyEmail(t *testing.T) {
	for mode, sample := range map[string]string{
		"mismatch": "200 e-mail mismatch",
		"empty":    "200 got 0 records, want 1",
		"dup":      "200 got 2 records, want 1",
	} {
		t.Run(mode, func(t *testing.T) {
			f := newFakeServer(t, func(f *fakeServer) { f.readMode = mode })
			res, err := Run(context.Background(), Config{URL: f.URL(), Token: testToken, Clients: 4, Records: 20, Reads: 30})
			if err != nil {
				t.Fatal(err)
			}
			checkPhase(t, res.Creates, "create", 20, 0)
			checkPhase(t, res.Reads, "read", 30, 30)
			if !slices.Equal(res.Reads.ErrorSamples, []string{sample}) {
				t.Errorf("samples = %q, want [%q]", res.Reads.ErrorSamples, sample)
			}
		})
	}
}

func TestRunDurationCap(t *testing.T) {
	f := newFakeServer(t, func(f *fakeServer) { f.delay = 10 * time.Millisecond })
	const capDur = 150 * time.Millisecond
	start := time.Now()
	res, err := Run(context.Background(), Config{URL: f.URL(), Token: testToken, Clients: 4, Records: 1_000_000, Duration: capDur})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("Run took %v with a %v cap per phase", took, capDur)
	}
	for _, p := range []PhaseResult{res.Creates, res.Reads} {
		if p.Ops == 0 || p.Ops > 1000 {
			t.Errorf("%s: Ops = %d, want a few dozen", p.Name, p.Ops)
		}
		if p.Errors != 0 {
			t.Errorf("%s: %d errors (%q): requests cut by the cap must not count", p.Name, p.Errors, p.ErrorSamples)
		}
		if p.Elapsed < capDur || p.Elapsed > capDur+time.Second {
			t.Errorf("%s: Elapsed = %v, want about %v", p.Name, p.Elapsed, capDur)
		}
	}
	if got := f.count(); got < res.Creates.Ops {
		t.Errorf("server holds %d records, fewer than %d successful creates", got, res.Creates.Ops)
	}
}

func TestRunContextCancel(t *testing.T) {
	f := newFakeServer(t, func(f *fakeServer) { f.delay = 10 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := Run(ctx, Config{URL: f.URL(), Token: testToken, Clients: 4, Records: 1_000_000})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("Run took %v after ctx was done", took)
	}
	if res.Creates.Ops == 0 || res.Creates.Ops >= 1_000_000 || res.Creates.Errors != 0 {
		t.Errorf("Creates = %+v, want some ops and no errors", res.Creates)
	}
	if res.Reads.Ops != 0 || res.Reads.Name != "read" {
		t.Errorf("Reads = %+v, want the read phase not run", res.Reads)
	}

	// Already canceled: nothing is sent. A fresh server, because requests
	// the first run left in flight may still land on the first one.
	idle := newFakeServer(t, nil)
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Config{URL: idle.URL(), Token: testToken, Records: 10}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := idle.creates.Load(); n != 0 {
		t.Errorf("%d creates were sent with a canceled context", n)
	}
}

func TestRunPrepareFailure(t *testing.T) {
	f := newFakeServer(t, func(f *fakeServer) { f.putStatus, f.putCode = 403, "scope_missing" })
	_, err := Run(context.Background(), Config{URL: f.URL(), Token: testToken, Records: 10})
	if err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "scope_missing") {
		t.Fatalf("err = %v, want status 403 and code scope_missing", err)
	}
	if f.creates.Load() != 0 {
		t.Error("creates were sent after preparation failed")
	}

	// Bad token: the server's 401 and problem code surface too.
	f = newFakeServer(t, nil)
	_, err = Run(context.Background(), Config{URL: f.URL(), Token: "wrong", Records: 10})
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "unauthenticated") {
		t.Fatalf("err = %v, want status 401 and code unauthenticated", err)
	}
}

func TestRunConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Token: "t"},
		{URL: "ftp://host", Token: "t"},
		{URL: "http://host?x=1", Token: "t"},
		{URL: "http://127.0.0.1:1"},
		{URL: "http://127.0.0.1:1", Token: "t", Clients: -1},
		{URL: "http://127.0.0.1:1", Token: "t", Reads: -1},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("Run(%+v) succeeded, want a config error", cfg)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := Config{URL: "http://x:1//", Token: "t"}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != "http://x:1" || cfg.Clients != 32 || cfg.Records != 10000 || cfg.Reads != 20000 ||
		cfg.Collection != "bench_customers" || cfg.Purpose != "support" {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestTransportFailureHidesURL(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "http://h/v1/collections/c/records?email=bench-1-2%40example.com", Err: errors.New("connection reset by peer")}
	got := transportFailure(err)
	if got != "transport: connection reset by peer" {
		t.Errorf("transportFailure = %q", got)
	}
	if got := transportFailure(&url.Error{Op: "Get", URL: "x", Err: context.DeadlineExceeded}); got != "transport: timeout" {
		t.Errorf("transportFailure(timeout) = %q", got)
	}
	if got := statusFailure(500, []byte(`{"code":"bad code\n<x>","detail":"a@b.c"}`)); got != "500 badcodex" {
		t.Errorf("statusFailure = %q", got)
	}
	if got := statusFailure(502, []byte("<html>")); got != "502 (no problem code)" {
		t.Errorf("statusFailure = %q", got)
	}
}
