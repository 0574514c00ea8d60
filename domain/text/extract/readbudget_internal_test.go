package extract

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/go-pdf/fpdf"
)

// TestPDFReadBudgetHeadroom measures how much the parser reads of real PDFs
// (one to 300 pages, one or three fonts) and checks that the budget leaves
// at least ten times that.
func TestPDFReadBudgetHeadroom(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ pages, fonts int }{{1, 1}, {20, 3}, {300, 3}} {
		doc := fpdf.New("P", "mm", "A4", "")
		doc.SetCompression(true)
		fonts := []string{"Helvetica", "Times", "Courier"}[:tc.fonts]
		for p := range tc.pages {
			doc.AddPage()
			for l := range 30 {
				doc.SetFont(fonts[l%len(fonts)], "", 11)
				doc.Cell(0, 8, fmt.Sprintf("Page %d line %d: the quick brown fox jumps over the lazy dog.", p, l))
				doc.Ln(8)
			}
		}
		var buf bytes.Buffer
		if err := doc.Output(&buf); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		src := newReadBudget(data)
		if _, err := pdfTextFrom(src, data, DefaultLimits()); err != nil {
			t.Fatalf("%d pages: %v", tc.pages, err)
		}
		t.Logf("%d pages, %d fonts: %d bytes read of a %d-byte file (%.1f times)", tc.pages, tc.fonts, src.total, len(data), float64(src.total)/float64(len(data)))
		if 10*src.total > src.budget {
			t.Errorf("%d pages: read %d bytes, want at most a tenth of the budget %d", tc.pages, src.total, src.budget)
		}
	}
}

// TestPDFLoopsSpendTheBudget shows the two looping PDFs of issue 17 refused
// with ErrTooComplex (without the budget they never return).
func TestPDFLoopsSpendTheBudget(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"prev-loop.pdf", "extends-loop.pdf"} {
		data, err := os.ReadFile("testdata/hostile/" + name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = pdfText(data, DefaultLimits())
		if !errors.Is(err, ErrTooComplex) {
			t.Errorf("%s: got %v, want ErrTooComplex", name, err)
		}
	}
}
