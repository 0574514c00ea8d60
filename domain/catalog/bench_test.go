package catalog_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/catalog"
)

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFramework(b *testing.B) {
	c := catalog.Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Framework("devops-engineer", "finance"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	c := catalog.Default()
	titles := []string{"Sr. DevOps Engineer", "Kubernetes Platform Eng", "Chief Happiness Wizard", "Senior Java Software Engineer II"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Match(titles[i%len(titles)])
		i++
	}
}
