package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cadrehq/cadre/domain/tenant"
	"github.com/cadrehq/cadre/events"
)

// natsPasswordFile is where serve keeps the generated broker password.
func (c Config) natsPasswordFile() string { return filepath.Join(c.DataDir, "nats-password") }

// brokerAuth sets the embedded broker's credentials when it listens outside
// the process: CADRE_NATS_USER with CADRE_NATS_PASSWORD, or a password
// generated once into the data dir (mode 0600); and the read-only users of
// CADRE_NATS_READERS_FILE.
func brokerAuth(cfg Config, ecfg *events.EmbeddedConfig) error {
	if cfg.NATSListen == "" {
		return nil
	}
	ecfg.User, ecfg.Password = cfg.NATSUser, cfg.NATSPassword
	if ecfg.Password == "" {
		pw, err := keptSecret(cfg.DataDir, cfg.natsPasswordFile())
		if err != nil {
			return fmt.Errorf("nats password: %w", err)
		}
		ecfg.Password = pw
	}
	if cfg.NATSReadersFile != "" {
		readers, err := readReaders(cfg.NATSReadersFile)
		if err != nil {
			return err
		}
		ecfg.Readers = readers
	}
	return nil
}

// readReaders parses a readers file: one reader a line, "name password
// tenant_id" separated by spaces (the password may be a bcrypt hash);
// blank lines and lines starting with # are skipped.
func readReaders(path string) ([]events.Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("CADRE_NATS_READERS_FILE: %w", err)
	}
	defer f.Close()
	var out []events.Reader
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			return nil, fmt.Errorf("CADRE_NATS_READERS_FILE %s line %d: want \"name password tenant_id\"", path, n)
		}
		tid, err := tenant.ParseID(fields[2])
		if err != nil {
			return nil, fmt.Errorf("CADRE_NATS_READERS_FILE %s line %d: %w", path, n, err)
		}
		out = append(out, events.Reader{Name: fields[0], Password: fields[1], Tenant: tid})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("CADRE_NATS_READERS_FILE: %w", err)
	}
	return out, nil
}
