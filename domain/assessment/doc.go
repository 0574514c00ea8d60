// Package assessment generates competency assessments from a role framework
// and scores the answers, explaining every score.
//
// [Generate] builds, for each competency of a framework: a self-rating
// against the five level descriptors; one situational judgement item per
// scenario of the competency (authored ones, or two made by
// [ValueScenarios] from a value's description), whose options are courses
// of action keyed by their effectiveness, not reworded descriptors; and an
// open-text item asking for a recent situation. Item and option ids are
// short hashes of the seed, the competency slug and the item, so the same
// framework, tier and seed always give the same assessment, and another
// seed gives other ids and another option order. The option key and the
// rubrics the scorer needs live in [Assessment.Key], which is never
// marshalled with the assessment so an API can return it as it is.
//
// [Score] (the built-in [LexicalScorer]) tells a claim from evidence. A
// scenario item scores by the chosen option's distance to the best one. Free
// text scores on the behavioural account it gives (a situation, the
// writer's own actions, a result, its reach and specifics, each listed with
// its span in [Evidence.Elements]) and on the descriptors and behavioural
// markers it matches in the sentences that tell what the writer did (a
// self-portrait earns nothing); level-words and a claimed reach without the actions
// and specifics behind it earn nothing, and stuffed answers and answers
// copied from a descriptor, a prompt or another answer are flagged and
// capped. The self-rating counts at most [ClaimLift] above the evidence and
// is flagged when two levels away from it; [ScoreWithReview] adds a
// manager's rating, which outweighs the self-rating and is marked for
// calibration when far from it or from the evidence.
//
// The package is pure and deterministic: no I/O, the same input gives the
// same output.
package assessment
