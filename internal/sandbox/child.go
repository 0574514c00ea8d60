package sandbox

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// EnvChild marks a process started by a Pool as an extractor.
const EnvChild = "CADRE_EXTRACT_CHILD"

// result is what the child writes on stdout: the text and its format, or
// the refusal (Kind names the extract sentinel) and its detail.
type result struct {
	Text   string `json:"text,omitempty"`
	Format string `json:"format,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Error  string `json:"error,omitempty"`
}

// The refusal kinds a child reports, one per extract sentinel.
const (
	kindUnsupported = "unsupported"
	kindTooLarge    = "too_large"
	kindUnreadable  = "unreadable"
	kindTooComplex  = "too_complex"
)

var kinds = map[string]error{
	kindUnsupported: extract.ErrUnsupportedType,
	kindTooLarge:    extract.ErrTooLarge,
	kindUnreadable:  extract.ErrUnreadable,
	kindTooComplex:  extract.ErrTooComplex,
}

// ServeIfChild serves one extraction and exits when this process was
// started by a Pool (EnvChild is set); otherwise it returns at once. Call it
// first in main or TestMain.
func ServeIfChild() {
	if os.Getenv(EnvChild) == "" {
		return
	}
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "extract" {
		args = args[1:]
	}
	if err := Child(args, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cadre extract:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Child is `cadre extract`: it bounds its own memory, reads one document
// from stdin and writes the result as one JSON object on stdout. A refusal
// (unreadable, too large, …) is a result, not an error; the error is for a
// bad invocation or a broken pipe.
func Child(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	ct := fs.String("type", "", "the document's content type (required)")
	mem := fs.Int64("memory", DefaultMemoryBytes, "the memory bound, in bytes")
	var lim extract.Limits
	fs.Int64Var(&lim.MaxBytes, "max-bytes", 0, "the largest document, in bytes (0: default)")
	fs.IntVar(&lim.MaxExtractedChars, "max-chars", 0, "the most characters of text (0: default)")
	fs.IntVar(&lim.MaxPDFPages, "max-pages", 0, "the most PDF pages (0: default)")
	fs.IntVar(&lim.MaxZipEntries, "max-zip-entries", 0, "the most DOCX entries (0: default)")
	fs.Int64Var(&lim.MaxDecompressedBytes, "max-decompressed", 0, "the most bytes decompressed (0: default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ct == "" {
		return errors.New("-type is required")
	}
	if *mem > 0 {
		if err := limitMemory(*mem); err != nil {
			return fmt.Errorf("bound memory: %w", err)
		}
	}
	max := lim.MaxBytes
	if max <= 0 {
		max = extract.DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(stdin, max+1))
	if err != nil {
		return fmt.Errorf("read document: %w", err)
	}
	var res result
	ex, err := extract.Extract(*ct, data, lim)
	if err != nil {
		res.Error, res.Kind = err.Error(), kindUnreadable
		for k, sentinel := range kinds {
			if errors.Is(err, sentinel) {
				res.Kind = k
			}
		}
	} else {
		res.Text, res.Format = ex.Text, ex.Format
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}

// limitMemory caps the Go heap at n bytes (the garbage collector works
// harder near it) and, where the OS allows, the address space at what the
// process maps now plus n, so an allocation past it fails and the runtime
// exits rather than the machine swapping.
func limitMemory(n int64) error {
	debug.SetMemoryLimit(n)
	return limitAddressSpace(n)
}
