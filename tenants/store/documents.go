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
	// Visibility says who reads the document's evidence excerpts.
	Visibility Visibility
}

// Visibility says who may read a document's evidence excerpts: its admins
// (the default, for documents that may be confidential) or everyone in the
// tenant. Everyone sees the document's title and the competencies it backs.
type Visibility string

// The visibilities.
const (
	VisibleToAdmins   Visibility = "admins"
	VisibleToEveryone Visibility = "everyone"
)

// ParseVisibility parses "admins" or "everyone".
func ParseVisibility(s string) (Visibility, error) {
	switch v := Visibility(s); v {
	case VisibleToAdmins, VisibleToEveryone:
		return v, nil
	}
	return "", fmt.Errorf("unknown visibility %q: want admins or everyone", s)
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
	Visibility  string
}

func (documentRow) TableName() string { return "documents" }

func (r documentRow) toDocument() (Document, error) {
	id, err := storedUUID("documents.id", r.ID)
	if err != nil {
		return Document{}, err
	}
	return Document{ID: id, Title: r.Title, ContentType: r.ContentType, SizeBytes: r.SizeBytes,
		SHA256: r.SHA256, Text: r.BodyText, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), Visibility: Visibility(r.Visibility)}, nil
}

const documentMeta = "tenant_id, id, title, content_type, size_bytes, sha256, created_by, created_at, visibility"

// bodyTextColumn is the sealed column of a document's text.
const bodyTextColumn = "documents.body_text"

// InsertDocument stores a document, its text sealed with the tenant's data
// key. The same content (sha256) twice in a tenant is ErrConflict.
func (tx *Tx) InsertDocument(d Document) error {
	if d.Visibility == "" {
		d.Visibility = VisibleToAdmins
	}
	body, err := tx.seal(bodyTextColumn, d.Text)
	if err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	row := documentRow{TenantID: tx.tenant.String(), ID: d.ID.String(), Title: d.Title, ContentType: d.ContentType,
		SizeBytes: d.SizeBytes, SHA256: d.SHA256, BodyText: body, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(),
		Visibility: string(d.Visibility)}
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

// SetDocumentVisibility changes who reads a document's excerpts; a missing
// document is ErrNotFound.
func (tx *Tx) SetDocumentVisibility(id uuid.UUID, v Visibility) error {
	res := tx.db.Model(&documentRow{}).Where("tenant_id = ? AND id = ?", tx.tenant.String(), id.String()).Update("visibility", string(v))
	if res.Error != nil {
		return fmt.Errorf("set document visibility: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// AdminOnlyDocuments returns the IDs of the tenant's documents whose
// excerpts only admins read.
func (tx *Tx) AdminOnlyDocuments() (map[string]bool, error) {
	var ids []string
	err := tx.db.Model(&documentRow{}).Where("tenant_id = ? AND visibility = ?", tx.tenant.String(), string(VisibleToAdmins)).
		Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("admin-only documents: %w", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// DocumentUsage is what a tenant's documents take up, against its quotas.
type DocumentUsage struct {
	Documents int64
	Bytes     int64
}

// DocumentUsage counts the tenant's documents and their bytes.
func (tx *Tx) DocumentUsage() (DocumentUsage, error) {
	var u DocumentUsage
	err := tx.db.Model(&documentRow{}).Select("COUNT(*) AS documents, COALESCE(SUM(size_bytes), 0) AS bytes").
		Where("tenant_id = ?", tx.tenant.String()).Scan(&u).Error
	if err != nil {
		return DocumentUsage{}, fmt.Errorf("document usage: %w", err)
	}
	return u, nil
}
