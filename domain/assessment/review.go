package assessment

import (
	"fmt"

	"github.com/cadrehq/cadre/domain/competency"
)

// Review is a manager's view of the person assessed: a rating for some or
// all of the assessment's competencies, keyed by competency slug. The zero
// Review rates nothing.
type Review struct {
	Ratings map[string]ManagerRating `json:"ratings"`
}

// ManagerRating is a manager's rating of one competency, with the comment
// that explains it.
type ManagerRating struct {
	Level   competency.Level `json:"level"`
	Comment string           `json:"comment,omitempty"`
}

// Calibration records a disagreement of two levels or more between a
// manager's rating and the self-rating or the evidence, so that the two can
// talk it through: the three levels side by side (a zero Self or Evidence
// when that source is missing).
type Calibration struct {
	Manager  competency.Level `json:"manager"`
	Self     competency.Level `json:"self,omitempty"`
	Evidence float64          `json:"evidence,omitempty"`
	// Reasons says which pairs disagree: "manager_vs_self",
	// "manager_vs_evidence" or both.
	Reasons []string `json:"reasons"`
}

// check validates r against the assessment's competencies.
func (r Review) check(a Assessment) error {
	for slug, mr := range r.Ratings {
		found := false
		for _, rb := range a.Key.Rubrics {
			if rb.Slug == slug {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%w: %q is not a competency of the assessment", ErrInvalidReview, slug)
		}
		if !mr.Level.Valid() {
			return fmt.Errorf("%w: %q rated %d, want 1 to 5", ErrInvalidReview, slug, mr.Level)
		}
	}
	return nil
}
