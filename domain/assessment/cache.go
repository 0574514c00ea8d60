package assessment

import (
	"slices"
	"sync"
	"sync/atomic"
)

// maxCachedRubrics bounds a scorer's rubric cache; when it is full the cache
// starts over. A tenant's library rarely holds more than a few hundred
// competencies, so in practice every rubric is prepared once per version.
const maxCachedRubrics = 4096

// rubricCache keeps prepared rubric models, keyed by a hash of the rubric and
// checked against the rubric itself, so a scorer prepares the rubric of a
// competency once however many assessments use it. Models are immutable once
// built and shared between goroutines; mu guards only the map.
type rubricCache struct {
	mu      sync.Mutex
	entries map[uint64]cachedRubric
}

// cachedRubric is a rubric and its prepared model.
type cachedRubric struct {
	rubric Rubric
	model  *rubricModel
}

// model returns the prepared model of r, building it on a miss.
func (c *rubricCache) model(r Rubric) *rubricModel {
	key := rubricHash(r)
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && rubricEqual(e.rubric, r) {
		return e.model
	}
	m := newRubricModel(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedRubrics {
		c.entries = make(map[uint64]cachedRubric)
	}
	c.entries[key] = cachedRubric{rubric: r, model: m}
	return m
}

// rubricHash hashes every field of r that the model depends on.
func rubricHash(r Rubric) uint64 {
	h := hashString(r.Slug)
	mix := func(s string) { h = (h*1099511628211 ^ hashString(s)) + 0x9e3779b97f4a7c15 }
	mix(r.Name)
	mix(r.Description)
	for _, d := range r.Descriptors {
		mix(d)
	}
	for _, k := range r.Keywords {
		mix(k)
	}
	mix("\x00aliases")
	for _, a := range r.Aliases {
		mix(a)
	}
	return h
}

// rubricEqual reports whether a and b prepare the same model.
func rubricEqual(a, b Rubric) bool {
	return a.Slug == b.Slug && a.Name == b.Name && a.Description == b.Description &&
		a.Descriptors == b.Descriptors && slices.Equal(a.Keywords, b.Keywords) && slices.Equal(a.Aliases, b.Aliases)
}

// memo is a concurrent cache of a pure function's results that starts over
// when it holds max entries: results never depend on it, only speed does.
type memo[K comparable, V any] struct {
	max int64
	m   sync.Map
	n   atomic.Int64
}

// get returns f(k), from the cache when it holds it.
func (c *memo[K, V]) get(k K, f func(K) V) V {
	if v, ok := c.m.Load(k); ok {
		return v.(V)
	}
	v := f(k)
	if c.n.Add(1) > c.max {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(k, v)
	return v
}

// len is how many entries the cache has counted since it last started over.
func (c *memo[K, V]) len() int64 { return c.n.Load() }
