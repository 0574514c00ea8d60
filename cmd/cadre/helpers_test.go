package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
)

// processWait bounds the waits of the tests of this package.
const processWait = 90 * time.Second

// mint returns a token for roles in tenant (zero: the platform).
func mint(t testing.TB, secret []byte, tenant tenants.ID, roles ...tenants.Role) string {
	t.Helper()
	tok, err := auth.Mint(secret, tenants.Principal{Subject: "test", Tenant: tenant, Roles: roles}, "cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// call sends a request with a JSON body (nil: none) and decodes a JSON
// answer into out (nil: ignored); it may run on any goroutine.
func call(method, url, token string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("decode %s: %w", b, err)
		}
	}
	return res.StatusCode, nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (a child
// process's output).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// acmeWithHandbook creates the tenant "acme" through the API at base and
// uploads one short handbook as its admin, failing the test unless the
// answers are 201 and 202; it returns the admin's token.
func acmeWithHandbook(t *testing.T, base, secret string) string {
	t.Helper()
	var tn struct {
		ID string `json:"id"`
	}
	platform := mint(t, []byte(secret), tenants.ID{}, tenants.RolePlatformAdmin)
	if status, err := call("POST", base+"/v1/tenants", platform, map[string]any{"name": "Acme", "slug": "acme", "industry": "finance"}, &tn); err != nil || status != http.StatusCreated {
		t.Fatalf("create tenant: %d %v", status, err)
	}
	id, err := tenants.ParseID(tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	admin := mint(t, []byte(secret), id, tenants.RoleAdmin)
	if status, err := call("POST", base+"/v1/documents", admin, map[string]any{"title": "Handbook", "content_type": "text/plain",
		"content": "We deploy services with Kubernetes and review every change."}, nil); err != nil || status != http.StatusAccepted {
		t.Fatalf("upload: %d %v, want 202", status, err)
	}
	return admin
}
