package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestReadyzWithTheBusDown: while the event bus is down the API is ready
// (200, status degraded, events unavailable), since its writes keep their
// events in the outbox; a worker (EventsRequired) is not (503).
func TestReadyzWithTheBusDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		down := func(context.Context) error { return errors.New("nats down") }
		for _, tc := range []struct {
			name           string
			ready          func(context.Context) error
			eventsRequired bool
			wantStatus     int
			wantBody       string
			wantEvents     string
		}{
			{name: "api bus up", ready: func(context.Context) error { return nil }, wantStatus: 200, wantBody: "ok", wantEvents: "ok"},
			{name: "api bus down", ready: down, wantStatus: 200, wantBody: "degraded", wantEvents: "unavailable"},
			{name: "worker bus up", ready: func(context.Context) error { return nil }, eventsRequired: true, wantStatus: 200, wantBody: "ok", wantEvents: "ok"},
			{name: "worker bus down", ready: down, eventsRequired: true, wantStatus: 503, wantEvents: "unavailable"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				reg := prometheus.NewRegistry()
				srv := httptest.NewServer(api.NewOps(api.Config{Store: db.Store, Ready: tc.ready, EventsRequired: tc.eventsRequired,
					Registerer: reg, Gatherer: reg}))
				defer srv.Close()
				res, err := http.Get(srv.URL + "/readyz")
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var body struct {
					Status any               `json:"status"` // a string, or the problem's number
					Checks map[string]string `json:"checks"`
					Errors []struct {
						Location string `json:"location"`
						Message  string `json:"message"`
					} `json:"errors"`
				}
				if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != tc.wantStatus {
					t.Fatalf("readyz: got %d %+v, want %d", res.StatusCode, body, tc.wantStatus)
				}
				if tc.wantStatus == http.StatusOK {
					if body.Status != any(tc.wantBody) || body.Checks["events"] != tc.wantEvents || body.Checks["database"] != "ok" {
						t.Errorf("readyz body: got %+v, want status %s, events %s, database ok", body, tc.wantBody, tc.wantEvents)
					}
					return
				}
				if len(body.Errors) != 1 || body.Errors[0].Location != "events" || body.Errors[0].Message != tc.wantEvents {
					t.Errorf("readyz problem errors: got %+v, want one at events: %s", body.Errors, tc.wantEvents)
				}
			})
		}
	})
}
