package assessment_test

import (
	"slices"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
)

func TestScoreFlagsGamedAnswers(t *testing.T) {
	t.Parallel()
	a := generate(t, "gaming")
	cloud := specs[0]
	tests := []struct {
		name, slug, text string
		flag             assessment.Flag
	}{
		{"keyword list", cloud.slug, "cloud strategy platform roadmap organisation authority adoption multi-region architecture standards terraform kubernetes", assessment.FlagKeywordStuffing},
		{"repeated terms", "people-leadership", "leadership strategy leadership strategy succession plans succession culture culture operating model department direction leadership", assessment.FlagKeywordStuffing},
		{"expert descriptor pasted", cloud.slug, cloud.descriptors[4], assessment.FlagCopyBack},
		{"descriptor in the first person", "problem-solving", "I solve novel organisation-wide problems with no precedent, I frame the strategic questions leadership should ask, and I build problem-solving methods that other teams adopt.", assessment.FlagCopyBack},
		{"descriptor padded with filler", "collaboration-and-communication", "Well, in my job I would say that I shape how the organisation communicates and collaborates, builds partnerships with executives and external partners, and resolves conflicts between departments that affect company strategy. That is what I do most weeks.", assessment.FlagCopyBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scoreText(t, a, tt.slug, tt.text)
			ev := c.Evidence[0]
			if !slices.Contains(ev.Flags, tt.flag) {
				t.Errorf("flags = %v, want %s", ev.Flags, tt.flag)
			}
			if ev.MatchedLevel > 2 || c.Level > 2 {
				t.Errorf("matched level %d, competency level %d, want both <= 2", ev.MatchedLevel, c.Level)
			}
			if c.Confidence > 0.2 {
				t.Errorf("confidence = %.2f, want <= 0.2", c.Confidence)
			}
		})
	}
}

func TestScoreGenuineAnswersNotFlagged(t *testing.T) {
	t.Parallel()
	a := generate(t, "genuine")
	for i, la := range labelledAnswers {
		c := scoreText(t, a, la.slug, la.text)
		for _, f := range c.Flags {
			if f == assessment.FlagKeywordStuffing || f == assessment.FlagCopyBack || f == assessment.FlagOffTopic {
				t.Errorf("labelled answer %d (%s, level %d): flags = %v, want none", i, la.slug, la.level, c.Flags)
			}
		}
	}
}

func TestScoreEmptyAndOffTopicAnswersScoreLow(t *testing.T) {
	t.Parallel()
	a := generate(t, "low")
	tests := []struct {
		name, slug, text string
		flag             assessment.Flag
	}{
		{"empty", "ci-cd", "", assessment.FlagEmpty},
		{"blank", "ci-cd", "  \n\t ", assessment.FlagEmpty},
		{"only stop words", "ci-cd", "and then we did it so that it was there", assessment.FlagEmpty},
		{"hobbies", "ci-cd", "On weekends I enjoy hiking in the hills with my family and cooking pasta. Last summer we walked the coast path for ten days, which was lovely.", assessment.FlagOffTopic},
		{"another competency's story", "security-best-practices", "I coordinated a bake sale for the school and handed out flyers to parents in the playground.", assessment.FlagOffTopic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scoreText(t, a, tt.slug, tt.text)
			if !slices.Contains(c.Flags, tt.flag) {
				t.Errorf("flags = %v, want %s", c.Flags, tt.flag)
			}
			if c.Score > 1 || c.Level != 1 {
				t.Errorf("score %.2f level %d, want score <= 1 and level 1", c.Score, c.Level)
			}
			if c.Confidence > 0.2 {
				t.Errorf("confidence = %.2f, want <= 0.2", c.Confidence)
			}
		})
	}
}
