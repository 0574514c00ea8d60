package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cadrehq/cadre/internal/backoff"
)

// ListenOutbox LISTENs on PostgreSQL for the outbox trigger's notifications
// and calls wake for each, so that a relay in any process publishes a
// commit at once; it reconnects after errors and returns when ctx is done.
func ListenOutbox(ctx context.Context, url string, wake func(), log *slog.Logger) {
	retry := backoff.Exponential{Min: 100 * time.Millisecond, Max: 10 * time.Second}
	for ctx.Err() == nil {
		err := listenOnce(ctx, url, wake)
		if ctx.Err() != nil {
			return
		}
		wait := retry.Next()
		log.WarnContext(ctx, "outbox listen failed", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func listenOnce(ctx context.Context, url string, wake func()) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN cadre_outbox"); err != nil {
		return err
	}
	wake() // catch up on anything committed while not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
