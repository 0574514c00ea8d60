package extract

import "errors"

// Sentinel errors returned (wrapped, with a readable detail) by [Extract] and
// [NormalizeContentType]. Callers branch with errors.Is.
var (
	// ErrUnsupportedType means the content type is not one Cadre can extract
	// text from. The API answers 415 Unsupported Media Type.
	ErrUnsupportedType = errors.New("extract: unsupported content type")

	// ErrTooLarge means a limit was exceeded: input bytes, PDF pages, DOCX
	// entries, decompressed size or extracted characters. The API answers
	// 413 Content Too Large.
	ErrTooLarge = errors.New("extract: document too large")

	// ErrUnreadable means the bytes do not form a readable document of the
	// declared type: invalid UTF-8 or NUL bytes in a text format, a truncated
	// or corrupt PDF or DOCX, or no text at all. The API answers 422
	// Unprocessable Content.
	ErrUnreadable = errors.New("extract: document unreadable")
)

// ErrTooComplex means the document needs more work than extraction may
// spend on it: it ran past its deadline or memory bound, or a PDF made the
// parser read the file over and over (a cross-reference /Prev chain or an
// object stream /Extends chain that loops). The API answers 422
// Unprocessable Content with the problem type "extraction-limit".
var ErrTooComplex = errors.New("extract: document exceeds the extraction bound")
