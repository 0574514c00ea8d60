package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
)

// token runs `cadre token`: it mints an HS256 development token with the
// configured secret, or the one serve generated in the data dir.
func token(cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	role := fs.String("role", "admin", "comma-separated roles: platform_admin, admin, manager, employee, analyst")
	tenant := fs.String("tenant", "", "tenant id (required unless the role is platform_admin)")
	subject := fs.String("subject", "dev-user", "the token's sub")
	ttl := fs.Duration("ttl", time.Hour, "lifetime")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.TokenMaxTTL > 0 && *ttl > cfg.TokenMaxTTL {
		return fmt.Errorf("-ttl %s is longer than CADRE_TOKEN_MAX_TTL (%s): the server would refuse the token", *ttl, cfg.TokenMaxTTL)
	}
	secret, err := readSecret(cfg)
	if err != nil {
		return err
	}
	p := tenants.Principal{Subject: *subject}
	for _, r := range strings.Split(*role, ",") {
		rr, err := tenants.ParseRole(strings.TrimSpace(r))
		if err != nil {
			return err
		}
		p.Roles = append(p.Roles, rr)
	}
	if *tenant != "" {
		if p.Tenant, err = tenants.ParseID(*tenant); err != nil {
			return err
		}
	}
	tok, err := auth.Mint(secret, p, cfg.JWTIssuer, cfg.JWTAudience, *ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// readSecret returns CADRE_JWT_SECRET, or the secret serve generated.
func readSecret(cfg Config) ([]byte, error) {
	if cfg.JWTSecret != "" {
		return []byte(cfg.JWTSecret), nil
	}
	b, err := os.ReadFile(cfg.secretFile())
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no CADRE_JWT_SECRET and no generated secret at %s: run `cadre serve` once, or set CADRE_JWT_SECRET", cfg.secretFile())
	}
	if err != nil {
		return nil, err
	}
	return []byte(strings.TrimSpace(string(b))), nil
}
