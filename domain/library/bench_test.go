package library_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/domain/text/analysis"
)

// benchDocs returns n documents of about size bytes, made deterministically
// from the paragraphs of the golden corpus and the quality fixtures: each
// document draws paragraphs with a generator seeded by its index, under a
// heading now and then, so documents differ but read like real ones.
func benchDocs(tb testing.TB, n, size int) []library.Document {
	tb.Helper()
	var paras []string
	files, _ := filepath.Glob("testdata/corpus/*.md")
	more, _ := filepath.Glob("testdata/quality/*/*.md")
	for _, p := range append(files, more...) {
		if filepath.Base(p) == "SOURCES.md" {
			continue
		}
		for _, para := range strings.Split(readDoc(tb, "bench", p).Text, "\n\n") {
			if len(para) > 40 {
				paras = append(paras, para)
			}
		}
	}
	if len(paras) < 50 {
		tb.Fatalf("got %d paragraphs, want more", len(paras))
	}
	docs := make([]library.Document, n)
	for i := range docs {
		r := rand.New(rand.NewPCG(uint64(i), 42))
		var b strings.Builder
		for b.Len() < size {
			if r.IntN(5) == 0 {
				fmt.Fprintf(&b, "Section %d\n\n", r.IntN(100))
			}
			b.WriteString(paras[r.IntN(len(paras))])
			b.WriteString("\n\n")
		}
		docs[i] = library.Document{ID: fmt.Sprintf("doc-%03d", i), Title: fmt.Sprintf("Document %d", i), Text: b.String()}
	}
	return docs
}

// heapSampler records the peak of live heap objects while it runs.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// startHeapSampler samples every 200µs until stopped; the goroutine is
// owned by the sampler and ends in Stop.
func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.done.Go(func() {
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			h.peak = max(h.peak, heapObjects())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	})
	return h
}

// Stop ends the sampling and returns the peak seen.
func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return max(h.peak, heapObjects())
}

// BenchmarkBuild builds the library of 200 documents of 20 KB (4 MB of
// text), with values, roles and overrides, the DESIGN §9 target being
// ≤ 1 s and ≤ 200 MB. It reports the peak live heap during a build above
// the heap before it as peak-heap-MB. The embedded ESCO vocabulary is
// parsed by a warm-up build first (a once-per-process cost).
func BenchmarkBuild(b *testing.B) {
	docs := benchDocs(b, 200, 20<<10)
	in := library.Inputs{
		Industry:  "finance",
		Documents: docs,
		Values:    goldenInputs(b).Values,
		Overrides: goldenInputs(b).Overrides,
	}
	size := 0
	for _, d := range docs {
		size += len(d.Text)
	}
	start := time.Now()
	analysis.ESCO().StemLabels("warm")
	if _, err := library.Build(in); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		base := heapObjects()
		h := startHeapSampler()
		b.StartTimer()
		if _, err := library.Build(in); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if p := h.Stop(); p > base {
			peak = max(peak, p-base)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(first.Milliseconds()), "first-build-ms")
}
