package main

import (
	mrand "math/rand/v2"
	"regexp"
	"strings"
)

// demoAnswerParts are the sentences the demo's open-text answers are made
// of, by strength (weak, middling, strong) and part (an opening that names
// the competency as {topic}, two of what the person did, what came of it).
// An answer takes one sentence of each part; answerPicker makes sure no two
// answers of one assessment share more than one sentence, so the scorer
// sees a different account per competency (not the same text copied from
// item to item) and the heatmap shows a realistic spread.
var demoAnswerParts = [3][demoParts][demoPool]string{
	{ // weak: follows, is helped, is learning
		{
			"I have only done a little {topic} so far, mostly on tickets my lead picks for me.",
			"I started on {topic} in the autumn when I joined the team, so it is still new to me.",
			"Most of what I know about {topic} comes from shadowing a colleague on the payments team.",
			"My part in {topic} is small at the moment: I help when someone asks me to.",
			"I am learning {topic} on the job and through a course my manager suggested.",
		},
		{
			"Last month I followed the checklist in the wiki step by step to make a small change, and a senior engineer checked it before it went live.",
			"When something breaks I read the runbook and pass it on to whoever is on call if the runbook does not cover it.",
			"A colleague walked me through the setup once and I did the second one while she watched.",
			"I asked in the team channel before touching anything, and someone showed me which settings were safe to change.",
			"I watched how the others handled the last release and wrote notes for myself.",
		},
		{
			"I also keep a list of the commands I use so I do not have to ask again.",
			"Usually I check with my lead before I change anything that others depend on.",
			"If an alert fires I look at the dashboard and then call the person on duty.",
			"I have not yet handled a problem there on my own.",
			"For anything bigger I pair with someone from the team.",
		},
		{
			"I am not sure yet how the pieces fit together, but I ask questions when I get stuck.",
			"It worked in the end, though it took me most of the afternoon.",
			"I want to do the next one on my own.",
			"I still need help with anything outside the usual steps.",
			"Next quarter I would like to take on a small piece of it by myself.",
		},
	},
	{ // middling: owns a piece of work end to end
		{
			"In March I took over {topic} for our reconciliation service when its owner moved teams.",
			"Last quarter our nightly settlement job kept failing, and {topic} was the part nobody had looked at closely, so I picked it up.",
			"When we moved the card-statement service to the new cluster in the spring, I handled {topic} for it myself.",
			"Two months ago a customer complaint about late notifications landed with me, and the root of it was in {topic}.",
			"For the loan-quote feature we shipped in September I was responsible for {topic} from start to finish.",
		},
		{
			"I mapped the current steps, compared two ways of fixing the weak spot on a week of real data and implemented the simpler one.",
			"I wrote down what was expected, agreed it with the product owner, built the change and tested it against the cases support had collected.",
			"I read the logs from the failing runs, found that a retry was hiding a timeout, and changed the code and the alert so the next failure would show at once.",
			"I set up a small checklist and a dashboard for it, ran both for a month and adjusted them after each review with my lead.",
			"I investigated the three incidents we had had, fixed the two causes in our own code and documented the third for the vendor.",
		},
		{
			"I also added a test for the case that had failed, so it cannot come back unnoticed.",
			"Afterwards I wrote a short design note and walked the team through it in our weekly meeting.",
			"I kept the product owner informed with a short update each Friday until it was done.",
			"When a reviewer pointed out a gap in my error handling, I reworked that part before the release.",
			"I also cleaned up the old configuration so the next person does not trip over it.",
		},
		{
			"Since then the job has run every night without a manual restart, and the runbook is in the team wiki.",
			"Failures went from about one a week to none in the last two months.",
			"The next release went out on time and support closed the ticket the same day.",
			"Review time for those changes dropped from two days to half a day.",
			"My lead now asks me to walk new joiners through it.",
		},
	},
	{ // strong: leads others, across teams or the bank
		{
			"Last year the risk committee asked why {topic} differed so much between our four product teams, and I was asked to fix it.",
			"When two audit findings in 2024 both traced back to {topic}, I took it on for the whole engineering department.",
			"After the payments outage in February I led a review of {topic} across the platform, payments and data teams.",
			"Over the past eighteen months I have owned {topic} for the bank's customer-facing services, about forty of them.",
			"When we merged the card and lending platforms, {topic} was where the two organisations worked most differently, and the CTO asked me to bring them together.",
		},
		{
			"I wrote the standard with the team leads, coached two senior engineers to run the reviews themselves and set up a monthly check of how each team was doing against it.",
			"I proposed a single approach, piloted it with one team for six weeks, measured the effect and then rolled it out to the other three teams with their leads.",
			"I designed the shared tooling, negotiated the priorities with the heads of product and risk, and mentored the engineers who now maintain it.",
			"I set the roadmap, presented it to the executive team for budget and ran a fortnightly review with every team lead until it was in place.",
			"I led a working group of five engineers from different teams, agreed the trade-offs with the architects and wrote the guidance every new service now starts from.",
		},
		{
			"I also set up a quarterly review with the heads of engineering to decide what to change next.",
			"Where teams disagreed, I ran the sessions to settle the trade-offs and wrote down the decisions.",
			"I hired two engineers for the platform team to look after it for the long term.",
			"I made the measures visible on a shared dashboard that the leadership team reviews every month.",
			"I worked with finance to fund the work from the existing budget rather than a new project.",
		},
		{
			"Incidents traced to it fell from nine a quarter to two, and the regulator closed both findings in the next audit.",
			"All four teams follow the same practice now, and it has become part of how the bank onboards new engineers.",
			"Lead time for those changes went from three weeks to four days across the department.",
			"The approach has been adopted by the other business units, and I presented it at an industry meetup in October.",
			"We have had no repeat of the problem for a year, and two of the engineers I mentored now lead it.",
		},
	},
}

// demoPool is the number of sentences of each part; a prime above
// demoParts, so that answerPicker's indexing gives up to demoPool² answers
// in which no two share more than one sentence.
const demoPool = 5

// demoParts is the number of sentences of an answer.
const demoParts = 4

// answerPicker composes the open-text answers of one assessment: the i-th
// answer (of any strength) takes sentence (i + j·⌊i/demoPool⌋) mod demoPool
// of part j, through an order shuffled per assessment so that employees do
// not all write the same answers. Two answers sharing the sentences of two
// parts j ≠ k would need i ≡ i' and ⌊i/demoPool⌋ ≡ ⌊i'/demoPool⌋ (mod
// demoPool), that is the same answer, up to demoPool² answers.
type answerPicker struct {
	order [demoParts][demoPool]int
	n     int
}

// newAnswerPicker shuffles the sentence orders with rng.
func newAnswerPicker(rng *mrand.Rand) *answerPicker {
	p := &answerPicker{}
	for part := range p.order {
		perm := rng.Perm(demoPool)
		copy(p.order[part][:], perm)
	}
	return p
}

// answer returns the next answer at strength (0 weak, 1 middling, 2 strong)
// about topic.
func (p *answerPicker) answer(strength int, topic string) string {
	i := p.n
	p.n++
	parts := make([]string, demoParts)
	for j := range demoParts {
		parts[j] = demoAnswerParts[strength][j][p.order[j][(i+j*(i/demoPool))%demoPool]]
	}
	return strings.ReplaceAll(strings.Join(parts, " "), "{topic}", topic)
}

// capitalised matches a capitalised word ("Cloud"), not an acronym ("CI").
var capitalised = regexp.MustCompile(`\b[A-Z][a-z]+\b`)

// demoTopic is how an answer names a competency: a company value by its
// name in quotes ("“Customers first”"), any other in lower case but for its
// acronyms ("continuous integration/continuous deployment (CI/CD)").
func demoTopic(name, category string) string {
	if category == "cultural" {
		return "“" + name + "”"
	}
	return capitalised.ReplaceAllStringFunc(name, strings.ToLower)
}
