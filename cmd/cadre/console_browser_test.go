package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// The console's browser tests (issue 18) drive Debian's headless Chromium
// against `cadre serve` running in-process, on SQLite and (with
// CADRE_TEST_DATABASE_URL) PostgreSQL. Without Chromium they skip, except
// under CI=true, where a skip would hide that they did not run: there they
// fail.

// axeSource is axe-core (MPL-2.0, testdata/axe/LICENSE), vendored for the
// accessibility checks.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// consoleWait bounds each wait of the browser tests.
const consoleWait = processWait

// chromiumPath returns the Chromium binary, skipping the test (failing it
// under CI) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH: the console's browser tests must run in CI (.ci/run installs Debian's chromium)")
	}
	t.Skip("no chromium on PATH; install Debian's chromium to run the console's browser tests")
	return ""
}

// consoleEnv is a running `cadre serve` with a browser.
type consoleEnv struct {
	t       *testing.T
	base    string
	secret  []byte
	browser context.Context
	// grant is the development sign-in cookie the printed link gave the
	// first browser context; other contexts get a copy.
	grant *network.Cookie
}

var signInLink = regexp.MustCompile(`"url":"(http://[^"]+/signin/dev\?code=[0-9a-f]+)"`)

// startConsole runs `cadre serve` on db (zero: embedded SQLite) and a
// headless Chromium, follows the sign-in link serve printed and keeps the
// grant it gave.
func startConsole(t *testing.T, chromium string, db *storetest.DB) *consoleEnv {
	t.Helper()
	cfg := Config{HTTPAddr: freeAddr(t), DataDir: t.TempDir(), Migrate: true, StreamMaxAge: time.Hour, StreamReplicas: 1,
		JWTIssuer: "cadre", JWTAudience: "cadre-api", MaxBodyBytes: 1 << 20, MaxDocumentBytes: 10 << 20, RateLimit: 0, LogLevel: "info"}
	if db != nil {
		cfg.DatabaseURL, cfg.MigrationsDatabaseURL, cfg.Migrate = db.AppURL, db.OwnerURL, false
	}
	var logs syncBuffer
	runServeLog(t, cfg, "console serve ready", slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	m := signInLink.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("cadre serve printed no development sign-in link; log:\n%s", logs.String())
	}
	secret, err := readSecret(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	// The first run starts the browser, bound to the context it gets: not
	// to one of the timeouts below.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	e := &consoleEnv{t: t, base: "http://" + cfg.HTTPAddr, secret: secret, browser: browser}
	e.must(browser, "follow the sign-in link", chromedp.Navigate(m[1]), chromedp.WaitVisible(chromedp.CSS(`#tenant, main p`)))
	if e.grant, err = e.cookie(browser, "cadre_dev"); err != nil {
		t.Fatalf("the sign-in link set no development grant: %v", err)
	}
	if err := e.do(browser, chromedp.Navigate(m[1]), chromedp.WaitVisible(chromedp.CSS(`p.notice.error`))); err != nil {
		t.Errorf("the sign-in link a second time: %v, want the used-link notice", err)
	}
	return e
}

// do runs steps in ctx within consoleWait.
func (e *consoleEnv) do(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, consoleWait)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// must runs steps, failing the test with what on error.
func (e *consoleEnv) must(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := e.do(ctx, steps...); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates expr in ctx (awaiting a promise) into a T.
func eval[T any](e *consoleEnv, ctx context.Context, expr string) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, consoleWait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		e.t.Fatalf("evaluate %.60q: %v", expr, err)
	}
	return v
}

// person opens an isolated browser context (its own cookies) of the given
// width signed in as subject with role in tenant.
func (e *consoleEnv) person(tenant tenants.ID, role tenants.Role, subject string, width int64) context.Context {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the context, unbounded
		e.t.Fatal(err)
	}
	g := e.grant
	e.must(ctx, "sign in as "+subject,
		chromedp.EmulateViewport(width, 900),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			httpOnly := true
			_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: g.Name, Value: g.Value, Domain: g.Domain,
				Path: g.Path, HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax})
			return err
		}),
		chromedp.Navigate(e.base+"/signin/dev"),
		chromedp.WaitVisible(chromedp.CSS(`#tenant`)),
		chromedp.SetValue(chromedp.CSS(`#tenant`), tenant.String()),
		chromedp.SetValue(chromedp.CSS(`#role`), string(role)),
		chromedp.SetValue(chromedp.CSS(`#subject`), subject),
		chromedp.Click(chromedp.CSS(`form[action="/signin/dev"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout`)),
	)
	return ctx
}

// tab opens another tab in ctx's browser context (same cookies).
func (e *consoleEnv) tab(ctx context.Context) context.Context {
	tab, cancel := chromedp.NewContext(ctx)
	e.t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil { // opens the tab, unbounded
		e.t.Fatal(err)
	}
	return tab
}

// axeResult is what checkAxe reads of axe.run's answer.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// checkAxe runs axe-core on the page in ctx and fails the test on any
// serious or critical violation. The console's CSP forbids foreign scripts
// on its pages; the DevTools protocol evaluates in the page regardless, as
// a browser extension would.
func (e *consoleEnv) checkAxe(ctx context.Context, page string) {
	e.t.Helper()
	eval[chromedp.Void](e, ctx, axeSource)
	res := eval[axeResult](e, ctx, `axe.run(document, {resultTypes: ["violations"]})`)
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			e.t.Errorf("axe on %s: %s violation %s (%s) at %v", page, v.Impact, v.ID, v.Help, v.Nodes)
		}
	}
}

// screenshot saves the page in ctx as docs/<name>.png when
// CADRE_SCREENSHOTS=1 (so that CI does not rewrite them).
func (e *consoleEnv) screenshot(ctx context.Context, name string) {
	e.t.Helper()
	if os.Getenv("CADRE_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()) // the viewport, as PNG
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", name+".png"), png, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// waitJS polls the expression in ctx until it is true; the page may
// navigate meanwhile (an evaluation that fails is tried again).
func (e *consoleEnv) waitJS(ctx context.Context, what, expr string) {
	e.t.Helper()
	err := testwait.For(consoleWait, func() (bool, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		return err == nil && ok, err
	})
	if err != nil {
		diag, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 3000) : ""`))
		e.t.Fatalf("%s: %v; page:\n%s", what, err, diag)
	}
}

// text returns the inner text of the CSS selector sel in ctx.
func (e *consoleEnv) text(ctx context.Context, sel string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, consoleWait)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		e.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// errNoCookie reports a cookie the browser does not hold.
var errNoCookie = errors.New("no such cookie")

// cookie returns the browser's cookie name for the console.
func (e *consoleEnv) cookie(ctx context.Context, name string) (*network.Cookie, error) {
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{e.base}})
	if err != nil {
		return nil, err
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: %s", errNoCookie, name)
}
