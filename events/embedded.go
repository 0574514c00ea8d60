package events

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/domain/tenant"
)

// DefaultServerName is the embedded server's name unless configured.
// JetStream keeps its state per server name, so it must stay stable across
// restarts on the same store directory.
const DefaultServerName = "cadre-embedded"

// embeddedStartTimeout bounds how long StartEmbedded waits for the server.
const embeddedStartTimeout = 10 * time.Second

// EmbeddedConfig configures the embedded NATS server.
type EmbeddedConfig struct {
	// StoreDir is the JetStream file store directory. Required.
	StoreDir string
	// ServerName names the server. Default DefaultServerName.
	ServerName string
	// Listen is the host:port of a TCP client listener, e.g.
	// "127.0.0.1:4222" (port 0 picks a free port). Default "": no listener,
	// clients connect in-process only (Embedded.Connect).
	Listen string
	// User and Password are the credentials every client must present
	// whenever the server listens (Listen set); they may do everything, and
	// the process's own connections (Connect) present them. Required with
	// Listen; without it only in-process clients exist and none is asked.
	User, Password string
	// Readers are further users, each allowed to subscribe to one tenant's
	// events and nothing else (see TenantReader). Only with Listen.
	Readers []Reader
	// Logger receives the server's log. Default: none (server logging off).
	Logger *slog.Logger
}

// Reader is a broker user who may read one tenant's events, such as a
// dashboard, with the permissions of TenantReader: through its own durable
// consumer (named like the user) filtered to the tenant's subjects, or by a
// plain subscription to them. It may publish nothing else, so it can
// neither see another tenant nor forge an event.
type Reader struct {
	// Name and Password authenticate it; Password may be a bcrypt hash
	// ("$2a$…"), which the server compares the presented password against.
	Name, Password string
	// Tenant is the one tenant whose events it may read.
	Tenant tenant.ID
}

// TenantReader returns the broker permissions of user name reading tenant
// tid from stream DefaultStreamName: create and read only its own durable
// consumer (named name), only with the filter TenantFilter(tid); subscribe
// only to TenantFilter(tid) and its own inbox, "_INBOX_<name>.>" (set it
// with nats.CustomInboxPrefix). These are the permissions of the README's
// nats-server example, so an external server and the embedded one agree.
func TenantReader(name string, tid tenant.ID) *server.Permissions {
	stream := DefaultStreamName
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{
			// A single filter is part of the API subject, and the server
			// refuses a request whose filter differs from it.
			"$JS.API.CONSUMER.CREATE." + stream + "." + name + "." + TenantFilter(tid),
			"$JS.API.CONSUMER.INFO." + stream + "." + name,
			"$JS.API.CONSUMER.MSG.NEXT." + stream + "." + name,
			"$JS.ACK." + stream + "." + name + ".>",
		}},
		Subscribe: &server.SubjectPermission{Allow: []string{TenantFilter(tid), ReaderInbox(name) + ".>"}},
	}
}

// ReaderInbox is the inbox prefix a Reader named name must use.
func ReaderInbox(name string) string { return "_INBOX_" + name }

// Embedded is an in-process NATS server with JetStream on a file store,
// every write fsynced before its PubAck (SyncAlways). It is safe for
// concurrent use. Connections made with Connect reconnect to the server
// after Restart.
type Embedded struct {
	cfg  EmbeddedConfig
	host string
	port int // server.RANDOM_PORT until the first start binds a port

	// mu guards srv; nil while shut down.
	mu  sync.Mutex
	srv *server.Server
}

// StartEmbedded starts the embedded server and waits until it accepts
// connections.
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.StoreDir == "" {
		return nil, fmt.Errorf("start embedded nats: %w: empty store dir", ErrConfig)
	}
	if cfg.ServerName == "" {
		cfg.ServerName = DefaultServerName
	}
	e := &Embedded{cfg: cfg}
	if cfg.Listen != "" {
		host, p, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("start embedded nats: %w: listen %q: %w", ErrConfig, cfg.Listen, err)
		}
		port, err := strconv.Atoi(p)
		if err != nil || port < 0 || port > 65535 {
			return nil, fmt.Errorf("start embedded nats: %w: listen port %q", ErrConfig, p)
		}
		if port == 0 {
			port = server.RANDOM_PORT
		}
		e.host, e.port = host, port
		if cfg.User == "" || cfg.Password == "" {
			return nil, fmt.Errorf("start embedded nats: %w: a listening server needs a user and password", ErrConfig)
		}
	}
	for _, r := range cfg.Readers {
		if cfg.Listen == "" || r.Name == "" || strings.ContainsAny(r.Name, ".*> \t") || r.Password == "" || r.Tenant.IsZero() || r.Name == cfg.User {
			return nil, fmt.Errorf("start embedded nats: %w: reader %q needs a listener, its own name (one subject token), a password and a tenant", ErrConfig, r.Name)
		}
	}
	if err := e.start(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Embedded) options() *server.Options {
	opts := &server.Options{
		ServerName: e.cfg.ServerName,
		JetStream:  true,
		StoreDir:   e.cfg.StoreDir,
		SyncAlways: true,
		NoSigs:     true,
		NoLog:      e.cfg.Logger == nil,
	}
	if e.cfg.Listen == "" {
		opts.DontListen = true
		return opts
	}
	opts.Host, opts.Port = e.host, e.port
	// Everyone who reaches the listener must authenticate (issue 17: an
	// open broker let anyone read every tenant and forge events).
	opts.Users = []*server.User{{Username: e.cfg.User, Password: e.cfg.Password}}
	for _, r := range e.cfg.Readers {
		opts.Users = append(opts.Users, &server.User{Username: r.Name, Password: r.Password, Permissions: TenantReader(r.Name, r.Tenant)})
	}
	return opts
}

// start starts a new server; e.mu must not be held.
func (e *Embedded) start() error {
	srv, err := server.NewServer(e.options())
	if err != nil {
		return fmt.Errorf("start embedded nats: %w", err)
	}
	if e.cfg.Logger != nil {
		srv.SetLogger(slogAdapter{e.cfg.Logger}, false, false)
	}
	srv.Start()
	if !srv.ReadyForConnections(embeddedStartTimeout) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return fmt.Errorf("start embedded nats: not ready after %s", embeddedStartTimeout)
	}
	if e.cfg.Listen != "" && e.port == server.RANDOM_PORT {
		// Keep the bound port so that a restart listens where clients reconnect.
		if addr, ok := srv.Addr().(*net.TCPAddr); ok {
			e.port = addr.Port
		}
	}
	e.mu.Lock()
	e.srv = srv
	e.mu.Unlock()
	return nil
}

// ClientURL returns the nats:// URL of the TCP listener, or "" when the
// server does not listen.
func (e *Embedded) ClientURL() string {
	if e.cfg.Listen == "" {
		return ""
	}
	return (&url.URL{Scheme: "nats", Host: net.JoinHostPort(e.host, strconv.Itoa(e.port))}).String()
}

// CredentialsURL returns ClientURL with the configured user and password,
// for a process that connects over TCP (`cadre worker` with CADRE_NATS_URL),
// or "" when the server does not listen.
func (e *Embedded) CredentialsURL() string {
	if e.cfg.Listen == "" {
		return ""
	}
	return (&url.URL{Scheme: "nats", User: url.UserPassword(e.cfg.User, e.cfg.Password),
		Host: net.JoinHostPort(e.host, strconv.Itoa(e.port))}).String()
}

// InProcessConn returns a new in-process client connection to the current
// server; it implements nats.InProcessConnProvider, which lets connections
// made by Connect reconnect after a Restart.
func (e *Embedded) InProcessConn() (net.Conn, error) {
	e.mu.Lock()
	srv := e.srv
	e.mu.Unlock()
	if srv == nil {
		return nil, ErrNotRunning
	}
	conn, err := srv.InProcessConn()
	if err != nil {
		return nil, fmt.Errorf("in-process conn: %w", err)
	}
	return conn, nil
}

// Connect opens an in-process client connection, with the configured
// credentials when there are some. It reconnects forever
// (every 100 ms) unless opts say otherwise; opts are applied after the
// defaults.
func (e *Embedded) Connect(opts ...nats.Option) (*nats.Conn, error) {
	all := []nats.Option{
		nats.InProcessServer(e),
		nats.Name(e.cfg.ServerName + "-client"),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(100 * time.Millisecond),
	}
	if e.cfg.User != "" {
		all = append(all, nats.UserInfo(e.cfg.User, e.cfg.Password))
	}
	all = append(all, opts...)
	// The URL only names the server pool entry; InProcessServer does the dialing.
	nc, err := nats.Connect("nats://in-process", all...)
	if err != nil {
		return nil, fmt.Errorf("connect embedded nats: %w", err)
	}
	return nc, nil
}

// Shutdown stops the server and waits until it has stopped; the store is
// flushed and unlocked. It is safe to call more than once.
func (e *Embedded) Shutdown() {
	e.mu.Lock()
	srv := e.srv
	e.srv = nil
	e.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Shutdown()
	srv.WaitForShutdown()
}

// Restart shuts the server down (if running) and starts a new one with the
// same configuration, store and listen address. Fault tests use it.
func (e *Embedded) Restart() error {
	e.Shutdown()
	return e.start()
}

// Running reports whether the server is running.
func (e *Embedded) Running() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.srv != nil
}

// slogAdapter sends the server's log to slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Noticef(format string, v ...any) {
	a.l.Info("nats server", "text", fmt.Sprintf(format, v...))
}
func (a slogAdapter) Warnf(format string, v ...any) {
	a.l.Warn("nats server", "text", fmt.Sprintf(format, v...))
}
func (a slogAdapter) Fatalf(format string, v ...any) {
	a.l.Error("nats server", "text", fmt.Sprintf(format, v...))
}
func (a slogAdapter) Errorf(format string, v ...any) {
	a.l.Error("nats server", "text", fmt.Sprintf(format, v...))
}
func (a slogAdapter) Debugf(format string, v ...any) {
	a.l.Debug("nats server", "text", fmt.Sprintf(format, v...))
}
func (a slogAdapter) Tracef(format string, v ...any) {
	a.l.Debug("nats server", "text", fmt.Sprintf(format, v...))
}
