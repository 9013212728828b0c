package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	requests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "custodia_http_requests_total",
		Help: "HTTP requests by route pattern and status.",
	}, []string{"route", "status"})
	latency = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "custodia_http_request_seconds",
		Help:    "HTTP request latency by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.0002, 2, 16),
	}, []string{"route"})
	promHandler = promhttp.Handler()
)

func observe(route string, status int, d time.Duration) {
	requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	latency.WithLabelValues(route).Observe(d.Seconds())
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	promHandler.ServeHTTP(w, r)
	return nil
}
