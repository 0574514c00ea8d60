package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
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

// demoAnswers are open-text answers by strength: weak, middling, strong.
var demoAnswers = [3][]string{
	{
		"I have not done this on my own yet. I watched a colleague do it once and I follow the checklist when someone asks me to.",
		"I am still learning the basics here; so far I have read the team's wiki page and asked questions when I got stuck.",
	},
	{
		"Last quarter I set up the deployment pipeline for a small internal service on my own: I wrote the configuration, added automated tests and an alert, and when a release failed I found the cause in the logs and fixed it.",
		"I regularly handle this in my day-to-day work without help: I plan the change, test it, document what I did and review my teammates' changes.",
	},
	{
		"I led the redesign of our payments platform's delivery process across four teams: I set the standards, automated the release and rollback steps, mentored two engineers to run it themselves, and presented the results to the risk committee. Incidents from releases fell by half and the practice is now the default across the bank.",
		"I own this area for the organisation: I defined the strategy, coached the team leads, introduced monitoring and security reviews that other teams adopted, and I regularly resolve the hardest cross-team problems, explaining trade-offs to executives and regulators.",
	},
}

// demoOptions configures one run of `cadre demo`.
type demoOptions struct {
	url      string
	corpus   string // a folder of documents; empty: the embedded ones
	timeout  time.Duration
	token    string // platform token; empty: minted with secret
	secret   []byte
	issuer   string
	audience string
	seed     uint64
}

// demo runs `cadre demo`: against a running server it creates a demo
// company in finance, sets its values, uploads documents, imports 30
// employees, has them take assessments with varied answers, waits for the
// events, and prints what Cadre built.
func demo(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	url := fs.String("url", "http://127.0.0.1:8080", "the running Cadre server")
	corpus := fs.String("corpus", "", "upload the .md, .txt and .html files of this folder instead of the embedded documents")
	timeout := fs.Duration("timeout", 55*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: cadre demo [--url URL] [--corpus DIR] [--timeout D]

Seeds a demo company against a running server and prints what Cadre built.
Tokens are minted with CADRE_JWT_SECRET, or the development secret that
cadre serve keeps in CADRE_DATA_DIR (the server's data dir); CADRE_DEMO_TOKEN
may supply the platform token instead, but the company's people still need
the secret: only the employee taking an assessment may answer it.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	secret, err := readSecret(cfg)
	if err != nil {
		return err
	}
	return runDemo(ctx, demoOptions{url: strings.TrimRight(*url, "/"), corpus: *corpus, timeout: *timeout,
		token: os.Getenv("CADRE_DEMO_TOKEN"), secret: secret, issuer: cfg.JWTIssuer, audience: cfg.JWTAudience, seed: 2026}, stdout)
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

// demoClient talks to the server.
type demoClient struct {
	base string
	hc   *http.Client
}

// call sends a request and decodes a JSON answer into out (when not nil);
// an answer other than the wanted statuses is an error with its problem.
func (c *demoClient) call(ctx context.Context, method, path, token, contentType string, body []byte, out any, want ...int) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if !slices.Contains(want, res.StatusCode) {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

func (c *demoClient) json(ctx context.Context, method, path, token string, in, out any, want ...int) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	return c.call(ctx, method, path, token, "application/json", body, out, want...)
}

// demoEvent is one Server-Sent Event of the stream.
type demoEvent struct {
	typ  events.Type
	data json.RawMessage
}

// stream opens the tenant's event stream from its beginning (since=0) and
// delivers its events on the returned channel until ctx ends or the server
// closes it; the channel is closed then, and wait returns once the reader
// has stopped.
func (c *demoClient) stream(ctx context.Context, token, types string) (<-chan demoEvent, func(), error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/events/stream?since=0&types="+types, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	res, err := (&http.Client{}).Do(req) // no timeout: the stream lives until ctx ends
	if err != nil {
		return nil, nil, fmt.Errorf("event stream: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		return nil, nil, fmt.Errorf("event stream: %d %s", res.StatusCode, bytes.TrimSpace(b))
	}
	ch := make(chan demoEvent, 256)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ch)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		var ev demoEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.typ != "" {
					select {
					case ch <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev = demoEvent{}
			case strings.HasPrefix(line, "event:"):
				ev.typ = events.Type(strings.TrimSpace(strings.TrimPrefix(line, "event:")))
			case strings.HasPrefix(line, "data:"):
				var ce struct {
					Data json.RawMessage `json:"data"`
				}
				if json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(line, "data:"))), &ce) == nil {
					ev.data = ce.Data
				}
			}
		}
	})
	return ch, wg.Wait, nil
}

// demoWatch follows the stream: what has been built and scored so far.
type demoWatch struct {
	ch       <-chan demoEvent
	rebuilds int                           // library.rebuilt events seen
	scored   map[string]bool               // assessment ids
	plans    map[string]events.PlanUpdated // the latest plan.updated per employee
}

func (w *demoWatch) apply(ev demoEvent) {
	switch ev.typ {
	case events.TypeLibraryRebuilt:
		w.rebuilds++
	case events.TypeAssessmentScored:
		var p events.AssessmentScored
		if json.Unmarshal(ev.data, &p) == nil {
			w.scored[p.AssessmentID] = true
		}
	case events.TypePlanUpdated:
		var p events.PlanUpdated
		if json.Unmarshal(ev.data, &p) == nil {
			w.plans[p.EmployeeID] = p
		}
	}
}

// until reads events until cond holds.
func (w *demoWatch) until(ctx context.Context, what string, cond func() (bool, error)) error {
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case ev, open := <-w.ch:
			if !open {
				return fmt.Errorf("waiting for %s: the event stream closed", what)
			}
			w.apply(ev)
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// poll checks cond every 100 ms until it holds (for state no event
// announces: the analytics read models).
func poll(ctx context.Context, what string, cond func() (bool, error)) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// The shapes the demo reads (the fields it prints).
type (
	demoLibrary struct {
		Version      int              `json:"version"`
		Competencies []demoCompetency `json:"competencies"`
		Inputs       struct {
			Documents []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"documents"`
			Values []string `json:"values"`
			Roles  []string `json:"roles"`
		} `json:"inputs"`
	}
	demoCompetency struct {
		Slug      string  `json:"slug"`
		Name      string  `json:"name"`
		Category  string  `json:"category"`
		Origin    string  `json:"origin"`
		Status    string  `json:"status"`
		Relevance float64 `json:"relevance"`
		Evidence  []struct {
			DocumentID string `json:"document_id"`
			Excerpt    string `json:"excerpt"`
			Value      string `json:"value"`
		} `json:"evidence"`
	}
	demoFramework struct {
		Role struct {
			Slug  string `json:"slug"`
			Title string `json:"title"`
		} `json:"role"`
		Industry       string `json:"industry"`
		Tailored       bool   `json:"tailored"`
		LibraryVersion int    `json:"library_version"`
		Competencies   []struct {
			Name        string         `json:"name"`
			Category    string         `json:"category"`
			Group       string         `json:"group"`
			Levels      map[string]int `json:"levels"`
			Adjustments []struct {
				Tier   string `json:"tier"`
				From   int    `json:"from"`
				To     int    `json:"to"`
				Reason string `json:"reason"`
			} `json:"adjustments"`
		} `json:"competencies"`
	}
	demoPlan struct {
		Version    int    `json:"version"`
		TargetTier string `json:"target_tier"`
		Items      []struct {
			CompetencySlug string  `json:"competency_slug"`
			CurrentLevel   int     `json:"current_level"`
			TargetLevel    int     `json:"target_level"`
			Gap            int     `json:"gap"`
			Priority       float64 `json:"priority"`
			DueDate        string  `json:"due_date"`
			Status         string  `json:"status"`
			Actions        []struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
			} `json:"actions"`
		} `json:"items"`
	}
	demoHeatmap struct {
		Groups []struct {
			Key   string `json:"key"`
			Label string `json:"label"`
		} `json:"groups"`
		Competencies []string `json:"competencies"`
		Cells        []struct {
			Group                string  `json:"group"`
			CompetencySlug       string  `json:"competency_slug"`
			EmployeesAssessed    int     `json:"employees_assessed"`
			MeanScore            float64 `json:"mean_score"`
			ShareMeetingRequired float64 `json:"share_meeting_required"`
		} `json:"cells"`
	}
	demoCompetencies struct {
		Employees int `json:"employees"`
		Assessed  int `json:"assessed"`
	}
	demoPlans struct {
		EmployeesWithPlans int `json:"employees_with_plans"`
		Items              struct {
			NotStarted int `json:"not_started"`
			InProgress int `json:"in_progress"`
			Done       int `json:"done"`
			Closed     int `json:"closed"`
		} `json:"items"`
	}
)

func runDemo(ctx context.Context, o demoOptions, out io.Writer) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	c := &demoClient{base: o.url, hc: &http.Client{Timeout: 30 * time.Second}}
	mint := func(p tenants.Principal) (string, error) {
		return auth.Mint(o.secret, p, o.issuer, o.audience, time.Hour, time.Now())
	}
	docs, err := demoDocuments(o.corpus)
	if err != nil {
		return err
	}

	// 1. The company.
	platform := o.token
	if platform == "" {
		if platform, err = mint(tenants.Principal{Subject: "cadre-demo", Roles: []tenants.Role{tenants.RolePlatformAdmin}}); err != nil {
			return err
		}
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	slug := "demo-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(suffix)
	var tenant struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := c.json(ctx, "POST", "/v1/tenants", platform, map[string]string{"name": "Northwind Bank", "slug": slug, "industry": "finance"},
		&tenant, http.StatusCreated); err != nil {
		return fmt.Errorf("create the demo company: %w", err)
	}
	tid, err := tenants.ParseID(tenant.ID)
	if err != nil {
		return err
	}
	tok := func(subject string, roles ...tenants.Role) (string, error) {
		return mint(tenants.Principal{Subject: subject, Tenant: tid, Roles: roles})
	}
	admin, err := tok("demo-admin", tenants.RoleAdmin)
	if err != nil {
		return err
	}
	analyst, err := tok("demo-dashboard", tenants.RoleAnalyst)
	if err != nil {
		return err
	}
	streamCtx, stopStream := context.WithCancel(ctx)
	defer stopStream()
	ch, waitStream, err := c.stream(streamCtx, analyst, "library.rebuilt,assessment.scored,plan.updated")
	if err != nil {
		return err
	}
	defer func() { stopStream(); waitStream() }()
	w := &demoWatch{ch: ch, scored: map[string]bool{}, plans: map[string]events.PlanUpdated{}}

	// 2. Its context: values, documents, people.
	if err := c.json(ctx, "PUT", "/v1/values", admin, map[string]any{"values": demoValues}, nil, http.StatusOK); err != nil {
		return fmt.Errorf("set values: %w", err)
	}
	titles := map[string]string{}
	for _, d := range docs {
		var doc struct {
			ID string `json:"id"`
		}
		if err := c.json(ctx, "POST", "/v1/documents", admin, map[string]string{"title": d.title, "content": d.content, "content_type": d.contentType},
			&doc, http.StatusAccepted, http.StatusOK); err != nil {
			return fmt.Errorf("upload %s: %w", d.title, err)
		}
		titles[doc.ID] = d.title
	}
	var csv strings.Builder
	csv.WriteString("subject,name,email,role,tier,manager,team\n")
	roles := map[string]bool{}
	for _, p := range demoPeople {
		fmt.Fprintf(&csv, "%s,%s,%s@northwind.example,%s,%s,%s,%s\n", p.subject, p.name, p.subject, p.role, p.tier, p.manager, p.team)
		roles[p.role] = true
	}
	var imported struct {
		Created int `json:"created"`
		Failed  int `json:"failed"`
	}
	if err := c.call(ctx, "POST", "/v1/employees/import", admin, "text/csv", []byte(csv.String()), &imported, http.StatusOK); err != nil {
		return fmt.Errorf("import employees: %w", err)
	}
	fmt.Fprintf(out, "Cadre demo — %s (finance), tenant %s\n", tenant.Name, tenant.ID)
	fmt.Fprintf(out, "  %d values, %d documents, %d employees in %d teams\n", len(demoValues), len(docs), imported.Created, len(demoTeams))

	// 3. Wait for the library that covers all of it.
	var lib demoLibrary
	err = w.until(ctx, "the library build", func() (bool, error) {
		if w.rebuilds == 0 {
			return false, nil
		}
		if err := c.json(ctx, "GET", "/v1/library", admin, nil, &lib, http.StatusOK); err != nil {
			return false, err
		}
		have := map[string]bool{}
		for _, d := range lib.Inputs.Documents {
			have[d.ID] = true
		}
		for id := range titles {
			if !have[id] {
				return false, nil
			}
		}
		for r := range roles {
			if !slices.Contains(lib.Inputs.Roles, r) {
				return false, nil
			}
		}
		return len(lib.Inputs.Values) == len(demoValues), nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  library v%d built from them after %.1fs\n", lib.Version, time.Since(start).Seconds())

	// 4. Everyone takes an assessment.
	var ids struct {
		Items []struct {
			ID      string `json:"id"`
			Subject string `json:"subject"`
		} `json:"items"`
	}
	if err := c.json(ctx, "GET", "/v1/employees?limit=200", admin, nil, &ids, http.StatusOK); err != nil {
		return err
	}
	employeeID := map[string]string{}
	for _, e := range ids.Items {
		employeeID[e.Subject] = e.ID
	}
	rng := mrand.New(mrand.NewPCG(o.seed, o.seed))
	assessmentOf := map[string]string{}
	for _, p := range demoPeople {
		id, err := c.takeAssessment(ctx, tok, p, rng)
		if err != nil {
			return fmt.Errorf("assessment of %s: %w", p.subject, err)
		}
		assessmentOf[p.subject] = id
	}
	err = w.until(ctx, "the scores", func() (bool, error) {
		for _, id := range assessmentOf {
			if !w.scored[id] {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %d assessments answered and scored after %.1fs\n", len(assessmentOf), time.Since(start).Seconds())

	// 5. The plan of a DevOps engineer who answered weakly, rebuilt from
	// their results; and the analytics of everyone.
	showcase := demoPeople[3] // Sam Carter, DevOps Engineer, mid
	sid := employeeID[showcase.subject]
	err = w.until(ctx, "the plan of "+showcase.name, func() (bool, error) {
		return w.plans[sid].AssessmentID == assessmentOf[showcase.subject], nil
	})
	if err != nil {
		return err
	}
	var comps demoCompetencies
	err = poll(ctx, "the analytics", func() (bool, error) {
		err := c.json(ctx, "GET", "/v1/analytics/competencies", analyst, nil, &comps, http.StatusOK)
		return err == nil && comps.Assessed == len(assessmentOf), err
	})
	if err != nil {
		return err
	}
	var plans demoPlans
	if err := c.json(ctx, "GET", "/v1/analytics/plans", analyst, nil, &plans, http.StatusOK); err != nil {
		return err
	}
	var fw demoFramework
	if err := c.json(ctx, "GET", "/v1/frameworks/devops-engineer?tier=mid", admin, nil, &fw, http.StatusOK); err != nil {
		return err
	}
	var pl demoPlan
	if err := c.json(ctx, "GET", "/v1/employees/"+sid+"/plan", admin, nil, &pl, http.StatusOK); err != nil {
		return err
	}
	var heat demoHeatmap
	if err := c.json(ctx, "GET", "/v1/analytics/heatmap?by=team", analyst, nil, &heat, http.StatusOK); err != nil {
		return err
	}
	fmt.Fprintf(out, "  analytics: %d of %d employees assessed, %d plans with %d open items\n", comps.Assessed, comps.Employees,
		plans.EmployeesWithPlans, plans.Items.NotStarted+plans.Items.InProgress)

	printLibrary(out, lib, titles)
	printFramework(out, fw, titles)
	names := map[string]string{}
	for _, comp := range lib.Competencies {
		names[comp.Slug] = comp.Name
	}
	printPlan(out, showcase, pl, names)
	printHeatmap(out, heat, names)
	fmt.Fprintf(out, "\nDone in %.1fs. Explore it: GET %s/v1/library, /v1/analytics/heatmap?by=role, /v1/events/stream (tenant %s).\n",
		time.Since(start).Seconds(), o.url, tenant.ID)
	return nil
}

// takeAssessment has p start, answer and submit an assessment, with answers
// as strong as p.strength (and some noise), and returns its id.
func (c *demoClient) takeAssessment(ctx context.Context, tok func(string, ...tenants.Role) (string, error), p demoPerson, rng *mrand.Rand) (string, error) {
	t, err := tok(p.subject, tenants.RoleEmployee)
	if err != nil {
		return "", err
	}
	var a struct {
		ID    string `json:"id"`
		Items []struct {
			ID            string `json:"id"`
			Kind          string `json:"kind"`
			RequiredLevel int    `json:"required_level"`
			Options       []struct {
				ID string `json:"id"`
			} `json:"options"`
		} `json:"items"`
	}
	if err := c.json(ctx, "POST", "/v1/assessments", t, map[string]any{}, &a, http.StatusCreated); err != nil {
		return "", err
	}
	var rs []map[string]any
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
			r["text"] = demoAnswers[s][rng.IntN(len(demoAnswers[s]))]
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

func printLibrary(out io.Writer, lib demoLibrary, titles map[string]string) {
	byOrigin, byStatus := map[string]int{}, map[string]int{}
	for _, c := range lib.Competencies {
		byOrigin[c.Origin]++
		byStatus[c.Status]++
	}
	count := func(m map[string]int, keys ...string) string {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, m[k])
		}
		return strings.Join(parts, " · ")
	}
	fmt.Fprintf(out, "\n## Library v%d: %d competencies\n\n", lib.Version, len(lib.Competencies))
	fmt.Fprintf(out, "by origin: %s\n", count(byOrigin, "catalog", "document", "value", "custom"))
	fmt.Fprintf(out, "by status: %s\n\n", count(byStatus, "active", "proposed", "retired"))
	comps := slices.Clone(lib.Competencies)
	slices.SortStableFunc(comps, func(a, b demoCompetency) int { return compareFloatDesc(a.Relevance, b.Relevance) })
	fmt.Fprintln(out, "top competencies by relevance, with one piece of evidence:")
	shown := 0
	for _, c := range comps {
		if c.Status != "active" || shown == 6 {
			continue
		}
		shown++
		fmt.Fprintf(out, "%d. %s (%s, %s, relevance %.2f)\n", shown, c.Name, c.Category, c.Origin, c.Relevance)
		for _, e := range c.Evidence {
			if e.Excerpt != "" {
				fmt.Fprintf(out, "   “%s” — %s\n", clip(e.Excerpt, 150), titles[e.DocumentID])
				break
			}
			if e.Value != "" {
				fmt.Fprintf(out, "   from the company value “%s”\n", e.Value)
				break
			}
		}
	}
	var proposed []string
	for _, c := range comps {
		if c.Status == "proposed" {
			proposed = append(proposed, c.Name)
		}
	}
	if len(proposed) > 0 {
		fmt.Fprintf(out, "proposed for an admin to approve: %s\n", strings.Join(proposed[:min(len(proposed), 6)], ", "))
	}
}

func compareFloatDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func printFramework(out io.Writer, fw demoFramework, titles map[string]string) {
	kind := "tailored to the company, library v" + fmt.Sprint(fw.LibraryVersion)
	if !fw.Tailored {
		kind = "the catalog's (no tailored framework yet)"
	}
	fmt.Fprintf(out, "\n## %s framework (%s; %s)\n\n", fw.Role.Title, fw.Industry, kind)
	fmt.Fprintln(out, "| competency | category | group | entry | mid | senior |")
	fmt.Fprintln(out, "| --- | --- | --- | --- | --- | --- |")
	var adjustments []string
	for _, c := range fw.Competencies {
		fmt.Fprintf(out, "| %s | %s | %s | %d | %d | %d |\n", c.Name, c.Category, c.Group, c.Levels["entry"], c.Levels["mid"], c.Levels["senior"])
		for _, a := range c.Adjustments {
			reason := a.Reason
			for id, title := range titles {
				reason = strings.ReplaceAll(reason, id, "“"+title+"”")
			}
			adjustments = append(adjustments, fmt.Sprintf("- %s, %s: %d → %d — %s", c.Name, a.Tier, a.From, a.To, reason))
		}
	}
	if len(adjustments) == 0 {
		fmt.Fprintln(out, "\nno adjustments to the catalog levels")
		return
	}
	fmt.Fprintln(out, "\nadjustments to the catalog levels:")
	for _, a := range adjustments {
		fmt.Fprintln(out, a)
	}
}

func printPlan(out io.Writer, p demoPerson, pl demoPlan, names map[string]string) {
	fmt.Fprintf(out, "\n## Development plan of %s (DevOps Engineer, %s; plan v%d, aiming at %s)\n\n", p.name, p.tier, pl.Version, pl.TargetTier)
	fmt.Fprintln(out, "| competency | current | target | gap | priority | due | first action |")
	fmt.Fprintln(out, "| --- | --- | --- | --- | --- | --- | --- |")
	open := 0
	for _, it := range pl.Items {
		if it.Status == "closed" {
			continue
		}
		open++
		action := ""
		if len(it.Actions) > 0 {
			action = it.Actions[0].Kind + ": " + it.Actions[0].Title
		}
		name := names[it.CompetencySlug]
		if name == "" {
			name = it.CompetencySlug
		}
		due, _, _ := strings.Cut(it.DueDate, "T") // a date, or the midnight of one
		fmt.Fprintf(out, "| %s | %d | %d | %d | %.2f | %s | %s |\n", name, it.CurrentLevel, it.TargetLevel, it.Gap, it.Priority, due, clip(action, 70))
	}
	if open == 0 {
		fmt.Fprintln(out, "| (every competency meets the required level) | | | | | | |")
	}
}

// heatmapRows is how many competencies the printed heatmap shows: those
// assessed for the most employees.
const heatmapRows = 14

func printHeatmap(out io.Writer, h demoHeatmap, names map[string]string) {
	fmt.Fprintln(out, "\n## Team heatmap: mean score (0–5) · share meeting the required level")
	fmt.Fprintln(out)
	cells := map[[2]string]string{}
	assessed := map[string]int{}
	for _, c := range h.Cells {
		cells[[2]string{c.CompetencySlug, c.Group}] = fmt.Sprintf("%.1f · %d%%", c.MeanScore, int(math.Round(100*c.ShareMeetingRequired)))
		assessed[c.CompetencySlug] += c.EmployeesAssessed
	}
	name := func(slug string) string {
		if n := names[slug]; n != "" {
			return n
		}
		return slug
	}
	rows := slices.Clone(h.Competencies)
	slices.SortStableFunc(rows, func(a, b string) int { return assessed[b] - assessed[a] })
	rest := len(rows) - min(len(rows), heatmapRows)
	rows = rows[:min(len(rows), heatmapRows)]
	slices.SortFunc(rows, func(a, b string) int { return strings.Compare(name(a), name(b)) })
	header, rule := "| competency (employees assessed) |", "| --- |"
	for _, g := range h.Groups {
		header += " " + g.Label + " |"
		rule += " --- |"
	}
	fmt.Fprintln(out, header)
	fmt.Fprintln(out, rule)
	for _, slug := range rows {
		row := fmt.Sprintf("| %s (%d) |", name(slug), assessed[slug])
		for _, g := range h.Groups {
			v := cells[[2]string{slug, g.Key}]
			if v == "" {
				v = "–"
			}
			row += " " + v + " |"
		}
		fmt.Fprintln(out, row)
	}
	if rest > 0 {
		fmt.Fprintf(out, "\n%d more competencies, assessed for fewer employees: GET /v1/analytics/heatmap?by=team\n", rest)
	}
}

// clip shortens s to at most n runes, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
