package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cadrehq/cadre/events"
)

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
	scored   map[string]int                // assessment.scored events per assessment id
	plans    map[string]events.PlanUpdated // the latest plan.updated per employee
}

func (w *demoWatch) apply(ev demoEvent) {
	switch ev.typ {
	case events.TypeLibraryRebuilt:
		w.rebuilds++
	case events.TypeAssessmentScored:
		var p events.AssessmentScored
		if json.Unmarshal(ev.data, &p) == nil {
			w.scored[p.AssessmentID]++
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
