package extract

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Extracted is the text of one document.
type Extracted struct {
	// Text is the normalised text: UTF-8 in NFC, one space between words,
	// lines trimmed, paragraphs separated by one blank line.
	Text string
	// Format names the extractor used: "plain", "markdown", "html", "pdf"
	// or "docx".
	Format string
}

// Extract returns the normalised text of data, a document of the given
// content type (parameters such as charset=utf-8 are accepted; see
// [NormalizeContentType]). Zero fields of lim take their defaults.
//
// Errors wrap [ErrUnsupportedType], [ErrTooLarge], [ErrUnreadable] or
// [ErrTooComplex] with a detail a client can read.
func Extract(contentType string, data []byte, lim Limits) (Extracted, error) {
	lim = lim.withDefaults()
	ct, err := NormalizeContentType(contentType, "")
	if err != nil {
		return Extracted{}, fmt.Errorf("extract: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return Extracted{}, fmt.Errorf("extract: %d bytes exceeds the limit of %d: %w", len(data), lim.MaxBytes, ErrTooLarge)
	}
	var (
		raw    string
		format string
	)
	switch ct {
	case TypePlain:
		format = FormatPlain
		raw, err = plainText(data)
	case TypeMarkdown:
		format = FormatMarkdown
		raw, err = markdownText(data, lim)
	case TypeHTML:
		format = FormatHTML
		raw, err = htmlText(data, lim)
	case TypePDF:
		format = FormatPDF
		raw, err = pdfText(data, lim)
	case TypeDOCX:
		format = FormatDOCX
		raw, err = docxText(data, lim)
	default:
		return Extracted{}, fmt.Errorf("extract: %q: %w", ct, ErrUnsupportedType)
	}
	if err != nil {
		return Extracted{}, fmt.Errorf("extract %s: %w", format, err)
	}
	text := normalize(raw)
	if n := utf8.RuneCountInString(text); n > lim.MaxExtractedChars {
		return Extracted{}, fmt.Errorf("extract %s: %d characters of text exceeds the limit of %d: %w", format, n, lim.MaxExtractedChars, ErrTooLarge)
	}
	if !hasText(text) {
		return Extracted{}, fmt.Errorf("extract %s: no text found: %w", format, ErrUnreadable)
	}
	return Extracted{Text: text, Format: format}, nil
}

// hasText reports whether s holds at least one letter or digit.
func hasText(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// tooMuchText is the error for raw text that outgrew its builder.
func tooMuchText(lim Limits) error {
	return fmt.Errorf("text exceeds the limit of %d characters: %w", lim.MaxExtractedChars, ErrTooLarge)
}
