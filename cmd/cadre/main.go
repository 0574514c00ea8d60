// Command cadre is Cadre's one binary: the API, the outbox relay and the
// workers (serve, or api and worker split for production), migrations, and
// development tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/cadrehq/cadre/internal/sandbox"
)

const usage = `cadre — company-private competency frameworks

usage: cadre <command> [flags]

commands:
  serve              API + outbox relay + workers in one process (embedded SQLite and NATS by default)
  api                the HTTP API and the outbox relay only (PostgreSQL and external NATS)
  worker             the outbox relay and the workers only (PostgreSQL and external NATS)
  migrate up|down|status
                     apply, roll back one, or list schema migrations
  extract -type T    extract one document's text (stdin) as JSON (stdout); the server runs it per upload
  token              mint a development HS256 token (see cadre token -h)
  analytics rebuild  recompute the analytics read models from the source tables (--tenant ID: one tenant)
  demo               seed a demo company against a running server and print what Cadre built (see cadre demo -h)

configuration: CADRE_* environment variables (see README.md)
`

func main() {
	sandbox.ServeIfChild() // a child the server started to extract one document
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cadre:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if args[0] == "extract" {
		// Needs no configuration: the server passes everything as flags.
		return sandbox.Child(args[1:], os.Stdin, stdout)
	}
	cfg, err := loadConfig()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg.LogLevel, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, roles{api: true, workers: true, embedded: true})
	case "api":
		return serve(ctx, cfg, log, roles{api: true})
	case "worker":
		return serve(ctx, cfg, log, roles{workers: true})
	case "migrate":
		return migrate(ctx, cfg, log, args[1:], stdout)
	case "token":
		return token(cfg, args[1:], stdout)
	case "analytics":
		return analytics(ctx, cfg, log, args[1:], stdout)
	case "demo":
		return demo(ctx, cfg, args[1:], stdout)
	}
	fmt.Fprint(stderr, usage)
	return errors.New("unknown command " + args[0])
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// migrate runs `cadre migrate up|down|status`.
func migrate(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: cadre migrate up|down|status") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("migrate needs one of up, down, status")
	}
	m, err := newMigrator(cfg, log)
	if err != nil {
		return err
	}
	defer m.Close()
	switch fs.Arg(0) {
	case "up":
		n, err := m.Up(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	case "down":
		if err := m.Down(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "rolled back one migration")
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%05d  %-8s  %s\n", s.Version, state, s.Source)
		}
	default:
		fs.Usage()
		return fmt.Errorf("unknown migrate command %q", fs.Arg(0))
	}
	return nil
}
