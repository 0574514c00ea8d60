package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HealthOutput is the body of /healthz and /readyz.
type HealthOutput struct {
	Body struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks,omitempty"`
	}
}

// registerHealth registers /healthz and /readyz, and /metrics with
// metrics (the operations handler always; the API only in development, see
// Config.MetricsOnAPI).
func (s *Server) registerHealth(metrics bool) {
	huma.Register(s.api, huma.Operation{
		OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Summary: "Liveness",
		Tags: []string{"operations"}, Security: []map[string][]string{},
	}, func(ctx context.Context, _ *struct{}) (*HealthOutput, error) {
		out := &HealthOutput{}
		out.Body.Status = "ok"
		return out, nil
	})
	huma.Register(s.api, huma.Operation{
		OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Summary: "Readiness: the database (and the event bus for a worker)",
		Description: "503 while the database does not answer. The state of the event bus is reported in checks.events; while it is down the API stays ready (status degraded), since the outbox keeps the events of its writes until the bus is back.",
		Tags:        []string{"operations"}, Security: []map[string][]string{},
	}, func(ctx context.Context, _ *struct{}) (*HealthOutput, error) {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		out := &HealthOutput{}
		out.Body.Checks = map[string]string{"database": "ok"}
		failed := false
		if err := s.cfg.Store.Ping(ctx); err != nil {
			out.Body.Checks["database"], failed = "unavailable", true
		}
		degraded := false
		if s.cfg.Ready != nil {
			out.Body.Checks["events"] = "ok"
			if err := s.cfg.Ready(ctx); err != nil {
				out.Body.Checks["events"] = "unavailable"
				failed = failed || s.cfg.EventsRequired
				degraded = true
			}
		}
		if failed {
			p := problem(http.StatusServiceUnavailable, "", "not ready")
			for k, v := range out.Body.Checks {
				if v != "ok" {
					p.Errors = append(p.Errors, &huma.ErrorDetail{Location: k, Message: v})
				}
			}
			return nil, p
		}
		out.Body.Status = "ok"
		if degraded {
			// Ready all the same: see Config.EventsRequired.
			out.Body.Status = "degraded"
		}
		return out, nil
	})
	if metrics {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Gatherer, promhttp.HandlerOpts{}))
	}
}
