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

func (s *Server) registerHealth() {
	huma.Register(s.api, huma.Operation{
		OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Summary: "Liveness",
		Tags: []string{"operations"}, Security: []map[string][]string{},
	}, func(ctx context.Context, _ *struct{}) (*HealthOutput, error) {
		out := &HealthOutput{}
		out.Body.Status = "ok"
		return out, nil
	})
	huma.Register(s.api, huma.Operation{
		OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Summary: "Readiness: database and event bus",
		Tags: []string{"operations"}, Security: []map[string][]string{},
	}, func(ctx context.Context, _ *struct{}) (*HealthOutput, error) {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		out := &HealthOutput{}
		out.Body.Checks = map[string]string{"database": "ok"}
		failed := false
		if err := s.cfg.Store.Ping(ctx); err != nil {
			out.Body.Checks["database"], failed = "unavailable", true
		}
		if s.cfg.Ready != nil {
			out.Body.Checks["events"] = "ok"
			if err := s.cfg.Ready(ctx); err != nil {
				out.Body.Checks["events"], failed = "unavailable", true
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
		return out, nil
	})
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Gatherer, promhttp.HandlerOpts{}))
}
