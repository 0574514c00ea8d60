package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/workers"
)

// TestServeWiresReplayAndLag runs `cadre serve` in-process with its
// embedded defaults and checks the backbone wiring of serve.go: the
// dead-letter replay route exists (it is only registered with a Replay),
// and after an upload has flowed through the workers, /metrics shows the
// pending and ack-pending gauges of every durable consumer.
func TestServeWiresReplayAndLag(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	secret := "serve-test-secret-serve-test-secret-0123"
	cfg := Config{HTTPAddr: addr, DataDir: t.TempDir(), Migrate: true, StreamMaxAge: time.Hour, StreamReplicas: 1, JWTSecret: secret,
		JWTIssuer: "cadre", JWTAudience: "cadre-api", MaxBodyBytes: 1 << 20, MaxDocumentBytes: 1 << 20, LogLevel: "warn"}
	runServe(t, cfg, "serve ready")
	base := "http://" + addr

	var oa struct {
		Paths map[string]any `json:"paths"`
	}
	if status, err := call("GET", base+"/openapi.json", "", nil, &oa); err != nil || status != http.StatusOK {
		t.Fatalf("openapi: %d %v", status, err)
	}
	if _, ok := oa.Paths["/v1/admin/dead-letters/{id}/replay"]; !ok {
		t.Error("no replay route: serve does not wire api.Config.Replay")
	}

	admin := acmeWithHandbook(t, base, secret)
	if status, err := call("POST", base+"/v1/admin/dead-letters/"+tenants.NewID().String()+"/replay", admin, nil, nil); err != nil || status != http.StatusNotFound {
		t.Errorf("replay of an unknown dead letter: %d %v, want 404", status, err)
	}
	testwait.Until(t, processWait, "library for the upload", func() (bool, error) {
		var lib struct {
			ContextRevision int64 `json:"context_revision"`
		}
		status, err := call("GET", base+"/v1/library", admin, nil, &lib)
		return status == http.StatusOK && lib.ContextRevision >= 1, fmt.Errorf("library %d revision %d (%v)", status, lib.ContextRevision, err)
	})
	testwait.Until(t, processWait, "lag gauges of every consumer at 0", func() (bool, error) {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			return false, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return false, err
		}
		for _, name := range workers.ConsumerNames(workers.All(), events.DefaultPartitions) {
			for _, series := range []string{"cadre_consumer_pending", "cadre_consumer_ack_pending"} {
				if want := fmt.Sprintf("%s{consumer=%q} 0\n", series, name); !strings.Contains(string(b), want) {
					return false, fmt.Errorf("no %q", strings.TrimSpace(want))
				}
			}
		}
		return true, nil
	})
}
