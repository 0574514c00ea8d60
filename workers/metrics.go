package workers

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/events"
)

// runnerMetrics are the runner's counters: events handled by outcome,
// redeliveries and dead letters, per worker.
type runnerMetrics struct {
	handled      *prometheus.CounterVec
	redeliveries *prometheus.CounterVec
	deadLetters  *prometheus.CounterVec
}

func newRunnerMetrics(reg prometheus.Registerer) *runnerMetrics {
	m := &runnerMetrics{
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cadre_worker_events_total",
			Help: "Events handled by worker and outcome (ok, duplicate, error)."}, []string{"worker", "outcome"}),
		redeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cadre_worker_redeliveries_total",
			Help: "Deliveries after the first, by worker."}, []string{"worker"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cadre_worker_dead_letters_total",
			Help: "Events parked as dead letters, by worker."}, []string{"worker"}),
	}
	if reg != nil {
		reg.MustRegister(m.handled, m.redeliveries, m.deadLetters)
	}
	return m
}

// handledOutcomes are the outcome labels of cadre_worker_events_total.
var handledOutcomes = []string{"ok", "duplicate", "tenant_gone", "unavailable", "error"}

// seed creates every series of worker at zero, so that an alert on rate()
// or increase() sees the first redelivery or dead letter: a counter that
// appears at 1 has no earlier sample to rise from.
func (m *runnerMetrics) seed(worker string) {
	for _, o := range handledOutcomes {
		m.handled.WithLabelValues(worker, o)
	}
	m.redeliveries.WithLabelValues(worker)
	m.deadLetters.WithLabelValues(worker)
}

// DefaultLagTimeout bounds the stream queries of one scrape of a
// LagCollector.
const DefaultLagTimeout = 2 * time.Second

// ConsumerNames returns the durable consumer names of ws, one per partition
// of a stream of the given number of partitions ("{worker}-{p}"), and of
// the janitor: the consumers `cadre serve` and `cadre worker` create, whose
// lag a LagCollector reports.
func ConsumerNames(ws []Worker, partitions int) []string {
	names := make([]string, 0, len(ws)*partitions+1)
	for _, w := range ws {
		names = append(names, events.PartitionDurables(w.Name, partitions)...)
	}
	return append(names, JanitorName)
}

// LagCollector is a prometheus.Collector that asks the stream, at scrape
// time, how far each durable consumer is behind:
//
//   - cadre_consumer_pending{consumer}: messages of the consumer's subjects
//     not yet delivered (the server's num_pending);
//   - cadre_consumer_ack_pending{consumer}: messages delivered and not yet
//     acknowledged (num_ack_pending);
//   - cadre_consumer_redelivered{consumer}: of those, messages delivered more
//     than once (num_redelivered).
//
// The numbers belong to the stream, not to a process, so every replica
// reports the same values; aggregate them with max, not sum. A consumer that
// does not exist yet (no worker has started) or that cannot be asked (NATS
// down, which /readyz reports) has no series in that scrape. It is safe for
// concurrent use.
type LagCollector struct {
	bus       *events.Bus
	consumers []string
	timeout   time.Duration

	pending, ackPending, redelivered *prometheus.Desc
}

// NewLagCollector returns a collector of the lag of the named durable
// consumers of bus's stream (see ConsumerNames).
func NewLagCollector(bus *events.Bus, consumers ...string) *LagCollector {
	labels := []string{"consumer"}
	return &LagCollector{
		bus:       bus,
		consumers: consumers,
		timeout:   DefaultLagTimeout,
		pending: prometheus.NewDesc("cadre_consumer_pending",
			"Stream messages a durable consumer has not been delivered yet (num_pending).", labels, nil),
		ackPending: prometheus.NewDesc("cadre_consumer_ack_pending",
			"Messages delivered to a durable consumer and not yet acknowledged (num_ack_pending).", labels, nil),
		redelivered: prometheus.NewDesc("cadre_consumer_redelivered",
			"Unacknowledged messages delivered more than once to a durable consumer (num_redelivered).", labels, nil),
	}
}

// Describe sends the descriptors of the collector's series.
func (c *LagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.ackPending
	ch <- c.redelivered
}

// Collect asks the stream for each consumer's state, all within the
// collector's timeout, and sends one sample of each series per consumer
// that answered.
func (c *LagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	js := c.bus.JetStream()
	for _, name := range c.consumers {
		cons, err := js.Consumer(ctx, c.bus.StreamName(), name)
		if err != nil {
			continue
		}
		info := cons.CachedInfo() // fetched just now by Consumer
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(info.NumPending), name)
		ch <- prometheus.MustNewConstMetric(c.ackPending, prometheus.GaugeValue, float64(info.NumAckPending), name)
		ch <- prometheus.MustNewConstMetric(c.redelivered, prometheus.GaugeValue, float64(info.NumRedelivered), name)
	}
}
