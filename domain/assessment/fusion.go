package assessment

import "math"

// Rules of the fusion. Each says how far one source may carry the level
// beyond what the others show.
const (
	// ClaimLift is how far above the evidence (scenario and open text) a
	// self-rating counts: a claim may add a little to what was shown, never
	// a level it does not show.
	ClaimLift = 1.0
	// ScenarioLift is how far above the open-text answer a scenario item
	// counts: knowing the effective move in a described situation is
	// judgement, not a record of having done it at that level.
	ScenarioLift = 1.0
	// DisagreementLevels is the distance between a claim (or a manager's
	// rating) and the evidence at which the two are said to disagree:
	// FlagInflated, FlagUnderstated, FlagCalibrate.
	DisagreementLevels = 2.0
	// claimPenalty multiplies the confidence of a competency whose
	// self-rating disagrees with the evidence.
	claimPenalty = 0.7
	// gamedPenalty multiplies the confidence of a competency whose open-text
	// answer was flagged as stuffed or copied.
	gamedPenalty = 0.5
	// loneAgreement is the agreement assumed when there is a single source:
	// nothing confirms it.
	loneAgreement = 0.5
	// noTextQuality is the quality factor of a competency without an
	// open-text answer: the richest source is missing.
	noTextQuality = 0.5
)

// fusionInput is the scored evidence of one competency before fusion.
type fusionInput struct {
	weights   [4]float64 // by Kind-1
	self      *Evidence
	scenarios []Evidence
	text      *Evidence
	quality   float64 // of the open-text answer, 0–1
	manager   *Evidence
}

// fuse fills in the score, level, gap, confidence, flags and evidence of c.
//
// The evidence level is the weighted mean of the scenario items and the
// open-text answer, each scenario item counting at most ScenarioLift above
// the text. The score is the weighted mean of the evidence, the self-rating
// (counting at most ClaimLift above the evidence) and the manager's rating;
// the manager's weight is above the self-rating's, so a manager's view
// outweighs self-report while the account of the work still weighs most.
// Contributions are weight times counted value over the total weight, so
// they add up to the score.
func fuse(c *CompetencyResult, in fusionInput) {
	type part struct {
		ev      *Evidence
		weight  float64
		counted float64
	}
	var parts []part
	var evSum, evW float64
	if in.text != nil {
		w := in.weights[OpenText-1]
		parts = append(parts, part{in.text, w, in.text.ItemScore})
		evSum, evW = evSum+w*in.text.ItemScore, evW+w
	}
	for i := range in.scenarios {
		ev := &in.scenarios[i]
		w := in.weights[Scenario-1] / float64(len(in.scenarios))
		v := ev.ItemScore
		if in.text != nil {
			v = math.Min(v, in.text.ItemScore+ScenarioLift)
		}
		parts = append(parts, part{ev, w, v})
		evSum, evW = evSum+w*v, evW+w
	}
	evidence := 0.0
	if evW > 0 {
		evidence = evSum / evW
		c.EvidenceLevel = round2(evidence)
	}
	if in.self != nil {
		v := in.self.ItemScore
		if evW > 0 {
			v = math.Min(v, evidence+ClaimLift)
			switch d := in.self.ItemScore - evidence; {
			case d >= DisagreementLevels:
				c.Flags = append(c.Flags, FlagInflated)
			case -d >= DisagreementLevels:
				c.Flags = append(c.Flags, FlagUnderstated)
			}
		}
		parts = append(parts, part{in.self, in.weights[SelfRating-1], v})
	}
	if in.manager != nil {
		parts = append(parts, part{in.manager, in.weights[Manager-1], in.manager.ItemScore})
		calibrate(c, in, evidence, evW > 0)
	}

	var wsum, total float64
	for _, p := range parts {
		wsum += p.weight
		total += p.weight * p.counted
	}
	if wsum > 0 {
		c.Score = round2(total / wsum)
	}
	c.Level = roundLevel(c.Score)
	if c.RequiredLevel > c.Level {
		c.Gap = int(c.RequiredLevel - c.Level)
	}
	c.Evidence = make([]Evidence, len(parts))
	for i, p := range parts {
		ev := *p.ev
		ev.Contribution = round2(p.weight * p.counted / wsum)
		ev.Weight = round2(p.weight)
		ev.ItemScore = round2(ev.ItemScore)
		c.Evidence[i] = ev
		for _, f := range ev.Flags {
			if !hasFlag(c.Flags, f) {
				c.Flags = append(c.Flags, f)
			}
		}
	}
	if len(parts) == 0 {
		return
	}
	c.Confidence = round2(confidence(c, in, parts2values(in)))
}

// calibrate records a manager's rating two levels or more from the
// self-rating or from the evidence.
func calibrate(c *CompetencyResult, in fusionInput, evidence float64, hasEvidence bool) {
	m := in.manager.ItemScore
	cal := Calibration{Manager: in.manager.MatchedLevel}
	if in.self != nil {
		cal.Self = in.self.MatchedLevel
		if math.Abs(m-in.self.ItemScore) >= DisagreementLevels {
			cal.Reasons = append(cal.Reasons, "manager_vs_self")
		}
	}
	if hasEvidence {
		cal.Evidence = round2(evidence)
		if math.Abs(m-evidence) >= DisagreementLevels {
			cal.Reasons = append(cal.Reasons, "manager_vs_evidence")
		}
	}
	if len(cal.Reasons) > 0 {
		c.Calibration = &cal
		c.Flags = append(c.Flags, FlagCalibrate)
	}
}

// sourceValue is one source's raw level and weight, for agreement.
type sourceValue struct{ v, w float64 }

// parts2values returns the raw level of every source that answered: the
// self-rating, the mean of the scenario items, the open-text answer and the
// manager's rating.
func parts2values(in fusionInput) []sourceValue {
	var out []sourceValue
	if in.self != nil {
		out = append(out, sourceValue{in.self.ItemScore, in.weights[SelfRating-1]})
	}
	if n := len(in.scenarios); n > 0 {
		var sum float64
		for _, ev := range in.scenarios {
			sum += ev.ItemScore
		}
		out = append(out, sourceValue{sum / float64(n), in.weights[Scenario-1]})
	}
	if in.text != nil {
		out = append(out, sourceValue{in.text.ItemScore, in.weights[OpenText-1]})
	}
	if in.manager != nil {
		out = append(out, sourceValue{in.manager.ItemScore, in.weights[Manager-1]})
	}
	return out
}

// confidence says how much evidence there is and how well the sources agree,
// 0–1: the share of the item weight answered, times the agreement of the
// sources (one minus half their weighted standard deviation, in levels),
// times the quality of the open-text answer, lowered when the self-rating
// disagrees with the evidence or the answer was gamed.
func confidence(c *CompetencyResult, in fusionInput, vs []sourceValue) float64 {
	var answered, wsum, mean float64
	for _, v := range vs {
		wsum += v.w
		mean += v.w * v.v
	}
	mean /= wsum
	var variance float64
	for _, v := range vs {
		variance += v.w * (v.v - mean) * (v.v - mean) / wsum
	}
	if in.self != nil {
		answered += in.weights[SelfRating-1]
	}
	if len(in.scenarios) > 0 {
		answered += in.weights[Scenario-1]
	}
	if in.text != nil {
		answered += in.weights[OpenText-1]
	}
	coverage := math.Min(1, answered/(in.weights[SelfRating-1]+in.weights[Scenario-1]+in.weights[OpenText-1]))
	agreement := loneAgreement
	if len(vs) > 1 {
		agreement = math.Max(0, 1-math.Sqrt(variance)/2)
	}
	quality := noTextQuality
	if in.text != nil {
		quality = 0.3 + 0.7*in.quality
	}
	conf := coverage * (0.4 + 0.6*agreement) * quality
	if hasFlag(c.Flags, FlagInflated) || hasFlag(c.Flags, FlagUnderstated) {
		conf *= claimPenalty
	}
	if hasFlag(c.Flags, FlagKeywordStuffing) || hasFlag(c.Flags, FlagCopyBack) {
		conf *= gamedPenalty
	}
	return conf
}
