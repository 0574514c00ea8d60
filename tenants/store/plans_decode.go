package store

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
)

// decodeBatch is how many plan rows a planDecoder hands to a goroutine at a
// time.
const decodeBatch = 64

// planDecoder decodes plan rows while they are still being read: rows are
// handed, decodeBatch at a time, to an errgroup of up to GOMAXPROCS
// goroutines, started with the second batch, so that a tenant-wide read
// (tens of MB of JSON) decodes on the other cores while the database sends
// the rest, and a read of a few plans decodes them on the caller's
// goroutine. add blocks while GOMAXPROCS batches are being decoded, which
// bounds the rows held in memory.
type planDecoder[T any] struct {
	decodeRow func(planRow) (T, error)
	pending   []planRow
	group     errgroup.Group
	started   bool
	mu        sync.Mutex // guards out and err, written by the goroutines
	out       map[uuid.UUID]T
	err       error
}

func newPlanDecoder[T any](decode func(planRow) (T, error)) *planDecoder[T] {
	d := &planDecoder[T]{decodeRow: decode, out: map[uuid.UUID]T{}}
	d.group.SetLimit(runtime.GOMAXPROCS(0))
	return d
}

// add queues r for decoding.
func (d *planDecoder[T]) add(r planRow) {
	d.pending = append(d.pending, r)
	if len(d.pending) < decodeBatch || (!d.started && len(d.pending) < 2*decodeBatch) {
		return
	}
	d.started = true
	batch := d.pending[:decodeBatch:decodeBatch]
	d.pending = append(make([]planRow, 0, 2*decodeBatch), d.pending[decodeBatch:]...)
	d.group.Go(func() error {
		d.decode(batch)
		return nil
	})
}

// decode decodes batch into d.out and keeps the first error.
func (d *planDecoder[T]) decode(batch []planRow) {
	type decoded struct {
		id uuid.UUID
		v  T
	}
	done := make([]decoded, 0, len(batch))
	var err error
	for _, r := range batch {
		var x decoded
		if x.id, err = uuid.Parse(r.EmployeeID); err != nil {
			err = fmt.Errorf("current plans: %w", err)
			break
		}
		if x.v, err = d.decodeRow(r); err != nil {
			break
		}
		done = append(done, x)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil && d.err == nil {
		d.err = err
	}
	for _, x := range done {
		d.out[x.id] = x.v
	}
}

// stop waits for the goroutines; it is safe to call more than once. The
// goroutines keep their errors in d.err (so does the caller's goroutine,
// in wait), so the group has none to report.
func (d *planDecoder[T]) stop() { _ = d.group.Wait() }

// wait decodes what is left and returns the decoded rows by employee id,
// or the first error.
func (d *planDecoder[T]) wait() (map[uuid.UUID]T, error) {
	d.decode(d.pending)
	d.pending = nil
	d.stop()
	if d.err != nil {
		return nil, d.err
	}
	return d.out, nil
}
