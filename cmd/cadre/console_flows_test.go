package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// The documents the admin uploads: the handbook (markdown) has a section
// on cheque processing, which no catalog competency covers, so the library
// proposes it in the document's words; the policy (DOCX) speaks of security.
const (
	consoleHandbook = "# Platform handbook\n\nCloud infrastructure management is central to our work, and we review cloud cost every month. " +
		"Continuous integration runs on every pull request. Every engineer takes part in incident response and on-call rotations. " +
		"We monitor latency and error budgets with Prometheus dashboards.\n\n" +
		"## Cheque processing\n\nEvery cheque paid in at a branch must be checked for the date, the payee name, matching words and figures, and a signature before it is accepted. " +
		"Tellers scan each cheque on the day it is paid in, so that it clears within two working days. " +
		"A cheque with alterations or a future date must be handed back to the customer with an explanation and never sent for clearing. " +
		"Stopped cheques must be recorded in the core banking system before the branch closes.\n"
	consolePolicy = "Security best practices matter: we patch vulnerabilities within a week, rotate secrets and review access. " +
		"Threat modelling is part of every design review. Incident response drills run every quarter."
	// consoleEmployees has one bad line (line 4: an unknown role).
	consoleEmployees = "subject,name,role,tier,team\n" +
		"emp-1,Emma One,devops-engineer,mid,platform\n" +
		"emp-2,Eli Two,devops-engineer,senior,payments\n" +
		"emp-3,Bad Line,no-such-role,mid,platform\n"
	// consoleAnswer is the employee's open-text answer; analysts never see it.
	consoleAnswer = "Last quarter I set up the deployment pipeline for a small internal service on my own: I wrote the configuration, " +
		"added automated tests and an alert, and when a release failed I found the cause in the logs and fixed it."
)

// TestConsoleBrowser runs the six flows of issue 18 in a real headless
// Chromium against `cadre serve`, on both databases.
func TestConsoleBrowser(t *testing.T) {
	chromium := chromiumPath(t)
	t.Run("sqlite", func(t *testing.T) { consoleFlows(t, startConsole(t, chromium, nil)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(storetest.EnvURL) == "" {
			t.Skip(storetest.EnvURL + " is not set")
		}
		db := storetest.Postgres(t)
		consoleFlows(t, startConsole(t, chromium, &db))
	})
}

func consoleFlows(t *testing.T, e *consoleEnv) {
	platform := mint(t, e.secret, tenants.ID{}, tenants.RolePlatformAdmin)
	other := e.tenant(platform, "other")
	// Acme is added on the development sign-in page.
	e.must(e.browser, "add a company", chromedp.Navigate(e.base+"/signin/dev"),
		chromedp.SetValue(chromedp.CSS(`#company-name`), "Acme"), chromedp.SetValue(chromedp.CSS(`#industry`), "finance"),
		chromedp.Click(chromedp.CSS(`form[action="/signin/dev/company"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#tenant`)))
	e.checkAxe(e.browser, "sign-in")
	acme, err := tenants.ParseID(eval[string](e, e.browser, `[...document.querySelectorAll("#tenant option")].find(o => o.text.startsWith("Acme ")).value`))
	if err != nil {
		t.Fatalf("Acme in the company list: %v", err)
	}
	dir := t.TempDir()

	// Flow 2: an admin imports a CSV with one bad line and sees its error.
	admin := e.person(acme, tenants.RoleAdmin, "admin@acme", 1280)
	csvPath := writeFile(t, dir, "people.csv", []byte(consoleEmployees))
	e.must(admin, "import employees", chromedp.Navigate(e.base+"/employees"),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{csvPath}),
		chromedp.Click(chromedp.CSS(`form[action="/employees/import"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.line-errors`)))
	if got := e.text(admin, `.line-errors`); !strings.Contains(got, "Line 4") || !strings.Contains(got, "role") {
		t.Errorf("import errors: got %q, want line 4's role error", got)
	}
	if got := e.text(admin, `main table`); !strings.Contains(got, "emp-1") || !strings.Contains(got, "emp-2") || strings.Contains(got, "emp-3") {
		t.Errorf("employees after import: got %q, want emp-1 and emp-2 only", got)
	}
	e.checkAxe(admin, "employees")

	// Flow 1: with the library open in one tab, the admin uploads a DOCX
	// and a markdown file in another; the library tab shows "Rebuilding…"
	// and then the new version without reloading.
	lib := e.tab(admin)
	e.must(lib, "open the library", chromedp.Navigate(e.base+"/library"), chromedp.WaitVisible(chromedp.CSS(`#library-status`)))
	eval[chromedp.Void](e, lib, `window.cadreMark = 42; new MutationObserver(() => {
		if (document.querySelector(".rebuilding")) { window.cadreSawRebuilding = true; }
	}).observe(document.body, {childList: true, subtree: true});`)
	e.waitJS(lib, "the library tab following the event stream", `document.documentElement.dataset.live === "open"`)
	docx := writeFile(t, dir, "policy.docx", docxFile(t, consolePolicy))
	md := writeFile(t, dir, "handbook.md", []byte(consoleHandbook))
	for _, f := range []string{docx, md} {
		e.must(admin, "upload "+filepath.Base(f), chromedp.Navigate(e.base+"/documents"),
			chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{f}),
			chromedp.Click(chromedp.CSS(`form.upload button`)),
			chromedp.WaitVisible(chromedp.CSS(`p.notice.ok`)))
	}
	if got := e.text(admin, `main table`); !strings.Contains(got, "policy.docx") || !strings.Contains(got, "handbook.md") {
		t.Errorf("documents: got %q, want both uploads", got)
	}
	e.checkAxe(admin, "documents")
	e.waitJS(lib, "the proposal in the library tab, without a reload",
		`window.cadreMark === 42 && window.cadreSawRebuilding === true && !!document.querySelector("#c-cheque-processing .status-proposed")`)
	e.must(lib, "open the evidence", chromedp.Click(chromedp.CSS(`#c-cheque-processing summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#c-cheque-processing details[open] blockquote mark`)))
	if got := e.text(lib, `#c-cheque-processing details[open] blockquote mark`); !strings.HasPrefix(strings.ToLower(got), "cheque") {
		t.Errorf("highlighted evidence: got %q, want the matched term", got)
	}
	e.checkAxe(lib, "library")
	e.screenshot(lib, "console-library")
	e.must(lib, "approve the proposal", chromedp.Click(chromedp.CSS(`#c-cheque-processing form button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice.ok`)))
	adminToken := mint(t, e.secret, acme, tenants.RoleAdmin)
	testwait.Until(t, consoleWait, "cheque-processing active after the approval", func() (bool, error) {
		var lib struct {
			Competencies []struct{ Slug, Status string } `json:"competencies"`
		}
		status, err := call("GET", e.base+"/v1/library", adminToken, nil, &lib)
		for _, c := range lib.Competencies {
			if c.Slug == "cheque-processing" {
				return c.Status == "active", fmt.Errorf("status %s", c.Status)
			}
		}
		return false, fmt.Errorf("library %d %v: no cheque-processing", status, err)
	})

	// Flow 3: an employee on a 360 px viewport answers over two visits,
	// submits, sees the results and the plan, marks an item in progress.
	emp := e.person(acme, tenants.RoleEmployee, "emp-1", 360)
	e.must(emp, "start an assessment", chromedp.Navigate(e.base+"/assessment"),
		chromedp.Click(chromedp.CSS(`form[action="/assessment/start"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#left`)))
	total := eval[int](e, emp, `document.querySelectorAll("li.item").length`)
	if total < 3 {
		t.Fatalf("assessment items: got %d, want at least 3", total)
	}
	e.answer(emp, 2)
	e.must(emp, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#left`)))
	if got := eval[int](e, emp, `document.querySelectorAll("li.item.answered").length`); got != 2 {
		t.Fatalf("answered after a reload: got %d, want 2", got)
	}
	if got, want := e.text(emp, `#left`), fmt.Sprintf("%d of %d", total-2, total); !strings.HasPrefix(got, want) {
		t.Errorf("left: got %q, want %q…", got, want)
	}
	eval[chromedp.Void](e, emp, `window.scrollTo(0, 0)`)
	e.screenshot(emp, "console-assessment")
	e.checkAxe(emp, "assessment")
	// The second visit: elsewhere, then back to the open assessment.
	e.must(emp, "second visit", chromedp.Navigate(e.base+"/plan"), chromedp.Navigate(e.base+"/assessment"), chromedp.WaitVisible(chromedp.CSS(`#left`)))
	assessmentURL := eval[string](e, emp, `location.pathname`)
	e.answer(emp, total-2)
	e.must(emp, "submit", chromedp.Click(chromedp.CSS(`form.submit button`)))
	e.waitJS(emp, "the scored results (the page reloads itself)", `!!document.querySelector("ul.results li.result")`)
	if got := e.text(emp, `ul.results`); !strings.Contains(got, "Level") || !strings.Contains(got, "required") {
		t.Errorf("results: got %q, want levels against the requirement", got)
	}
	if eval[int](e, emp, `document.querySelectorAll("ul.results details").length`) == 0 {
		t.Error("results show no evidence")
	}
	e.checkAxe(emp, "results")
	testwait.Until(t, consoleWait, "the plan", func() (bool, error) {
		err := e.do(emp, chromedp.Navigate(e.base+"/plan"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		return err == nil && eval[bool](e, emp, `!!document.querySelector("ol.plan li.plan-item select")`), err
	})
	itemID := eval[string](e, emp, `document.querySelector("ol.plan li.plan-item select").id`)
	e.must(emp, "mark an item in progress", chromedp.SetValue(chromedp.CSS("#"+itemID), "in_progress"),
		chromedp.Click(chromedp.CSS(`ol.plan li.plan-item form button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice.ok`)))
	if got := eval[string](e, emp, `document.getElementById(`+jsString(itemID)+`).value`); got != "in_progress" {
		t.Errorf("item status after saving: got %q, want in_progress", got)
	}
	e.checkAxe(emp, "plan")

	// Flow 4: the analyst's heatmap changes while open when another
	// employee's assessment is scored.
	analyst := e.person(acme, tenants.RoleAnalyst, "analyst@acme", 1280)
	testwait.Until(t, consoleWait, "emp-1's team in the heatmap", func() (bool, error) {
		err := e.do(analyst, chromedp.Navigate(e.base+"/heatmap"), chromedp.WaitVisible(chromedp.CSS(`#heatmap`)))
		return err == nil && strings.Contains(e.text(analyst, `#heatmap`), "platform"), err
	})
	e.waitJS(analyst, "the heatmap following the event stream", `document.documentElement.dataset.live === "open"`)
	eval[chromedp.Void](e, analyst, `window.cadreMark = 7`)
	if got := e.text(analyst, `#heatmap`); strings.Contains(got, "payments") {
		t.Fatalf("heatmap before emp-2's assessment: got %q, want no payments row yet", got)
	}
	dc := &demoClient{base: e.base, hc: http.DefaultClient}
	tok := func(subject string, roles ...tenants.Role) (string, error) {
		return auth.Mint(e.secret, tenants.Principal{Subject: subject, Tenant: acme, Roles: roles}, "cadre", "cadre-api", time.Hour, time.Now())
	}
	if _, err := dc.takeAssessment(t.Context(), tok, demoPerson{subject: "emp-2", strength: 2}, nil, mrand.New(mrand.NewPCG(1, 2))); err != nil {
		t.Fatalf("emp-2's assessment: %v", err)
	}
	e.waitJS(analyst, "the payments row, live", `window.cadreMark === 7 && document.querySelector("#heatmap").innerText.includes("payments")`)
	if eval[int](e, analyst, `document.querySelectorAll("table.heat td[class^=heat]").length`) == 0 {
		t.Error("heatmap has no coloured cells")
	}
	if body := e.text(analyst, `body`); strings.Contains(body, consoleAnswer[:40]) {
		t.Error("the analyst sees an employee's free-text answer")
	}
	e.checkAxe(analyst, "heatmap")
	e.screenshot(analyst, "console-heatmap")

	// Flow 5: another tenant's admin sees none of it.
	stranger := e.person(other, tenants.RoleAdmin, "admin@other", 1280)
	for _, path := range []string{assessmentURL, "/assessment/" + tenants.NewID().String()} {
		e.must(stranger, "open "+path, chromedp.Navigate(e.base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if got := e.text(stranger, `main h1`); got != "Not found" {
			t.Errorf("another tenant's admin at %s: got %q, want the not-found page", path, got)
		}
	}
	for _, path := range []string{"/library", "/documents", "/employees", "/heatmap"} {
		e.must(stranger, "open "+path, chromedp.Navigate(e.base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		body := e.text(stranger, `main`)
		for _, leak := range []string{"cheque", "policy.docx", "handbook.md", "emp-1", "platform"} {
			if strings.Contains(strings.ToLower(body), leak) {
				t.Errorf("another tenant's admin at %s sees %q", path, leak)
			}
		}
	}

	// Flow 6: a cross-site form post is refused; the cookies carry their
	// flags; the CSP is set.
	var docs struct {
		Items []struct{ ID string } `json:"items"`
	}
	if status, err := call("GET", e.base+"/v1/documents", adminToken, nil, &docs); err != nil || status != 200 || len(docs.Items) != 2 {
		t.Fatalf("documents: %d %v %d, want 2", status, err, len(docs.Items))
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form method="post" action="%s/documents/%s/delete"></form><script>document.forms[0].submit()</script>`, e.base, docs.Items[0].ID)
	}))
	t.Cleanup(evil.Close)
	e.must(admin, "the cross-site post", chromedp.Navigate(evil.URL), chromedp.WaitVisible(chromedp.CSS(`body`)))
	e.waitJS(admin, "the refusal", `location.href.startsWith(`+jsString(e.base)+`) && document.body.innerText.toLowerCase().includes("cross-origin")`)
	if status, err := call("GET", e.base+"/v1/documents", adminToken, nil, &docs); err != nil || status != 200 || len(docs.Items) != 2 {
		t.Errorf("documents after the cross-site post: %d %v %d, want 2", status, err, len(docs.Items))
	}
	c, err := e.cookie(admin, "cadre_session")
	if err != nil {
		t.Fatal(err)
	}
	if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Secure || c.Path != "/" {
		t.Errorf("session cookie: got HttpOnly %v SameSite %q Secure %v Path %q, want HttpOnly Lax, not Secure on plain HTTP, /", c.HTTPOnly, c.SameSite, c.Secure, c.Path)
	}
	res, err := http.Get(e.base + "/library")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", h, got, want)
		}
	}
	if got := res.Header.Get("Content-Security-Policy"); strings.Contains(got, "unsafe-inline") || !strings.Contains(got, "script-src 'self'") {
		t.Errorf("CSP: got %q, want scripts from the console only", got)
	}
	// Signing out ends the session.
	e.must(admin, "sign out", chromedp.Navigate(e.base+"/"), chromedp.Click(chromedp.CSS(`form.signout button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signin/dev"]`)))
	if _, err := e.cookie(admin, "cadre_session"); err == nil {
		t.Error("a session cookie after signing out")
	}
}

// answer answers the next n unanswered items of the assessment in ctx, one
// form post each, choosing the third option and writing consoleAnswer.
func (e *consoleEnv) answer(ctx context.Context, n int) {
	e.t.Helper()
	for range n {
		before := eval[int](e, ctx, `document.querySelectorAll("li.item.answered").length`)
		ok := eval[bool](e, ctx, `(() => {
			const li = document.querySelector("li.item:not(.answered)");
			if (!li) { return false; }
			const f = li.querySelector("form");
			const radios = f.querySelectorAll("input[type=radio]");
			if (radios.length) { radios[Math.min(2, radios.length - 1)].checked = true; }
			const ta = f.querySelector("textarea");
			if (ta) { ta.value = `+jsString(consoleAnswer)+`; }
			f.requestSubmit();
			return true;
		})()`)
		if !ok {
			e.t.Fatal("no unanswered item left")
		}
		testwait.Until(e.t, consoleWait, "the saved answer", func() (bool, error) {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.readyState === "complete" ? document.querySelectorAll("li.item.answered").length : -1`))
			return err == nil && got == before+1, fmt.Errorf("answered %d (%v), want %d", got, err, before+1)
		})
	}
}

// tenant creates a tenant through the API and returns its id.
func (e *consoleEnv) tenant(platform, slug string) tenants.ID {
	e.t.Helper()
	var tn struct {
		ID string `json:"id"`
	}
	if status, err := call("POST", e.base+"/v1/tenants", platform, map[string]any{"name": strings.ToUpper(slug[:1]) + slug[1:], "slug": slug, "industry": "finance"}, &tn); err != nil || status != http.StatusCreated {
		e.t.Fatalf("create tenant %s: %d %v", slug, status, err)
	}
	id, err := tenants.ParseID(tn.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == '<' || r == '>' || r == '`':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// docxFile returns a minimal DOCX holding text as one paragraph per
// sentence.
func docxFile(t *testing.T, text string) []byte {
	t.Helper()
	var body strings.Builder
	for _, s := range strings.SplitAfter(text, ". ") {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">`)
		if err := xml.EscapeText(&body, []byte(s)); err != nil {
			t.Fatal(err)
		}
		body.WriteString(`</w:t></w:r></w:p>`)
	}
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
