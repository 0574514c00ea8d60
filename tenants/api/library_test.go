package api_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"html"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/domain/text/extract"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// libEvidence, libCompetency, libFramework and libVersion decode the parts
// of the library's JSON these tests read.
type libEvidence struct {
	DocumentID string   `json:"document_id"`
	Excerpt    string   `json:"excerpt"`
	Start      *int     `json:"start"`
	End        *int     `json:"end"`
	Terms      []string `json:"terms"`
	Value      string   `json:"value"`
}

type libCompetency struct {
	Slug        string  `json:"slug"`
	Name        string  `json:"name"`
	Category    string  `json:"category"`
	Description string  `json:"description"`
	Origin      string  `json:"origin"`
	Status      string  `json:"status"`
	Pinned      bool    `json:"pinned"`
	Relevance   float64 `json:"relevance"`
	Levels      []struct {
		Level      int    `json:"level"`
		Label      string `json:"label"`
		Descriptor string `json:"descriptor"`
	} `json:"levels"`
	Evidence []libEvidence `json:"evidence"`
}

type libFrameworkEntry struct {
	Slug        string               `json:"slug"`
	Group       string               `json:"group"`
	Levels      map[string]int       `json:"levels"`
	Required    *struct{ Level int } `json:"required"`
	Adjustments []struct {
		Tier   string `json:"tier"`
		From   int    `json:"from"`
		To     int    `json:"to"`
		Reason string `json:"reason"`
	} `json:"adjustments"`
	Evidence []libEvidence `json:"evidence"`
}

type libFramework struct {
	Role struct {
		Slug  string `json:"slug"`
		Title string `json:"title"`
	} `json:"role"`
	Industry       string              `json:"industry"`
	Tier           string              `json:"tier"`
	Tailored       bool                `json:"tailored"`
	LibraryVersion int                 `json:"library_version"`
	Competencies   []libFrameworkEntry `json:"competencies"`
}

type libSummary struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
	Changes struct {
		Added   []string `json:"added"`
		Removed []string `json:"removed"`
		Changed []struct {
			Slug   string   `json:"slug"`
			Fields []string `json:"fields"`
		} `json:"changed"`
	} `json:"changes"`
}

type libVersion struct {
	Version         int             `json:"version"`
	BuiltAt         time.Time       `json:"built_at"`
	Digest          string          `json:"digest"`
	ContextRevision int64           `json:"context_revision"`
	Competencies    []libCompetency `json:"competencies"`
	Frameworks      []libFramework  `json:"frameworks"`
	Summary         libSummary      `json:"summary"`
}

func (v libVersion) competency(slug string) (libCompetency, bool) {
	for _, c := range v.Competencies {
		if c.Slug == slug {
			return c, true
		}
	}
	return libCompetency{}, false
}

func (v libVersion) framework(role string) (libFramework, bool) {
	for _, f := range v.Frameworks {
		if f.Role.Slug == role {
			return f, true
		}
	}
	return libFramework{}, false
}

func (f libFramework) has(slug string) bool {
	return slices.ContainsFunc(f.Competencies, func(e libFrameworkEntry) bool { return e.Slug == slug })
}

// libRevision reads the tenant's current context revision.
func (e *env) libRevision(tenant tenants.ID) int64 {
	e.t.Helper()
	var rev int64
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		t, err := tx.LoadTenant()
		rev = t.ContextRevision
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

// libOverrides counts the tenant's stored library overrides.
func (e *env) libOverrides(tenant tenants.ID) int {
	e.t.Helper()
	var n int
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		os, err := tx.Overrides()
		n = len(os)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// libWait polls GET /v1/library until a version covers the tenant's
// current context revision, and returns it.
func (e *env) libWait(tenant tenants.ID, token string) libVersion {
	e.t.Helper()
	want := e.libRevision(tenant)
	var v libVersion
	what := fmt.Sprintf("a library version covering context revision %d", want)
	testwait.Until(e.t, 30*time.Second, what, func() (bool, error) {
		r := e.do("GET", "/v1/library", token, nil)
		switch r.Status {
		case 200:
		case 404:
			return false, errors.New("no library yet")
		default:
			e.t.Fatalf("library: got %d %s", r.Status, r.Body)
		}
		v = libVersion{} // this answer only
		if err := json.Unmarshal(r.Body, &v); err != nil {
			e.t.Fatalf("library: %v", err)
		}
		return v.ContextRevision >= want, fmt.Errorf("context revision %d", v.ContextRevision)
	})
	return v
}

// libEvents subscribes to the tenant's events on cadre.{tenant}.{suffix}
// (e.g. "library.changed" or "document.>").
func (e *env) libEvents(tenant tenants.ID, suffix string) chan *nats.Msg {
	e.t.Helper()
	ch := make(chan *nats.Msg, 512)
	sub, err := e.nc.ChanSubscribe("cadre."+tenant.String()+"."+suffix, ch)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := e.nc.Flush(); err != nil {
		e.t.Fatal(err)
	}
	return ch
}

// libNextEvent waits for the next event on ch.
func libNextEvent(t *testing.T, ch chan *nats.Msg, what string) events.Event {
	t.Helper()
	select {
	case m := <-ch:
		ev, err := events.Parse(m.Data)
		if err != nil {
			t.Fatalf("%s: invalid event: %v", what, err)
		}
		return ev
	case <-time.After(15 * time.Second):
		t.Fatalf("%s: no event", what)
	}
	return events.Event{}
}

// libExpectChanged checks that the next library.changed events are
// want (slug and change each), in order.
func libExpectChanged(t *testing.T, ch chan *nats.Msg, slug string, want ...string) {
	t.Helper()
	for _, w := range want {
		ev := libNextEvent(t, ch, "library.changed "+slug+" "+w)
		var p events.LibraryChanged
		if err := json.Unmarshal(ev.Data, &p); err != nil {
			t.Fatal(err)
		}
		if ev.Type != events.TypeLibraryChanged || p.Slug != slug || p.Change != w || p.ContextRevision == 0 {
			t.Errorf("library.changed: got %s %+v, want slug %q change %q", ev.Type, p, slug, w)
		}
	}
}

// libNoMoreEvents checks that nothing else arrived on ch (events are
// published in commit order, so callers first wait for a later event).
func libNoMoreEvents(t *testing.T, ch chan *nats.Msg, what string) {
	t.Helper()
	select {
	case m := <-ch:
		t.Errorf("%s: unexpected event on %s: %s", what, m.Subject, m.Data)
	default:
	}
}

func (e *env) libAddEmployee(admin, subject, role string) {
	e.t.Helper()
	r := e.do("POST", "/v1/employees", admin, map[string]any{"subject": subject, "name": subject, "role": role, "tier": "mid"})
	expect(e.t, r, 201, "create employee "+subject)
}

const (
	platformHandbook = "Our platform team runs Kubernetes clusters on AWS. We automate deployments with CI/CD pipelines and infrastructure as code using Terraform. " +
		"Cloud infrastructure management is central to our work, and we review cloud cost every month. Continuous integration runs on every pull request. " +
		"Every engineer takes part in incident response and on-call rotations. We monitor latency and error budgets with Prometheus dashboards. " +
		"Fraud detection models flag unusual card payments. Our fraud detection pipeline scores every transfer. Analysts tune fraud detection rules weekly."
	securityPolicy = "Security best practices matter: we patch vulnerabilities within a week, rotate secrets and review access. " +
		"Threat modelling is part of every design review. Incident response drills run every quarter. " +
		"Fraud detection alerts go to the security operations centre. Fraud detection thresholds are reviewed by risk. Fraud detection is everyone's job.\n\n" +
		// A section no catalog competency covers: the library proposes it.
		"Safe deposit boxes\n\nEvery safe deposit box is opened only in the viewing room.\n" +
		"Two colleagues must always be present when a safe deposit box is opened.\n" +
		"A safe deposit box that nobody visits for five years is reported to the branch manager.\n"
)

// TestLibraryCurationSurvivesRebuilds: an admin approves a proposal,
// retires, edits and pins competencies and creates a custom one; each write
// is audited and emits library.changed; the curation holds through three
// rebuilds with new documents in between, and the retired competency stays
// visible as retired while it leaves the frameworks.
func TestLibraryCurationSurvivesRebuilds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		changed := e.libEvents(tenant, "library.changed")
		e.libAddEmployee(admin, "dana", "devops-engineer")
		expect(t, e.upload(admin, "Platform handbook", platformHandbook), 202, "upload handbook")
		expect(t, e.upload(admin, "Security policy", securityPolicy), 202, "upload policy")
		lib := e.libWait(tenant, admin)

		fraud, ok := lib.competency("safe-deposit-boxes")
		if !ok || fraud.Status != "proposed" || fraud.Origin != "document" || len(fraud.Evidence) == 0 {
			t.Fatalf("safe-deposit-boxes: got %+v (found %v), want a proposal with evidence", fraud, ok)
		}
		dev, ok := lib.framework("devops-engineer")
		if !ok || !dev.has("agile-methodologies") {
			t.Fatalf("devops-engineer framework: got %+v, want it with agile-methodologies", dev)
		}
		if _, ok := lib.competency("negotiation"); ok {
			t.Fatalf("negotiation is in the library before it was pinned; pick another competency for this test")
		}
		_, _, audit0 := e.counts(tenant)

		type write struct {
			method, path string
			body         any
			status       int
			slug         string
			changes      []string
		}
		writes := []write{
			{"PATCH", "/v1/library/competencies/safe-deposit-boxes", map[string]any{"status": "active"}, 200, "safe-deposit-boxes", []string{"approved"}},
			{"PATCH", "/v1/library/competencies/agile-methodologies", map[string]any{"status": "retired"}, 200, "agile-methodologies", []string{"retired"}},
			{"PATCH", "/v1/library/competencies/incident-management", map[string]any{"name": "Incident Command",
				"descriptors": []string{"", "", "Runs the incident bridge for a service outage.", "", ""}}, 200, "incident-management", []string{"edited"}},
			{"PATCH", "/v1/library/competencies/negotiation", map[string]any{"pinned": true}, 200, "negotiation", []string{"pinned"}},
			{"POST", "/v1/library/competencies", map[string]any{"name": "Trading Desk Etiquette", "category": "interpersonal",
				"description": "How we behave on the trading desk.", "descriptors": []string{
					"Follows the desk rules when reminded.", "Follows the desk rules unprompted.", "Keeps the desk calm in busy markets.",
					"Coaches newcomers in desk conduct.", "Sets the desk's standards of conduct."}}, 201, "trading-desk-etiquette", []string{"created"}},
		}
		for i, w := range writes {
			r := e.do(w.method, w.path, admin, w.body)
			expect(t, r, w.status, w.method+" "+w.path)
			var got struct {
				Override struct {
					Slug string `json:"slug"`
				} `json:"override"`
				Changes         []string `json:"changes"`
				ContextRevision int64    `json:"context_revision"`
			}
			json.Unmarshal(r.Body, &got)
			if got.Override.Slug != w.slug || !slices.Equal(got.Changes, w.changes) || got.ContextRevision != e.libRevision(tenant) {
				t.Errorf("%s %s: got %s, want slug %s, changes %v and the current context revision", w.method, w.path, r.Body, w.slug, w.changes)
			}
			libExpectChanged(t, changed, w.slug, w.changes...)
			if _, _, audit := e.counts(tenant); audit != audit0+i+1 {
				t.Errorf("after %s %s: %d audit entries, want %d", w.method, w.path, audit, audit0+i+1)
			}
		}
		if n := e.libOverrides(tenant); n != len(writes) {
			t.Errorf("overrides: got %d, want %d", n, len(writes))
		}

		prev := 0
		for round := range 3 {
			if round > 0 {
				expect(t, e.upload(admin, fmt.Sprintf("Update %d", round), fmt.Sprintf("Release notes %d: we migrated %d more services to Kubernetes and improved incident response.", round, round+2)), 202, "upload")
			}
			lib := e.libWait(tenant, admin)
			if lib.Version <= prev {
				t.Fatalf("round %d: version %d, want a new version after %d", round, lib.Version, prev)
			}
			prev = lib.Version
			if c, _ := lib.competency("safe-deposit-boxes"); c.Status != "active" {
				t.Errorf("round %d: safe-deposit-boxes status %q, want active (approved)", round, c.Status)
			}
			if c, ok := lib.competency("agile-methodologies"); !ok || c.Status != "retired" {
				t.Errorf("round %d: agile-methodologies %+v (found %v), want visible as retired", round, c.Status, ok)
			}
			for _, f := range lib.Frameworks {
				if f.has("agile-methodologies") {
					t.Errorf("round %d: the retired agile-methodologies is still in the %s framework", round, f.Role.Slug)
				}
			}
			c, _ := lib.competency("incident-management")
			if c.Name != "Incident Command" || len(c.Levels) != 5 || c.Levels[2].Descriptor != "Runs the incident bridge for a service outage." {
				t.Errorf("round %d: incident-management %q levels %+v, want the edits", round, c.Name, c.Levels)
			}
			if c, ok := lib.competency("negotiation"); !ok || !c.Pinned {
				t.Errorf("round %d: negotiation %+v (found %v), want pinned in the library", round, c, ok)
			}
			c, ok := lib.competency("trading-desk-etiquette")
			if !ok || c.Origin != "custom" || c.Status != "active" || c.Category != "interpersonal" || len(c.Levels) != 5 ||
				c.Levels[4].Descriptor != "Sets the desk's standards of conduct." || c.Levels[4].Label != "Expert" {
				t.Errorf("round %d: custom competency %+v (found %v)", round, c, ok)
			}
		}
		// The tailored framework follows the library: the retired
		// competency is gone from it.
		r := e.do("GET", "/v1/frameworks/devops-engineer", admin, nil)
		expect(t, r, 200, "framework")
		var f libFramework
		json.Unmarshal(r.Body, &f)
		if !f.Tailored || f.has("agile-methodologies") || !f.has("cloud-infrastructure-management") {
			t.Errorf("framework after retiring agile-methodologies: got %s", r.Body)
		}
	})
}

// TestLibraryVersionsDiffAndFrameworks: the history pages with change
// summaries and no content; versions and diffs answer 404 for unknown
// versions and 400 for garbage; the tailored framework carries
// adjustments with reasons and evidence from an uploaded document, which
// analysts see without excerpts.
func TestLibraryVersionsDiffAndFrameworks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		analyst := e.token(tenant, "bi", tenants.RoleAnalyst)
		employee := e.token(tenant, "emp", tenants.RoleEmployee)
		e.libAddEmployee(admin, "dana", "devops-engineer")
		v1 := e.libWait(tenant, admin)
		r := e.upload(admin, "Platform handbook", platformHandbook)
		expect(t, r, 202, "upload")
		docID := r.json(t)["id"].(string)
		v2 := e.libWait(tenant, admin)
		if v2.Version <= v1.Version {
			t.Fatalf("versions: %d then %d", v1.Version, v2.Version)
		}

		// The whole envelope of DESIGN §7.1.
		r = e.do("GET", "/v1/library", employee, nil)
		expect(t, r, 200, "library")
		var raw map[string]any
		json.Unmarshal(r.Body, &raw)
		for _, k := range []string{"version", "built_at", "digest", "context_revision", "competencies", "frameworks", "summary"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("library: no %q", k)
			}
		}
		if !strings.HasPrefix(v2.Digest, "sha256:") || v2.BuiltAt.IsZero() || len(v2.Competencies) == 0 {
			t.Errorf("library v%d: digest %q built %v with %d competencies", v2.Version, v2.Digest, v2.BuiltAt, len(v2.Competencies))
		}
		for _, c := range v2.Competencies {
			if len(c.Levels) != 5 || c.Levels[0].Level != 1 || c.Levels[0].Label != "Basic" || c.Levels[4].Label != "Expert" || c.Levels[2].Descriptor == "" {
				t.Errorf("competency %s: levels %+v, want five {level,label,descriptor}", c.Slug, c.Levels)
			}
			if !slices.Contains([]string{"catalog", "document", "value", "custom"}, c.Origin) || !slices.Contains([]string{"active", "proposed", "retired"}, c.Status) {
				t.Errorf("competency %s: origin %q status %q", c.Slug, c.Origin, c.Status)
			}
		}
		if strings.Contains(string(r.Body), `"excerpt"`) {
			t.Errorf("employee: the library shows excerpts of an admins-only document")
		}
		expect(t, e.do("PUT", "/v1/documents/"+docID+"/visibility", admin, map[string]any{"visibility": "everyone"}), 200, "share the document")
		r = e.do("GET", "/v1/library", employee, nil)
		if !strings.Contains(string(r.Body), `"excerpt"`) {
			t.Errorf("employee: the library shows no evidence excerpts of a document visible to everyone")
		}

		// History, newest first, with summaries and no content.
		r = e.do("GET", "/v1/library/versions", analyst, nil)
		expect(t, r, 200, "versions")
		var page struct {
			Items []struct {
				Version         int        `json:"version"`
				Summary         libSummary `json:"summary"`
				Competencies    any        `json:"competencies"`
				ContextRevision int64      `json:"context_revision"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		json.Unmarshal(r.Body, &page)
		if len(page.Items) != v2.Version || page.Items[0].Version != v2.Version || page.Items[0].Competencies != nil {
			t.Fatalf("versions: got %s", r.Body)
		}
		if s := page.Items[0].Summary; s.Added != len(s.Changes.Added) || s.Removed != len(s.Changes.Removed) || s.Changed != len(s.Changes.Changed) || s.Added+s.Removed+s.Changed == 0 {
			t.Errorf("summary of v%d: %+v", v2.Version, s)
		}
		r = e.do("GET", "/v1/library/versions?limit=1", admin, nil)
		json.Unmarshal(r.Body, &page)
		if len(page.Items) != 1 || page.Items[0].Version != v2.Version || page.NextCursor == "" {
			t.Fatalf("first page: got %s", r.Body)
		}
		r = e.do("GET", "/v1/library/versions?limit=1&cursor="+url.QueryEscape(page.NextCursor), admin, nil)
		json.Unmarshal(r.Body, &page)
		if len(page.Items) != 1 || page.Items[0].Version != v2.Version-1 {
			t.Errorf("second page: got %s", r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/v1/library/versions?before=%d", v2.Version), admin, nil)
		json.Unmarshal(r.Body, &page)
		if len(page.Items) == 0 || page.Items[0].Version != v2.Version-1 {
			t.Errorf("before=%d: got %s", v2.Version, r.Body)
		}

		// One version, and diffs.
		r = e.do("GET", fmt.Sprintf("/v1/library/versions/%d", v1.Version), admin, nil)
		expect(t, r, 200, "version 1")
		var got libVersion
		json.Unmarshal(r.Body, &got)
		if got.Version != v1.Version || got.Digest != v1.Digest {
			t.Errorf("version %d: got version %d digest %s, want %s", v1.Version, got.Version, got.Digest, v1.Digest)
		}
		r = e.do("GET", fmt.Sprintf("/v1/library/diff?from=%d&to=%d", v2.Version-1, v2.Version), admin, nil)
		expect(t, r, 200, "diff")
		var diff struct {
			From, To int
			Added    []string `json:"added"`
			Removed  []string `json:"removed"`
			Changed  []struct {
				Slug   string   `json:"slug"`
				Fields []string `json:"fields"`
			} `json:"changed"`
		}
		json.Unmarshal(r.Body, &diff)
		if !slices.Equal(diff.Added, v2.Summary.Changes.Added) || !slices.Equal(diff.Removed, v2.Summary.Changes.Removed) || len(diff.Changed) != v2.Summary.Changed {
			t.Errorf("diff %d→%d: got %s, want the version's summary %+v", v2.Version-1, v2.Version, r.Body, v2.Summary)
		}
		for _, c := range diff.Changed {
			if len(c.Fields) == 0 {
				t.Errorf("diff: %s changed without fields", c.Slug)
			}
		}
		r = e.do("GET", fmt.Sprintf("/v1/library/diff?from=%d&to=%d", v2.Version, v2.Version-1), admin, nil)
		var back struct {
			Added, Removed []string
		}
		json.Unmarshal(r.Body, &back)
		if !slices.Equal(back.Added, diff.Removed) || !slices.Equal(back.Removed, diff.Added) {
			t.Errorf("reverse diff: got %s", r.Body)
		}
		for _, c := range []struct {
			path   string
			status int
		}{
			{"/v1/library/versions/999", 404},
			{"/v1/library/versions/abc", 400},
			{"/v1/library/versions/0", 400},
			{"/v1/library/versions/-1", 400},
			{"/v1/library/diff?from=1&to=999", 404},
			{"/v1/library/diff?from=999&to=1", 404},
			{"/v1/library/diff?from=x&to=1", 400},
			{"/v1/library/diff?from=1&to=1.5", 400},
			{"/v1/library/versions?cursor=garbage!", 400},
			{"/v1/library/versions?before=abc", 400},
			{"/v1/library/versions?before=2&cursor=" + base64.RawURLEncoding.EncodeToString([]byte("v2")), 400},
			{"/v1/frameworks/no-such-role", 404},
			{"/v1/frameworks/NOT%20A%20SLUG", 404},
			{"/v1/frameworks/devops-engineer?tier=principal", 400},
		} {
			expect(t, e.do("GET", c.path, admin, nil), c.status, c.path)
		}
		if r := e.do("GET", "/v1/library/diff?from=1", admin, nil); r.Status != 400 && r.Status != 422 {
			t.Errorf("diff without to: got %d, want 400 or 422", r.Status)
		}

		// The tailored framework: the catalog shape at a tier, with
		// adjustments (and reasons) and evidence from the document.
		r = e.do("GET", "/v1/frameworks/devops-engineer?tier=senior", employee, nil)
		expect(t, r, 200, "framework")
		var f libFramework
		json.Unmarshal(r.Body, &f)
		if !f.Tailored || f.LibraryVersion != v2.Version || f.Tier != "senior" || f.Role.Slug != "devops-engineer" || f.Industry != "finance" {
			t.Fatalf("framework: got %s", r.Body)
		}
		adjusted, evidenced := false, false
		for _, c := range f.Competencies {
			if c.Required == nil || c.Required.Level != c.Levels["senior"] || c.Group == "" {
				t.Errorf("framework entry %s: required %+v, levels %v", c.Slug, c.Required, c.Levels)
			}
			for _, a := range c.Adjustments {
				adjusted = adjusted || a.Reason != "" && a.To != a.From
			}
			for _, ev := range c.Evidence {
				if ev.DocumentID == docID && ev.Excerpt != "" && ev.Start != nil && ev.End != nil && *ev.End > *ev.Start {
					evidenced = true
				}
			}
		}
		if !adjusted || !evidenced {
			t.Errorf("framework: adjustments with reasons %v, evidence from the document %v; got %s", adjusted, evidenced, r.Body)
		}
		// A catalog role nobody holds: the catalog framework stands in.
		r = e.do("GET", "/v1/frameworks/data-analyst", admin, nil)
		expect(t, r, 200, "untailored framework")
		json.Unmarshal(r.Body, &f)
		if f.Tailored || f.Role.Slug != "data-analyst" || f.Tier != "mid" || len(f.Competencies) == 0 || f.LibraryVersion != v2.Version {
			t.Errorf("catalog stand-in: got %s", r.Body)
		}

		// Analysts see evidence without document text.
		for _, path := range []string{"/v1/library", fmt.Sprintf("/v1/library/versions/%d", v2.Version), "/v1/frameworks/devops-engineer"} {
			r = e.do("GET", path, analyst, nil)
			expect(t, r, 200, "analyst "+path)
			if strings.Contains(string(r.Body), `"excerpt"`) || !strings.Contains(string(r.Body), docID) {
				t.Errorf("analyst %s: want evidence (document ids) without excerpts", path)
			}
		}
	})
}

// TestLibraryAccess: another tenant's admin can neither read nor curate A's
// library (404, nothing changes); analysts, employees and managers may not
// curate (403); bad curation input is a clear problem that stores nothing
// and emits nothing; a rebuild request is audited and emits
// library.changed.
func TestLibraryAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, adminA := e.createTenant("acme")
		b, adminB := e.createTenant("globex")
		changedA := e.libEvents(a, "library.changed")
		descriptors := []string{"one", "two", "three", "four", "five"}
		e.libWait(a, adminA) // version 1, before any curation
		r := e.do("POST", "/v1/library/competencies", adminA, map[string]any{"slug": "desk-conduct", "name": "Desk Conduct", "category": "interpersonal",
			"description": "Conduct on the desk.", "descriptors": descriptors})
		expect(t, r, 201, "create custom competency")
		libExpectChanged(t, changedA, "desk-conduct", "created")
		e.upload(adminA, "Handbook", platformHandbook)
		libA := e.libWait(a, adminA)
		e.libWait(b, adminB)
		if _, ok := libA.competency("desk-conduct"); !ok {
			t.Fatalf("A's library lacks its custom competency")
		}
		dA, _, oA := e.counts(a)
		ovA := e.libOverrides(a)

		// B cannot reach A's library.
		expect(t, e.do("PATCH", "/v1/library/competencies/desk-conduct", adminB, map[string]any{"status": "retired"}), 404, "B retires A's custom competency")
		expect(t, e.do("GET", fmt.Sprintf("/v1/library/versions/%d", libA.Version), adminB, nil), 404, "B reads A's version number")
		r = e.do("GET", "/v1/library", adminB, nil)
		expect(t, r, 200, "B's own library")
		if strings.Contains(string(r.Body), "desk-conduct") {
			t.Errorf("B's library shows A's custom competency")
		}
		// B's curation of the same slug is its own.
		expect(t, e.do("POST", "/v1/library/competencies", adminB, map[string]any{"slug": "desk-conduct", "name": "Desk Conduct", "category": "interpersonal",
			"description": "B's own.", "descriptors": descriptors}), 201, "B creates the same slug")

		// Roles that may read but not curate.
		for _, role := range []tenants.Role{tenants.RoleAnalyst, tenants.RoleEmployee, tenants.RoleManager} {
			tok := e.token(a, "x", role)
			expect(t, e.do("GET", "/v1/library", tok, nil), 200, string(role)+" reads the library")
			expect(t, e.do("GET", "/v1/library/versions", tok, nil), 200, string(role)+" reads the history")
			expect(t, e.do("POST", "/v1/library/competencies", tok, map[string]any{"name": "X Y", "category": "technical", "description": "d", "descriptors": descriptors}), 403, string(role)+" creates")
			expect(t, e.do("PATCH", "/v1/library/competencies/desk-conduct", tok, map[string]any{"status": "retired"}), 403, string(role)+" patches")
			expect(t, e.do("POST", "/v1/library/rebuild", tok, nil), 403, string(role)+" rebuilds")
		}
		expect(t, e.do("GET", "/v1/library", e.platform(), nil), 403, "platform token")
		expect(t, e.do("PATCH", "/v1/library/competencies/desk-conduct", "", map[string]any{"status": "retired"}), 401, "no token")

		// Bad curation input.
		long := strings.Repeat("x", 2001)
		cases := []struct {
			name, method, path string
			body               any
			status             int
		}{
			{"four descriptors", "POST", "/v1/library/competencies", map[string]any{"name": "A B", "category": "technical", "description": "d", "descriptors": descriptors[:4]}, 422},
			{"blank descriptor", "POST", "/v1/library/competencies", map[string]any{"name": "A B", "category": "technical", "description": "d", "descriptors": []string{"a", "b", " ", "d", "e"}}, 422},
			{"repeated descriptor", "POST", "/v1/library/competencies", map[string]any{"name": "A B", "category": "technical", "description": "d", "descriptors": []string{"a", "b", "c", "d", "A"}}, 422},
			{"unknown category", "POST", "/v1/library/competencies", map[string]any{"name": "A B", "category": "magic", "description": "d", "descriptors": descriptors}, 422},
			{"missing name", "POST", "/v1/library/competencies", map[string]any{"category": "technical", "description": "d", "descriptors": descriptors}, 422},
			{"name with control character", "POST", "/v1/library/competencies", map[string]any{"name": "A\x07B", "category": "technical", "description": "d", "descriptors": descriptors}, 422},
			{"description too long", "POST", "/v1/library/competencies", map[string]any{"name": "A B", "category": "technical", "description": long, "descriptors": descriptors}, 422},
			{"invalid slug", "POST", "/v1/library/competencies", map[string]any{"slug": "Not A Slug", "name": "A B", "category": "technical", "description": "d", "descriptors": descriptors}, 422},
			{"name without a slug in it", "POST", "/v1/library/competencies", map[string]any{"name": "!!!", "category": "technical", "description": "d", "descriptors": descriptors}, 422},
			{"unknown field", "POST", "/v1/library/competencies", map[string]any{"name": "A B", "category": "technical", "description": "d", "descriptors": descriptors, "origin": "catalog"}, 400},
			{"malformed JSON", "POST", "/v1/library/competencies", `{"name": `, 400},
			{"taken custom slug", "POST", "/v1/library/competencies", map[string]any{"slug": "desk-conduct", "name": "A B", "category": "technical", "description": "d", "descriptors": descriptors}, 409},
			{"catalog slug", "POST", "/v1/library/competencies", map[string]any{"slug": "problem-solving", "name": "A B", "category": "technical", "description": "d", "descriptors": descriptors}, 409},
			{"derived slug taken", "POST", "/v1/library/competencies", map[string]any{"name": "Desk  conduct!", "category": "technical", "description": "d", "descriptors": descriptors}, 409},
			{"empty patch", "PATCH", "/v1/library/competencies/desk-conduct", map[string]any{}, 422},
			{"status proposed", "PATCH", "/v1/library/competencies/desk-conduct", map[string]any{"status": "proposed"}, 422},
			{"blank name", "PATCH", "/v1/library/competencies/desk-conduct", map[string]any{"name": "  "}, 422},
			{"three descriptors", "PATCH", "/v1/library/competencies/desk-conduct", map[string]any{"descriptors": []string{"a", "b", "c"}}, 422},
			{"patch unknown field", "PATCH", "/v1/library/competencies/desk-conduct", map[string]any{"category": "technical"}, 400},
			{"unknown slug", "PATCH", "/v1/library/competencies/no-such-competency", map[string]any{"status": "retired"}, 404},
			{"garbage slug", "PATCH", "/v1/library/competencies/%E2%9C%93", map[string]any{"status": "retired"}, 404},
		}
		for _, c := range cases {
			r := e.do(c.method, c.path, adminA, c.body)
			expect(t, r, c.status, c.name)
			if p := r.json(t); p["detail"] == "" || !strings.HasPrefix(fmt.Sprint(p["type"]), "https://cadre.dev/problems/") {
				t.Errorf("%s: problem %s", c.name, r.Body)
			}
		}
		if d, _, o := e.counts(a); d != dA || o != oA || e.libOverrides(a) != ovA {
			t.Errorf("refused writes changed A: docs %d→%d audit %d→%d overrides %d→%d", dA, d, oA, o, ovA, e.libOverrides(a))
		}

		// A rebuild request: audited, library.changed, 202.
		r = e.do("POST", "/v1/library/rebuild", adminA, nil)
		expect(t, r, 202, "rebuild")
		if rev := r.json(t)["context_revision"]; rev != float64(e.libRevision(a)) {
			t.Errorf("rebuild: context_revision %v, want %d", rev, e.libRevision(a))
		}
		libExpectChanged(t, changedA, "", "rebuild") // comes after any refused write's event, had there been one
		libNoMoreEvents(t, changedA, "refused writes")
		if _, _, o := e.counts(a); o != oA+1 {
			t.Errorf("rebuild: audit %d→%d, want one entry", oA, o)
		}
	})
}

// TestDocumentUploadsFeedTheLibrary: bad uploads are each a problem that
// stores nothing and emits nothing; a DOCX and a PDF made here upload and
// yield evidence in the next library.
func TestDocumentUploadsFeedTheLibrary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		docEvents := e.libEvents(tenant, "document.>")
		d0, _, o0 := e.counts(tenant)
		pdf := libPDF(t, "Security best practices matter here: we patch vulnerabilities within a week.", "Threat modelling is part of every design review.")
		cases := []struct {
			name, filename string
			data           []byte
			status         int
		}{
			{"DOCX zip bomb", "bomb.docx", libZipBomb(t, 52, 52<<20), 413},
			{"DOCX zip bomb with a lying header", "liar.docx", libZipBomb(t, 52, 100), 422},
			{"DOCX with thousands of entries", "many.docx", libManyEntries(t, 1200), 413},
			{"truncated PDF", "cut.pdf", pdf[:len(pdf)*2/3], 422},
			{"invalid UTF-8", "bad.txt", []byte("ab\xff\xfe cd"), 422},
			{"NUL bytes", "nul.txt", []byte("ab\x00cd"), 422},
			{"one byte over the limit", "big.txt", bytes.Repeat([]byte("a"), maxDoc+1), 413},
			{"not a DOCX", "broken.docx", []byte("PK\x03\x04broken"), 422},
		}
		for _, c := range cases {
			r := multipartUpload(t, e, admin, c.filename, c.name, c.data)
			expect(t, r, c.status, c.name)
			if p := r.json(t); p["detail"] == "" {
				t.Errorf("%s: problem without detail: %s", c.name, r.Body)
			}
		}
		if d, _, o := e.counts(tenant); d != d0 || o != o0 {
			t.Errorf("bad uploads changed something: docs %d→%d audit %d→%d", d0, d, o0, o)
		}

		docx := libDOCX(t, "Our platform team runs Kubernetes clusters and manages cloud infrastructure on AWS.",
			"Cloud infrastructure management is central to our work: we automate infrastructure as code with Terraform.")
		r := multipartUpload(t, e, admin, "platform.docx", "Platform", docx)
		expect(t, r, 202, "DOCX upload")
		docxID := r.json(t)["id"].(string)
		if ct := r.json(t)["content_type"]; ct != extract.TypeDOCX {
			t.Errorf("DOCX content type %v", ct)
		}
		// The first document event is the DOCX's: no bad upload emitted one.
		ev := libNextEvent(t, docEvents, "document.uploaded")
		if ev.Type != events.TypeDocumentUploaded || ev.Resource != docxID {
			t.Errorf("first document event: got %s %s, want document.uploaded %s", ev.Type, ev.Resource, docxID)
		}
		r = multipartUpload(t, e, admin, "security.pdf", "Security", pdf)
		expect(t, r, 202, "PDF upload")
		pdfID := r.json(t)["id"].(string)
		if ev := libNextEvent(t, docEvents, "document.uploaded"); ev.Resource != pdfID {
			t.Errorf("second document event: got %s, want %s", ev.Resource, pdfID)
		}
		libNoMoreEvents(t, docEvents, "uploads")
		r = e.do("GET", "/v1/documents/"+pdfID+"?include=text", admin, nil)
		if text, _ := r.json(t)["text"].(string); !strings.Contains(text, "patch vulnerabilities") {
			t.Errorf("PDF text: got %q", text)
		}

		lib := e.libWait(tenant, admin)
		found := map[string]bool{}
		for _, c := range lib.Competencies {
			for _, ev := range c.Evidence {
				found[ev.DocumentID] = true
			}
		}
		if !found[docxID] || !found[pdfID] {
			t.Errorf("library v%d: evidence from the DOCX %v and the PDF %v, want both", lib.Version, found[docxID], found[pdfID])
		}
	})
}

// libProcessed polls until the library worker has handled the event.
func (e *env) libProcessed(tenant tenants.ID, eventID string) {
	e.t.Helper()
	testwait.Until(e.t, time.Minute, "the library worker to handle event "+eventID, func() (bool, error) {
		var done bool
		err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) (err error) {
			done, err = tx.Processed(workers.LibraryWorkerName, eventID)
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
		return done, nil
	})
}

// libVersionCount counts the tenant's library versions.
func (e *env) libVersionCount(tenant tenants.ID) int {
	e.t.Helper()
	var n int
	err := e.db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
		vs, err := tx.LibraryVersions(0, 1000)
		n = len(vs)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestLibraryBuildsOnlyWhatChanged: a rebuild request is examined but
// unchanged inputs make no version; a new role an employee holds makes one
// with that role's framework; another employee of a role already held
// changes no input and makes none.
func TestLibraryBuildsOnlyWhatChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, admin := e.createTenant("acme")
		changed := e.libEvents(tenant, "library.changed")
		employees := e.libEvents(tenant, "employee.>")
		v1 := e.libWait(tenant, admin)

		expect(t, e.do("POST", "/v1/library/rebuild", admin, nil), 202, "rebuild")
		e.libProcessed(tenant, libNextEvent(t, changed, "rebuild").ID)
		if n := e.libVersionCount(tenant); n != 1 {
			t.Errorf("rebuild of unchanged inputs: %d versions, want 1", n)
		}
		rev := e.libRevision(tenant)
		err := db.Store.InTenant(context.Background(), tenant, func(tx *store.Tx) error {
			m, err := tx.LibraryBuildMark()
			if err == nil && (m.ContextRevision != rev || m.Digest != v1.Digest) {
				t.Errorf("build mark after the rebuild: got revision %d digest %s, want %d %s", m.ContextRevision, m.Digest, rev, v1.Digest)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		e.libAddEmployee(admin, "dana", "devops-engineer")
		e.libProcessed(tenant, libNextEvent(t, employees, "employee.created").ID)
		v2 := e.libWait(tenant, admin)
		if v2.Version != v1.Version+1 {
			t.Fatalf("after the first devops engineer: version %d, want %d", v2.Version, v1.Version+1)
		}
		if f, ok := v2.framework("devops-engineer"); !ok || len(f.Competencies) == 0 {
			t.Errorf("the library has no devops-engineer framework after an employee took the role")
		}
		e.libAddEmployee(admin, "eli", "devops-engineer")
		e.libProcessed(tenant, libNextEvent(t, employees, "employee.created").ID)
		if n := e.libVersionCount(tenant); n != v2.Version {
			t.Errorf("another devops engineer: %d versions, want %d", n, v2.Version)
		}
	})
}

// libDOCX returns a minimal real DOCX with one paragraph per entry.
func libDOCX(t *testing.T, paragraphs ...string) []byte {
	t.Helper()
	var body strings.Builder
	body.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paragraphs {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, html.EscapeString(p))
	}
	body.WriteString(`</w:body></w:document>`)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", body.String()},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// libPDF returns a real one-page PDF with the given lines.
func libPDF(t *testing.T, lines ...string) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCompression(true)
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	for _, l := range lines {
		doc.Cell(0, 8, l)
		doc.Ln(10)
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// libZipBomb returns a DOCX of a few dozen KB whose word/document.xml
// inflates to mib MiB of zeros and declares the given size (a lying header
// is caught by the zip reader itself).
func libZipBomb(t *testing.T, mib int, declared uint64) []byte {
	t.Helper()
	zeros := make([]byte, 1<<20)
	var chunk bytes.Buffer
	fw, err := flate.NewWriter(&chunk, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(zeros)
	fw.Flush()
	crc := crc32.NewIEEE()
	var stream bytes.Buffer
	for range mib {
		stream.Write(chunk.Bytes()) // a non-final block sequence that only refers back to zeros
		crc.Write(zeros)
	}
	stream.Write([]byte{0x03, 0x00}) // an empty final block
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(stream.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(stream.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if len(buf.Bytes()) > maxDoc {
		t.Fatalf("zip bomb of %d bytes is over the upload limit", len(buf.Bytes()))
	}
	return buf.Bytes()
}

// libManyEntries returns a DOCX whose central directory lists n entries
// that all point at one small stored document.xml, so that an archive of
// over a thousand entries fits under the upload limit.
func libManyEntries(t *testing.T, n int) []byte {
	t.Helper()
	const name = "word/document.xml"
	content := []byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hi</w:t></w:r></w:p></w:body></w:document>`)
	sum := crc32.ChecksumIEEE(content)
	var buf bytes.Buffer
	le := func(v any) { binary.Write(&buf, binary.LittleEndian, v) }
	// Local file header, stored.
	le(uint32(0x04034b50))
	le(uint16(20))
	le(uint16(0))
	le(uint16(0)) // stored
	le(uint16(0))
	le(uint16(0))
	le(sum)
	le(uint32(len(content)))
	le(uint32(len(content)))
	le(uint16(len(name)))
	le(uint16(0))
	buf.WriteString(name)
	buf.Write(content)
	cdStart := buf.Len()
	for i := range n {
		entry := name
		if i > 0 {
			entry = "x"
		}
		le(uint32(0x02014b50))
		le(uint16(20))
		le(uint16(20))
		le(uint16(0))
		le(uint16(0))
		le(uint16(0))
		le(uint16(0))
		le(sum)
		le(uint32(len(content)))
		le(uint32(len(content)))
		le(uint16(len(entry)))
		le(uint16(0))
		le(uint16(0))
		le(uint16(0))
		le(uint16(0))
		le(uint32(0))
		le(uint32(0)) // every entry's data is the one local file
		buf.WriteString(entry)
	}
	cdLen := buf.Len() - cdStart
	le(uint32(0x06054b50))
	le(uint16(0))
	le(uint16(0))
	le(uint16(n))
	le(uint16(n))
	le(uint32(cdLen))
	le(uint32(cdStart))
	le(uint16(0))
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != n {
		t.Fatalf("many-entries archive: %v", err)
	}
	if buf.Len() > maxDoc {
		t.Fatalf("many-entries archive of %d bytes is over the upload limit", buf.Len())
	}
	return buf.Bytes()
}
