package extract_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"testing"

	"github.com/cadrehq/cadre/domain/text/extract"
)

func TestExtractDOCX(t *testing.T) {
	t.Parallel()
	doc := buildDOCX(t, docxXML(
		[]string{"Engineering ", "Handbook"},
		[]string{"We value ", "code review", "\t", "and mentoring."},
		[]string{"Line one", "\n", "line two & more"},
	))
	got, err := extract.Extract(extract.TypeDOCX, doc, extract.DefaultLimits())
	if err != nil {
		t.Fatalf("Extract: got error %v, want nil", err)
	}
	want := "Engineering Handbook\n\nWe value code review and mentoring.\n\nLine one\nline two & more"
	if got.Text != want || got.Format != extract.FormatDOCX {
		t.Errorf("Extract: got %q (%s), want %q (docx)", got.Text, got.Format, want)
	}
}

func TestExtractDOCXErrors(t *testing.T) {
	t.Parallel()
	valid := buildDOCX(t, docxXML([]string{"Hello there"}))
	tests := []struct {
		name string
		data func(t *testing.T) []byte
		lim  extract.Limits
		want error
	}{
		{"truncated archive", func(*testing.T) []byte { return valid[:len(valid)/2] }, extract.Limits{}, extract.ErrUnreadable},
		{"no document.xml", func(t *testing.T) []byte { return zipOf(t, map[string]string{"word/other.xml": "<x/>"}) }, extract.Limits{}, extract.ErrUnreadable},
		{"malformed xml", func(t *testing.T) []byte { return buildDOCX(t, "<w:document><w:p>") }, extract.Limits{}, extract.ErrUnreadable},
		{"empty document", func(t *testing.T) []byte { return buildDOCX(t, docxXML()) }, extract.Limits{}, extract.ErrUnreadable},
		{"5000 entries", manyEntries, extract.Limits{}, extract.ErrTooLarge},
		{"zip bomb 1 GB", zipBomb, extract.Limits{}, extract.ErrTooLarge},
		{"body over decompressed limit", func(*testing.T) []byte { return valid }, extract.Limits{MaxDecompressedBytes: 100}, extract.ErrTooLarge},
		{"lying size header", lyingHeader, extract.Limits{MaxDecompressedBytes: 1 << 20}, extract.ErrUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var before, after runtimeMem
			data := tt.data(t)
			before.read()
			_, err := extract.Extract(extract.TypeDOCX, data, tt.lim)
			after.read()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract: got error %v, want %v", err, tt.want)
			}
			if grew := after.totalAlloc - before.totalAlloc; grew > 200<<20 {
				t.Errorf("Extract allocated %d bytes, want under 200 MiB", grew)
			}
		})
	}
}

// zipOf returns a zip archive of the given files, deflated.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// manyEntries returns a DOCX-like archive of 5,000 empty entries.
func manyEntries(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 5000 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("word/media/%d.xml", i), Method: zip.Store}); err != nil {
			t.Fatalf("create entry: %v", err)
		}
	}
	w, _ := zw.Create("word/document.xml")
	io.WriteString(w, docxXML([]string{"hi"}))
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// zipBomb returns a DOCX whose document.xml is 1 GiB of zeros, deflated to
// about 1 MB, with truthful sizes and checksum in its headers.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	return rawEntry(t, 1<<10, 1<<30)
}

// lyingHeader returns a DOCX whose document.xml declares 100 bytes but
// inflates to 64 MiB: the declared-size check passes and the reader limit
// (or the archive's own size check) must stop it.
func lyingHeader(t *testing.T) []byte {
	t.Helper()
	return rawEntry(t, 64, 100)
}

// rawEntry returns an archive whose word/document.xml inflates to mib MiB of
// zeros and declares the given uncompressed size. The deflate stream repeats
// one non-final block sequence for a MiB of zeros (its back-references only
// ever see zeros, so repeating it is valid) and ends with an empty final
// block; this builds a gigabyte bomb in milliseconds.
func rawEntry(t *testing.T, mib int, declared uint64) []byte {
	t.Helper()
	zeros := make([]byte, 1<<20)
	var chunk bytes.Buffer
	fw, err := flate.NewWriter(&chunk, flate.BestCompression)
	if err != nil {
		t.Fatalf("new flate writer: %v", err)
	}
	fw.Write(zeros)
	fw.Flush()
	crc := crc32.NewIEEE()
	var stream bytes.Buffer
	for range mib {
		stream.Write(chunk.Bytes())
		crc.Write(zeros)
	}
	stream.Write([]byte{0x03, 0x00}) // final empty block with fixed codes
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               "word/document.xml",
		Method:             zip.Deflate,
		CRC32:              crc.Sum32(),
		CompressedSize64:   uint64(stream.Len()),
		UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatalf("create raw entry: %v", err)
	}
	w.Write(stream.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

func TestRawEntryIsAValidBomb(t *testing.T) {
	t.Parallel()
	data := rawEntry(t, 3, 3<<20)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatalf("open entry: %v", err)
	}
	n, err := io.Copy(io.Discard, rc)
	if err != nil || n != 3<<20 {
		t.Fatalf("inflate: got %d bytes, %v, want %d bytes, nil", n, err, 3<<20)
	}
}
