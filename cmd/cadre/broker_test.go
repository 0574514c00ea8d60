package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
)

// TestServeBrokerListensWithCredentials: with CADRE_NATS_LISTEN set, serve
// generates the broker password into the data dir (mode 0600), refuses a
// client without it, lets its own clients and a configured reader in, and
// uses the same password after a restart.
func TestServeBrokerListensWithCredentials(t *testing.T) {
	natsAddr, httpAddr, dir := freeAddr(t), freeAddr(t), t.TempDir()
	tid := tenants.NewID()
	readers := filepath.Join(dir, "readers")
	if err := os.WriteFile(readers, []byte("# dashboards\ndash "+"dash-secret "+tid.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{HTTPAddr: httpAddr, DataDir: filepath.Join(dir, "data"), NATSListen: natsAddr, NATSUser: "cadre", NATSReadersFile: readers,
		Migrate: true, StreamMaxAge: time.Hour, StreamReplicas: 1, JWTIssuer: "cadre", JWTAudience: "cadre-api",
		MaxBodyBytes: 1 << 20, MaxDocumentBytes: 1 << 20, LogLevel: "warn"}
	runServe(t, cfg, "serve ready with a listening broker")

	info, err := os.Stat(cfg.natsPasswordFile())
	if err != nil {
		t.Fatalf("generated broker password: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("password file mode %o, want 600", mode)
	}
	pw, err := os.ReadFile(cfg.natsPasswordFile())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nats.Connect("nats://" + natsAddr); !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("without credentials: got %v, want an authorization violation", err)
	}
	nc, err := nats.Connect("nats://"+natsAddr, nats.UserInfo("cadre", strings.TrimSpace(string(pw))))
	if err != nil {
		t.Fatalf("with the generated password: %v", err)
	}
	nc.Close()
	dash, err := nats.Connect("nats://"+natsAddr, nats.UserInfo("dash", "dash-secret"), nats.CustomInboxPrefix(events.ReaderInbox("dash")))
	if err != nil {
		t.Fatalf("reader from the readers file: %v", err)
	}
	dash.Close()

	ecfg := events.EmbeddedConfig{}
	if err := brokerAuth(cfg, &ecfg); err != nil {
		t.Fatal(err)
	}
	if ecfg.Password != strings.TrimSpace(string(pw)) {
		t.Error("a second start generated another password, want the kept one")
	}
}

func TestReadersFileRefusesBadLines(t *testing.T) {
	t.Parallel()
	for _, line := range []string{"dash secret", "dash secret not-a-tenant", "dash secret " + tenants.NewID().String() + " extra"} {
		path := filepath.Join(t.TempDir(), "readers")
		if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readReaders(path); err == nil {
			t.Errorf("%q: accepted, want refused", line)
		}
	}
}
