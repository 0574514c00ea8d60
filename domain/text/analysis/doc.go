// Package analysis turns extracted text into the signals the library builder
// uses, and the assessment scorer's words: sentences and tokens with byte
// offsets, English stems (Porter2) and the base forms that join irregular
// pasts and British spellings before stemming ([BaseForm]), stop words and
// n-grams, skill phrase recognition against a vocabulary (the ESCO
// skills pillar is embedded, see [ESCO]) and a BM25 index over the sentences
// of a company's documents ([Corpus]) that scores competency queries and
// returns the evidence sentences.
//
// Everything here is pure and deterministic: the same input gives the same
// output, including the order of ties.
package analysis
