package main

import (
	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/internal/sandbox"
)

func defaultExtract() extract.Limits { return extract.DefaultLimits() }

// newExtractor returns the pool that extracts uploaded documents in child
// processes of this very binary (`cadre extract`), each killed at
// CADRE_EXTRACT_TIMEOUT and bounded to CADRE_EXTRACT_MEMORY_MB, at most
// CADRE_EXTRACT_CONCURRENCY at once.
func newExtractor(cfg Config) (*sandbox.Pool, error) {
	return sandbox.New(sandbox.Config{Timeout: cfg.ExtractTimeout, MemoryBytes: cfg.ExtractMemoryMB << 20, Concurrency: cfg.ExtractConcurrency})
}
