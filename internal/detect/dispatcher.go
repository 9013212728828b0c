package detect

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// defaultQueue is the queue length of a Dispatcher when none is given.
const defaultQueue = 256

// Dispatcher delivers alerts in the background, in order, through one
// goroutine, so that raising an alert never slows the request that raised
// it. It is safe for concurrent use.
type Dispatcher struct {
	send    func(context.Context, Alert) error
	ctx     context.Context // passed to send; cancelled when Close gives up
	cancel  context.CancelFunc
	done    chan struct{} // closed when the goroutine has finished
	dropped atomic.Int64

	mu     sync.RWMutex // guards closed and the closing of queue
	closed bool
	queue  chan Alert
}

// NewDispatcher starts a dispatcher that delivers alerts with send and
// holds up to queue undelivered alerts (256 when queue < 1). Failed
// deliveries are logged with their kind and error. Call Close to stop it.
func NewDispatcher(send func(context.Context, Alert) error, queue int) *Dispatcher {
	if queue < 1 {
		queue = defaultQueue
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{send: send, ctx: ctx, cancel: cancel, done: make(chan struct{}), queue: make(chan Alert, queue)}
	go d.run()
	return d
}

// Notify queues a for delivery and never blocks: when the queue is full or
// the dispatcher is closed, a is dropped and counted. An empty ID is
// replaced by a random one and a zero At by the current time.
func (d *Dispatcher) Notify(a Alert) {
	if a.ID == "" {
		a.ID = newAlertID()
	}
	if a.At.IsZero() {
		a.At = time.Now().UTC()
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		d.dropped.Add(1)
		return
	}
	select {
	case d.queue <- a:
	default:
		d.dropped.Add(1)
	}
}

// Dropped returns how many alerts were discarded without a delivery
// attempt: the queue was full, the dispatcher was closed, or Close gave up
// before their turn.
func (d *Dispatcher) Dropped() int64 { return d.dropped.Load() }

// Close stops accepting alerts and waits until the queued ones have been
// delivered or ctx ends. When ctx ends first it cancels the delivery in
// progress, drops the rest and returns ctx's error. Close may be called
// more than once.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.queue)
	}
	d.mu.Unlock()
	select {
	case <-d.done: // already drained: report success even if ctx has ended
		return nil
	default:
	}
	select {
	case <-d.done:
		return nil
	case <-ctx.Done():
		d.cancel()
		return ctx.Err()
	}
}

func (d *Dispatcher) run() {
	defer close(d.done)
	defer d.cancel()
	for a := range d.queue {
		if d.ctx.Err() != nil {
			d.dropped.Add(1)
			continue
		}
		if err := d.send(d.ctx, a); err != nil {
			slog.Warn("alert delivery failed", "kind", a.Kind, "err", err)
		}
	}
}
