package extract

// Limits bounds the work and memory one extraction may use. A zero or negative
// field means "use the default" for that field; see [DefaultLimits].
type Limits struct {
	// MaxBytes is the largest accepted input, in bytes. Default 10 MiB.
	MaxBytes int64
	// MaxExtractedChars is the largest accepted extracted text, in runes after
	// normalisation. Default 2,000,000.
	MaxExtractedChars int
	// MaxPDFPages is the largest accepted PDF page count. Default 500.
	MaxPDFPages int
	// MaxZipEntries is the largest accepted number of entries in a DOCX
	// archive. Default 1,000.
	MaxZipEntries int
	// MaxDecompressedBytes bounds the total bytes decompressed from a DOCX
	// archive (and any single entry). Default 50 MiB.
	MaxDecompressedBytes int64
}

// Default limit values, documented on [Limits].
const (
	DefaultMaxBytes             int64 = 10 << 20
	DefaultMaxExtractedChars          = 2_000_000
	DefaultMaxPDFPages                = 500
	DefaultMaxZipEntries              = 1_000
	DefaultMaxDecompressedBytes int64 = 50 << 20
)

// DefaultLimits returns the limits used for document uploads: 10 MiB input,
// 2,000,000 extracted characters, 500 PDF pages, 1,000 DOCX entries and
// 50 MiB decompressed.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:             DefaultMaxBytes,
		MaxExtractedChars:    DefaultMaxExtractedChars,
		MaxPDFPages:          DefaultMaxPDFPages,
		MaxZipEntries:        DefaultMaxZipEntries,
		MaxDecompressedBytes: DefaultMaxDecompressedBytes,
	}
}

// withDefaults fills zero or negative fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxExtractedChars <= 0 {
		l.MaxExtractedChars = d.MaxExtractedChars
	}
	if l.MaxPDFPages <= 0 {
		l.MaxPDFPages = d.MaxPDFPages
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxDecompressedBytes <= 0 {
		l.MaxDecompressedBytes = d.MaxDecompressedBytes
	}
	return l
}
