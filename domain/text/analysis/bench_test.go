package analysis_test

import (
	"runtime"
	"testing"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// BenchmarkCorpus200x20KB builds a corpus of 200 documents of 20 KB and
// scores 120 competency queries against it, the library builder's work for
// one tenant. It reports the peak heap growth as heap-MB.
func BenchmarkCorpus200x20KB(b *testing.B) {
	docs := syntheticDocs(200, 20<<10, 42)
	queries := syntheticQueries(120)
	size := 0
	for _, d := range docs {
		size += len(d.Text)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		c := analysis.NewCorpus(docs)
		for _, q := range queries {
			c.Score(q)
		}
		b.StopTimer()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if after.HeapAlloc > before.HeapAlloc {
			peak = max(peak, after.HeapAlloc-before.HeapAlloc)
		}
		runtime.KeepAlive(c)
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
}

func BenchmarkKeyPhrasesESCO(b *testing.B) {
	docs := syntheticDocs(200, 20<<10, 42)
	c := analysis.NewCorpus(docs)
	v := analysis.ESCO()
	b.ReportAllocs()
	for b.Loop() {
		c.KeyPhrases(v, 3)
	}
}

func BenchmarkSentences(b *testing.B) {
	text := syntheticDocs(1, 20<<10, 1)[0].Text
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		analysis.Sentences(text)
	}
}
