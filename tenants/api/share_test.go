package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cadrehq/cadre/internal/testwait"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/api"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
)

// TestQuotas (issue 17 §3): the platform admin sets a tenant's quotas; a
// change past one is a 409 quota-exceeded problem naming the quota, its
// limit and the use, and stores nothing; another tenant is not limited by
// them.
func TestQuotas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, adminA := e.createTenant("acme")
		_, adminB := e.createTenant("globex")
		quotas := fmt.Sprintf("/v1/tenants/%s/quotas", a)

		r := e.do("GET", quotas, e.platform(), nil)
		expect(t, r, 200, "default quotas")
		if m := r.json(t); m["documents"] != float64(1000) || m["analytics_min_cell"] != float64(5) || len(m["overridden"].([]any)) != 0 {
			t.Errorf("default quotas: %v", m)
		}
		expect(t, e.do("GET", quotas, adminA, nil), 403, "a tenant admin reads quotas")
		expect(t, e.do("PUT", quotas, e.platform(), map[string]any{"documents": -1}), 422, "negative quota")
		expect(t, e.do("PUT", quotas, e.platform(), map[string]any{"documents": 1, "bogus": 1}), 400, "unknown field")
		expect(t, e.do("PUT", "/v1/tenants/0190a0a0-0000-7000-8000-000000000000/quotas", e.platform(), map[string]any{"documents": 1}), 404, "unknown tenant")
		r = e.do("PUT", quotas, e.platform(), map[string]any{"documents": 2, "document_bytes": 100, "employees": 1})
		expect(t, r, 200, "set quotas")
		if m := r.json(t); m["documents"] != float64(2) || m["employees"] != float64(1) || len(m["overridden"].([]any)) != 3 {
			t.Errorf("set quotas: %v", m)
		}

		expect(t, e.upload(adminA, "one", strings.Repeat("a", 40)), 202, "first upload")
		r = e.upload(adminA, "two", strings.Repeat("b", 70))
		expectQuota(t, r, "document_bytes", 100, 40)
		expect(t, e.upload(adminA, "two", strings.Repeat("b", 50)), 202, "second upload")
		r = e.upload(adminA, "three", "c")
		expectQuota(t, r, "documents", 2, 2)
		if docs, _, _ := e.counts(a); docs != 2 {
			t.Errorf("documents after the refusals: %d, want 2", docs)
		}
		expect(t, e.upload(adminB, "three", strings.Repeat("c", 500)), 202, "the other tenant uploads")

		e.libAddEmployee(adminA, "first", "devops-engineer")
		r = e.do("POST", "/v1/employees", adminA, map[string]any{"subject": "second", "name": "second", "role": "devops-engineer", "tier": "mid"})
		expectQuota(t, r, "employees", 1, 1)
		expectQuota(t, e.importCSV(adminA, companyCSV(3)), "employees", 1, 1)

		// Back to the defaults: the uploads pass again.
		expect(t, e.do("PUT", quotas, e.platform(), map[string]any{}), 200, "clear quotas")
		expect(t, e.upload(adminA, "three", "c"), 202, "upload under the default quota")
	})
}

func expectQuota(t *testing.T, r resp, quota string, limit, used int) {
	t.Helper()
	expect(t, r, 409, quota+" quota")
	m := r.json(t)
	if !strings.HasSuffix(m["type"].(string), "/quota-exceeded") || m["quota"] != quota || m["limit"] != float64(limit) || m["used"] != float64(used) {
		t.Errorf("%s quota: got %v; want type quota-exceeded, quota %s, limit %d, used %d", quota, m, quota, limit, used)
	}
}

// shareServer is an API over e's store with limits of its own.
func shareServer(t *testing.T, e *env, lim api.Limits) *httptest.Server {
	return shareServerWith(t, e, lim, nil)
}

// shareServerWith is shareServer with a hook that sees each request first.
func shareServerWith(t *testing.T, e *env, lim api.Limits, hook func(r *http.Request)) *httptest.Server {
	t.Helper()
	verifier, err := auth.New(t.Context(), auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Config{Store: e.db.Store, Verifier: verifier, Limits: lim, Logger: streamLogger()}).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hook != nil {
			hook(r)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// firstReadSignal sends on signal when its body is first read.
type firstReadSignal struct {
	io.ReadCloser
	once   sync.Once
	signal chan<- struct{}
}

func (f *firstReadSignal) Read(p []byte) (int, error) {
	f.once.Do(func() { f.signal <- struct{}{} })
	return f.ReadCloser.Read(p)
}

func send(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func get(t *testing.T, url, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, req)
}

// TestRateLimitHeadersAndPerAddressLimit: every limited answer carries the
// RateLimit and RateLimit-Policy fields; a 429 carries Retry-After; an
// address sending requests without a valid token is refused with 429 after
// the burst, before its tokens are checked.
func TestRateLimitHeadersAndPerAddressLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		tenant, _ := e.createTenant("acme")
		lim := e.limit
		lim.RatePerSecond, lim.Burst = 0.5, 3
		lim.Share = api.ShareLimits{FailedAuthPerSecond: 0.5, FailedAuthBurst: 4}
		srv := shareServer(t, e, lim)
		admin := e.token(tenant, "admin", tenants.RoleAdmin)

		var last *http.Response
		for i := range 4 {
			last = get(t, srv.URL+"/v1/values", admin)
			if i < 3 {
				if last.StatusCode != 200 || last.Header.Get("RateLimit-Policy") != `"tenant";q=3;w=6` ||
					last.Header.Get("RateLimit") != fmt.Sprintf(`"tenant";r=%d;t=%d`, 2-i, 2*(i+1)) && !strings.HasPrefix(last.Header.Get("RateLimit"), `"tenant";r=`) {
					t.Errorf("request %d: %d, RateLimit-Policy %q, RateLimit %q", i, last.StatusCode, last.Header.Get("RateLimit-Policy"), last.Header.Get("RateLimit"))
				}
			}
		}
		if last.StatusCode != 429 || last.Header.Get("RateLimit") == "" {
			t.Fatalf("fourth request: %d with RateLimit %q, want 429 with the fields", last.StatusCode, last.Header.Get("RateLimit"))
		}
		if s, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
			t.Errorf("429 Retry-After %q, want 1 or 2 seconds", last.Header.Get("Retry-After"))
		}

		codes := []int{}
		for range 6 {
			codes = append(codes, get(t, srv.URL+"/v1/values", "not-a-token").StatusCode)
		}
		if fmt.Sprint(codes) != "[401 401 401 401 429 429]" {
			t.Errorf("requests with a bad token: %v, want four 401 then 429", codes)
		}
		res := get(t, srv.URL+"/v1/values", "")
		if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
			t.Errorf("no token from the same address: %d, Retry-After %q; want 429 with it", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if res := get(t, srv.URL+"/healthz", ""); res.StatusCode != 200 {
			t.Errorf("/healthz from a blocked address: %d, want 200 (public)", res.StatusCode)
		}
	})
}

// TestUploadShare: a tenant has at most UploadsPerTenant uploads in
// progress; the next is a 429 while another tenant still uploads; the bytes
// a tenant uploads are limited per second.
func TestUploadShare(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db storetest.DB) {
		e := newEnv(t, db)
		a, _ := e.createTenant("acme")
		b, _ := e.createTenant("globex")
		lim := e.limit
		lim.Share = api.ShareLimits{UploadsPerTenant: 2, Uploads: 3, UploadBytesPerSecond: 1000, UploadBytesBurst: 20000}
		// The server reads an upload's body only after it has taken the
		// upload's slot: a first read of a held body means its slot is held.
		reading := make(chan struct{}, 2)
		srv := shareServerWith(t, e, lim, func(r *http.Request) {
			if r.Header.Get("X-Held") != "" {
				r.Body = &firstReadSignal{ReadCloser: r.Body, signal: reading}
			}
		})
		adminA, adminB := e.token(a, "admin", tenants.RoleAdmin), e.token(b, "admin", tenants.RoleAdmin)
		upload := func(token string, body io.Reader, n int64) *http.Request {
			req, _ := http.NewRequest("POST", srv.URL+"/v1/documents", body)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			req.ContentLength = n
			return req
		}
		doc := func(i int) string {
			return fmt.Sprintf(`{"title":"doc %d","content":"text number %d","content_type":"text/plain"}`, i, i)
		}

		// Two uploads of a whose bodies have not arrived hold a's slots.
		var writers []*io.PipeWriter
		t.Cleanup(func() {
			for _, pw := range writers {
				pw.CloseWithError(io.ErrUnexpectedEOF) // no request outlives the test
			}
		})
		done := make(chan int, 2)
		for i := range 2 {
			pr, pw := io.Pipe()
			writers = append(writers, pw)
			body := doc(i)
			go func() {
				req := upload(adminA, pr, int64(len(body)))
				req.Header.Set("X-Held", "1")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					done <- 0
					return
				}
				res.Body.Close()
				done <- res.StatusCode
			}()
		}
		for range 2 {
			select {
			case <-reading:
			case code := <-done:
				t.Fatalf("a held upload answered %d before its body was sent", code)
			case <-time.After(time.Minute):
				t.Fatal("the held uploads never reached the server")
			}
		}
		testwait.Until(t, 10*time.Second, "a's third upload refused", func() (bool, error) {
			res := send(t, upload(adminA, strings.NewReader(doc(9)), int64(len(doc(9)))))
			if res.StatusCode == 202 {
				t.Fatalf("a third concurrent upload of a was accepted")
			}
			return res.StatusCode == 429 && res.Header.Get("Retry-After") != "", fmt.Errorf("status %d", res.StatusCode)
		})
		if res := send(t, upload(adminB, strings.NewReader(doc(5)), int64(len(doc(5))))); res.StatusCode != 202 {
			t.Errorf("b's upload while a holds its slots: %d, want 202", res.StatusCode)
		}
		for i, pw := range writers {
			io.WriteString(pw, doc(i))
			pw.Close()
		}
		for range 2 {
			if code := <-done; code != 202 {
				t.Errorf("a's held upload: %d, want 202", code)
			}
		}
		// The slots are free again; the bytes are not: 1,000 bytes a second.
		big := fmt.Sprintf(`{"title":"big","content":"%s","content_type":"text/plain"}`, strings.Repeat("x ", 6000))
		if res := send(t, upload(adminA, strings.NewReader(big), int64(len(big)))); res.StatusCode != 202 {
			t.Fatalf("a's large upload: %d, want 202", res.StatusCode)
		}
		big2 := strings.Replace(big, `"big"`, `"big two"`, 1)
		res := send(t, upload(adminA, strings.NewReader(big2), int64(len(big2))))
		if s, _ := strconv.Atoi(res.Header.Get("Retry-After")); res.StatusCode != 429 || s < 2 {
			t.Errorf("a's second large upload at once: %d, Retry-After %q; want 429 and a few seconds", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if res := send(t, upload(adminB, strings.NewReader(big2), int64(len(big2)))); res.StatusCode != 202 {
			t.Errorf("b's large upload: %d, want 202 (a's bytes are a's)", res.StatusCode)
		}
	})
}
