package extract

import (
	"fmt"
	"mime"
	"path"
	"strings"
)

// Canonical content types accepted by [Extract].
const (
	TypePlain    = "text/plain"
	TypeMarkdown = "text/markdown"
	TypeHTML     = "text/html"
	TypePDF      = "application/pdf"
	TypeDOCX     = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// Format names reported in [Extracted].Format.
const (
	FormatPlain    = "plain"
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
	FormatPDF      = "pdf"
	FormatDOCX     = "docx"
)

// aliases maps accepted spellings of a media type to its canonical form.
var aliases = map[string]string{
	TypePlain:               TypePlain,
	TypeMarkdown:            TypeMarkdown,
	"text/x-markdown":       TypeMarkdown,
	TypeHTML:                TypeHTML,
	"application/xhtml+xml": TypeHTML,
	TypePDF:                 TypePDF,
	"application/x-pdf":     TypePDF,
	TypeDOCX:                TypeDOCX,
}

// extensions maps lower-case file extensions to canonical content types.
var extensions = map[string]string{
	".txt":      TypePlain,
	".text":     TypePlain,
	".md":       TypeMarkdown,
	".markdown": TypeMarkdown,
	".html":     TypeHTML,
	".htm":      TypeHTML,
	".pdf":      TypePDF,
	".docx":     TypeDOCX,
}

// NormalizeContentType returns the canonical content type for an upload. It
// drops parameters (a charset other than UTF-8 or US-ASCII is rejected),
// lower-cases the media type and, when ct is empty or
// application/octet-stream, falls back to the extension of filename (.txt .md
// .markdown .html .htm .pdf .docx). Errors wrap [ErrUnsupportedType].
func NormalizeContentType(ct, filename string) (string, error) {
	ct = strings.TrimSpace(ct)
	if ct == "" || strings.EqualFold(ct, "application/octet-stream") ||
		strings.HasPrefix(strings.ToLower(ct), "application/octet-stream;") {
		ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
		if t, ok := extensions[ext]; ok {
			return t, nil
		}
		if filename == "" {
			return "", fmt.Errorf("normalize content type: no content type and no file name: %w", ErrUnsupportedType)
		}
		return "", fmt.Errorf("normalize content type: unknown file extension %q: %w", ext, ErrUnsupportedType)
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", fmt.Errorf("normalize content type: malformed %q: %w", ct, ErrUnsupportedType)
	}
	t, ok := aliases[mt]
	if !ok {
		return "", fmt.Errorf("normalize content type: %q: %w", mt, ErrUnsupportedType)
	}
	if cs, ok := params["charset"]; ok {
		switch strings.ToLower(cs) {
		case "utf-8", "utf8", "us-ascii", "ascii":
		default:
			return "", fmt.Errorf("normalize content type: charset %q (only utf-8 is accepted): %w", cs, ErrUnsupportedType)
		}
	}
	return t, nil
}
