package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// docxBody is the archive entry that holds a Word document's main text.
const docxBody = "word/document.xml"

// docxText returns the text of a DOCX document (word/document.xml): each w:p
// paragraph becomes a paragraph, w:t runs its text, w:tab a space and
// w:br/w:cr a line break. The archive may hold at most lim.MaxZipEntries
// entries and lim.MaxDecompressedBytes declared in total; the body is read
// through a limit as well, so a zip bomb fails before its size is allocated.
func docxText(data []byte, lim Limits) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("open docx archive: %v: %w", err, ErrUnreadable)
	}
	if n := len(zr.File); n > lim.MaxZipEntries {
		return "", fmt.Errorf("docx archive has %d entries, more than the limit of %d: %w", n, lim.MaxZipEntries, ErrTooLarge)
	}
	var (
		total uint64
		body  *zip.File
	)
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxDecompressedBytes) {
			return "", fmt.Errorf("docx archive decompresses to more than %d bytes: %w", lim.MaxDecompressedBytes, ErrTooLarge)
		}
		if f.Name == docxBody && body == nil {
			body = f
		}
	}
	if body == nil {
		return "", fmt.Errorf("docx archive has no %s: %w", docxBody, ErrUnreadable)
	}
	rc, err := body.Open()
	if err != nil {
		return "", fmt.Errorf("open %s: %v: %w", docxBody, err, ErrUnreadable)
	}
	defer rc.Close()
	lr := &limitReader{r: rc, n: lim.MaxDecompressedBytes}
	text, err := wordXMLText(lr, lim)
	if lr.over {
		return "", fmt.Errorf("%s decompresses to more than %d bytes: %w", docxBody, lim.MaxDecompressedBytes, ErrTooLarge)
	}
	return text, err
}

// limitReader is io.LimitReader that remembers whether the limit was hit,
// so a truncated read is reported as too large rather than as corrupt.
type limitReader struct {
	r    io.Reader
	n    int64
	over bool
}

// Read implements io.Reader.
func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// wordXMLText walks WordprocessingML and returns its text.
func wordXMLText(r io.Reader, lim Limits) (string, error) {
	const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	out := newLimitedBuilder(lim)
	d := xml.NewDecoder(r)
	inText := 0
	for !out.over {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out.String(), nil
		}
		if err != nil {
			return "", fmt.Errorf("parse %s: %v: %w", docxBody, err, ErrUnreadable)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wordNS {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText++
			case "tab", "ptab":
				out.WriteString("\t")
			case "br", "cr":
				out.WriteString("\n")
			}
		case xml.EndElement:
			if t.Name.Space != wordNS {
				continue
			}
			switch t.Name.Local {
			case "t":
				if inText > 0 {
					inText--
				}
			case "p":
				out.WriteString("\n\n")
			case "tc":
				out.WriteString("\t")
			}
		case xml.CharData:
			if inText > 0 {
				out.WriteString(string(t))
			}
		}
	}
	return "", tooMuchText(lim)
}
