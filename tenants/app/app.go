package app

import (
	"context"
	"time"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// Limits bound what one use case may be asked to do.
type Limits struct {
	// Extract bounds uploaded documents. Default extract.DefaultLimits().
	Extract extract.Limits
	// MaxValues bounds the company values in one replacement. Default 100.
	MaxValues int
	// Quotas are each tenant's default quotas. Defaults: see Quotas.
	Quotas Quotas
}

func (l *Limits) defaults() {
	if l.Extract.MaxBytes <= 0 {
		l.Extract = extract.DefaultLimits()
	}
	if l.MaxValues <= 0 {
		l.MaxValues = 100
	}
	l.Quotas.defaults()
}

// Extractor turns an upload's bytes into text within lim; errors wrap the
// extract sentinels. *sandbox.Pool is the one servers use: it bounds each
// extraction's time and memory in a child process.
type Extractor interface {
	Extract(ctx context.Context, contentType string, data []byte, lim extract.Limits) (extract.Extracted, error)
}

// inProcess extracts in the calling goroutine, unbounded in time.
type inProcess struct{}

func (inProcess) Extract(_ context.Context, ct string, data []byte, lim extract.Limits) (extract.Extracted, error) {
	return extract.Extract(ct, data, lim)
}

// Config holds the use cases' dependencies.
type Config struct {
	Store  *store.Store
	Limits Limits
	// Extractor extracts uploaded documents. Default: in process, with the
	// extract package's size limits but no deadline or memory bound; the
	// server passes a *sandbox.Pool.
	Extractor Extractor
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Replay hands a parked event to its worker again, inside the
	// transaction that marks it replayed; nil disables replay.
	Replay func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error
}

// App runs the use cases. It is safe for concurrent use.
type App struct {
	store   *store.Store
	limits  Limits
	extract Extractor
	now     func() time.Time
	replay  func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error

	// emitFault, when set (tests only, see export_test.go), fails the
	// recording of a change's events, to show that nothing of the change
	// remains when its event cannot be written.
	emitFault func(events.Type) error
}

// New returns the use cases over cfg.
func New(cfg Config) *App {
	cfg.Limits.defaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Extractor == nil {
		cfg.Extractor = inProcess{}
	}
	return &App{store: cfg.Store, limits: cfg.Limits, extract: cfg.Extractor, now: cfg.Now, replay: cfg.Replay}
}

// Limits returns the limits in force (with defaults applied).
func (a *App) Limits() Limits { return a.limits }

// Store returns the store the use cases write to, for adapters' reads.
func (a *App) Store() *store.Store { return a.store }
