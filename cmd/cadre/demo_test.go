package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/testwait"
)

// startEmbeddedServe runs `cadre serve` in-process with its embedded
// defaults (SQLite and NATS under a temporary data dir, a generated
// development secret) on a free port, and returns its configuration.
func startEmbeddedServe(t *testing.T) Config {
	t.Helper()
	cfg := Config{HTTPAddr: freeAddr(t), DataDir: t.TempDir(), Migrate: true, StreamMaxAge: time.Hour, StreamReplicas: 1,
		JWTIssuer: "cadre", JWTAudience: "cadre-api", MaxBodyBytes: 1 << 20, MaxDocumentBytes: 10 << 20, RateLimit: 200, LogLevel: "warn"}
	runServe(t, cfg, "serve ready")
	return cfg
}

// runServe runs `cadre serve` (API, workers, embedded) in-process with cfg
// until the test ends, and waits until its /readyz answers 200; serve
// returning before that, or an error when it stops, fails the test.
func runServe(t *testing.T, cfg Config, what string) {
	t.Helper()
	runServeLog(t, cfg, what, slog.New(slog.DiscardHandler))
}

// runServeLog is runServe logging to log.
func runServeLog(t *testing.T, cfg Config, what string, log *slog.Logger) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, log, roles{api: true, workers: true, embedded: true})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not return after cancel")
		}
	})
	testwait.Until(t, processWait, what, func() (bool, error) {
		select {
		case err := <-done:
			t.Fatalf("serve returned early: %v", err)
		default:
		}
		status, err := call("GET", "http://"+cfg.HTTPAddr+"/readyz", "", nil, nil)
		return status == http.StatusOK, fmt.Errorf("readyz %d (%v)", status, err)
	})
}

// TestDemo runs `cadre demo` against an in-process `cadre serve` in
// embedded mode, with the secret serve generated in its data dir, and
// checks every section of its output; then `cadre analytics rebuild`
// finds the projected read models in step with the source tables.
func TestDemo(t *testing.T) {
	cfg := startEmbeddedServe(t)
	var out bytes.Buffer
	err := demo(t.Context(), cfg, []string{"--url", "http://" + cfg.HTTPAddr, "--timeout", "90s"}, &out)
	if err != nil {
		t.Fatalf("demo: %v\noutput:\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Cadre demo — Northwind Bank \(finance\), tenant [0-9a-f-]{36}`),
		regexp.MustCompile(`4 values, 6 documents, 30 employees in 4 teams`),
		regexp.MustCompile(`30 assessments answered and scored`),
		regexp.MustCompile(`analytics: 30 of 30 employees assessed, 30 plans with \d+ open items`),
		regexp.MustCompile(`## Library v\d+: \d+ competencies`),
		regexp.MustCompile(`by origin: catalog \d+ · document \d+ · value 4 · custom 0`),
		regexp.MustCompile(`1\. .+ \(\w+, \w+, relevance \d\.\d\d\)\n   (“.+” — [\w-]+|from the company value “.+”)\n`),
		regexp.MustCompile(`proposed for an admin to approve: .*Cheque Processing`),
		regexp.MustCompile(`born from the documents: .+ \(the section “.+” of document “.+” is about it.*\)\n   “.+” — [\w-]+\n`),
		regexp.MustCompile(`## DevOps Engineer framework \(finance; tailored to the company, library v\d+\)`),
		regexp.MustCompile(`\| competency \| category \| group \| entry \| mid \| senior \|`),
		regexp.MustCompile(`\| Cloud Infrastructure Management \| technical \| primary \| 2 \| 4 \| 5 \|`),
		regexp.MustCompile(`\| Customers first \| cultural \| supporting \| \d \| \d \| \d \|`),
		regexp.MustCompile(`## Assessment of Sam Carter, reviewed by their manager: .+\n\nlevel \d \(required \d\), score \d\.\d\d, confidence \d\.\d\d; .*flags: .*calibrate`),
		regexp.MustCompile(`\| self_rating \| \d\.\d \| .+ \|\n`),
		regexp.MustCompile(`(\| scenario \| \d\.\d \| .+ \|\n(.*\n)*){2}`),
		regexp.MustCompile(`\| open_text \| \d\.\d \| .* \|\n`),
		regexp.MustCompile(`\| manager_rating \| 4\.0 \| .+ \|\n`),
		regexp.MustCompile(`calibration: manager 4, self \d, evidence \d\.\d \(manager_vs_`),
		regexp.MustCompile(`## Development plan of Sam Carter \(DevOps Engineer, mid; plan v\d+, aiming at mid\)`),
		regexp.MustCompile(`\| competency \| current \| target \| gap \| priority \| due \| first action \|\n\| --- .*\n\| [^(].* \| \d \| \d \| \d \| \d\.\d\d \| \d{4}-\d\d-\d\d \| `),
		regexp.MustCompile(`## Team heatmap`),
		regexp.MustCompile(`\| competency \(employees assessed\) \| data \| payments \| platform \| risk \|`),
		regexp.MustCompile(`\| Customers first \(30\) \| \d\.\d · \d+% \| \d\.\d · \d+% \| \d\.\d · \d+% \| \d\.\d · \d+% \|`),
	} {
		if !want.MatchString(got) {
			t.Errorf("output lacks %s", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("output:\n%s", got)
	}

	var rebuilt bytes.Buffer
	if err := analytics(t.Context(), cfg, slog.New(slog.DiscardHandler), []string{"rebuild"}, &rebuilt); err != nil {
		t.Fatalf("analytics rebuild: %v", err)
	}
	if r := rebuilt.String(); !strings.Contains(r, "30 employees") || !strings.Contains(r, "in step") || strings.Contains(r, "drifted") {
		t.Errorf("analytics rebuild after the demo: got\n%s\nwant the demo tenant's 30 employees in step", r)
	}
}

// TestDemoNeedsASecret checks that the demo says where the secret comes
// from when there is none.
func TestDemoNeedsASecret(t *testing.T) {
	err := demo(t.Context(), Config{DataDir: t.TempDir()}, []string{"--url", "http://127.0.0.1:1"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "CADRE_JWT_SECRET") {
		t.Errorf("got %v, want an error naming CADRE_JWT_SECRET", err)
	}
}

// TestDemoHelp: `cadre demo -h` prints the usage and succeeds, so that
// main prints no error line after it.
func TestDemoHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		var out bytes.Buffer
		if err := demo(t.Context(), Config{}, []string{arg}, &out); err != nil {
			t.Errorf("demo %s = %v, want nil", arg, err)
		}
		if !strings.HasPrefix(out.String(), "usage: cadre demo") || !strings.Contains(out.String(), "-timeout") {
			t.Errorf("demo %s printed %q, want the usage and its flags", arg, out.String())
		}
	}
}
