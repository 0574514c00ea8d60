package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
)

// TestErasureDataDir runs `cadre serve` in embedded mode: a tenant's
// document sentence, which reaches its library as evidence, is in clear
// text in none of the data dir's files (the SQLite files and the NATS
// store), before or after the tenant is deleted. The document's title,
// which the document.uploaded event carries, is the control: the scan
// finds it in the NATS store, so it reads the files the events are in.
func TestErasureDataDir(t *testing.T) {
	secret := []byte("erasure-test-secret-erasure-test-secret-0123")
	cfg := Config{HTTPAddr: freeAddr(t), DataDir: t.TempDir(), Migrate: true, StreamMaxAge: time.Hour, StreamReplicas: 1, JWTSecret: string(secret),
		JWTIssuer: "cadre", JWTAudience: "cadre-api", MaxBodyBytes: 1 << 20, MaxDocumentBytes: 10 << 20, RateLimit: 200, LogLevel: "warn"}
	runServe(t, cfg, "serve ready")
	base := "http://" + cfg.HTTPAddr
	n := strings.ReplaceAll(uuid.NewString(), "-", "")
	doc, err := os.ReadFile(filepath.Join("demo", "corpus", "18f-site-reliability-engineer.md"))
	if err != nil {
		t.Fatal(err)
	}
	const line = "Respond to system alerts, troubleshoot system errors, and resolve incidents."
	if !bytes.Contains(doc, []byte(line)) {
		t.Fatalf("the corpus document lacks %q", line)
	}
	content := strings.Replace(string(doc), line, "Project"+n+" staff respond to system alerts, troubleshoot system errors, and resolve incidents.", 1)
	title := "Handbook" + n

	platform := mint(t, secret, tenants.ID{}, tenants.RolePlatformAdmin)
	var tn struct {
		ID string `json:"id"`
	}
	if status, err := call("POST", base+"/v1/tenants", platform, map[string]any{"name": "Acme", "slug": "acme", "industry": "finance"}, &tn); err != nil || status != http.StatusCreated {
		t.Fatalf("create tenant: %d %v", status, err)
	}
	id, err := tenants.ParseID(tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	admin := mint(t, secret, id, tenants.RoleAdmin)
	if status, err := call("POST", base+"/v1/documents", admin, map[string]any{"title": title, "content_type": "text/plain",
		"content": content}, nil); err != nil || status != http.StatusAccepted {
		t.Fatalf("upload: %d %v, want 202", status, err)
	}
	testwait.Until(t, processWait, "the library quotes the sentence", func() (bool, error) {
		var lib json.RawMessage
		status, err := call("GET", base+"/v1/library", admin, nil, &lib)
		return status == http.StatusOK && strings.Contains(string(lib), "Project"+n), fmt.Errorf("library %d (%v)", status, err)
	})
	natsDir := filepath.Join(cfg.DataDir, "nats")
	testwait.Until(t, processWait, "the NATS store holds the document.uploaded event", func() (bool, error) {
		return bytes.Contains(readFiles(t, natsDir), []byte(title)), errors.New("title not in the NATS store")
	})
	if all := readFiles(t, cfg.DataDir); bytes.Contains(all, []byte("Project"+n)) {
		t.Errorf("the data dir holds the document's sentence in clear text before the delete")
	}

	if status, err := call("DELETE", base+"/v1/tenants/"+id.String(), platform, nil, nil); err != nil || status != http.StatusAccepted {
		t.Fatalf("delete tenant: %d %v, want 202", status, err)
	}
	testwait.Until(t, processWait, "the tenant is gone", func() (bool, error) {
		status, err := call("GET", base+"/v1/library", admin, nil, nil)
		return status == http.StatusNotFound || status == http.StatusUnauthorized || status == http.StatusForbidden,
			fmt.Errorf("library after delete %d (%v)", status, err)
	})
	all := readFiles(t, cfg.DataDir)
	if bytes.Contains(all, []byte("Project"+n)) {
		t.Errorf("the data dir holds the deleted tenant's sentence in clear text")
	}
	if bytes.Contains(readFiles(t, filepath.Join(cfg.DataDir, "cadre.db")), []byte(title)) {
		t.Errorf("the SQLite file holds the deleted tenant's title (secure_delete off?)")
	}
}

// readFiles concatenates the file at path, or every file under it.
func readFiles(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a file removed meanwhile (a compacted block, a -wal)
		}
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}
