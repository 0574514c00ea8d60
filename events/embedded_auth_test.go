package events_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
)

// authEnv is a listening embedded server with credentials, a dashboard
// reader of tenant A, and the service's own bus on an in-process
// connection (which presents the credentials itself).
func authEnv(t *testing.T) (*events.Embedded, *events.Bus) {
	t.Helper()
	srv, err := events.StartEmbedded(events.EmbeddedConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:0", User: "cadre", Password: "service-secret",
		Readers: []events.Reader{{Name: "dash-a", Password: "dash-secret", Tenant: tenantA}}})
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(nc.Close)
	bus, err := events.NewBus(t.Context(), nc, events.StreamConfig{Logger: quiet})
	if err != nil {
		t.Fatalf("NewBus: %v", err)
	}
	return srv, bus
}

func TestListeningBrokerRefusesUnauthenticatedClients(t *testing.T) {
	t.Parallel()
	srv, bus := authEnv(t)
	for _, tc := range []struct {
		name string
		opts []nats.Option
	}{
		{"no credentials", nil},
		{"wrong password", []nats.Option{nats.UserInfo("cadre", "guess")}},
		{"unknown user", []nats.Option{nats.UserInfo("mallory", "service-secret")}},
	} {
		nc, err := nats.Connect(srv.ClientURL(), tc.opts...)
		if err == nil {
			// Had it connected, this is the forged upload it would send.
			nc.Publish(events.SubjectFor(tenantA, events.TypeDocumentUploaded), []byte(`{}`))
			nc.Close()
			t.Fatalf("%s: connected, want the connection refused", tc.name)
		}
		if !errors.Is(err, nats.ErrAuthorization) {
			t.Errorf("%s: got %v, want an authorization violation", tc.name, err)
		}
	}
	if n, err := streamMsgs(t, bus); err != nil || n != 0 {
		t.Errorf("stream holds %d messages (%v), want 0", n, err)
	}
	nc, err := nats.Connect(srv.CredentialsURL())
	if err != nil {
		t.Fatalf("with the service credentials: %v", err)
	}
	nc.Close()
}

// TestTenantReaderReadsItsTenantAndForgesNothing: a dashboard user of
// tenant A reads A's events through its durable consumer and by
// subscription, is refused B's, and cannot publish a forged
// document.uploaded or tenant.deleted, not even on A's subjects.
func TestTenantReaderReadsItsTenantAndForgesNothing(t *testing.T) {
	t.Parallel()
	srv, bus := authEnv(t)
	var mu sync.Mutex
	var violations []string
	nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("dash-a", "dash-secret"), nats.CustomInboxPrefix(events.ReaderInbox("dash-a")),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			mu.Lock()
			defer mu.Unlock()
			violations = append(violations, err.Error())
		}))
	if err != nil {
		t.Fatalf("reader connect: %v", err)
	}
	t.Cleanup(nc.Close)
	own, err := nc.SubscribeSync(events.TenantFilter(tenantA))
	if err != nil {
		t.Fatal(err)
	}
	other, err := nc.SubscribeSync(events.TenantFilter(tenantB))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []events.Type{events.TypeDocumentUploaded, events.TypeTenantDeleted} {
		nc.Publish(events.SubjectFor(tenantA, typ), []byte(`{"forged":true}`))
		nc.Publish(events.SubjectFor(tenantB, typ), []byte(`{"forged":true}`))
	}
	if err := nc.Flush(); err != nil { // the server has handled all of the above
		t.Fatal(err)
	}
	if n, err := streamMsgs(t, bus); err != nil || n != 0 {
		t.Fatalf("stream holds %d messages (%v) after the forgeries, want 0", n, err)
	}
	// B's event first, then A's: messages on one connection arrive in
	// order, so once A's is in, B's would be too had it been delivered.
	if _, err := bus.PublishEvent(t.Context(), newEvent(t, tenantB, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := bus.PublishEvent(t.Context(), newEvent(t, tenantA, 2)); err != nil {
		t.Fatal(err)
	}
	msg, err := own.NextMsg(waitTimeout)
	if err != nil {
		t.Fatalf("reader's own tenant: %v", err)
	}
	if want := events.SubjectFor(tenantA, events.TypeDocumentUploaded); msg.Subject != want {
		t.Errorf("reader got %s, want %s", msg.Subject, want)
	}
	if n, _, _ := other.Pending(); n != 0 {
		t.Errorf("reader got %d messages of another tenant, want 0", n)
	}

	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// The refused request gets no answer: the create fails when its
	// context ends (and the permission violation is reported below).
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateConsumer(short, events.DefaultStreamName, jetstream.ConsumerConfig{
		Durable: "dash-a", FilterSubject: events.TenantFilter(tenantB), AckPolicy: jetstream.AckExplicitPolicy,
	}); err == nil {
		t.Error("consumer filtered to another tenant: created, want refused")
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, events.DefaultStreamName, jetstream.ConsumerConfig{
		Durable: "dash-a", FilterSubject: events.TenantFilter(tenantA), AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		t.Fatalf("reader's own consumer: %v", err)
	}
	batch, err := cons.Fetch(2, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for m := range batch.Messages() {
		got = append(got, m.Subject())
		_ = m.Ack()
	}
	// The stream keeps the event under its partition token (events.PartitionOf).
	if len(got) != 1 || !strings.HasPrefix(got[0], events.SubjectFor(tenantA, events.TypeDocumentUploaded)+".") {
		t.Errorf("reader's consumer got %v, want A's one event", got)
	}

	testwait.Until(t, waitTimeout, "permission violations reported", func() (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		pub, sub := 0, 0
		for _, v := range violations {
			switch {
			case strings.Contains(v, "Permissions Violation for Publish"):
				pub++
			case strings.Contains(v, "Permissions Violation for Subscription"):
				sub++
			}
		}
		return pub >= 4 && sub >= 1, errors.New(strings.Join(violations, "; "))
	})
}
