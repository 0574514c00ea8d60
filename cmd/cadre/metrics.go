package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// relayMetrics exposes the relay's measurements (events.Metrics) as
// Prometheus series.
type relayMetrics struct {
	published prometheus.Counter
	failed    prometheus.Counter
	backlog   prometheus.Gauge
	oldest    prometheus.Gauge
}

func newRelayMetrics(reg prometheus.Registerer) *relayMetrics {
	m := &relayMetrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{Name: "cadre_events_published_total", Help: "Outbox events published to the stream and marked."}),
		failed:    prometheus.NewCounter(prometheus.CounterOpts{Name: "cadre_events_publish_errors_total", Help: "Failed outbox drains (publish or database)."}),
		backlog:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "cadre_outbox_backlog", Help: "Outbox events waiting to be published."}),
		oldest:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "cadre_outbox_oldest_age_seconds", Help: "Age of the oldest unpublished outbox event."}),
	}
	reg.MustRegister(m.published, m.failed, m.backlog, m.oldest)
	return m
}

func (m *relayMetrics) Published(n int) { m.published.Add(float64(n)) }
func (m *relayMetrics) PublishFailed()  { m.failed.Inc() }
func (m *relayMetrics) Backlog(n int, oldest time.Duration) {
	m.backlog.Set(float64(n))
	m.oldest.Set(oldest.Seconds())
}
