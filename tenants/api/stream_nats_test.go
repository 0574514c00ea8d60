package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
)

// dashboardNATSConfig is the nats-server configuration of the README: the
// account holding stream CADRE, Cadre's own user, and one dashboard user
// per tenant that may only read its tenant's events through its own
// durable consumer. TENANT is replaced by the tenant id.
const dashboardNATSConfig = `
accounts {
  CADRE {
    jetstream: enabled
    users: [
      { user: cadre, password: cadre-secret }
      {
        user: "dash_TENANT", password: dash-secret
        permissions: {
          publish: {
            allow: [
              "$JS.API.CONSUMER.CREATE.CADRE.dash_TENANT.cadre.TENANT.>",
              "$JS.API.CONSUMER.INFO.CADRE.dash_TENANT",
              "$JS.API.CONSUMER.MSG.NEXT.CADRE.dash_TENANT",
              "$JS.ACK.CADRE.dash_TENANT.>"
            ]
          }
          subscribe: { allow: ["_INBOX_TENANT.>"] }
        }
      }
    ]
  }
}
`

// TestStreamNATSPermissions checks the README's NATS permissions for a
// dashboard that reads a tenant's events from NATS directly: it reads all of
// its tenant's events through its durable consumer, and can neither widen
// its filter, nor read from another consumer, nor publish, nor listen to
// other subjects.
func TestStreamNATSPermissions(t *testing.T) {
	t.Parallel()
	a, b := tenants.NewID(), tenants.NewID()
	dir := t.TempDir()
	conf := filepath.Join(dir, "nats.conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(dashboardNATSConfig, "TENANT", a.String())), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		t.Fatalf("the README's nats-server config: %v", err)
	}
	opts.Host, opts.Port, opts.JetStream, opts.StoreDir, opts.NoLog, opts.NoSigs = "127.0.0.1", server.RANDOM_PORT, true, filepath.Join(dir, "js"), true, true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(streamWait) {
		t.Fatal("nats-server not ready")
	}

	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	cadre, err := nats.Connect(ns.ClientURL(), nats.UserInfo("cadre", "cadre-secret"))
	if err != nil {
		t.Fatal(err)
	}
	defer cadre.Close()
	bus, err := events.NewBus(ctx, cadre, events.StreamConfig{Logger: streamLogger()})
	if err != nil {
		t.Fatal(err)
	}
	// A worker's durable consumer, which the dashboard must not reach.
	if _, err := bus.JetStream().CreateOrUpdateConsumer(ctx, bus.StreamName(), jetstream.ConsumerConfig{Durable: "library", AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 6 {
		tenant := a
		if i%2 == 1 {
			tenant = b
		}
		ids, err := publishPlans(bus, tenant, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tenant == a {
			want = append(want, ids...)
		}
	}

	var (
		mu     sync.Mutex
		denied []string
	)
	dash, err := nats.Connect(ns.ClientURL(), nats.UserInfo("dash_"+a.String(), "dash-secret"),
		nats.CustomInboxPrefix("_INBOX_"+a.String()),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			mu.Lock()
			defer mu.Unlock()
			denied = append(denied, err.Error())
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer dash.Close()
	js, err := jetstream.New(dash)
	if err != nil {
		t.Fatal(err)
	}
	name := "dash_" + a.String()
	cons, err := js.CreateOrUpdateConsumer(ctx, "CADRE", jetstream.ConsumerConfig{
		Durable: name, FilterSubject: events.TenantFilter(a), AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		t.Fatalf("dashboard creates its consumer: %v", err)
	}
	batch, err := cons.Fetch(len(want)+1, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for m := range batch.Messages() {
		e, err := events.Parse(m.Data())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.ID)
		if err := m.Ack(); err != nil {
			t.Errorf("ack: %v", err)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("dashboard of %s: got events %v, want %v", a, got, want)
	}

	short := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		t.Cleanup(cancel)
		return c
	}
	for _, filter := range []string{events.TenantFilter(b), events.StreamSubjects} {
		if _, err := js.CreateOrUpdateConsumer(short(), "CADRE", jetstream.ConsumerConfig{Durable: name, FilterSubject: filter}); err == nil {
			t.Errorf("dashboard of %s widened its consumer to %s", a, filter)
		}
	}
	if _, err := js.CreateOrUpdateConsumer(short(), "CADRE", jetstream.ConsumerConfig{Durable: name, FilterSubjects: []string{events.TenantFilter(a), events.TenantFilter(b)}}); err == nil {
		t.Errorf("dashboard of %s added another tenant's filter", a)
	}
	if _, err := js.Consumer(short(), "CADRE", "library"); err == nil {
		t.Errorf("dashboard of %s reached the worker's consumer", a)
	}
	if _, err := js.Publish(short(), events.SubjectFor(a, events.TypePlanUpdated), []byte(`{}`)); err == nil {
		t.Errorf("dashboard of %s published an event", a)
	}
	for _, subj := range []string{events.StreamSubjects, "_INBOX.>", "$JS.ACK.>"} {
		if _, err := dash.SubscribeSync(subj); err != nil {
			t.Fatal(err)
		}
	}
	if err := dash.FlushWithContext(ctx); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, streamWait, "three permission violations for subscriptions outside the dashboard's inbox", func() (bool, error) {
		mu.Lock()
		all := strings.Join(denied, "\n")
		mu.Unlock()
		return strings.Contains(all, `Subscription to "cadre.>"`) && strings.Contains(all, `Subscription to "_INBOX.>"`) &&
			strings.Contains(all, `Subscription to "$JS.ACK.>"`), fmt.Errorf("errors %q", all)
	})
	info, err := bus.StreamInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 6 {
		t.Errorf("stream holds %d messages, want the 6 published by Cadre", info.State.Msgs)
	}
}
