package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// MaxTitle bounds a document title, in characters.
const MaxTitle = 300

// Upload is one document as received.
type Upload struct {
	Title, Filename, ContentType string
	Data                         []byte
	// Visibility says who reads the document's excerpts; empty is admins.
	Visibility store.Visibility
}

// UploadDocument stores a document (admin) and records its upload: the
// text is extracted first, so an unreadable file stores nothing. The same
// bytes uploaded again answer the stored document with created false.
func (a *App) UploadDocument(ctx context.Context, p tenants.Principal, u Upload) (doc store.Document, created bool, err error) {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return doc, false, err
	}
	title := strings.TrimSpace(u.Title)
	switch {
	case title == "":
		return doc, false, invalid("title must not be empty", Field{Location: "body.title", Message: "required"})
	case !ValidName(title) || utf8.RuneCountInString(title) > MaxTitle:
		return doc, false, invalid("title must be one line of at most 300 characters without control or bidirectional formatting characters",
			Field{Location: "body.title", Message: "invalid title"})
	case int64(len(u.Data)) > a.limits.Extract.MaxBytes:
		return doc, false, refuse(TooLarge, "", fmt.Sprintf("the document is larger than %d bytes", a.limits.Extract.MaxBytes))
	case len(u.Data) == 0:
		return doc, false, refuse(Invalid, "unreadable-document", "the document is empty")
	}
	ct, err := extract.NormalizeContentType(u.ContentType, u.Filename)
	if err != nil {
		return doc, false, extractRefusal(err)
	}
	sum := sha256.Sum256(u.Data)
	ex, err := a.extract.Extract(ctx, ct, u.Data, a.limits.Extract)
	if err != nil {
		return doc, false, extractRefusal(err)
	}
	doc = store.Document{ID: uuid.Must(uuid.NewV7()), Title: title, ContentType: ct, SizeBytes: int64(len(u.Data)),
		SHA256: hex.EncodeToString(sum[:]), Text: ex.Text, CreatedBy: p.Subject, CreatedAt: a.now().UTC().Truncate(time.Microsecond),
		Visibility: store.VisibleToAdmins}
	if u.Visibility != "" {
		doc.Visibility = u.Visibility
	}
	created = true
	err = a.inTenant(ctx, p, func(tx *tx) error {
		if existing, err := tx.DocumentBySHA256(doc.SHA256); err == nil {
			doc, created = existing, false
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.LockTenant("documents"); err != nil {
			return err
		}
		if err := tx.checkDocumentQuotas(doc.SizeBytes); err != nil {
			return err
		}
		if err := tx.InsertDocument(doc); err != nil {
			return err
		}
		_, err := tx.record(change{Action: "document.upload", Resource: "document/" + doc.ID.String(),
			Detail: map[string]any{"title": doc.Title, "sha256": doc.SHA256, "visibility": string(doc.Visibility)}, Context: true,
			Events: func(rev int64) []store.PendingEvent {
				return event(events.TypeDocumentUploaded, doc.ID.String(), events.DocumentUploaded{DocumentID: doc.ID.String(), Title: doc.Title,
					ContentType: doc.ContentType, SizeBytes: doc.SizeBytes, SHA256: doc.SHA256, ContextRevision: rev})
			}})
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		// A concurrent upload of the same bytes won: answer with it.
		created = false
		err = a.store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
			doc, err = tx.DocumentBySHA256(doc.SHA256)
			return err
		})
	}
	return doc, created, err
}

// DeleteDocument deletes a document (admin) and records it.
func (a *App) DeleteDocument(ctx context.Context, p tenants.Principal, id uuid.UUID) error {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return err
	}
	return a.inTenant(ctx, p, func(tx *tx) error {
		if _, err := tx.DeleteDocument(id); err != nil {
			return err
		}
		_, err := tx.record(change{Action: "document.delete", Resource: "document/" + id.String(), Context: true,
			Events: func(rev int64) []store.PendingEvent {
				return event(events.TypeDocumentDeleted, id.String(), events.DocumentDeleted{DocumentID: id.String(), ContextRevision: rev})
			}})
		return err
	})
}

// CodeExtractionLimit is the refusal code of a document whose extraction
// ran past its deadline, memory or read bound (extract.ErrTooComplex).
const CodeExtractionLimit = "extraction-limit"

// extractRefusal maps an extraction error to its refusal.
func extractRefusal(err error) error {
	switch {
	case errors.Is(err, extract.ErrTooComplex):
		return refuse(Invalid, CodeExtractionLimit, err.Error())
	case errors.Is(err, extract.ErrTooLarge):
		return refuse(TooLarge, "", err.Error())
	case errors.Is(err, extract.ErrUnsupportedType):
		return refuse(Unsupported, "", err.Error())
	case errors.Is(err, extract.ErrUnreadable):
		return refuse(Invalid, "unreadable-document", err.Error())
	}
	return err
}
