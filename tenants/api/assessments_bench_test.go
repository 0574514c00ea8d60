package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/auth"
	"github.com/cadrehq/cadre/tenants/store/storetest"
	"github.com/cadrehq/cadre/workers"
)

// scoringRig is Cadre in-process for the scoring benchmarks: a database,
// the embedded NATS server, the relay, every worker and the HTTP API, with
// a subscription that records when each assessment.scored arrives.
type scoringRig struct {
	b      *testing.B
	url    string
	admin  string
	tenant tenants.ID
	mu     sync.Mutex
	scored map[string]chan time.Time
}

func newScoringRig(b *testing.B, db storetest.DB, employees int, ws ...workers.Worker) *scoringRig {
	b.Helper()
	stack := startBenchStack(b, db, ws...)
	r := &scoringRig{b: b, url: stack.url, scored: map[string]chan time.Time{}}
	mint := func(p tenants.Principal) string {
		tok, err := auth.Mint(testSecret, p, "cadre", "cadre-api", time.Hour, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		return tok
	}
	r.tenant = benchTenant(b, stack.url, mint(tenants.Principal{Subject: "ops", Roles: []tenants.Role{tenants.RolePlatformAdmin}}))
	r.admin = mint(tenants.Principal{Subject: "admin", Tenant: r.tenant, Roles: []tenants.Role{tenants.RoleAdmin}})
	sub, err := stack.nc.Subscribe("cadre."+r.tenant.String()+".assessment.scored", func(m *nats.Msg) {
		now := time.Now()
		ev, err := events.Parse(m.Data)
		if err != nil {
			return
		}
		r.waiter(ev.Resource) <- now
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sub.Unsubscribe() })
	var csv strings.Builder
	csv.WriteString("subject,name,role,tier\n")
	for i := range employees {
		fmt.Fprintf(&csv, "e%d,Employee %d,devops-engineer,mid\n", i, i)
	}
	r.call("POST", "/v1/employees/import", r.admin, "text/csv", []byte(csv.String()), 200)
	return r
}

// waiter returns the channel on which the scoring of assessment id is
// reported.
func (r *scoringRig) waiter(id string) chan time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch, ok := r.scored[id]
	if !ok {
		ch = make(chan time.Time, 1)
		r.scored[id] = ch
	}
	return ch
}

func (r *scoringRig) call(method, path, token, ct string, body []byte, want int) map[string]any {
	req, _ := http.NewRequest(method, r.url+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.b.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		r.b.Fatalf("%s %s: got %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// answered starts and fully answers an assessment of employee i; it returns
// the assessment id and the taker's token.
func (r *scoringRig) answered(i int) (string, string) {
	tok, err := auth.Mint(testSecret, tenants.Principal{Subject: fmt.Sprintf("e%d", i), Tenant: r.tenant, Roles: []tenants.Role{tenants.RoleEmployee}},
		"cadre", "cadre-api", time.Hour, time.Now())
	if err != nil {
		r.b.Fatal(err)
	}
	a := r.call("POST", "/v1/assessments", tok, "application/json", []byte("{}"), 201)
	var rs []map[string]any
	for _, x := range a["items"].([]any) {
		it := x.(map[string]any)
		resp := map[string]any{"item_id": it["id"]}
		switch it["kind"] {
		case "self_rating":
			resp["rating"] = 3
		case "scenario":
			resp["option_id"] = it["options"].([]any)[1].(map[string]any)["id"]
		default:
			resp["text"] = openTextAnswer
		}
		rs = append(rs, resp)
	}
	body, _ := json.Marshal(map[string]any{"responses": rs})
	id := a["id"].(string)
	r.call("PUT", "/v1/assessments/"+id+"/responses", tok, "application/json", body, 200)
	r.waiter(id)
	return id, tok
}

// wait returns when assessment id was scored.
func (r *scoringRig) wait(id string) time.Time {
	select {
	case t := <-r.waiter(id):
		return t
	case <-time.After(30 * time.Second):
		r.b.Fatalf("assessment %s: no assessment.scored within 30s", id)
	}
	return time.Time{}
}

func benchDBs(b *testing.B, fn func(b *testing.B, db storetest.DB)) {
	b.Run("embedded", func(b *testing.B) { fn(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.Postgres(b)) })
}

// BenchmarkSubmitToScored measures one submission at a time: the time from
// sending POST /v1/assessments/{id}/submit to receiving assessment.scored
// on NATS (relay, JetStream, scoring worker, relay again).
func BenchmarkSubmitToScored(b *testing.B) {
	benchDBs(b, func(b *testing.B, db storetest.DB) {
		r := newScoringRig(b, db, 64)
		var lats []time.Duration
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			id, tok := r.answered(i % 64)
			b.StartTimer()
			start := time.Now()
			r.call("POST", "/v1/assessments/"+id+"/submit", tok, "", nil, 202)
			lats = append(lats, r.wait(id).Sub(start))
		}
		slices.Sort(lats)
		b.ReportMetric(float64(percentile(lats, 0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(lats, 0.99).Microseconds())/1000, "p99-ms")
	})
}

// BenchmarkScoredThroughput submits batches of answered assessments from 8
// concurrent clients and waits until every one is scored: scored
// assessments per second under load, end to end, with every worker running
// (all: the plan builder and the analytics projector also react to
// assessment.scored) and with the scoring worker alone (scoring).
func BenchmarkScoredThroughput(b *testing.B) {
	for _, set := range []string{"all", "scoring"} {
		b.Run(set, func(b *testing.B) { benchScoredThroughput(b, set) })
	}
}

func benchScoredThroughput(b *testing.B, set string) {
	const batch, clients = 64, 8
	var ws []workers.Worker
	if set == "scoring" {
		ws = []workers.Worker{workers.Scoring(nil)}
	}
	benchDBs(b, func(b *testing.B, db storetest.DB) {
		r := newScoringRig(b, db, batch, ws...)
		var total int
		var elapsed time.Duration
		b.ResetTimer()
		for b.Loop() {
			b.StopTimer()
			ids, toks := make([]string, batch), make([]string, batch)
			for i := range batch {
				ids[i], toks[i] = r.answered(i)
			}
			b.StartTimer()
			start := time.Now()
			work := make(chan int, batch)
			for i := range batch {
				work <- i
			}
			close(work)
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					for i := range work {
						r.call("POST", "/v1/assessments/"+ids[i]+"/submit", toks[i], "", nil, 202)
					}
				})
			}
			wg.Wait()
			for _, id := range ids {
				r.wait(id)
			}
			elapsed += time.Since(start)
			total += batch
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "scored/s")
	})
}
