package api

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ShareLimits bound what one tenant, or one client address, may take of the
// server at once (issue 17, fair share): the request rate alone let one
// tenant uploading large documents from 64 clients take a second tenant's
// read p99 from milliseconds to seconds.
type ShareLimits struct {
	// UploadsPerTenant bounds one tenant's uploads in progress (reading,
	// extracting, storing); one more is a 429. Default 2.
	UploadsPerTenant int
	// Uploads bounds the uploads in progress of all tenants together.
	// Default 8.
	Uploads int
	// UploadBytesPerSecond bounds the bytes one tenant uploads, averaged
	// over UploadBytesBurst (the cost-aware limit: a 10 MB upload costs
	// what 10,000 1 KB ones do). Default 4 MiB/s, with a burst of 32 MiB.
	UploadBytesPerSecond float64
	UploadBytesBurst     int
	// FailedAuthPerSecond bounds, per client address, requests without a
	// valid token (missing, invalid, of a deleted tenant). An address over
	// it is answered 429 before its token is even checked. Default 5/s,
	// with a burst of 20.
	FailedAuthPerSecond float64
	FailedAuthBurst     int
}

func (l *ShareLimits) defaults() {
	if l.UploadsPerTenant <= 0 {
		l.UploadsPerTenant = 2
	}
	if l.Uploads <= 0 {
		l.Uploads = 8
	}
	if l.UploadBytesPerSecond <= 0 {
		l.UploadBytesPerSecond = 4 << 20
	}
	if l.UploadBytesBurst <= 0 {
		l.UploadBytesBurst = 32 << 20
	}
	if l.FailedAuthPerSecond <= 0 {
		l.FailedAuthPerSecond = 5
	}
	if l.FailedAuthBurst <= 0 {
		l.FailedAuthBurst = 20
	}
}

// fairShare holds the per-tenant upload slots and byte buckets and the
// per-address failed-authentication buckets. Its maps are guarded by mu;
// the buckets themselves are safe for concurrent use.
type fairShare struct {
	lim ShareLimits

	mu      sync.Mutex
	uploads map[string]int // uploads in progress by tenant
	total   int            // uploads in progress in all
	bytes   *buckets
	badAuth *buckets
}

func newFairShare(l ShareLimits) *fairShare {
	// A bucket must hold the largest upload, or that upload never passes.
	return &fairShare{lim: l, uploads: map[string]int{},
		bytes:   newBuckets(rate.Limit(l.UploadBytesPerSecond), l.UploadBytesBurst),
		badAuth: newBuckets(rate.Limit(l.FailedAuthPerSecond), l.FailedAuthBurst)}
}

// acquireUpload takes one of the tenant's upload slots; ok is false when the
// tenant, or the server, has as many uploads in progress as allowed.
func (f *fairShare) acquireUpload(tenant string) (release func(), ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.uploads[tenant] >= f.lim.UploadsPerTenant || f.total >= f.lim.Uploads {
		return nil, false
	}
	f.uploads[tenant]++
	f.total++
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.uploads[tenant]--; f.uploads[tenant] == 0 {
				delete(f.uploads, tenant)
			}
			f.total--
		})
	}, true
}

// buckets keeps one token bucket per key, forgetting all of them past
// maxBuckets keys (they refill within seconds, so forgetting costs little).
type buckets struct {
	r     rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// maxBuckets bounds the keys a buckets remembers (memory under a spray of
// client addresses).
const maxBuckets = 100000

func newBuckets(r rate.Limit, burst int) *buckets {
	return &buckets{r: r, burst: burst, m: map[string]*rate.Limiter{}}
}

func (b *buckets) get(key string) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	lim, ok := b.m[key]
	if !ok {
		if len(b.m) >= maxBuckets {
			b.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(b.r, b.burst)
		b.m[key] = lim
	}
	return lim
}

// take takes n tokens of key's bucket if it holds them; otherwise it takes
// none and says how long until it would.
func (b *buckets) take(key string, n int) (ok bool, wait time.Duration) {
	lim := b.get(key)
	now := time.Now()
	if n > b.burst {
		n = b.burst // the largest request still passes, at the full bucket's cost
	}
	if lim.AllowN(now, n) {
		return true, 0
	}
	missing := float64(n) - lim.TokensAt(now)
	return false, time.Duration(missing / float64(b.r) * float64(time.Second))
}

// blocked reports whether key's bucket is empty, and for how long.
func (b *buckets) blocked(key string) (bool, time.Duration) {
	lim := b.get(key)
	if t := lim.TokensAt(time.Now()); t < 1 {
		return true, time.Duration((1 - t) / float64(b.r) * float64(time.Second))
	}
	return false, 0
}

// clientAddr is the address a request comes from (the connection's; a
// proxy in front must enforce its own per-client limits).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// retryAfter formats a wait as whole seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// tooMany answers 429 with Retry-After.
func tooMany(w http.ResponseWriter, wait time.Duration, detail string) {
	w.Header().Set("Retry-After", retryAfter(wait))
	writeProblem(w, problem(http.StatusTooManyRequests, "", detail))
}

// isUpload reports whether r uploads a document.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/v1/documents"
}

// admitUpload applies the upload limits to an upload of tenant: a slot, and
// its bytes (Content-Length; an unknown length costs the largest document).
// It answers 429 itself and returns ok false when a limit refuses.
func (s *Server) admitUpload(w http.ResponseWriter, r *http.Request, tenant string) (release func(), ok bool) {
	release, ok = s.share.acquireUpload(tenant)
	if !ok {
		tooMany(w, time.Second, fmt.Sprintf("this tenant already has %d uploads in progress (or the server its %d); retry when one is done",
			s.share.lim.UploadsPerTenant, s.share.lim.Uploads))
		return nil, false
	}
	n := r.ContentLength
	if n < 0 {
		n = s.cfg.Limits.Extract.MaxBytes
	}
	if ok, wait := s.share.bytes.take(tenant, int(min(n, math.MaxInt32))); !ok {
		release()
		tooMany(w, wait, fmt.Sprintf("this tenant uploads more than %.0f bytes per second; slow down", s.share.lim.UploadBytesPerSecond))
		return nil, false
	}
	return release, true
}

// setRateLimitHeaders describes the tenant's request quota, as the IETF
// draft "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-
// headers) has it: the policy (q requests per w seconds) and what remains
// (r) and when the bucket is full again (t seconds).
func setRateLimitHeaders(h http.Header, lim *rate.Limiter) {
	if lim == nil {
		return
	}
	burst, per := lim.Burst(), float64(lim.Limit())
	window := max(1, int(math.Ceil(float64(burst)/per)))
	tokens := lim.Tokens()
	remaining := max(0, int(math.Floor(tokens)))
	reset := max(0, int(math.Ceil((float64(burst)-tokens)/per)))
	h.Set("RateLimit-Policy", fmt.Sprintf(`"tenant";q=%d;w=%d`, burst, window))
	h.Set("RateLimit", fmt.Sprintf(`"tenant";r=%d;t=%d`, remaining, reset))
}
