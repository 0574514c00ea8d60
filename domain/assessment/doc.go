// Package assessment generates competency assessments from a role framework
// and scores the answers, explaining every score.
//
// [Generate] builds, for each competency of a framework, three items: a
// self-rating against the five level descriptors, a scenario question whose
// options each map to a level, and an open-text question asking for a recent
// situation. Item and option ids are short hashes of the seed, the competency
// slug and the item kind, so the same framework, tier and seed always give
// the same assessment, and another seed gives other ids and another option
// order. The option-to-level key and the rubrics the scorer needs live in
// [Assessment.Key], which is never marshalled with the assessment so an API
// can return the assessment as it is.
//
// [Score] (the built-in [LexicalScorer]) combines the items per competency:
// the self-rating with a low weight (self-reports inflate), the scenario with
// a medium weight and the open-text answer with a high weight when it is
// substantive. Free text is scored against the level descriptors (stemmed
// lexical similarity, weighted towards the words that tell the levels apart)
// and behavioural markers (scope, ownership, reliance on help), never by its
// length; keyword stuffing and answers copied back from the descriptors are
// detected, flagged and capped at a low level. Each result carries the
// evidence: which item contributed how much, and which words of an answer
// matched which level.
//
// The package is pure and deterministic: no I/O, the same input gives the
// same output.
package assessment
