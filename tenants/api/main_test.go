package api_test

import (
	"os"
	"testing"

	"github.com/cadrehq/cadre/internal/sandbox"
)

// TestMain lets the test servers' extraction pool run this test binary as
// its extractor (see package sandbox).
func TestMain(m *testing.M) {
	sandbox.ServeIfChild()
	os.Exit(m.Run())
}
