package extract

import (
	"bytes"
	"errors"
)

// The PDF parser re-reads the file for every object it resolves and follows
// /Prev (cross-reference) and /Extends (object stream) chains without a
// cycle check, so a 648-byte file whose trailer's /Prev names its own xref
// loops forever. The module is not forked; instead every read the parser
// makes is charged to a budget, and a file that spends it is refused with
// ErrTooComplex. Legitimate files read each object a few times: PDFs of 1 to
// 300 pages read 6.5 to 22.4 times their size (TestPDFReadBudgetHeadroom
// logs it: go test -run TestPDFReadBudgetHeadroom -v ./domain/text/extract),
// so the budget below leaves more than ten times that headroom while
// stopping a loop over a small file after a few MiB of reads.
const (
	// pdfReadFactor is how many times its own size a PDF may be read.
	pdfReadFactor = 256
	// pdfReadBase is read budget every PDF gets regardless of size, so small
	// files with many small objects (each read costs at least pdfReadMin) are
	// not refused.
	pdfReadBase = 4 << 20
	// pdfReadMin is the least one read costs, so reads of nothing cannot
	// loop for free.
	pdfReadMin = 64
)

// errReadBudget is what a read past the budget returns to the parser.
var errReadBudget = errors.New("read budget spent")

// readBudget is an io.ReaderAt over a PDF that charges every read to a
// budget. It is used by one parse, from one goroutine.
type readBudget struct {
	r      *bytes.Reader
	budget int64 // the budget it started with
	left   int64
	spent  bool
	total  int64 // bytes read, for the headroom test
}

func newReadBudget(data []byte) *readBudget {
	b := int64(pdfReadFactor)*int64(len(data)) + pdfReadBase
	return &readBudget{r: bytes.NewReader(data), budget: b, left: b}
}

// ReadAt implements io.ReaderAt.
func (b *readBudget) ReadAt(p []byte, off int64) (int, error) {
	if b.left <= 0 {
		b.spent = true
		return 0, errReadBudget
	}
	n, err := b.r.ReadAt(p, off)
	b.total += int64(n)
	b.left -= int64(max(n, pdfReadMin))
	return n, err
}
