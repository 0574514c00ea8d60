package assessment_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/competency"
)

func TestScoreWithReview(t *testing.T) {
	t.Parallel()
	a := generate(t, "review")
	slug := "cloud-infrastructure-management"
	rs := answers(t, a, slug, 4, 4, ptr(advancedCloud))
	plain, err := assessment.Score(a, rs)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	base, _ := plain.Competency(slug)
	tests := []struct {
		name          string
		level         competency.Level
		wantCalibrate bool
		lower         bool // the manager's rating pulls the score down
	}{
		{"manager agrees", base.Level, false, false},
		{"manager rates far lower", 1, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := assessment.ScoreWithReview(a, rs, assessment.Review{Ratings: map[string]assessment.ManagerRating{
				slug: {Level: tt.level, Comment: "Seen in the last two quarters."},
			}})
			if err != nil {
				t.Fatalf("ScoreWithReview: %v", err)
			}
			c, _ := res.Competency(slug)
			if got := slices.Contains(c.Flags, assessment.FlagCalibrate); got != tt.wantCalibrate || (c.Calibration != nil) != tt.wantCalibrate {
				t.Errorf("calibrate flag %v, calibration %+v, want %v", got, c.Calibration, tt.wantCalibrate)
			}
			if tt.lower && c.Score >= base.Score {
				t.Errorf("score with a low manager rating = %.2f, without = %.2f, want lower", c.Score, base.Score)
			}
			last := c.Evidence[len(c.Evidence)-1]
			if last.Kind != assessment.Manager || last.MatchedLevel != tt.level || last.Excerpt == "" {
				t.Errorf("last evidence = %+v, want the manager's rating with its comment", last)
			}
			// The manager outweighs the self-rating.
			self := c.Evidence[len(c.Evidence)-2]
			if self.Kind != assessment.SelfRating || last.Weight <= self.Weight {
				t.Errorf("manager weight %.2f, self-rating %+v, want the manager weighing more", last.Weight, self)
			}
			// Another competency is untouched.
			other, _ := res.Competency("ci-cd")
			if o, _ := plain.Competency("ci-cd"); o.Score != other.Score || other.Calibration != nil {
				t.Errorf("unrated competency changed: %+v, want %+v", other, o)
			}
		})
	}
	for _, bad := range []assessment.Review{
		{Ratings: map[string]assessment.ManagerRating{"no-such-competency": {Level: 3}}},
		{Ratings: map[string]assessment.ManagerRating{slug: {Level: 6}}},
	} {
		if _, err := assessment.ScoreWithReview(a, rs, bad); !errors.Is(err, assessment.ErrInvalidReview) {
			t.Errorf("ScoreWithReview(%+v) error = %v, want ErrInvalidReview", bad, err)
		}
	}
}
