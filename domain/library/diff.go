package library

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// Diff returns what changed from one library to another: competencies
// added and removed (by slug) and, for those in both, the JSON names of the
// fields that differ ("name", "status", "levels", "evidence", …), all in
// slug order. A competency whose role-framework entries changed (levels,
// group, adjustments) is reported with the field "frameworks".
func Diff(from, to Library) Changes {
	ch := Changes{Added: []string{}, Removed: []string{}, Changed: []Change{}}
	old := indexBySlug(from.Competencies)
	cur := indexBySlug(to.Competencies)
	oldF := frameworkEntries(from)
	curF := frameworkEntries(to)
	for _, slug := range sortedKeys(cur) {
		o, ok := old[slug]
		if !ok {
			ch.Added = append(ch.Added, slug)
			continue
		}
		fields := competencyFields(o, cur[slug])
		if !reflect.DeepEqual(oldF[slug], curF[slug]) && !sameJSON(oldF[slug], curF[slug]) {
			fields = append(fields, "frameworks")
		}
		if len(fields) > 0 {
			ch.Changed = append(ch.Changed, Change{Slug: slug, Fields: fields})
		}
	}
	for _, slug := range sortedKeys(old) {
		if _, ok := cur[slug]; !ok {
			ch.Removed = append(ch.Removed, slug)
		}
	}
	return ch
}

// Counts returns the number of added, removed and changed competencies.
func (c Changes) Counts() (added, removed, changed int) {
	return len(c.Added), len(c.Removed), len(c.Changed)
}

// IsZero reports whether nothing changed.
func (c Changes) IsZero() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Changed) == 0
}

// Summary counts the competencies added, removed and changed since prev
// (DESIGN §7.1 library.summary); see Diff.
func (l Library) Summary(prev Library) (added, removed, changed int) {
	return Diff(prev, l).Counts()
}

// competencyFields lists the JSON names of the fields of a and b that
// differ, in field order.
func competencyFields(a, b Competency) []string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	for i := range t.NumField() {
		fa, fb := va.Field(i).Interface(), vb.Field(i).Interface()
		if reflect.DeepEqual(fa, fb) || sameJSON(fa, fb) {
			continue
		}
		out = append(out, jsonName(t.Field(i)))
	}
	return out
}

// jsonName is the JSON name of a struct field.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return strings.ToLower(f.Name)
	}
	return name
}

// sameJSON reports whether a and b encode to the same JSON (so a nil and an
// empty slice, or a library decoded from storage and a fresh one, compare
// equal).
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// frameworkEntry is one competency's place in one role framework, as Diff
// compares it.
type frameworkEntry struct {
	Role  string
	Entry FrameworkEntry
}

// frameworkEntries groups the framework entries of l by competency slug.
func frameworkEntries(l Library) map[string][]frameworkEntry {
	out := make(map[string][]frameworkEntry)
	for _, f := range l.Frameworks {
		for _, e := range f.Competencies {
			out[e.Slug] = append(out[e.Slug], frameworkEntry{Role: f.Role.Slug, Entry: e})
		}
	}
	for slug := range out {
		slices.SortStableFunc(out[slug], func(a, b frameworkEntry) int { return strings.Compare(a.Role, b.Role) })
	}
	return out
}

func indexBySlug(cs []Competency) map[string]Competency {
	out := make(map[string]Competency, len(cs))
	for _, c := range cs {
		out[c.Slug] = c
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
