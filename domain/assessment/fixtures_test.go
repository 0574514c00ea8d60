package assessment_test

import (
	"testing"

	"github.com/cadrehq/cadre/domain/competency"
)

// spec is a competency for the tests: slug, name, category, description,
// keywords and five level descriptors.
type spec struct {
	slug, name  string
	category    competency.Category
	description string
	keywords    []string
	descriptors [5]string
	levels      [3]competency.Level
}

var specs = []spec{
	{
		slug: "cloud-infrastructure-management", name: "Cloud Infrastructure Management", category: competency.Technical,
		description: "Designs, provisions and operates cloud infrastructure that is secure, reliable and cost-effective.",
		keywords:    []string{"cloud", "aws", "azure", "gcp", "terraform", "kubernetes", "infrastructure as code", "vpc"},
		descriptors: [5]string{
			"Provisions basic cloud resources such as virtual machines and storage buckets by following documented runbooks, with guidance from senior engineers.",
			"Manages cloud environments for a single service using infrastructure as code templates, applies routine changes and fixes common configuration issues with occasional help.",
			"Designs and maintains cloud infrastructure for services independently, writes reusable Terraform modules, manages networking, access policies and costs, and resolves incidents on their own.",
			"Leads the architecture of resilient multi-region infrastructure, sets standards for infrastructure as code across several teams, reviews designs and mentors engineers on capacity, reliability and cost trade-offs.",
			"Defines the organisation's cloud strategy and platform roadmap, drives adoption of shared platforms across the company, negotiates with providers and is recognised as an authority inside and outside the organisation.",
		},
		levels: [3]competency.Level{2, 4, 5},
	},
	{
		slug: "ci-cd", name: "Continuous Integration/Continuous Deployment (CI/CD)", category: competency.Technical,
		description: "Builds and runs the pipelines that test, package and release software safely and often.",
		keywords:    []string{"pipeline", "continuous integration", "deployment", "github actions", "jenkins", "release", "build"},
		descriptors: [5]string{
			"Runs existing build and deployment pipelines, reads their logs and reports failures to the owners.",
			"Adds tests and steps to existing pipelines, fixes broken builds and follows the release checklist with little supervision.",
			"Designs pipelines for new services end to end, including automated tests, artefact versioning, rollbacks and environment promotion.",
			"Leads the delivery tooling of several teams, introduces progressive delivery such as canary releases and feature flags, and cuts lead time measurably.",
			"Sets the organisation's software delivery strategy, defines the paved road every team uses, and tracks delivery performance across the company.",
		},
		levels: [3]competency.Level{2, 4, 5},
	},
	{
		slug: "collaboration-and-communication", name: "Collaboration and Communication", category: competency.Interpersonal,
		description: "Works with others towards shared goals and keeps people informed clearly, in writing and in person.",
		keywords:    []string{"communication", "collaboration", "stakeholder", "feedback", "meeting", "writing", "conflict"},
		descriptors: [5]string{
			"Shares updates with immediate teammates when asked and follows team communication norms with support from a lead.",
			"Communicates clearly about own work in stand-ups and written updates, asks for help early and responds to feedback constructively.",
			"Collaborates effectively with other functions, writes clear design documents and status reports, and resolves everyday disagreements within the team.",
			"Facilitates communication across several teams, aligns stakeholders with conflicting priorities, coaches others on giving feedback and leads difficult conversations.",
			"Shapes how the organisation communicates and collaborates, builds partnerships with executives and external partners, and resolves conflicts between departments that affect company strategy.",
		},
		levels: [3]competency.Level{2, 3, 4},
	},
	{
		slug: "problem-solving", name: "Problem Solving", category: competency.Analytical,
		description: "Understands problems, finds their causes and chooses solutions that work, using evidence.",
		keywords:    []string{"problem", "root cause", "analysis", "debugging", "hypothesis", "data", "solution"},
		descriptors: [5]string{
			"Solves well-defined problems by following known procedures and escalates anything unfamiliar to a colleague.",
			"Breaks down routine problems into steps, gathers relevant information and tries a few options before asking for help.",
			"Independently analyses ambiguous problems, identifies root causes with data, compares alternatives and implements effective solutions.",
			"Tackles complex cross-team problems, structures the analysis for others, anticipates second-order effects and prevents recurring issues through systemic fixes.",
			"Solves novel organisation-wide problems with no precedent, frames the strategic questions leadership should ask, and builds problem-solving methods that other teams adopt.",
		},
		levels: [3]competency.Level{2, 3, 4},
	},
	{
		slug: "security-best-practices", name: "Security Best Practices", category: competency.Technical,
		description: "Builds and operates systems that protect data and resist attack, following secure engineering practice.",
		keywords:    []string{"security", "vulnerability", "secrets", "iam", "encryption", "threat model", "compliance"},
		descriptors: [5]string{
			"Follows the team's security checklist, keeps credentials out of code and reports suspicious activity.",
			"Applies least-privilege access, patches known vulnerabilities in own services and fixes issues raised by scanners.",
			"Threat-models new features, manages secrets and encryption properly and handles security findings independently.",
			"Leads security reviews for several teams, designs controls that meet compliance requirements and mentors engineers on secure design.",
			"Defines the organisation's security strategy and policies, represents the company to auditors and regulators, and builds a security culture across departments.",
		},
		levels: [3]competency.Level{1, 3, 5},
	},
	{
		slug: "automation-and-scripting", name: "Automation and Scripting", category: competency.Technical,
		description: "Removes repetitive manual work with scripts and tools that others can trust.",
		keywords:    []string{"automation", "script", "bash", "python", "ansible", "tooling", "toil"},
		descriptors: [5]string{
			"Runs existing scripts and makes small edits to them with guidance.",
			"Writes scripts that automate personal routine tasks and shares them with the team.",
			"Builds tested, documented automation for team workflows and removes recurring manual toil.",
			"Designs reusable automation frameworks that several teams depend on and reviews others' tooling for reliability.",
			"Sets the automation strategy for the organisation, decides which toil to eliminate first and measures the time saved across the company.",
		},
		levels: [3]competency.Level{2, 4, 5},
	},
	{
		slug: "monitoring-and-performance-tuning", name: "Monitoring and Performance Tuning", category: competency.Operational,
		description: "Observes systems in production and keeps them fast and healthy.",
		keywords:    []string{"monitoring", "observability", "latency", "alerting", "dashboards", "slo", "profiling", "prometheus"},
		descriptors: [5]string{
			"Watches existing dashboards and acknowledges alerts, escalating them according to the on-call guide.",
			"Adds metrics and alerts for own services and investigates simple performance issues.",
			"Defines service level objectives, profiles services to remove bottlenecks and tunes alerting to cut noise.",
			"Leads observability across several teams, runs capacity planning and drives performance work from production data.",
			"Defines the organisation's reliability and observability strategy, sets company-wide SLO policy and chooses the platforms every team uses.",
		},
		levels: [3]competency.Level{1, 3, 4},
	},
	{
		slug: "people-leadership", name: "People Leadership", category: competency.Leadership,
		description: "Develops people and leads teams to deliver, with clear goals, feedback and care.",
		keywords:    []string{"leadership", "management", "one-to-ones", "feedback", "hiring", "coaching", "performance"},
		descriptors: [5]string{
			"Supports teammates informally by sharing knowledge and helping onboard new joiners under the guidance of a manager.",
			"Coordinates small pieces of work for a few colleagues, gives informal feedback and mentors an intern or new hire with support.",
			"Leads a small team or project day to day, sets clear goals, holds regular one-to-ones and addresses performance issues early.",
			"Manages and develops several team leads or a large team, builds hiring plans, grows future leaders and drives change across teams.",
			"Sets direction for a department or the whole organisation, designs the leadership strategy and operating model, builds succession plans and shapes the company culture.",
		},
		levels: [3]competency.Level{1, 3, 4},
	},
}

// newCompetency builds a valid competency from a spec.
func newCompetency(t testing.TB, s spec) competency.Competency {
	t.Helper()
	c := competency.Competency{
		Slug: s.slug, Name: s.name, Category: s.category, Description: s.description,
		Descriptors: s.descriptors, Keywords: s.keywords, Actions: map[competency.Level][]competency.Action{},
	}
	for _, l := range competency.AllLevels() {
		c.Actions[l] = []competency.Action{{Kind: competency.Project, Title: "Practise " + s.name + " at " + l.Label() + " level"}}
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("fixture %s: %v", s.slug, err)
	}
	return c
}

// framework builds a DevOps-style framework of the given specs (all of them
// when none is named).
func framework(t testing.TB, slugs ...string) competency.RoleFramework {
	t.Helper()
	f := competency.RoleFramework{
		Role:     competency.Role{Slug: "devops-engineer", Title: "DevOps Engineer"},
		Industry: "finance",
	}
	for i, s := range specs {
		if len(slugs) > 0 && !contains(slugs, s.slug) {
			continue
		}
		lv, err := competency.NewLevels(s.levels[0], s.levels[1], s.levels[2])
		if err != nil {
			t.Fatalf("fixture %s levels: %v", s.slug, err)
		}
		g := competency.Supporting
		if i < 3 {
			g = competency.Primary
		}
		f.Entries = append(f.Entries, competency.Entry{Competency: newCompetency(t, s), Group: g, Levels: lv})
	}
	if err := f.Validate(); err != nil {
		t.Fatalf("fixture framework: %v", err)
	}
	return f
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
