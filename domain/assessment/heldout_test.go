package assessment_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/analytics"
)

// heldOutAnswers are labelled open-text answers written after the scorer
// was tuned, deliberately in other words than the level descriptors and
// the behavioural markers (no "independently", "across several teams",
// "organisation's strategy" and the like): how people actually write. They
// measure how far the scorer generalises; the labelled set the scorer was
// developed against (labelledAnswers) gives an upper bound.
var heldOutAnswers = []labelled{
	// Continuous Integration/Continuous Deployment (CI/CD), no labelled
	// answers in the development set.
	{"ci-cd", 1, `When the build goes red I open the job output, see which step broke and ping whoever owns that repo in chat. I have not changed the pipeline configuration myself yet.`},
	{"ci-cd", 2, `I added the lint stage and a couple of integration tests to our existing workflow file, and last week I got a failing build green again after a dependency bump broke it. For releases I tick through the checklist we keep in the wiki.`},
	{"ci-cd", 3, `For the new invoicing service I set up the whole path from commit to production: tests on every push, images tagged with the commit hash, a staging step that promotes automatically after smoke checks, and a way to go back to the previous image in one command.`},
	{"ci-cd", 4, `Six product teams ship through tooling I own. I brought in canary rollouts behind feature toggles, moved everyone onto shared workflow templates, and our median time from merge to production fell from two days to forty minutes.`},
	{"ci-cd", 5, `I decided how the whole company ships software: one golden path every team builds on, and quarterly delivery metrics per department that the CTO reviews with me.`},

	// Security Best Practices.
	{"security-best-practices", 1, `I stick to the checklist when I open a pull request and I never paste passwords into code. Once I saw a strange login alert and forwarded it to the security channel.`},
	{"security-best-practices", 2, `I trimmed the permissions of our service account down to what it actually needs and upgraded the libraries the scanner complained about in my own service.`},
	{"security-best-practices", 3, `Before we shipped document uploads I walked through how an attacker could abuse them, moved the keys into the vault, turned on encryption for the bucket and closed the two pen-test findings myself.`},
	{"security-best-practices", 4, `I run the design reviews for the payments and identity groups, wrote the controls we needed for our PCI audit and coach engineers on building things safely from the start.`},
	{"security-best-practices", 5, `I wrote the company's security policy, I am the person auditors and the regulator deal with, and I built the champions programme that made security part of how every department works.`},

	// Monitoring and Performance Tuning.
	{"monitoring-and-performance-tuning", 1, `On call I keep an eye on the graphs and when something pages I acknowledge it and follow the runbook, handing it on if it is not in there.`},
	{"monitoring-and-performance-tuning", 2, `I put counters and a latency alert on the export endpoint I built and looked into why one report was slow; it was missing an index.`},
	{"monitoring-and-performance-tuning", 3, `I agreed reliability targets for the checkout API with product, used a profiler to find that JSON encoding ate most of the CPU, fixed it, and rewrote our noisy alerts so the pager only fires when users are affected.`},
	{"monitoring-and-performance-tuning", 4, `I lead observability for the platform group's five teams, run the yearly capacity plan, and steer the performance roadmap using what production traffic tells us.`},
	{"monitoring-and-performance-tuning", 5, `I set the reliability policy for the company, chose the telemetry stack every team uses, and report error budgets to the executive team each month.`},

	// Automation and Scripting.
	{"automation-and-scripting", 1, `I run the scripts the team already has, and with help I changed a path in one of them when the folder moved.`},
	{"automation-and-scripting", 2, `I wrote a small shell script that sets up my local environment and fetches the test data; I put it in the team repo so others can use it.`},
	{"automation-and-scripting", 3, `I turned our manual release notes and tagging into a tested tool with docs, which took a two-hour chore off the team every week.`},
	{"automation-and-scripting", 4, `I built the provisioning library that four teams now call from their own tools, and I review their automation for failure handling before it goes live.`},
	{"automation-and-scripting", 5, `I set which manual work the company automates first and track the hours saved across all departments; the backlog I prioritise is company-wide.`},

	// Collaboration and Communication, in other words than the labelled set.
	{"collaboration-and-communication", 1, `I tell the people on my team what I am working on when they ask, and my lead showed me how we post updates here.`},
	{"collaboration-and-communication", 3, `On the returns project I worked with finance and the warehouse team, wrote the proposal everyone commented on, and sorted out a disagreement between two developers about the API shape.`},
	{"collaboration-and-communication", 5, `I built the partnership with our largest reseller at executive level and settled a long dispute between sales and engineering that was blocking the company plan.`},

	// People Leadership, in other words than the labelled set.
	{"people-leadership", 2, `I split the migration into tasks for two colleagues and checked in with them each morning, and I look after our apprentice with my manager's help.`},
	{"people-leadership", 4, `I manage four leads and about thirty engineers; this year I planned and ran our hiring, turned two seniors into leads, and reorganised the group around products.`},
}

func TestScoreHeldOutAnswersCorrelate(t *testing.T) {
	t.Parallel()
	a := generate(t, "held-out")
	var got, want []float64
	exact, within1 := 0, 0
	for i, la := range heldOutAnswers {
		c := scoreText(t, a, la.slug, la.text)
		got = append(got, float64(c.Level))
		want = append(want, float64(la.level))
		d := int(c.Level) - la.level
		if d == 0 {
			exact++
		}
		if d >= -1 && d <= 1 {
			within1++
		}
		t.Logf("%2d %-34s label %d got level %d score %.2f conf %.2f flags %v", i, la.slug, la.level, c.Level, c.Score, c.Confidence, c.Flags)
	}
	rho := analytics.Spearman(got, want)
	t.Logf("held-out Spearman rho = %.3f over %d answers; exact %d, within one level %d", rho, len(got), exact, within1)
	// The target of the issue is 0.7; this floor catches a regression
	// without pretending the held-out figure is as high as the development
	// set's.
	if rho < 0.6 {
		t.Errorf("held-out Spearman rho = %.3f, want >= 0.6 (target 0.7)", rho)
	}
}
