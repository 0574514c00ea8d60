// Package catalog is Cadre's built-in, versioned catalog: competencies, job
// roles with their base frameworks, industry variants of those frameworks,
// an index of job titles for matching a free-text title to a role, and
// authored situational-judgement scenarios for every competency.
//
// The data is JSON embedded in the binary (data/), parsed and validated once
// by Default or on every call by Load. A Catalog is immutable and safe for
// concurrent use; every value it returns is a copy the caller may modify.
//
// The catalog's title index is derived from the O*NET 28 Database and its
// competency aliases are enriched from ESCO v1.1.1; see data/NOTICE.
package catalog

//go:generate go run ./internal/gen -onet ../../../shared/data/onet -data data
