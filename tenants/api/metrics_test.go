package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAreNotOnTheAPIByDefault: without Config.MetricsOnAPI (the
// production default) /metrics is not found on the API, with or without a
// token; the harness, like `cadre serve` on loopback, turns it on.
func TestMetricsAreNotOnTheAPIByDefault(t *testing.T) {
	b := newBareServer(t)
	_, admin := b.tenant("acme")
	for _, tok := range []string{"", admin} {
		if w := b.get("/metrics", tok, ""); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "cadre_http") {
			t.Errorf("GET /metrics: got %d %.80s, want 404", w.Code, w.Body)
		}
	}
	if w := b.get("/healthz", "", ""); w.Code != http.StatusOK {
		t.Errorf("GET /healthz: got %d, want 200 (health stays on the API port)", w.Code)
	}
}
