package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/cadrehq/cadre/domain/text/extract"
)

// Defaults of Config, documented on its fields.
const (
	// DefaultTimeout is ten times the slowest legitimate extraction measured
	// (a 10 MiB PDF takes under 1 s, BenchmarkExtract in domain/text/extract),
	// and short enough that a client is answered before it gives up.
	DefaultTimeout = 10 * time.Second
	// DefaultMemoryBytes is five times the peak heap of the largest
	// accepted documents (TestExtractMemory in domain/text/extract keeps
	// a 10 MiB DOCX under 100 MiB).
	DefaultMemoryBytes int64 = 512 << 20
)

// Why an extractor was stopped; both also wrap extract.ErrTooComplex.
var (
	// ErrDeadline: the extractor ran past Config.Timeout and was killed.
	ErrDeadline = errors.New("sandbox: extraction deadline")
	// ErrMemory: the extractor reached Config.MemoryBytes and died.
	ErrMemory = errors.New("sandbox: extraction memory bound")
)

// stderrMax bounds how much of a child's stderr is kept for the error.
const stderrMax = 4 << 10

// Config says how to start extractors and how far to bound them.
type Config struct {
	// Path is the extractor binary. Default os.Executable(): the server's
	// own binary, or the test binary in tests (see ServeIfChild).
	Path string
	// Args come before the extraction flags. Default ["extract"].
	Args []string
	// Timeout is how long one extraction may run before it is killed.
	// Default DefaultTimeout.
	Timeout time.Duration
	// MemoryBytes bounds one extractor's memory. Default DefaultMemoryBytes.
	MemoryBytes int64
	// Concurrency is how many extractors may run at once; more wait for a
	// slot (as long as their context lets them). Default GOMAXPROCS.
	Concurrency int
}

// Pool runs extractions in bounded child processes. It is safe for
// concurrent use.
type Pool struct {
	cfg   Config
	slots chan struct{} // one token per running child
}

// New returns a pool over cfg. It refuses to run inside an extractor, so a
// test binary without ServeIfChild in its TestMain cannot fork itself
// without end.
func New(cfg Config) (*Pool, error) {
	if os.Getenv(EnvChild) != "" {
		return nil, errors.New("sandbox: an extractor cannot start extractors (call sandbox.ServeIfChild in TestMain)")
	}
	if cfg.Path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("sandbox: find own binary: %w", err)
		}
		cfg.Path = exe
	}
	if cfg.Args == nil {
		cfg.Args = []string{"extract"}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MemoryBytes <= 0 {
		cfg.MemoryBytes = DefaultMemoryBytes
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = runtime.GOMAXPROCS(0)
	}
	return &Pool{cfg: cfg, slots: make(chan struct{}, cfg.Concurrency)}, nil
}

// Config returns the pool's configuration, defaults applied.
func (p *Pool) Config() Config { return p.cfg }

// Extract returns the text of data as extract.Extract would, computed in a
// child process. A child that runs past the deadline is killed, and one
// that dies (its memory bound reached, or a crash) is reported: both as
// extract.ErrTooComplex. While all slots are busy it waits, and returns
// ctx's error if ctx ends first.
func (p *Pool) Extract(ctx context.Context, contentType string, data []byte, lim extract.Limits) (extract.Extracted, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return extract.Extracted{}, fmt.Errorf("sandbox: wait for an extractor: %w", ctx.Err())
	}
	defer func() { <-p.slots }()

	run, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	args := append(append([]string(nil), p.cfg.Args...),
		"-type", contentType,
		"-memory", strconv.FormatInt(p.cfg.MemoryBytes, 10),
		"-max-bytes", strconv.FormatInt(lim.MaxBytes, 10),
		"-max-chars", strconv.Itoa(lim.MaxExtractedChars),
		"-max-pages", strconv.Itoa(lim.MaxPDFPages),
		"-max-zip-entries", strconv.Itoa(lim.MaxZipEntries),
		"-max-decompressed", strconv.FormatInt(lim.MaxDecompressedBytes, 10))
	cmd := exec.CommandContext(run, p.cfg.Path, args...)
	// The child sees none of the server's environment (database URLs,
	// secrets): only the marker and one CPU.
	cmd.Env = []string{EnvChild + "=1", "GOMAXPROCS=1"}
	cmd.Stdin = bytes.NewReader(data)
	maxOut := 8*int64(max(lim.MaxExtractedChars, extract.DefaultMaxExtractedChars)) + 4096
	stdout := &cappedBuffer{max: maxOut}
	stderr := &cappedBuffer{max: stderrMax, truncate: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Killed, the child's pipes close with it; WaitDelay only guards
	// against a grandchild holding them.
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		// The server's fault (its binary gone after an upgrade, no
		// processes left), not the file's: an internal error.
		return extract.Extracted{}, fmt.Errorf("sandbox: start extractor %s: %w", p.cfg.Path, err)
	}
	err := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return extract.Extracted{}, fmt.Errorf("sandbox: extract: %w", ctx.Err())
	case run.Err() != nil:
		return extract.Extracted{}, fmt.Errorf("extraction ran past its deadline of %s and was stopped: %w: %w", p.cfg.Timeout, ErrDeadline, extract.ErrTooComplex)
	case stdout.over:
		return extract.Extracted{}, fmt.Errorf("extraction wrote more than %d bytes: %w", maxOut, extract.ErrTooComplex)
	case err != nil && outOfMemory(stderr.String()):
		return extract.Extracted{}, fmt.Errorf("extraction needed more than its memory bound of %d MiB and was stopped: %w: %w",
			p.cfg.MemoryBytes>>20, ErrMemory, extract.ErrTooComplex)
	case err != nil:
		// The parser's stack trace stays out of the detail a client reads.
		return extract.Extracted{}, fmt.Errorf("extraction failed (%v): %w", err, extract.ErrTooComplex)
	}
	var res result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return extract.Extracted{}, fmt.Errorf("sandbox: read extractor result: %w", err)
	}
	if res.Kind != "" {
		sentinel, ok := kinds[res.Kind]
		if !ok {
			return extract.Extracted{}, fmt.Errorf("sandbox: unknown refusal kind %q", res.Kind)
		}
		return extract.Extracted{}, fmt.Errorf("%s: %w", strings.TrimPrefix(res.Error, "extract: "), sentinel)
	}
	return extract.Extracted{Text: res.Text, Format: res.Format}, nil
}

// outOfMemory reports a Go runtime's dying words when an allocation failed
// against the address-space limit: "out of memory", or, in a -race build,
// whose runtime maps memory at fixed hints, "too many address space
// collisions".
func outOfMemory(stderr string) bool {
	return strings.Contains(stderr, "out of memory") || strings.Contains(stderr, "address space collisions")
}

// cappedBuffer keeps at most max bytes; past it, it either fails the write
// (over is set) or, with truncate, drops the rest.
type cappedBuffer struct {
	bytes.Buffer
	max      int64
	truncate bool
	over     bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - int64(b.Len()); int64(len(p)) > room {
		if !b.truncate {
			b.over = true
			return 0, errors.New("sandbox: output over its bound")
		}
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
