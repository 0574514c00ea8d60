package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Document is an uploaded company document: its metadata, content hash and
// extracted text.
type Document struct {
	ID          uuid.UUID
	Title       string
	ContentType string
	SizeBytes   int64
	SHA256      string
	Text        string
	CreatedBy   string
	CreatedAt   time.Time
}

type documentRow struct {
	TenantID    string `gorm:"primaryKey"`
	ID          string `gorm:"primaryKey"`
	Title       string
	ContentType string
	SizeBytes   int64
	SHA256      string `gorm:"column:sha256"`
	BodyText    string
	CreatedBy   string
	CreatedAt   time.Time
}

func (documentRow) TableName() string { return "documents" }

func (r documentRow) toDocument() (Document, error) {
	id, err := storedUUID("documents.id", r.ID)
	if err != nil {
		return Document{}, err
	}
	return Document{ID: id, Title: r.Title, ContentType: r.ContentType, SizeBytes: r.SizeBytes,
		SHA256: r.SHA256, Text: r.BodyText, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}, nil
}

const documentMeta = "tenant_id, id, title, content_type, size_bytes, sha256, created_by, created_at"

// bodyTextColumn is the sealed column of a document's text.
const bodyTextColumn = "documents.body_text"

// InsertDocument stores a document, its text sealed with the tenant's data
// key. The same content (sha256) twice in a tenant is ErrConflict.
func (tx *Tx) InsertDocument(d Document) error {
	body, err := tx.seal(bodyTextColumn, d.Text)
	if err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	row := documentRow{TenantID: tx.tenant.String(), ID: d.ID.String(), Title: d.Title, ContentType: d.ContentType,
		SizeBytes: d.SizeBytes, SHA256: d.SHA256, BodyText: body, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
	if err := tx.db.Create(&row).Error; err != nil {
		return fmt.Errorf("insert document: %w", translate(err))
	}
	return nil
}

// DocumentBySHA256 finds the tenant's document with that content hash.
func (tx *Tx) DocumentBySHA256(sum string) (Document, error) {
	var row documentRow
	err := tx.db.Select(documentMeta).Where("tenant_id = ? AND sha256 = ?", tx.tenant.String(), sum).Take(&row).Error
	if err != nil {
		return Document{}, translate(err)
	}
	return row.toDocument()
}

// Document reads one document; withText also loads the extracted text.
func (tx *Tx) Document(id uuid.UUID, withText bool) (Document, error) {
	var row documentRow
	q := tx.db.Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String())
	if !withText {
		q = q.Select(documentMeta)
	}
	if err := q.Take(&row).Error; err != nil {
		return Document{}, translate(err)
	}
	return tx.openDocument(row)
}

// openDocument converts a row read with its text, unsealing the text.
func (tx *Tx) openDocument(r documentRow) (Document, error) {
	text, err := tx.unseal(bodyTextColumn, r.BodyText)
	if err != nil {
		return Document{}, err
	}
	r.BodyText = text
	return r.toDocument()
}

// Documents lists documents in ID (upload) order after the cursor ID, at most
// limit, without their text.
func (tx *Tx) Documents(after uuid.UUID, limit int) ([]Document, error) {
	var rows []documentRow
	q := tx.db.Select(documentMeta).Where("tenant_id = ?", tx.tenant.String()).Order("id").Limit(limit)
	if after != uuid.Nil {
		q = q.Where("id > ?", after.String())
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return convertRows(rows, documentRow.toDocument)
}

// AllDocuments returns every document of the tenant with its text, in ID
// order (the library builder's input).
func (tx *Tx) AllDocuments() ([]Document, error) {
	var rows []documentRow
	if err := tx.db.Where("tenant_id = ?", tx.tenant.String()).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("all documents: %w", err)
	}
	return convertRows(rows, tx.openDocument)
}

// DeleteDocument removes a document; a missing one is ErrNotFound.
func (tx *Tx) DeleteDocument(id uuid.UUID) (Document, error) {
	d, err := tx.Document(id, false)
	if err != nil {
		return Document{}, err
	}
	if err := tx.db.Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Delete(&documentRow{}).Error; err != nil {
		return Document{}, fmt.Errorf("delete document: %w", err)
	}
	return d, nil
}
