package app_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

func TestDocumentUseCasesAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		var id uuid.UUID
		f.checkAtomic(t, "document.upload", true, []events.Type{events.TypeDocumentUploaded}, func(ctx context.Context) error {
			doc, created, err := f.app.UploadDocument(ctx, admin(f.a), app.Upload{Title: "Handbook", ContentType: "text/plain",
				Data: []byte("Engineers own their services in production.")})
			if err == nil && !created {
				t.Errorf("first upload: created = false")
			}
			id = doc.ID
			return err
		})
		f.checkAtomic(t, "document.delete", true, []events.Type{events.TypeDocumentDeleted}, func(ctx context.Context) error {
			return f.app.DeleteDocument(ctx, admin(f.a), id)
		})
	})
}

func TestDocumentUseCasesRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		f := newFixture(t, db)
		before := f.state(t, f.a)
		employee := tenants.Principal{Subject: "e", Tenant: f.a, Roles: []tenants.Role{tenants.RoleEmployee}}
		ok := app.Upload{Title: "T", ContentType: "text/plain", Data: []byte("text")}
		_, _, err := f.app.UploadDocument(t.Context(), employee, ok)
		refusal(t, err, app.Forbidden, "")
		_, _, err = f.app.UploadDocument(t.Context(), admin(f.a), app.Upload{Title: " ", ContentType: "text/plain", Data: []byte("x")})
		refusal(t, err, app.Invalid, "validation")
		_, _, err = f.app.UploadDocument(t.Context(), admin(f.a), app.Upload{Title: "T", ContentType: "text/plain"})
		refusal(t, err, app.Invalid, "unreadable-document")
		_, _, err = f.app.UploadDocument(t.Context(), admin(f.a), app.Upload{Title: "T", ContentType: "image/png", Data: []byte("x")})
		refusal(t, err, app.Unsupported, "")
		// Another tenant's document is not found.
		doc, _, err := f.app.UploadDocument(t.Context(), admin(f.b), ok)
		if err != nil {
			t.Fatal(err)
		}
		before = f.state(t, f.a)
		err = f.app.DeleteDocument(t.Context(), admin(f.a), doc.ID)
		refusal(t, err, app.NotFound, "")
		if got := f.state(t, f.a); got["documents"] != before["documents"] || got["audit_log"] != before["audit_log"] {
			t.Errorf("a refused use case wrote: %v → %v", before, got)
		}
	})
}
