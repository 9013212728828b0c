package detect

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a send func that records what it delivered.
type recorder struct {
	mu  sync.Mutex
	ids []string
}

func (r *recorder) send(_ context.Context, a Alert) error {
	r.mu.Lock()
	r.ids = append(r.ids, a.ID)
	r.mu.Unlock()
	return nil
}

func (r *recorder) got() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.ids, ",")
}

func TestDispatcherDeliversInOrderAndDrains(t *testing.T) {
	var r recorder
	d := NewDispatcher(r.send, 100)
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		d.Notify(Alert{ID: id})
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.got() != "1,2,3,4,5" || d.Dropped() != 0 {
		t.Fatalf("delivered %q, dropped %d", r.got(), d.Dropped())
	}
	d.Notify(Alert{ID: "late"}) // after Close: dropped, no panic
	if d.Dropped() != 1 {
		t.Fatalf("dropped %d after a late Notify, want 1", d.Dropped())
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// gate is a send func that blocks each delivery until released.
type gate struct {
	recorder
	started chan string
	release chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan string, 100), release: make(chan struct{})}
}

func (g *gate) send(ctx context.Context, a Alert) error {
	g.started <- a.ID
	select {
	case <-g.release:
		return g.recorder.send(ctx, a)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestDispatcherDropsWhenFull(t *testing.T) {
	g := newGate()
	d := NewDispatcher(g.send, 2)
	d.Notify(Alert{ID: "1"})
	<-g.started // the worker holds "1"; the queue is empty
	for _, id := range []string{"2", "3", "4", "5"} {
		d.Notify(Alert{ID: id}) // "2" and "3" fit
	}
	if d.Dropped() != 2 {
		t.Fatalf("dropped %d, want 2", d.Dropped())
	}
	close(g.release)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g.got() != "1,2,3" {
		t.Fatalf("delivered %q, want 1,2,3", g.got())
	}
}

func TestDispatcherCloseGivesUp(t *testing.T) {
	g := newGate()
	d := NewDispatcher(g.send, 10)
	for _, id := range []string{"1", "2", "3"} {
		d.Notify(Alert{ID: id})
	}
	<-g.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v, want context.Canceled", err)
	}
	<-d.done // the worker stops promptly once cancelled
	if g.got() != "" || d.Dropped() != 2 {
		t.Fatalf("delivered %q, dropped %d; want none delivered, 2 dropped", g.got(), d.Dropped())
	}
}

func TestDispatcherFillsIDAndTime(t *testing.T) {
	var mu sync.Mutex
	var got []Alert
	d := NewDispatcher(func(_ context.Context, a Alert) error {
		mu.Lock()
		got = append(got, a)
		mu.Unlock()
		return nil
	}, 0)
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	d.Notify(Alert{Kind: KindBulkRead})
	d.Notify(Alert{Kind: KindBulkRead})
	d.Notify(Alert{ID: "mine", At: at})
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got[0].ID) != 32 || got[0].ID == got[1].ID || got[0].At.IsZero() || got[2].ID != "mine" || !got[2].At.Equal(at) {
		t.Fatalf("alerts: %+v", got)
	}
}

func TestDispatcherLogsFailures(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil)))
	defer slog.SetDefault(prev)

	d := NewDispatcher(func(context.Context, Alert) error { return errors.New("endpoint answered 500") }, 1)
	d.Notify(Alert{Kind: KindBruteForceAccount, Principal: "user-42", Message: "account locked"})
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "kind=brute_force_account") || !strings.Contains(out, `err="endpoint answered 500"`) {
		t.Fatalf("log: %s", out)
	}
	if strings.Contains(out, "user-42") || strings.Contains(out, "account locked") {
		t.Fatalf("log shows more than kind and error: %s", out)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestDispatcherConcurrentNotify(t *testing.T) {
	var r recorder
	d := NewDispatcher(r.send, 10000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				d.Notify(Alert{})
			}
		})
	}
	wg.Go(func() { _ = d.Close(context.Background()) })
	wg.Wait()
	_ = d.Close(context.Background())
	r.mu.Lock()
	delivered := int64(len(r.ids))
	r.mu.Unlock()
	if delivered+d.Dropped() != 800 {
		t.Fatalf("delivered %d + dropped %d != 800", delivered, d.Dropped())
	}
}
