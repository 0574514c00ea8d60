package events

import "time"

// Metrics receives the relay's measurements, e.g. to expose them as the
// Prometheus series cadre_events_published_total,
// cadre_events_publish_errors_total, cadre_outbox_backlog and
// cadre_outbox_oldest_age_seconds. Implementations must be safe for
// concurrent use.
type Metrics interface {
	// Published counts events published and marked.
	Published(n int)
	// PublishFailed counts a failed drain (publish or store error).
	PublishFailed()
	// Backlog reports the outbox backlog and the age of its oldest record.
	Backlog(count int, oldest time.Duration)
}

// nopMetrics is the default Metrics: it measures nothing.
type nopMetrics struct{}

func (nopMetrics) Published(int)              {}
func (nopMetrics) PublishFailed()             {}
func (nopMetrics) Backlog(int, time.Duration) {}
