package extract

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ledongthuc/pdf"
)

// pdfMaxDepth bounds how deep the page tree and inherited attributes are
// followed, so a cyclic PDF cannot loop forever.
const pdfMaxDepth = 32

// pdfText returns the text of a PDF document, page by page with a paragraph
// break between pages. The PDF parser panics on some malformed input; panics
// are recovered and reported as ErrUnreadable; reads are charged to a
// budget (see readBudget), and a file that spends it is ErrTooComplex. The
// page count is bounded by lim.MaxPDFPages and the decompressed content
// streams, in total, by lim.MaxDecompressedBytes.
func pdfText(data []byte, lim Limits) (string, error) {
	return pdfTextFrom(newReadBudget(data), data, lim)
}

// pdfTextFrom is pdfText reading data through src.
func pdfTextFrom(src *readBudget, data []byte, lim Limits) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("parse pdf: %v: %w", r, ErrUnreadable)
		}
		// The parser reports a spent budget as a read error, a panic or a
		// wrong result; whichever it was, the file is refused for it.
		if src.spent {
			text, err = "", fmt.Errorf("parse pdf: the parser read more than %d bytes of a %d-byte file (a looping cross-reference or object stream chain): %w",
				src.budget, len(data), ErrTooComplex)
		}
	}()
	if !bytes.HasPrefix(bytes.TrimLeft(data, "\x00\t\n\f\r "), []byte("%PDF-")) {
		return "", fmt.Errorf("parse pdf: missing %%PDF- header: %w", ErrUnreadable)
	}
	r, err := pdf.NewReader(src, int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("parse pdf: %v: %w", err, ErrUnreadable)
	}
	if r.Trailer().Key("Encrypt").Kind() != pdf.Null {
		return "", fmt.Errorf("parse pdf: encrypted documents are not supported: %w", ErrUnreadable)
	}
	pages, err := pdfPages(r, lim)
	if err != nil {
		return "", err
	}
	if len(pages) == 0 {
		return "", fmt.Errorf("parse pdf: no pages: %w", ErrUnreadable)
	}
	budget := lim.MaxDecompressedBytes
	out := newLimitedBuilder(lim)
	for i, p := range pages {
		contents := p.V.Key("Contents")
		if budget, err = pdfCheckStreams(contents, budget, lim); err != nil {
			return "", fmt.Errorf("page %d: %w", i+1, err)
		}
		s, err := p.GetPlainText(pdfFonts(p))
		if err != nil {
			return "", fmt.Errorf("parse pdf page %d: %v: %w", i+1, err, ErrUnreadable)
		}
		out.WriteString(s)
		out.WriteString("\n\n")
		if out.over {
			return "", tooMuchText(lim)
		}
	}
	return out.String(), nil
}

// pdfPages walks the page tree, depth-first, and returns the pages in order.
// More than lim.MaxPDFPages pages is ErrTooLarge.
func pdfPages(r *pdf.Reader, lim Limits) ([]pdf.Page, error) {
	root := r.Trailer().Key("Root").Key("Pages")
	if n := root.Key("Count").Int64(); n > int64(lim.MaxPDFPages) {
		return nil, fmt.Errorf("pdf has %d pages, more than the limit of %d: %w", n, lim.MaxPDFPages, ErrTooLarge)
	}
	var pages []pdf.Page
	visits := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		visits++
		if depth > pdfMaxDepth || visits > 4*lim.MaxPDFPages+64 {
			return fmt.Errorf("parse pdf: page tree too deep or cyclic: %w", ErrUnreadable)
		}
		switch v.Key("Type").Name() {
		case "Pages":
			kids := v.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
		case "Page":
			if len(pages) >= lim.MaxPDFPages {
				return fmt.Errorf("pdf has more than %d pages: %w", lim.MaxPDFPages, ErrTooLarge)
			}
			pages = append(pages, pdf.Page{V: v})
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// pdfFonts returns the fonts of a page's resources, following inherited
// resources up at most pdfMaxDepth parents.
func pdfFonts(p pdf.Page) map[string]*pdf.Font {
	fonts := make(map[string]*pdf.Font)
	v := p.V
	for depth := 0; depth < pdfMaxDepth && !v.IsNull(); depth++ {
		if res := v.Key("Resources"); !res.IsNull() {
			fd := res.Key("Font")
			for _, name := range fd.Keys() {
				fonts[name] = &pdf.Font{V: fd.Key(name)}
			}
			return fonts
		}
		v = v.Key("Parent")
	}
	return fonts
}

// pdfCheckStreams decompresses a page's content streams into io.Discard and
// returns the budget left, or ErrTooLarge once it is spent, so a compressed
// bomb is refused before the parser materialises it.
func pdfCheckStreams(contents pdf.Value, budget int64, lim Limits) (int64, error) {
	var streams []pdf.Value
	switch contents.Kind() {
	case pdf.Stream:
		streams = append(streams, contents)
	case pdf.Array:
		for i := 0; i < contents.Len(); i++ {
			streams = append(streams, contents.Index(i))
		}
	}
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		rc := s.Reader()
		n, err := io.Copy(io.Discard, io.LimitReader(rc, budget+1))
		rc.Close()
		if err != nil && !strings.Contains(err.Error(), "EOF") {
			return 0, fmt.Errorf("read content stream: %v: %w", err, ErrUnreadable)
		}
		budget -= n
		if budget < 0 {
			return 0, fmt.Errorf("content streams decompress to more than %d bytes: %w", lim.MaxDecompressedBytes, ErrTooLarge)
		}
	}
	return budget, nil
}
