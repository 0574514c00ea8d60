package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/cadrehq/cadre/tenants"
)

// demoCorpus holds the documents the demo company uploads by default (see
// demo/SOURCES.md for where each comes from and its licence).
//
//go:embed demo/corpus/*.md
var demoCorpus embed.FS

// demoValues are the demo company's values.
var demoValues = []map[string]string{
	{"name": "Customers first", "description": "We earn our customers' trust every day: we listen to them, explain our decisions plainly and fix what hurts them first."},
	{"name": "Own the outcome", "description": "We take responsibility for results end to end, automate what we can, and follow through until the problem is solved for good."},
	{"name": "Safe by default", "description": "Security, compliance and reliability are part of the design, not an afterthought: we review risks early and protect customer data."},
	{"name": "Learn in the open", "description": "We share knowledge, write things down, give and ask for feedback, and mentor each other so the whole bank gets better."},
}

// demoTeams and demoPeople are the demo company's 30 employees: four
// teams, a manager each (the platform lead manages the other managers),
// DevOps engineers in several teams, every tier.
var demoTeams = []string{"platform", "payments", "risk", "data"}

type demoPerson struct {
	subject, name, role, tier, manager, team string
	// strength is how well the person answers: 0 weak, 1 middling, 2 strong.
	strength int
}

var demoPeople = []demoPerson{
	{"priya", "Priya Raman", "engineering-manager", "senior", "", "platform", 2},
	{"tom", "Tom Okafor", "devops-engineer", "senior", "priya", "platform", 2},
	{"lena", "Lena Vogel", "devops-engineer", "mid", "priya", "platform", 1},
	{"sam", "Sam Carter", "devops-engineer", "mid", "priya", "platform", 0},
	{"ana", "Ana Silva", "devops-engineer", "entry", "priya", "platform", 0},
	{"kenji", "Kenji Sato", "devops-engineer", "entry", "priya", "platform", 1},
	{"noor", "Noor Haddad", "security-engineer", "mid", "priya", "platform", 2},
	{"marco", "Marco Rossi", "engineering-manager", "senior", "priya", "payments", 1},
	{"jade", "Jade Wilson", "software-engineer", "senior", "marco", "payments", 2},
	{"omar", "Omar Farouk", "software-engineer", "mid", "marco", "payments", 1},
	{"ella", "Ella Brooks", "software-engineer", "mid", "marco", "payments", 0},
	{"ivan", "Ivan Petrov", "software-engineer", "entry", "marco", "payments", 1},
	{"mei", "Mei Chen", "devops-engineer", "mid", "marco", "payments", 2},
	{"luis", "Luis Ortega", "qa-engineer", "mid", "marco", "payments", 0},
	{"grace", "Grace Adeyemi", "compliance-officer", "senior", "priya", "risk", 2},
	{"henry", "Henry Blake", "financial-analyst", "senior", "grace", "risk", 1},
	{"sofia", "Sofia Marin", "financial-analyst", "mid", "grace", "risk", 2},
	{"david", "David Kim", "financial-analyst", "entry", "grace", "risk", 0},
	{"fatima", "Fatima Zahra", "compliance-officer", "mid", "grace", "risk", 1},
	{"ben", "Ben Harris", "compliance-officer", "entry", "grace", "risk", 0},
	{"chloe", "Chloe Martin", "accountant", "mid", "grace", "risk", 1},
	{"raj", "Raj Patel", "engineering-manager", "senior", "priya", "data", 1},
	{"nina", "Nina Kowalski", "data-engineer", "senior", "raj", "data", 2},
	{"oscar", "Oscar Lind", "data-engineer", "mid", "raj", "data", 0},
	{"yara", "Yara Nasser", "data-engineer", "entry", "raj", "data", 1},
	{"leo", "Leo Dubois", "data-analyst", "mid", "raj", "data", 2},
	{"maya", "Maya Levi", "data-scientist", "mid", "raj", "data", 1},
	{"eric", "Eric Jensen", "devops-engineer", "senior", "raj", "data", 1},
	{"zoe", "Zoe Turner", "data-analyst", "entry", "raj", "data", 0},
	{"adam", "Adam Novak", "devops-engineer", "mid", "raj", "data", 0},
}

// demoDocument is a document to upload.
type demoDocument struct {
	title, content, contentType string
}

// demoDocuments reads the embedded documents, or those of dir.
func demoDocuments(dir string) ([]demoDocument, error) {
	var (
		fsys fs.FS = demoCorpus
		root       = "demo/corpus"
	)
	if dir != "" {
		fsys, root = os.DirFS(dir), "."
	}
	var docs []demoDocument
	err := fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "LICENSES" {
				return fs.SkipDir
			}
			return nil
		}
		ct := map[string]string{".md": "text/markdown", ".txt": "text/plain", ".html": "text/html"}[strings.ToLower(filepath.Ext(path))]
		if ct == "" || d.Name() == "SOURCES.md" {
			return nil
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		title := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(path, root), "/"), filepath.Ext(path))
		docs = append(docs, demoDocument{title: title, content: string(b), contentType: ct})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read demo documents: %w", err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("read demo documents: no .md, .txt or .html files in %s", dir)
	}
	return docs, nil
}

// takeAssessment has p start, answer and submit an assessment, with answers
// as strong as p.strength (and some noise), each open-text answer its own
// account of the competency (named by topics, slug to topic), and returns
// its id.
func (c *demoClient) takeAssessment(ctx context.Context, tok func(string, ...tenants.Role) (string, error), p demoPerson,
	topics map[string]string, rng *mrand.Rand) (string, error) {
	t, err := tok(p.subject, tenants.RoleEmployee)
	if err != nil {
		return "", err
	}
	var a struct {
		ID    string `json:"id"`
		Items []struct {
			ID             string `json:"id"`
			CompetencySlug string `json:"competency_slug"`
			Kind           string `json:"kind"`
			RequiredLevel  int    `json:"required_level"`
			Options        []struct {
				ID string `json:"id"`
			} `json:"options"`
		} `json:"items"`
	}
	if err := c.json(ctx, "POST", "/v1/assessments", t, map[string]any{}, &a, http.StatusCreated); err != nil {
		return "", err
	}
	var rs []map[string]any
	answers := newAnswerPicker(rng)
	for _, it := range a.Items {
		// How this person fares on this competency: their strength, give
		// or take one.
		s := min(2, max(0, p.strength+rng.IntN(3)-1))
		r := map[string]any{"item_id": it.ID}
		switch it.Kind {
		case "self_rating":
			r["rating"] = min(5, max(1, it.RequiredLevel+s-1))
		case "scenario":
			if len(it.Options) == 0 {
				continue
			}
			r["option_id"] = it.Options[rng.IntN(len(it.Options))].ID
		case "open_text":
			topic := topics[it.CompetencySlug]
			if topic == "" {
				topic = strings.ReplaceAll(it.CompetencySlug, "-", " ")
			}
			r["text"] = answers.answer(s, topic)
		default:
			continue
		}
		rs = append(rs, r)
	}
	if err := c.json(ctx, "PUT", "/v1/assessments/"+a.ID+"/responses", t, map[string]any{"responses": rs}, nil, http.StatusOK); err != nil {
		return "", err
	}
	if err := c.json(ctx, "POST", "/v1/assessments/"+a.ID+"/submit", t, nil, nil, http.StatusAccepted); err != nil {
		return "", err
	}
	return a.ID, nil
}

// review has p's manager rate every competency of p's scored assessment id
// at level, and returns the assessment as it then stands.
func (c *demoClient) review(ctx context.Context, tok func(string, ...tenants.Role) (string, error), p demoPerson, id string, level int) (demoResult, error) {
	var a demoResult
	admin, err := tok(p.manager, tenants.RoleManager)
	if err != nil {
		return a, err
	}
	if err := c.json(ctx, "GET", "/v1/assessments/"+id, admin, nil, &a, http.StatusOK); err != nil {
		return a, err
	}
	ratings := make([]map[string]any, 0, len(a.Results))
	for _, r := range a.Results {
		ratings = append(ratings, map[string]any{"competency_slug": r.CompetencySlug, "level": level,
			"comment": "Handled the last two incidents well; let's talk about the gap the assessment shows."})
	}
	err = c.json(ctx, "PUT", "/v1/assessments/"+id+"/review", admin, map[string]any{"ratings": ratings}, nil, http.StatusOK)
	return a, err
}
