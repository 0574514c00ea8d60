package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
)

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
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h asked for the usage, printed above: not a failure
		}
		return err
	}
	secret, err := readSecret(cfg)
	if err != nil {
		return err
	}
	return runDemo(ctx, demoOptions{url: strings.TrimRight(*url, "/"), corpus: *corpus, timeout: *timeout,
		token: os.Getenv("CADRE_DEMO_TOKEN"), secret: secret, issuer: cfg.JWTIssuer, audience: cfg.JWTAudience, seed: 2026}, stdout)
}

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
	w := &demoWatch{ch: ch, scored: map[string]int{}, plans: map[string]events.PlanUpdated{}}

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
	topics := map[string]string{}
	for _, comp := range lib.Competencies {
		topics[comp.Slug] = demoTopic(comp.Name, comp.Category)
	}
	assessmentOf := map[string]string{}
	for _, p := range demoPeople {
		id, err := c.takeAssessment(ctx, tok, p, topics, rng)
		if err != nil {
			return fmt.Errorf("assessment of %s: %w", p.subject, err)
		}
		assessmentOf[p.subject] = id
	}
	err = w.until(ctx, "the scores", func() (bool, error) {
		for _, id := range assessmentOf {
			if w.scored[id] == 0 {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %d assessments answered and scored after %.1fs\n", len(assessmentOf), time.Since(start).Seconds())

	// 5. Sam's manager reviews Sam's assessment, rating every competency
	// higher than Sam's answers show; the scorer fuses the review in and
	// flags the gap for a calibration conversation.
	showcase := demoPeople[3] // Sam Carter, DevOps Engineer, mid, answers weakly
	sid := employeeID[showcase.subject]
	said := assessmentOf[showcase.subject]
	result, err := c.review(ctx, tok, showcase, said, 4)
	if err != nil {
		return fmt.Errorf("review of %s: %w", showcase.name, err)
	}
	if err := w.until(ctx, "the reviewed result", func() (bool, error) { return w.scored[said] >= 2, nil }); err != nil {
		return err
	}
	if err := c.json(ctx, "GET", "/v1/assessments/"+said, admin, nil, &result, http.StatusOK); err != nil {
		return err
	}

	// 6. The plan of that engineer, rebuilt from the reviewed results; and
	// the analytics of everyone.
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
	printResult(out, showcase, result, names)
	printPlan(out, showcase, pl, names)
	printHeatmap(out, heat, names)
	fmt.Fprintf(out, "\nDone in %.1fs. Explore it: GET %s/v1/library, /v1/analytics/heatmap?by=role, /v1/events/stream (tenant %s).\n",
		time.Since(start).Seconds(), o.url, tenant.ID)
	return nil
}
