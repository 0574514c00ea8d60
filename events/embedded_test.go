package events_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestStartEmbeddedRejectsConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  events.EmbeddedConfig
	}{
		{"no store dir", events.EmbeddedConfig{}},
		{"bad listen", events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "localhost"}},
		{"bad port", events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:http", User: "cadre", Password: "pw"}},
		{"listener without credentials", events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:0"}},
		{"listener without password", events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:0", User: "cadre"}},
		{"reader without listener", events.EmbeddedConfig{StoreDir: t.TempDir(), Readers: []events.Reader{{Name: "dash", Password: "pw", Tenant: tenantA}}}},
		{"reader without tenant", events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:0", User: "cadre", Password: "pw",
			Readers: []events.Reader{{Name: "dash", Password: "pw"}}}},
	}
	for _, tt := range tests {
		if _, err := events.StartEmbedded(tt.cfg); !errors.Is(err, events.ErrConfig) {
			t.Errorf("%s: StartEmbedded error = %v, want ErrConfig", tt.name, err)
		}
	}
}

func TestEmbeddedInProcess(t *testing.T) {
	t.Parallel()
	srv, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	defer srv.Shutdown()
	if got := srv.ClientURL(); got != "" {
		t.Errorf("ClientURL() = %q, want \"\" without a listener", got)
	}
	nc, err := srv.Connect()
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	info, err := js.AccountInfo(t.Context())
	if err != nil {
		t.Fatalf("AccountInfo (JetStream on?): %v", err)
	}
	if info.Streams != 0 {
		t.Errorf("streams = %d, want 0 on a fresh store", info.Streams)
	}
	if got, want := nc.ConnectedServerName(), events.DefaultServerName; got != want {
		t.Errorf("server name = %q, want %q", got, want)
	}
}

func TestEmbeddedListens(t *testing.T) {
	t.Parallel()
	srv, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir(), ServerName: "test-node", Listen: "127.0.0.1:0", User: "cadre", Password: "secret"})
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	defer srv.Shutdown()
	url := srv.ClientURL()
	if url == "" || url == "nats://127.0.0.1:0" {
		t.Fatalf("ClientURL() = %q, want the bound address", url)
	}
	nc, err := nats.Connect(srv.CredentialsURL())
	if err != nil {
		t.Fatalf("nats.Connect(%s): %v", url, err)
	}
	defer nc.Close()
	if got, want := nc.ConnectedServerName(), "test-node"; got != want {
		t.Errorf("server name = %q, want %q", got, want)
	}
}

// TestEmbeddedRestartKeepsStore checks that a restart on the same store
// keeps the stream and its messages and that in-process connections
// reconnect by themselves.
func TestEmbeddedRestartKeepsStore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, events.StreamConfig{})
	ev := newEvent(t, tenantA, 1)
	if _, err := e.bus.PublishEvent(t.Context(), ev); err != nil {
		t.Fatalf("PublishEvent: %v", err)
	}
	e.srv.Shutdown()
	if e.srv.Running() {
		t.Fatal("Running() after Shutdown = true, want false")
	}
	if err := e.bus.Ready(t.Context()); err == nil {
		t.Error("Ready() with the server down = nil, want an error")
	}
	e.srv.Shutdown() // idempotent
	if err := e.srv.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	testwait.Until(t, waitTimeout, "ready after restart", func() (bool, error) {
		err := e.bus.Ready(context.Background())
		return err == nil, err
	})
	waitStreamMsgs(t, e.bus, 1)
}
