package console_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/console"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestDocumentsAcrossTenants: an admin uploads a document with the form;
// a file over the limit is refused with its size and stores nothing;
// another tenant's admin neither sees the document nor deletes it (not
// found), on both databases.
func TestDocumentsAcrossTenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		limits := extract.DefaultLimits()
		limits.MaxBytes = 4096
		c, err := console.New(console.Config{App: app.New(app.Config{Store: db.Store, Limits: app.Limits{Extract: limits}}), DevSignIn: true,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		acme, other := newTenant(t, db.Store, "acme"), newTenant(t, db.Store, "other")
		admin, stranger := signInAs(t, c, acme, "admin", "admin"), signInAs(t, c, other, "admin", "admin")

		if rec := post(t, c, admin, "/documents", "handbook.md", "# Handbook\n\nWe review every change."); rec.Code != http.StatusSeeOther {
			t.Fatalf("upload: got %d, want 303", rec.Code)
		}
		rec := post(t, c, admin, "/documents", "big.md", strings.Repeat("x", 2<<20))
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "too large") {
			t.Errorf("oversized upload: got %d, want 413 with the limit", rec.Code)
		}
		var docs []store.Document
		err = db.Store.InTenant(context.Background(), acme, func(tx *store.Tx) (err error) {
			docs, err = tx.Documents(uuid.Nil, 10)
			return err
		})
		if err != nil || len(docs) != 1 {
			t.Fatalf("acme's documents: got %d (%v), want 1", len(docs), err)
		}
		if body := get(t, c, stranger, "/documents"); strings.Contains(body, "handbook") {
			t.Error("another tenant's admin sees acme's document")
		}
		if rec := post(t, c, stranger, "/documents/"+docs[0].ID.String()+"/delete", "", ""); rec.Code != http.StatusNotFound {
			t.Errorf("another tenant's delete: got %d, want 404", rec.Code)
		}
		if body := get(t, c, admin, "/documents"); !strings.Contains(body, "handbook") {
			t.Error("acme's document is gone after another tenant's delete")
		}
	})
}

func newTenant(t *testing.T, st *store.Store, slug string) tenants.ID {
	t.Helper()
	id := tenants.NewID()
	if err := st.CreateTenant(context.Background(), store.Tenant{ID: id, Name: slug, Slug: slug, Industry: "finance", CreatedAt: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// post sends a same-origin form post (multipart with a file when name is
// set) with the session cookie.
func post(t *testing.T, c *console.Console, session *http.Cookie, path, name, content string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(fw, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(session)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	return rec
}

func get(t *testing.T, c *console.Console, session *http.Cookie, path string) string {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(session)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d, want 200", path, rec.Code)
	}
	return rec.Body.String()
}
