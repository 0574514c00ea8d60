package library

import "github.com/cadrehq/cadre/domain/competency"

// Slugify is slugify with the competency slug bound, for the quality test.
func Slugify(s string) string { return slugify(s, competency.MaxSlugLen) }

// Stems is conceptStems, for the quality test's label matching.
func Stems(name string) []string { return conceptStems(name) }
