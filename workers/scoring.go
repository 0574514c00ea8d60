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

// ReviewScorer scores an assessment together with a manager's review.
// assessment.DefaultScorer is one.
type ReviewScorer interface {
	assessment.Scorer
	ScoreWithReview(a assessment.Assessment, responses []assessment.Response, review assessment.Review) (assessment.Result, error)
}

// Scoring returns the assessment scorer: on assessment.submitted it scores
// the assessment's responses with scorer (assessment.DefaultScorer when nil),
// stores the results (as JSON on the assessment and one row per competency),
// marks the assessment scored and emits assessment.scored; on
// assessment.reviewed it scores the scored assessment again with the
// manager's review, replaces its results and emits assessment.scored again,
// so that plans and analytics follow the reviewed result. Everything happens
// in the transaction that records the event as processed, so a redelivery
// scores nothing twice.
func Scoring(scorer ReviewScorer) Worker {
	if scorer == nil {
		scorer = assessment.DefaultScorer
	}
	return Worker{
		Name:  ScoringWorkerName,
		Types: []events.Type{events.TypeAssessmentSubmitted, events.TypeAssessmentReviewed},
		Handle: func(ctx context.Context, tx *store.Tx, ev events.Event) error {
			if ev.Type == events.TypeAssessmentReviewed {
				return rescoreReviewed(tx, ev, scorer)
			}
			return scoreAssessment(tx, ev, scorer)
		},
	}
}

func scoreAssessment(tx *store.Tx, ev events.Event, scorer assessment.Scorer) error {
	var p events.AssessmentSubmitted
	if err := ev.DecodeData(&p); err != nil {
		return fmt.Errorf("%w: score assessment: %v", ErrPermanent, err)
	}
	a, err := eventAssessment(tx, p.AssessmentID)
	if err != nil || a.Status != store.AssessmentSubmitted {
		return err // deleted since, scored already or never submitted: nothing to do
	}
	res, err := scorer.Score(a.Domain(0), a.Responses)
	if err != nil {
		// The responses were validated when saved; a scorer that rejects
		// them now will not change its mind on a redelivery.
		return fmt.Errorf("%w: score assessment %s: %v", ErrPermanent, a.ID, err)
	}
	if err := tx.SaveResultsOf(a, res, time.Now()); err != nil {
		return err
	}
	return emitScored(tx, a, res)
}

// rescoreReviewed fuses the latest review of a scored assessment into its
// results.
func rescoreReviewed(tx *store.Tx, ev events.Event, scorer ReviewScorer) error {
	var p events.AssessmentReviewed
	if err := ev.DecodeData(&p); err != nil {
		return fmt.Errorf("%w: rescore reviewed assessment: %v", ErrPermanent, err)
	}
	a, err := eventAssessment(tx, p.AssessmentID)
	if err != nil || a.Status != store.AssessmentScored {
		return err // deleted since, or not scored: a review needs a scored assessment
	}
	review, err := tx.Review(a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	res, err := scorer.ScoreWithReview(a.Domain(0), a.Responses, review.AssessmentReview())
	if err != nil {
		return fmt.Errorf("%w: rescore reviewed assessment %s: %v", ErrPermanent, a.ID, err)
	}
	if err := tx.ReviseResults(a.ID, res, time.Now()); err != nil {
		return err
	}
	return emitScored(tx, a, res)
}

// eventAssessment loads the assessment an event names; a zero assessment
// (status "") when it no longer exists.
func eventAssessment(tx *store.Tx, id string) (store.Assessment, error) {
	uid, err := uuid.Parse(id)
	if err != nil {
		return store.Assessment{}, fmt.Errorf("%w: bad assessment id %q", ErrPermanent, id)
	}
	a, err := tx.Assessment(uid)
	if errors.Is(err, store.ErrNotFound) {
		return store.Assessment{}, nil
	}
	return a, err
}

// emitScored emits assessment.scored with the summary of res.
func emitScored(tx *store.Tx, a store.Assessment, res assessment.Result) error {
	summary := make([]events.CompetencyResult, len(res.Competencies))
	for i, c := range res.Competencies {
		summary[i] = events.CompetencyResult{CompetencySlug: c.CompetencySlug, Score: c.Score, Level: c.Level.Int(),
			RequiredLevel: c.RequiredLevel.Int(), Gap: c.Gap, Confidence: c.Confidence}
	}
	_, err := tx.Emit(events.TypeAssessmentScored, a.ID.String(), events.AssessmentScored{AssessmentID: a.ID.String(),
		EmployeeID: a.EmployeeID.String(), LibraryVersion: a.LibraryVersion, Tier: a.Tier.String(), Results: summary})
	return err
}
