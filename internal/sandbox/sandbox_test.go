package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/internal/testwait"
)

// TestMain makes the test binary an extractor when a Pool starts it. Two
// extra modes stand in for a parser gone wrong: "hang" never returns, and
// "hog" bounds its memory as the extractor does, then allocates without end.
func TestMain(m *testing.M) {
	if os.Getenv(EnvChild) != "" && len(os.Args) > 1 {
		switch os.Args[1] {
		case "hang":
			for {
				time.Sleep(time.Hour)
			}
		case "hog":
			if err := limitMemory(64 << 20); err != nil {
				os.Exit(3)
			}
			var keep [][]byte
			for {
				b := make([]byte, 1<<20)
				for i := range b {
					b[i] = 1
				}
				keep = append(keep, b)
			}
		}
	}
	ServeIfChild()
	os.Exit(m.Run())
}

func newPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractInChild(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	got, err := p.Extract(t.Context(), extract.TypeHTML, []byte("<p>Hello <b>child</b> &amp; parent</p>"), extract.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := extract.Extract(extract.TypeHTML, []byte("<p>Hello <b>child</b> &amp; parent</p>"), extract.DefaultLimits())
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestExtractRefusalsKeepTheirKind(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	hostile, err := os.ReadFile(filepath.Join("..", "..", "domain", "text", "extract", "testdata", "hostile", "prev-loop.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, ct string
		data     []byte
		lim      extract.Limits
		want     error
	}{
		{"unreadable", extract.TypePDF, []byte("%PDF-1.4 nothing"), extract.Limits{}, extract.ErrUnreadable},
		{"too large", extract.TypePlain, []byte("twelve bytes"), extract.Limits{MaxBytes: 4}, extract.ErrTooLarge},
		{"unsupported", "image/png", []byte("png"), extract.Limits{}, extract.ErrUnsupportedType},
		{"looping pdf", extract.TypePDF, hostile, extract.Limits{}, extract.ErrTooComplex},
	} {
		_, err := p.Extract(t.Context(), tc.ct, tc.data, tc.lim)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestHangingExtractorIsKilledAtTheDeadline(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{Args: []string{"hang"}, Timeout: 300 * time.Millisecond})
	_, err := p.Extract(t.Context(), extract.TypePDF, []byte("%PDF-1.4"), extract.Limits{})
	if !errors.Is(err, ErrDeadline) || !errors.Is(err, extract.ErrTooComplex) {
		t.Fatalf("got %v, want ErrDeadline and ErrTooComplex", err)
	}
}

func TestExtractorPastItsMemoryBoundDies(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{Args: []string{"hog"}, Timeout: time.Minute})
	_, err := p.Extract(t.Context(), extract.TypePDF, []byte("%PDF-1.4"), extract.Limits{})
	if !errors.Is(err, ErrMemory) || !errors.Is(err, extract.ErrTooComplex) {
		t.Fatalf("got %v, want ErrMemory and ErrTooComplex", err)
	}
}

func TestWaitingForASlotEndsWithTheContext(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{Args: []string{"hang"}, Timeout: time.Minute, Concurrency: 1})
	first, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := p.Extract(first, extract.TypePlain, []byte("x"), extract.Limits{})
		done <- err
	}()
	// The slot is taken once the first call holds it; wait for that.
	testwait.Until(t, 10*time.Second, "the first extraction holds the slot", func() (bool, error) { return len(p.slots) == 1, nil })
	second, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.Extract(second, extract.TypePlain, []byte("x"), extract.Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("second: got %v, want context.Canceled", err)
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("first: got %v, want context.Canceled", err)
	}
}

// TestMissingExtractorIsTheServersFault: a pool whose binary is gone fails
// with an error that does not blame the document.
func TestMissingExtractorIsTheServersFault(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{Path: filepath.Join(t.TempDir(), "gone")})
	_, err := p.Extract(t.Context(), extract.TypePlain, []byte("hello"), extract.Limits{})
	if err == nil || errors.Is(err, extract.ErrTooComplex) || errors.Is(err, extract.ErrUnreadable) {
		t.Fatalf("got %v, want an error that is no refusal of the document", err)
	}
}
