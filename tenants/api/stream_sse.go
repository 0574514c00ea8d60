package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cadrehq/cadre/events"
)

// sseWriter writes Server-Sent Events frames to one client: every frame is
// written and flushed under a write deadline, so that a client that stops
// reading makes the write fail instead of blocking the stream for ever.
type sseWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	flush   func() error
	timeout time.Duration
	buf     []byte
}

func newSSEWriter(w http.ResponseWriter, timeout time.Duration) *sseWriter {
	rc := http.NewResponseController(w)
	return &sseWriter{w: w, rc: rc, flush: flushErrorOf(w, rc), timeout: timeout}
}

// flushErrorOf returns the FlushError of the innermost writer that has one:
// a wrapper whose Flush returns no error would hide the write deadline's.
func flushErrorOf(w http.ResponseWriter, rc *http.ResponseController) func() error {
	for {
		switch t := w.(type) {
		case interface{ FlushError() error }:
			return t.FlushError
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return rc.Flush
		}
	}
}

// event writes one event: `id:` its event id (see streamIDs), `event:` its type and
// `data:` the structured CloudEvent on one line (JSON encoding leaves no raw
// newline in it).
func (s *sseWriter) event(id string, e events.Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", e.ID, err)
	}
	b := s.buf[:0]
	b = append(b, "id: "...)
	b = append(b, id...)
	b = append(b, "\nevent: "...)
	b = append(b, e.Type...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	b = append(b, "\n\n"...)
	s.buf = b
	return s.send(b)
}

// comment writes an SSE comment line (clients ignore it).
func (s *sseWriter) comment(text string) error {
	return s.send([]byte(": " + text + "\n\n"))
}

// retry writes the reconnection delay hint.
func (s *sseWriter) retry(d time.Duration) error {
	return s.send([]byte("retry: " + strconv.FormatInt(d.Milliseconds(), 10) + "\n\n"))
}

func (s *sseWriter) send(b []byte) error {
	if err := s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	return s.flush()
}

// clearWriteDeadline lifts the deadline of the last frame, so that it does
// not linger on a connection that net/http reuses (the server has no
// WriteTimeout that would reset it).
func (s *sseWriter) clearWriteDeadline() { _ = s.rc.SetWriteDeadline(time.Time{}) }
