package api

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/tenants"
)

// Reasons a stream ends, the label of cadre_event_stream_closed_total.
const (
	streamClientGone = "client_gone"   // the client went away (or its context ended)
	streamSlowClient = "slow_client"   // a write missed its deadline: cut off
	streamShutdown   = "shutdown"      // the server is shutting down
	streamBusEnded   = "bus_ended"     // the event bus stopped delivering
	streamExpired    = "token_expired" // the token that opened it expired
)

// streamHub counts the open event streams of each tenant, to cap them, and
// ends them all when the server shuts down.
type streamHub struct {
	perTenant int

	// mu guards open and closed.
	mu     sync.Mutex
	open   map[tenants.ID]int
	closed bool
	// stop is closed by close; every stream watches it.
	stop chan struct{}

	metrics *streamMetrics
	// ids makes the events' SSE ids (set once, before serving).
	ids *streamIDs
}

func newStreamHub(perTenant int, reg prometheus.Registerer) *streamHub {
	return &streamHub{
		perTenant: perTenant,
		open:      map[tenants.ID]int{},
		stop:      make(chan struct{}),
		metrics:   newStreamMetrics(reg),
	}
}

// acquire takes one of the tenant's stream slots. ok is false when the
// tenant already has perTenant streams open, closing when the hub is
// closed; otherwise release gives the slot back (once).
func (h *streamHub) acquire(tenant tenants.ID) (release func(), ok, closing bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false, true
	}
	if h.open[tenant] >= h.perTenant {
		h.metrics.refused.Inc()
		return nil, false, false
	}
	h.open[tenant]++
	h.metrics.open.Inc()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.open[tenant]--; h.open[tenant] <= 0 {
				delete(h.open, tenant)
			}
			h.metrics.open.Dec()
		})
	}, true, false
}

// close ends every open stream and refuses new ones.
func (h *streamHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.stop)
	}
}

// streamMetrics are the Prometheus metrics of the event stream.
type streamMetrics struct {
	open    prometheus.Gauge
	sent    prometheus.Counter
	refused prometheus.Counter
	foreign prometheus.Counter
	closed  *prometheus.CounterVec
}

func newStreamMetrics(reg prometheus.Registerer) *streamMetrics {
	m := &streamMetrics{
		open: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cadre_event_streams_open", Help: "Open event streams (GET /v1/events/stream).",
		}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cadre_event_stream_events_total", Help: "Events written to event streams.",
		}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cadre_event_stream_refused_total", Help: "Event streams refused because the tenant had too many open.",
		}),
		foreign: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cadre_event_stream_foreign_events_total", Help: "Events of another tenant met (and dropped) on a tenant's stream; should stay 0.",
		}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cadre_event_stream_closed_total", Help: "Event streams ended, by reason (client_gone, slow_client, shutdown, bus_ended, token_expired).",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.open, m.sent, m.refused, m.foreign, m.closed)
	return m
}
