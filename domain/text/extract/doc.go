// Package extract turns the bytes of an uploaded document into normalised
// UTF-8 text.
//
// Supported formats are plain text, Markdown, HTML, PDF and DOCX. Every
// extractor works on the bytes it is given (no files, no network), is bounded
// by [Limits], and reports failures as one of three sentinel errors that the
// API maps to HTTP statuses: [ErrUnsupportedType] (415), [ErrTooLarge] (413)
// and [ErrUnreadable] (422).
package extract
