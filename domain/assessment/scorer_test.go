package assessment_test

import (
	"reflect"
	"sync"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

func TestScorerCacheNeverChangesResults(t *testing.T) {
	t.Parallel()
	slug := "people-leadership"
	a := generate(t, "cache")
	f := framework(t)
	for i := range f.Entries {
		if f.Entries[i].Competency.Slug == slug {
			f.Entries[i].Competency.Descriptors[4] = "Owns the company's people strategy, succession and leadership culture across every department."
		}
	}
	b, err := assessment.Generate(f, competency.TierMid, "cache")
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	text := labelText(t, slug, 5)
	shared := assessment.NewScorer()
	var wg sync.WaitGroup
	got := make([]assessment.Result, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := []assessment.Assessment{a, b}[i%2]
			res, err := shared.Score(x, answers(t, x, slug, 4, 4, text))
			if err != nil {
				t.Errorf("Score: %v", err)
			}
			got[i] = res
		}()
	}
	wg.Wait()
	for i, res := range got {
		x := []assessment.Assessment{a, b}[i%2]
		want, err := assessment.NewScorer().Score(x, answers(t, x, slug, 4, 4, text))
		if err != nil {
			t.Fatalf("Score: %v", err)
		}
		if !reflect.DeepEqual(res, want) {
			t.Errorf("run %d: shared scorer result differs from a fresh scorer's", i)
		}
	}
}

func TestKindText(t *testing.T) {
	t.Parallel()
	for _, k := range []assessment.Kind{assessment.SelfRating, assessment.Scenario, assessment.OpenText} {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText(%d): %v", k, err)
		}
		var back assessment.Kind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("round trip of %s: got %v, %v, want %v", b, back, err, k)
		}
	}
	if _, err := assessment.ParseKind("essay"); err == nil {
		t.Errorf("ParseKind(essay): got nil error, want ErrInvalidKind")
	}
	if _, err := assessment.Kind(0).MarshalText(); err == nil {
		t.Errorf("MarshalText(0): got nil error, want ErrInvalidKind")
	}
}
