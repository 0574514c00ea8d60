package library

import (
	"github.com/cadrehq/cadre/domain/catalog"
	"github.com/cadrehq/cadre/domain/competency"
)

// Slugify is slugify with the competency slug bound, for the quality test.
func Slugify(s string) string { return slugify(s, competency.MaxSlugLen) }

// Stems is conceptStems, for the quality test's label matching.
func Stems(name string) []string { return conceptStems(name) }

// HeadingConcept and NotAConcept expose the section rules to the tests.
func HeadingConcept(h string) string { return headingConcept(h) }

func NotAConcept(concept string) string { return notAConcept(catalog.Default(), concept) }
