package main

import (
	"os"
	"testing"

	"github.com/cadrehq/cadre/internal/sandbox"
)

// TestMain lets serve's extraction pool, which runs os.Executable() (this
// test binary here), use it as the extractor.
func TestMain(m *testing.M) {
	sandbox.ServeIfChild()
	os.Exit(m.Run())
}
