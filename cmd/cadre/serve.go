package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/cadrehq/cadre/domain/text/analysis"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/console"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/workers"
)

// roles says which parts a process runs.
type roles struct {
	api, workers bool
	// embedded allows the embedded SQLite and NATS defaults (serve only).
	embedded bool
}

func newMigrator(cfg Config, log *slog.Logger) (*store.Migrator, error) {
	return store.NewMigrator(cfg.MigrationsDatabaseURL, cfg.DataDir, log)
}

// serve runs the selected parts until ctx is cancelled.
func serve(ctx context.Context, cfg Config, log *slog.Logger, r roles) error {
	if !r.embedded && (cfg.DatabaseURL == "" || cfg.NATSURL == "") {
		return errors.New("api and worker run against shared services: set CADRE_DATABASE_URL (postgres://…) and CADRE_NATS_URL; use `cadre serve` for the embedded defaults")
	}
	if !r.embedded && cfg.KEK == nil {
		return errors.New("api and worker share the tenants' data keys: set CADRE_KEK (32 bytes in base64, the same in every process)")
	}
	if r.api && cfg.Migrate {
		m, err := newMigrator(cfg, log)
		if err != nil {
			return err
		}
		n, err := m.Up(ctx)
		_ = m.Close()
		if err != nil {
			return err
		}
		log.Info("migrations applied", "count", n)
	}
	st, err := store.Open(ctx, cfg.storeConfig(log))
	if err != nil {
		return err
	}
	defer st.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	// NATS: the embedded server under the data dir, or the configured one.
	var nc *nats.Conn
	if cfg.NATSURL == "" {
		ecfg := events.EmbeddedConfig{StoreDir: filepath.Join(cfg.DataDir, "nats"), Listen: cfg.NATSListen}
		if err := brokerAuth(cfg, &ecfg); err != nil {
			return err
		}
		if cfg.LogLevel == "debug" {
			ecfg.Logger = log
		}
		emb, err := events.StartEmbedded(ecfg)
		if err != nil {
			return err
		}
		defer emb.Shutdown()
		if cfg.NATSListen != "" {
			log.Info("embedded nats listening", "url", emb.ClientURL(), "user", ecfg.User, "readers", len(ecfg.Readers))
		}
		nc, err = emb.Connect(nats.Name("cadre"))
		if err != nil {
			return err
		}
	} else {
		nc, err = nats.Connect(cfg.NATSURL, nats.Name("cadre"), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true))
		if err != nil {
			return fmt.Errorf("connect nats: %w", err)
		}
	}
	defer nc.Drain()
	// The bus is opened without reaching NATS, so that the API starts and
	// takes writes while NATS is down (their events wait in the outbox);
	// the stream is created, and the workers started, once NATS answers.
	bus, err := events.OpenBus(nc, events.StreamConfig{MaxAge: cfg.StreamMaxAge, Replicas: cfg.StreamReplicas, Partitions: cfg.Partitions, Logger: log})
	if err != nil {
		return err
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cadre_nats_connected",
		Help: "1 while the NATS connection is up, else 0 (the API stays ready meanwhile; its events wait in the outbox)."},
		func() float64 {
			if nc.IsConnected() {
				return 1
			}
			return 0
		}))

	// Consumer lag is the stream's state: every process can report it.
	reg.MustRegister(workers.NewLagCollector(bus, workers.ConsumerNames(workers.All(), bus.Partitions())...))

	relay, err := events.NewRelay(events.RelayConfig{Outbox: st.Outbox(), Publisher: bus, Logger: log, Metrics: newRelayMetrics(reg)})
	if err != nil {
		return err
	}
	st.OnCommit(relay.Wake)
	nc.SetReconnectHandler(func(*nats.Conn) {
		log.Info("nats reconnected")
		relay.Resume()
	})

	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Go(func() { _ = relay.Run(ctx) })
	if st.Dialect() == store.Postgres {
		wg.Go(func() { store.ListenOutbox(ctx, cfg.DatabaseURL, relay.Wake, log) })
	}
	if r.workers {
		// Parse the embedded ESCO vocabulary now, not in the first library
		// build (about half a second).
		wg.Go(func() { analysis.ESCO() })
	}
	// streamErr holds a stream configuration the server refused: the
	// process then stops, as it would have at start, and returns it.
	streamErr := make(chan error, 1)
	wg.Go(func() {
		if err := bus.EnsureStream(ctx); err != nil {
			if ctx.Err() == nil {
				streamErr <- err
				cancel()
			}
			return
		}
		relay.Resume() // the outbox's events can go now
		if r.workers {
			runWorkers(ctx, &wg, bus, st, log, reg, workers.AllWith(workers.Options{LibraryMaxStaleness: cfg.LibraryMaxStaleness}))
		}
	})
	if !r.api {
		if err := runWorkerOps(ctx, cfg, log, st, bus, reg); err != nil {
			return err
		}
		return streamError(streamErr)
	}

	secret := []byte(cfg.JWTSecret)
	// dev: Cadre runs on its generated development secret, the only case
	// in which the console offers the development sign-in.
	dev := len(secret) == 0 && cfg.JWKSURL == ""
	if dev {
		if !r.embedded {
			return errors.New("set CADRE_JWT_SECRET or CADRE_JWKS_URL")
		}
		if secret, err = devSecret(cfg); err != nil {
			return err
		}
	}
	verifier, err := auth.New(ctx, auth.Config{Secret: secret, JWKSURL: cfg.JWKSURL, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, MaxTTL: cfg.TokenMaxTTL})
	if err != nil {
		return err
	}
	limits := api.Limits{MaxBodyBytes: cfg.MaxBodyBytes, RatePerSecond: cfg.RateLimit}
	if cfg.RateLimit == 0 {
		limits.RatePerSecond = -1
	}
	extractor, err := newExtractor(cfg)
	if err != nil {
		return err
	}
	opsAddr, metricsOnAPI := metricsPlacement(cfg, r)
	limits.Stream.IDSecret = secret // SSE ids survive restarts (random with JWKS alone)
	limits.Quotas = cfg.Quotas
	srv := api.New(api.Config{Store: st, Verifier: verifier, Ready: bus.Ready, Bus: bus, Limits: withDocLimit(limits, cfg.MaxDocumentBytes),
		Extractor: extractor, Replay: workers.Replay(workers.All()), Logger: log, Registerer: reg, Gatherer: reg, MetricsOnAPI: metricsOnAPI, CORSOrigins: cfg.CORSOrigins})
	if opsAddr != "" {
		ln, err := net.Listen("tcp", opsAddr)
		if err != nil {
			return fmt.Errorf("listen %s (CADRE_METRICS_ADDR): %w", opsAddr, err)
		}
		// The API registered the HTTP metrics in reg already; the ops
		// handler's own (requests to /metrics itself) go unexported.
		ops := api.NewHTTPServer(opsAddr, api.NewOps(api.Config{Store: st, Ready: bus.Ready, Logger: log, Registerer: prometheus.NewRegistry(), Gatherer: reg}))
		log.Info("operations endpoints listening", "metrics", "http://"+ln.Addr().String()+"/metrics")
		wg.Go(func() { _ = serveUntil(ctx, ops, ln, log) })
	}
	con, err := newConsole(cfg, log, srv, secret, dev)
	if err != nil {
		return err
	}
	root := http.NewServeMux()
	root.Handle("/", srv.Handler())
	con.Mount(root)
	hs := api.NewHTTPServer(cfg.HTTPAddr, root)
	hs.RegisterOnShutdown(srv.CloseStreams) // end event streams, or Shutdown waits for them
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	log.Info("cadre listening", "addr", "http://"+ln.Addr().String(), "database", string(st.Dialect()), "data_dir", cfg.DataDir)
	if link := con.DevSignInLink("http://" + ln.Addr().String()); link != "" {
		log.Info("console sign-in (development, one use)", "url", link)
	}
	if err := serveUntil(ctx, hs, ln, log); err != nil {
		return err
	}
	if err := streamError(streamErr); err != nil {
		return err
	}
	log.Info("cadre stopped")
	return nil
}

// liveTokenTTL is the lifetime of the token the console mints for a
// browser's event stream: the API checks it when the stream opens only.
const liveTokenTTL = 5 * time.Minute

// newConsole builds the web console over the API's use cases. It mints the
// event stream's tokens with the HS256 secret when there is one.
func newConsole(cfg Config, log *slog.Logger, srv *api.Server, secret []byte, dev bool) (*console.Console, error) {
	var mint func(p tenants.Principal) (string, error)
	if len(secret) > 0 {
		mint = func(p tenants.Principal) (string, error) {
			return auth.Mint(secret, p, cfg.JWTIssuer, cfg.JWTAudience, liveTokenTTL, time.Now())
		}
	}
	return console.New(console.Config{App: srv.App(), API: srv.Handler(), Mint: mint, DevSignIn: dev,
		SecureCookies: cfg.CookieSecure, Logger: log})
}

// runWorkers starts the workers ws and the janitor on wg; they run until
// ctx ends. The stream must exist.
func runWorkers(ctx context.Context, wg *sync.WaitGroup, bus *events.Bus, st *store.Store, log *slog.Logger, reg prometheus.Registerer, ws []workers.Worker) {
	runner := workers.NewRunner(bus, st, log, reg)
	wg.Go(func() {
		if err := runner.Run(ctx, ws...); err != nil {
			log.Error("workers stopped", "err", err)
		}
	})
	wg.Go(func() {
		if err := workers.RunJanitor(ctx, bus, st, log); err != nil {
			log.Error("janitor stopped", "err", err)
		}
	})
	wg.Go(func() { _ = workers.RunPlanFanouts(ctx, st, log) }) // the plan fan-outs the plan worker starts
}

// streamError returns the error EnsureStream reported, if any.
func streamError(c <-chan error) error {
	select {
	case err := <-c:
		return err
	default:
		return nil
	}
}

// serveUntil serves hs on ln until ctx ends, then shuts it down gracefully
// (10 s at most). It returns early with the error if serving fails.
func serveUntil(ctx context.Context, hs *http.Server, ln net.Listener, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown", "addr", hs.Addr, "err", err)
	}
	return nil
}

func withDocLimit(l api.Limits, maxDoc int64) api.Limits {
	l.Extract = defaultExtract()
	l.Extract.MaxBytes = maxDoc
	return l
}

// devSecret reads, or generates once, the development HS256 secret kept in
// the data dir (mode 0600), which `cadre token` also reads.
func devSecret(cfg Config) ([]byte, error) {
	if b, err := readSecret(cfg); err == nil {
		return b, nil
	}
	s, err := keptSecret(cfg.DataDir, cfg.secretFile())
	if err != nil {
		return nil, fmt.Errorf("development secret: %w", err)
	}
	return []byte(s), nil
}

// keptSecret reads the secret kept at path, or generates one there: 32
// random bytes, hex-encoded, in a file of mode 0600 under dir.
func keptSecret(dir, path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			return s, nil
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return s, nil
}

// runWorkerOps waits, in a process without the API, until ctx ends, serving
// /metrics, /healthz and /readyz on CADRE_METRICS_ADDR when it is set.
func runWorkerOps(ctx context.Context, cfg Config, log *slog.Logger, st *store.Store, bus *events.Bus, reg *prometheus.Registry) error {
	if cfg.MetricsAddr == "" {
		log.Info("worker running")
		<-ctx.Done()
		return nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.MetricsAddr, err)
	}
	hs := api.NewHTTPServer(cfg.MetricsAddr, api.NewOps(api.Config{Store: st, Ready: bus.Ready, EventsRequired: true, Logger: log, Registerer: reg, Gatherer: reg}))
	log.Info("worker running", "metrics", "http://"+ln.Addr().String()+"/metrics")
	return serveUntil(ctx, hs, ln, log)
}
