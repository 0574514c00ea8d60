package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

// Review is a manager's (or an admin's) rating of a report per competency,
// made once the report's assessment is scored. An assessment has at most
// one; a new one replaces it.
type Review struct {
	AssessmentID uuid.UUID
	// Reviewer is the token subject of who submitted the review.
	Reviewer string
	// Ratings are in competency-slug order, one per competency.
	Ratings     []ReviewRating
	SubmittedAt time.Time
	// Version counts the submissions of the assessment's review, from 1.
	Version int
}

// ReviewRating is the level a reviewer gives one competency, with an
// optional comment (free text: it never leaves the store in an event).
type ReviewRating struct {
	CompetencySlug string
	Level          competency.Level
	Comment        string
}

// SameContent reports whether r and o say the same: the same reviewer and
// the same ratings, whatever their order, version or time.
func (r Review) SameContent(o Review) bool {
	return r.Reviewer == o.Reviewer && slices.Equal(sortedRatings(r.Ratings), sortedRatings(o.Ratings))
}

// sortedRatings returns a copy of rs in competency-slug order.
func sortedRatings(rs []ReviewRating) []ReviewRating {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b ReviewRating) int { return strings.Compare(a.CompetencySlug, b.CompetencySlug) })
	return out
}

// ratingJSON is one entry of the ratings column, keyed by competency slug.
type ratingJSON struct {
	Level   competency.Level `json:"level"`
	Comment string           `json:"comment,omitempty"`
}

type reviewRow struct {
	TenantID     string `gorm:"primaryKey"`
	AssessmentID string `gorm:"primaryKey"`
	Reviewer     string
	Ratings      string
	SubmittedAt  time.Time
	Version      int
}

func (reviewRow) TableName() string { return "assessment_reviews" }

func (r reviewRow) toReview() (Review, error) {
	var m map[string]ratingJSON
	if err := json.Unmarshal([]byte(r.Ratings), &m); err != nil {
		return Review{}, corrupt("assessment_reviews.ratings", err)
	}
	id, err := storedUUID("assessment_reviews.assessment_id", r.AssessmentID)
	if err != nil {
		return Review{}, err
	}
	out := Review{AssessmentID: id, Reviewer: r.Reviewer, SubmittedAt: r.SubmittedAt.UTC(),
		Version: r.Version, Ratings: make([]ReviewRating, 0, len(m))}
	for slug, v := range m {
		out.Ratings = append(out.Ratings, ReviewRating{CompetencySlug: slug, Level: v.Level, Comment: v.Comment})
	}
	out.Ratings = sortedRatings(out.Ratings)
	return out, nil
}

// Review reads the review of an assessment; ErrNotFound when it has none.
func (tx *Tx) Review(assessmentID uuid.UUID) (Review, error) {
	var row reviewRow
	err := tx.db.Where("tenant_id = ? AND assessment_id = ?", tx.tenant.String(), assessmentID.String()).Take(&row).Error
	if err != nil {
		return Review{}, translate(err)
	}
	ratings, err := tx.unseal(ratingsColumn, row.Ratings)
	if err != nil {
		return Review{}, err
	}
	row.Ratings = ratings
	return row.toReview()
}

// ratingsColumn is the sealed column of a review's ratings (their comments
// are the reviewer's free text).
const ratingsColumn = "assessment_reviews.ratings"

// PutReview stores r as the review of r.AssessmentID, replacing any earlier
// one (whose version it raises by one), and returns it as stored. A missing
// assessment is ErrNotFound; ratings of the same competency twice are
// refused. The caller checks who may review and that the assessment is
// scored.
func (tx *Tx) PutReview(r Review) (Review, error) {
	m := make(map[string]ratingJSON, len(r.Ratings))
	for _, rt := range r.Ratings {
		if _, dup := m[rt.CompetencySlug]; dup {
			return Review{}, fmt.Errorf("put review: competency %q rated twice", rt.CompetencySlug)
		}
		m[rt.CompetencySlug] = ratingJSON{Level: rt.Level, Comment: rt.Comment}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return Review{}, fmt.Errorf("put review: %w", err)
	}
	ratings, err := tx.seal(ratingsColumn, string(b))
	if err != nil {
		return Review{}, fmt.Errorf("put review: %w", err)
	}
	var n int64
	err = tx.db.Model(&assessmentRow{}).Where("tenant_id = ? AND id = ?", tx.tenant.String(), r.AssessmentID.String()).Count(&n).Error
	switch {
	case err != nil:
		return Review{}, fmt.Errorf("put review: %w", translate(err))
	case n == 0:
		return Review{}, ErrNotFound
	}
	row := reviewRow{TenantID: tx.tenant.String(), AssessmentID: r.AssessmentID.String(), Reviewer: r.Reviewer, Ratings: ratings,
		SubmittedAt: r.SubmittedAt.UTC(), Version: 1}
	err = tx.db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "tenant_id"}, {Name: "assessment_id"}},
		DoUpdates: clause.Assignments(map[string]any{"reviewer": row.Reviewer, "ratings": row.Ratings, "submitted_at": row.SubmittedAt,
			"version": gorm.Expr("assessment_reviews.version + 1")}),
	}).Create(&row).Error
	if err != nil {
		return Review{}, fmt.Errorf("put review: %w", translate(err))
	}
	return tx.Review(r.AssessmentID)
}

// ReviseResults replaces the results of a scored assessment with res (the
// same competencies, fused with a manager's review), on the assessment and
// on its result rows. The scoring time stays: a reviewed assessment does not
// become more recent than one scored after it.
func (tx *Tx) ReviseResults(id uuid.UUID, res assessment.Result, at time.Time) error {
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("revise results: %w", err)
	}
	upd := tx.db.Model(&assessmentRow{}).
		Where("tenant_id = ? AND id = ? AND status = ?", tx.tenant.String(), id.String(), string(AssessmentScored)).
		Updates(map[string]any{"results": string(b), "updated_at": at.UTC()})
	if upd.Error != nil {
		return fmt.Errorf("revise results: %w", upd.Error)
	}
	if upd.RowsAffected != 1 {
		return fmt.Errorf("revise results: %w: assessment %s is not scored", ErrConflict, id)
	}
	for _, c := range res.Competencies {
		upd := tx.db.Model(&resultRow{}).
			Where("tenant_id = ? AND assessment_id = ? AND competency_slug = ?", tx.tenant.String(), id.String(), c.CompetencySlug).
			Updates(map[string]any{"score": c.Score, "level": int(c.Level), "required_level": int(c.RequiredLevel), "gap": c.Gap, "confidence": c.Confidence})
		if upd.Error != nil {
			return fmt.Errorf("revise results: %w", upd.Error)
		}
	}
	return nil
}

// AssessmentReview is r as the scorer takes it.
func (r Review) AssessmentReview() assessment.Review {
	out := assessment.Review{Ratings: make(map[string]assessment.ManagerRating, len(r.Ratings))}
	for _, rt := range r.Ratings {
		out.Ratings[rt.CompetencySlug] = assessment.ManagerRating{Level: rt.Level, Comment: rt.Comment}
	}
	return out
}
