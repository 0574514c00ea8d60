package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// DocumentBody is a document as the API shows it.
type DocumentBody struct {
	ID          string    `json:"id" format:"uuid"`
	Title       string    `json:"title"`
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	Visibility  string    `json:"visibility" enum:"admins,everyone" doc:"Who reads the document's evidence excerpts in the library: admins (default) or everyone in the tenant."`
	Text        *string   `json:"text,omitempty" doc:"The extracted text, with ?include=text."`
}

func toDocumentBody(d store.Document, withText bool) DocumentBody {
	b := DocumentBody{ID: d.ID.String(), Title: d.Title, ContentType: d.ContentType, SizeBytes: d.SizeBytes, SHA256: d.SHA256, CreatedAt: d.CreatedAt,
		Visibility: string(d.Visibility)}
	if withText {
		t := d.Text
		b.Text = &t
	}
	return b
}

// UploadInput is POST /v1/documents: multipart (file, title) or JSON.
type UploadInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte
}

// jsonUpload is the JSON form of an upload.
type jsonUpload struct {
	Title       string `json:"title"`
	Content     string `json:"content"`
	ContentType string `json:"content_type"`
	Visibility  string `json:"visibility"`
}

// DocumentOutput answers with one document.
type DocumentOutput struct {
	Status int
	Body   DocumentBody
}

// DocumentListOutput is a page of documents.
type DocumentListOutput struct {
	Body struct {
		Items      []DocumentBody `json:"items"`
		NextCursor string         `json:"next_cursor,omitempty"`
	}
}

// GetDocumentInput reads one document.
type GetDocumentInput struct {
	ID      string `path:"id"`
	Include string `query:"include" enum:"text," doc:"text: include the extracted text."`
}

// DocumentIDInput names a document.
type DocumentIDInput struct {
	ID string `path:"id"`
}

const maxTitle = app.MaxTitle

func (s *Server) registerDocuments() {
	max := 2*s.cfg.Limits.Extract.MaxBytes + 1<<16 // JSON escaping and multipart framing
	huma.Register(s.api, huma.Operation{
		OperationID: "upload-document", Method: http.MethodPost, Path: "/v1/documents", DefaultStatus: http.StatusAccepted,
		Summary:     "Upload a document (admin)",
		Description: "multipart/form-data with `file` (and optional `title`), or JSON `{title, content, content_type}` for text formats. 202 with the new document; the same bytes again answer 200 with the existing one.",
		Tags:        []string{"documents"}, MaxBodyBytes: max, SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"multipart/form-data": {Schema: &huma.Schema{Type: "object", Properties: map[string]*huma.Schema{
				"file": {Type: "string", ContentEncoding: "binary"}, "title": {Type: "string", MaxLength: ptr(maxTitle)}, "visibility": visibilitySchema()}, Required: []string{"file"}}},
			"application/json": {Schema: &huma.Schema{Type: "object", AdditionalProperties: false, Properties: map[string]*huma.Schema{
				"title": {Type: "string", MinLength: ptr(1), MaxLength: ptr(maxTitle)}, "content": {Type: "string"},
				"content_type": {Type: "string", Enum: []any{"text/plain", "text/markdown", "text/html"}}, "visibility": visibilitySchema()}, Required: []string{"title", "content", "content_type"}}},
		}},
		Responses: map[string]*huma.Response{"200": {Description: "The same bytes were uploaded before"}},
	}, s.uploadDocument)
	huma.Register(s.api, huma.Operation{
		OperationID: "list-documents", Method: http.MethodGet, Path: "/v1/documents", Summary: "List documents (admin)", Tags: []string{"documents"},
	}, s.listDocuments)
	huma.Register(s.api, huma.Operation{
		OperationID: "get-document", Method: http.MethodGet, Path: "/v1/documents/{id}", Summary: "Read a document (admin)", Tags: []string{"documents"},
	}, s.getDocument)
	huma.Register(s.api, huma.Operation{
		OperationID: "delete-document", Method: http.MethodDelete, Path: "/v1/documents/{id}", DefaultStatus: http.StatusNoContent,
		Summary: "Delete a document (admin)", Tags: []string{"documents"},
	}, s.deleteDocument)
	s.registerDocumentVisibility()
}

func ptr[T any](v T) *T { return &v }

// upload is a parsed upload request.
type upload struct {
	title, contentType, filename string
	visibility                   string
	data                         []byte
}

func (s *Server) parseUpload(in *UploadInput) (upload, error) {
	mt, params, err := mime.ParseMediaType(in.ContentType)
	if err != nil {
		return upload{}, problem(http.StatusUnsupportedMediaType, "", "send multipart/form-data or application/json")
	}
	switch mt {
	case "application/json":
		// requireUTF8 has refused a body that is not valid UTF-8, which
		// encoding/json would quietly repair.
		dec := json.NewDecoder(bytes.NewReader(in.RawBody))
		dec.DisallowUnknownFields()
		var j jsonUpload
		if err := dec.Decode(&j); err != nil {
			kind := "malformed-json"
			if strings.Contains(err.Error(), "unknown field") {
				kind = "unknown-field"
			}
			return upload{}, problem(http.StatusBadRequest, kind, "invalid JSON body: "+err.Error())
		}
		if dec.More() {
			return upload{}, problem(http.StatusBadRequest, "malformed-json", "invalid JSON body: trailing data")
		}
		if j.ContentType == "" {
			return upload{}, problem(http.StatusUnprocessableEntity, "validation", "content_type is required",
				&huma.ErrorDetail{Location: "body.content_type", Message: "required"})
		}
		return upload{title: j.Title, contentType: j.ContentType, visibility: j.Visibility, data: []byte(j.Content)}, nil
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(in.RawBody), params["boundary"])
		var u upload
		seenFile := false
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return upload{}, problem(http.StatusBadRequest, "malformed-multipart", "invalid multipart body")
			}
			switch part.FormName() {
			case "file":
				if seenFile {
					return upload{}, problem(http.StatusBadRequest, "malformed-multipart", "send one file per upload")
				}
				seenFile = true
				u.filename = part.FileName()
				u.contentType = part.Header.Get("Content-Type")
				u.data, err = io.ReadAll(io.LimitReader(part, s.cfg.Limits.Extract.MaxBytes+1))
			case "title":
				var b []byte
				b, err = io.ReadAll(io.LimitReader(part, 4*maxTitle+1))
				u.title = string(b)
			case "visibility":
				var b []byte
				b, err = io.ReadAll(io.LimitReader(part, 64))
				u.visibility = string(b)
			default:
				return upload{}, problem(http.StatusBadRequest, "unknown-field", fmt.Sprintf("unknown form field %q", part.FormName()))
			}
			if err != nil {
				return upload{}, problem(http.StatusBadRequest, "malformed-multipart", "invalid multipart body")
			}
		}
		if !seenFile {
			return upload{}, problem(http.StatusUnprocessableEntity, "validation", "the form has no file",
				&huma.ErrorDetail{Location: "body.file", Message: "required"})
		}
		if strings.TrimSpace(u.title) == "" {
			u.title = u.filename
		}
		return u, nil
	}
	return upload{}, problem(http.StatusUnsupportedMediaType, "", "send multipart/form-data or application/json")
}

func (s *Server) uploadDocument(ctx context.Context, in *UploadInput) (*DocumentOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.parseUpload(in)
	if err != nil {
		return nil, err
	}
	vis, err := parseVisibility(u.visibility, "body.visibility")
	if err != nil {
		return nil, err
	}
	doc, created, err := s.app.UploadDocument(ctx, p, app.Upload{Title: u.title, Filename: u.filename, ContentType: u.contentType,
		Data: u.data, Visibility: vis})
	if e, ok := app.AsError(err); ok && e.Code == app.CodeExtractionLimit {
		// A hostile or pathological file: worth an operator's look, and
		// the hash finds it again if the same bytes come back.
		sum := sha256.Sum256(u.data)
		s.cfg.Logger.WarnContext(ctx, "document extraction exceeded its bound", append(logAttrs(ctx),
			"sha256", hex.EncodeToString(sum[:]), "content_type", u.contentType, "size_bytes", len(u.data), "err", e.Detail)...)
	}
	if err != nil {
		return nil, s.fail(ctx, "upload document", err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusAccepted
	}
	return &DocumentOutput{Status: status, Body: toDocumentBody(doc, false)}, nil
}

func (s *Server) listDocuments(ctx context.Context, in *PageInput) (*DocumentListOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	afterID, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	n := s.pageSize(in.Limit)
	var docs []store.Document
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		docs, err = tx.Documents(afterID, n+1)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "list documents", err)
	}
	out := &DocumentListOutput{}
	out.Body.Items = make([]DocumentBody, 0, len(docs))
	for i, d := range docs {
		if i == n {
			out.Body.NextCursor = encodeCursor(docs[i-1].ID.String())
			break
		}
		out.Body.Items = append(out.Body.Items, toDocumentBody(d, false))
	}
	return out, nil
}

func (s *Server) getDocument(ctx context.Context, in *GetDocumentInput) (*DocumentOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	withText := in.Include == "text"
	var d store.Document
	err = s.cfg.Store.InTenant(ctx, p.Tenant, func(tx *store.Tx) error {
		d, err = tx.Document(id, withText)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "get document", err)
	}
	return &DocumentOutput{Status: http.StatusOK, Body: toDocumentBody(d, withText)}, nil
}

func (s *Server) deleteDocument(ctx context.Context, in *DocumentIDInput) (*struct{}, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := parseUUID(in.ID)
	if err != nil {
		return nil, err
	}
	if err := s.app.DeleteDocument(ctx, p, id); err != nil {
		return nil, s.fail(ctx, "delete document", err)
	}
	return nil, nil
}
