package store

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	batchSize = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "custodia_store_batch_ops",
		Help:    "Operations committed together in one group-commit transaction.",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
	})
	batchSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "custodia_store_batch_seconds",
		Help:    "Time to apply and durably commit one batch.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	})
	batchFailures = promauto.NewCounter(prometheus.CounterOpts{
		Name: "custodia_store_batch_failures_total",
		Help: "Batches whose transaction failed as a whole.",
	})
)

type writerMetrics struct{}

func (writerMetrics) observe(ops int, d time.Duration, err error) {
	batchSize.Observe(float64(ops))
	batchSeconds.Observe(d.Seconds())
	if err != nil {
		batchFailures.Inc()
	}
}
