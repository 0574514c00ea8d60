package main

import (
	"net/http"
	"testing"
	"time"
)

func TestMetricsPlacement(t *testing.T) {
	t.Parallel()
	serve := roles{api: true, workers: true, embedded: true}
	apiOnly := roles{api: true}
	for _, tc := range []struct {
		name      string
		cfg       Config
		r         roles
		wantAddr  string
		wantOnAPI bool
	}{
		{"serve on loopback: development", Config{HTTPAddr: "127.0.0.1:8080"}, serve, "", true},
		{"serve on localhost: development", Config{HTTPAddr: "localhost:8080"}, serve, "", true},
		{"serve on every interface", Config{HTTPAddr: "0.0.0.0:8080"}, serve, DefaultOpsAddr, false},
		{"serve with its own metrics address", Config{HTTPAddr: "127.0.0.1:8080", MetricsAddr: "127.0.0.1:9100"}, serve, "127.0.0.1:9100", false},
		{"api: production", Config{HTTPAddr: "127.0.0.1:8080"}, apiOnly, DefaultOpsAddr, false},
		{"api with its own metrics address", Config{HTTPAddr: "10.0.0.5:8080", MetricsAddr: "10.0.0.5:9100"}, apiOnly, "10.0.0.5:9100", false},
	} {
		addr, onAPI := metricsPlacement(tc.cfg, tc.r)
		if addr != tc.wantAddr || onAPI != tc.wantOnAPI {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", tc.name, addr, onAPI, tc.wantAddr, tc.wantOnAPI)
		}
	}
}

// TestServeMetricsOnTheirOwnAddress: with CADRE_METRICS_ADDR set, /metrics
// answers there and is not found on the API port.
func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	httpAddr, opsAddr := freeAddr(t), freeAddr(t)
	cfg := Config{HTTPAddr: httpAddr, MetricsAddr: opsAddr, DataDir: t.TempDir(), Migrate: true, StreamMaxAge: time.Hour, StreamReplicas: 1,
		JWTIssuer: "cadre", JWTAudience: "cadre-api", MaxBodyBytes: 1 << 20, MaxDocumentBytes: 1 << 20, LogLevel: "warn"}
	runServe(t, cfg, "serve ready")
	if status, err := call("GET", "http://"+httpAddr+"/metrics", "", nil, nil); err != nil || status != http.StatusNotFound {
		t.Errorf("API port /metrics: got %d (%v), want 404", status, err)
	}
	res, err := http.Get("http://" + opsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("metrics address /metrics: got %d, want 200", res.StatusCode)
	}
}
