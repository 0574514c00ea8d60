package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
)

// TestServeStartsWhileNATSIsDown runs `cadre serve` against a NATS URL
// where no server listens yet: serve must not exit; the API is ready and
// takes an upload (202) whose event waits in the outbox; once NATS starts
// on that address, the stream is created, the event reaches it and the
// workers build the library from it.
func TestServeStartsWhileNATSIsDown(t *testing.T) {
	natsAddr, httpAddr := freeAddr(t), freeAddr(t)
	secret := "serve-test-secret-serve-test-secret-0123"
	cfg := Config{HTTPAddr: httpAddr, DataDir: t.TempDir(), NATSURL: "nats://cadre:broker-secret@" + natsAddr, Migrate: true, StreamMaxAge: time.Hour,
		StreamReplicas: 1, JWTSecret: secret, JWTIssuer: "cadre", JWTAudience: "cadre-api", MaxBodyBytes: 1 << 20,
		MaxDocumentBytes: 1 << 20, LogLevel: "warn"}
	runServe(t, cfg, "serve ready with NATS down")
	base := "http://" + httpAddr

	admin := acmeWithHandbook(t, base, secret)

	emb, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: natsAddr, User: "cadre", Password: "broker-secret"})
	if err != nil {
		t.Fatalf("start NATS on %s: %v", natsAddr, err)
	}
	t.Cleanup(emb.Shutdown) // after serve has stopped: cleanups run last first
	nc, err := emb.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	bus, err := events.OpenBus(nc, events.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, processWait, "upload's event in the stream", func() (bool, error) {
		info, err := bus.StreamInfo(t.Context())
		if err != nil {
			return false, err
		}
		return info.State.Msgs >= 2, fmt.Errorf("%d messages in the stream, want the tenant's and the upload's", info.State.Msgs)
	})
	testwait.Until(t, processWait, "library for the upload", func() (bool, error) {
		var lib struct {
			ContextRevision int64 `json:"context_revision"`
		}
		status, err := call("GET", base+"/v1/library", admin, nil, &lib)
		return status == http.StatusOK && lib.ContextRevision >= 1, fmt.Errorf("library %d revision %d (%v)", status, lib.ContextRevision, err)
	})
}
