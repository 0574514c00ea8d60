package api

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/cadrehq/cadre/domain/people"
)

// maxImportBytes bounds the body of an import (about 600 bytes a row, for
// app.MaxImportRows rows).
const maxImportBytes = 64 << 20

// maxReportedLineErrors bounds the line errors an import answer lists (the
// count of failed lines is always complete).
const maxReportedLineErrors = 1000

// ImportInput is POST /v1/employees/import: a text/csv body or a multipart
// form with a `file`.
type ImportInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte
}

// ImportLineError is one line of an import that was not applied.
type ImportLineError struct {
	Line    int    `json:"line" doc:"The line of the file (the header is line 1)."`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ImportOutput reports an import: 200 when every line was applied (or
// already up to date), 207 when some lines failed.
type ImportOutput struct {
	Status int
	Body   struct {
		Rows      int               `json:"rows" doc:"Data rows in the file."`
		Created   int               `json:"created"`
		Updated   int               `json:"updated"`
		Unchanged int               `json:"unchanged"`
		Failed    int               `json:"failed"`
		Errors    []ImportLineError `json:"errors"`
	}
}

func (s *Server) registerImport() {
	huma.Register(s.api, huma.Operation{
		OperationID: "import-employees", Method: http.MethodPost, Path: "/v1/employees/import",
		Summary: "Import employees from CSV (admin)",
		Description: "A text/csv body, or multipart/form-data with `file`. Header (any order): subject, name, email, title or role, tier, manager (email or subject), team. " +
			"Rows are matched to existing employees by subject; titles are matched to catalog roles; managers may appear later in the file. " +
			"Valid lines are applied in one transaction and invalid ones reported with their line numbers (207). Importing the same file again changes nothing. " +
			"More than 100,000 data rows is 413; malformed CSV is 422; in both cases nothing is written.",
		Tags: []string{"employees"}, MaxBodyBytes: maxImportBytes, SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"text/csv":            {Schema: &huma.Schema{Type: "string"}},
			"multipart/form-data": {Schema: &huma.Schema{Type: "object", Properties: map[string]*huma.Schema{"file": {Type: "string", ContentEncoding: "binary"}}, Required: []string{"file"}}},
		}},
		Responses: map[string]*huma.Response{"207": {Description: "Some lines failed; the others were applied"}},
	}, s.importEmployees)
}

// importFile returns the CSV bytes of an import request.
func importFile(in *ImportInput) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(in.ContentType)
	if err != nil {
		return nil, problem(http.StatusUnsupportedMediaType, "", "send text/csv or multipart/form-data with a file")
	}
	switch mt {
	case "text/csv", "text/plain", "application/csv":
		return in.RawBody, nil
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(in.RawBody), params["boundary"])
		var data []byte
		found := false
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, problem(http.StatusBadRequest, "malformed-multipart", "invalid multipart body")
			}
			if part.FormName() != "file" || found {
				return nil, problem(http.StatusBadRequest, "unknown-field", "send one form field, file")
			}
			found = true
			if data, err = io.ReadAll(part); err != nil {
				return nil, problem(http.StatusBadRequest, "malformed-multipart", "invalid multipart body")
			}
		}
		if !found {
			return nil, problem(http.StatusUnprocessableEntity, "validation", "the form has no file",
				&huma.ErrorDetail{Location: "body.file", Message: "required"})
		}
		return data, nil
	}
	return nil, problem(http.StatusUnsupportedMediaType, "", "send text/csv or multipart/form-data with a file")
}

func (s *Server) importEmployees(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
	p, err := s.callerWho(ctx, s.app.AuthorizeEmployees, "import employees")
	if err != nil {
		return nil, err
	}
	data, err := importFile(in)
	if err != nil {
		return nil, err
	}
	res, err := s.app.ImportEmployees(ctx, p, data)
	if err != nil {
		return nil, s.fail(ctx, "import employees", err)
	}
	out := &ImportOutput{Status: http.StatusOK}
	out.Body.Rows = res.Rows
	out.Body.Created, out.Body.Updated, out.Body.Unchanged = res.Created, res.Updated, res.Unchanged
	out.Body.Failed = len(res.Errors)
	out.Body.Errors = make([]ImportLineError, min(len(res.Errors), maxReportedLineErrors))
	for i := range out.Body.Errors {
		e := res.Errors[i]
		out.Body.Errors[i] = ImportLineError{Line: e.Line, Field: e.Field, Message: e.Message}
	}
	if len(res.Errors) > 0 {
		out.Status = http.StatusMultiStatus
	}
	return out, nil
}

// truncate shortens s to at most n runes for an error message, as every
// message that quotes refused input does.
func truncate(s string, n int) string { return people.Clip(s, n) }
