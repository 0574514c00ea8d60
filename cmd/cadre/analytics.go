package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// analytics runs `cadre analytics rebuild [--tenant ID]`: it recomputes the
// analytics read models of one tenant, or of every tenant, from the source
// tables, one transaction per tenant, and says whether they had drifted.
func analytics(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("analytics", flag.ContinueOnError)
	fs.SetOutput(stdout)
	tenant := fs.String("tenant", "", "the tenant id to rebuild (default: every tenant)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cadre analytics rebuild [--tenant ID]")
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "rebuild" {
		fs.Usage()
		return errors.New("analytics needs the subcommand rebuild")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	st, err := store.Open(ctx, cfg.storeConfig(log))
	if err != nil {
		return err
	}
	defer st.Close()
	var ids []store.Tenant
	if *tenant != "" {
		id, err := tenants.ParseID(*tenant)
		if err != nil {
			return fmt.Errorf("--tenant: %w", err)
		}
		ids = []store.Tenant{{ID: id}}
	} else if ids, err = allTenants(ctx, st); err != nil {
		return err
	}
	for _, t := range ids {
		var rep store.AnalyticsRebuild
		err := st.InTenant(ctx, t.ID, func(tx *store.Tx) error {
			loaded, err := tx.LoadTenant()
			if err != nil {
				return err
			}
			t.Slug = loaded.Slug
			rep, err = tx.RebuildAnalytics()
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no tenant %s", t.ID)
		}
		if err != nil {
			return fmt.Errorf("rebuild analytics of %s: %w", t.ID, err)
		}
		drift := "in step"
		if rep.Drifted {
			drift = "had drifted, repaired"
		}
		fmt.Fprintf(stdout, "%s %-24s %6d employees %6d assessed %5d cells  %s\n", t.ID, t.Slug, rep.Employees, rep.Assessed, rep.Cells, drift)
	}
	fmt.Fprintf(stdout, "rebuilt the analytics of %d tenant(s)\n", len(ids))
	return nil
}

// allTenants lists every tenant, page by page.
func allTenants(ctx context.Context, st *store.Store) ([]store.Tenant, error) {
	var all []store.Tenant
	var after tenants.ID
	for {
		page, err := st.ListTenants(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < 500 {
			return all, nil
		}
		after = page[len(page)-1].ID
	}
}
