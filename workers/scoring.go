package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants/store"
)

// ScoringWorkerName is the durable consumer name of the assessment scorer.
const ScoringWorkerName = "scoring"

// Scoring returns the assessment scorer: on assessment.submitted it scores
// the assessment's responses with scorer (assessment.DefaultScorer when nil),
// stores the results (as JSON on the assessment and one row per competency),
// marks the assessment scored and emits assessment.scored, all in the
// transaction that records the event as processed, so a redelivery scores
// nothing twice.
func Scoring(scorer assessment.Scorer) Worker {
	if scorer == nil {
		scorer = assessment.DefaultScorer
	}
	return Worker{
		Name:  ScoringWorkerName,
		Types: []events.Type{events.TypeAssessmentSubmitted},
		Handle: func(ctx context.Context, tx *store.Tx, ev events.Event) error {
			return scoreAssessment(tx, ev, scorer)
		},
	}
}

func scoreAssessment(tx *store.Tx, ev events.Event, scorer assessment.Scorer) error {
	var p events.AssessmentSubmitted
	if err := ev.DecodeData(&p); err != nil {
		return fmt.Errorf("%w: score assessment: %v", ErrPermanent, err)
	}
	id, err := uuid.Parse(p.AssessmentID)
	if err != nil {
		return fmt.Errorf("%w: score assessment: bad assessment id %q", ErrPermanent, p.AssessmentID)
	}
	a, err := tx.Assessment(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted with its employee since: nothing to score
	}
	if err != nil {
		return err
	}
	if a.Status != store.AssessmentSubmitted {
		return nil // scored already (or never submitted): nothing to do
	}
	res, err := scorer.Score(a.Domain(0), a.Responses)
	if err != nil {
		// The responses were validated when saved; a scorer that rejects
		// them now will not change its mind on a redelivery.
		return fmt.Errorf("%w: score assessment %s: %v", ErrPermanent, id, err)
	}
	if err := tx.SaveResults(id, res, time.Now()); err != nil {
		return err
	}
	summary := make([]events.CompetencyResult, len(res.Competencies))
	for i, c := range res.Competencies {
		summary[i] = events.CompetencyResult{CompetencySlug: c.CompetencySlug, Score: c.Score, Level: c.Level.Int(),
			RequiredLevel: c.RequiredLevel.Int(), Gap: c.Gap, Confidence: c.Confidence}
	}
	_, err = tx.Emit(events.TypeAssessmentScored, a.ID.String(), events.AssessmentScored{AssessmentID: a.ID.String(),
		EmployeeID: a.EmployeeID.String(), LibraryVersion: a.LibraryVersion, Tier: a.Tier.String(), Results: summary})
	return err
}
