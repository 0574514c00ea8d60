// Package escovocab derives Cadre's embedded skill vocabulary from the ESCO
// skills CSV (preferredLabel, altLabels, skillType). It is used by the
// generator in domain/text/internal/gen and by the test that checks the
// committed vocabulary is up to date.
package escovocab

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/cadrehq/cadre/domain/text/analysis"
)

// ErrFormat means the CSV does not have the expected columns.
var ErrFormat = errors.New("escovocab: unexpected csv format")

// genericSingles are single words that are ESCO labels but too common in
// company documents to signal a skill.
var genericSingles = map[string]bool{
	"energy": true, "logic": true, "history": true, "literature": true, "nutrition": true,
	"patents": true, "medicines": true, "explosives": true, "geometry": true, "surveying": true,
	"less": true, "go": true, "swift": true, "r": true, "c": true, "scheme": true,
}

// Build reads the ESCO skills CSV and returns the gzip-compressed stemmed
// vocabulary (see analysis.EncodeVocabulary), sorted by preferred label so
// the output is deterministic. A single-word form is kept only as a
// preferred label: alternative labels such as "Access" or "Source" name
// products but read as common words.
func Build(r io.Reader) ([]byte, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	pi, ok1 := col["preferredLabel"]
	ai, ok2 := col["altLabels"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("header %q: %w", head, ErrFormat)
	}
	byLabel := map[string]*analysis.Phrase{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read record: %w", err)
		}
		if len(rec) <= max(pi, ai) {
			continue
		}
		label := strings.TrimSpace(rec[pi])
		if label == "" {
			continue
		}
		p := byLabel[label]
		if p == nil {
			p = &analysis.Phrase{Label: label}
			byLabel[label] = p
		}
		for i, form := range append([]string{label}, strings.Split(rec[ai], "\n")...) {
			form = strings.TrimSpace(form)
			if Distinctive(form) && (i == 0 || len(analysis.Terms(form)) > 1) {
				p.Aliases = append(p.Aliases, form)
			}
		}
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	phrases := make([]analysis.Phrase, 0, len(labels))
	for _, l := range labels {
		phrases = append(phrases, *byLabel[l])
	}
	return analysis.EncodeVocabulary(phrases)
}

// weakStems are stems so common in company documents that a form made
// only of them ("help people", "take time") says nothing about a skill.
var weakStems = map[string]bool{
	"give": true, "help": true, "peopl": true, "show": true, "take": true, "make": true,
	"get": true, "work": true, "use": true, "goal": true, "achiev": true, "meet": true,
	"thing": true, "way": true, "team": true, "time": true, "other": true, "person": true,
	"new": true, "good": true, "keep": true, "well": true, "set": true, "put": true,
}

// Distinctive reports whether a label form is worth matching in company
// text: two to six words that are not stop words, not all of them weak
// ("help people"), or one word that is a
// proper name (Haskell, Drupal; not a short all-caps word like LESS) or a
// long technical term (photogrammetry, dermatology), and not generic.
func Distinctive(form string) bool {
	toks := analysis.Tokens(form)
	var content []string
	for _, t := range toks {
		if !analysis.IsStopWord(t.Text) {
			content = append(content, t.Text)
		}
	}
	switch {
	case len(content) >= 2 && len(content) <= 6:
		for _, w := range content {
			if !weakStems[analysis.Stem(w)] {
				return true
			}
		}
		return false
	case len(content) != 1 || len(toks) != 1:
		return false
	}
	w := content[0]
	if genericSingles[w] || len(w) < 4 {
		return false
	}
	hasUpper, allUpper := false, true
	for _, r := range form {
		if unicode.IsUpper(r) {
			hasUpper = true
		} else if unicode.IsLetter(r) {
			allUpper = false
		}
	}
	if hasUpper && !(allUpper && len(w) <= 4) {
		return true
	}
	for _, suf := range []string{"ology", "graphy", "metry", "therapy", "onics", "ics"} {
		if strings.HasSuffix(w, suf) && len(w) >= 9 {
			return true
		}
	}
	return false
}
