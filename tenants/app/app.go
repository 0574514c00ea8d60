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

// Config holds the use cases' dependencies.
type Config struct {
	Store  *store.Store
	Limits Limits
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Replay hands a parked event to its worker again, inside the
	// transaction that marks it replayed; nil disables replay.
	Replay func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error
}

// App runs the use cases. It is safe for concurrent use.
type App struct {
	store  *store.Store
	limits Limits
	now    func() time.Time
	replay func(ctx context.Context, tx *store.Tx, d store.DeadLetter) error

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
	return &App{store: cfg.Store, limits: cfg.Limits, now: cfg.Now, replay: cfg.Replay}
}

// Limits returns the limits in force (with defaults applied).
func (a *App) Limits() Limits { return a.limits }

// Store returns the store the use cases write to, for adapters' reads.
func (a *App) Store() *store.Store { return a.store }
