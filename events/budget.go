package events

import "sync"

// maxTracked bounds the messages a poisonBudget remembers: one a consumer
// naked and another replica then settled is never forgotten otherwise.
const maxTracked = 1 << 16

// poisonBudget counts, per stream sequence, the deliveries that failed with
// an error about the event, for the messages of one Consume that are not
// settled yet. It is safe for concurrent use.
type poisonBudget struct {
	mu     sync.Mutex
	failed map[uint64]int
}

func newPoisonBudget() *poisonBudget { return &poisonBudget{failed: map[uint64]int{}} }

// spent returns the failures counted for seq.
func (p *poisonBudget) spent(seq uint64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed[seq]
}

// spend counts one failure of seq.
func (p *poisonBudget) spend(seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.failed[seq]; !ok && len(p.failed) >= maxTracked {
		for s := range p.failed { // forget an arbitrary half
			if len(p.failed) < maxTracked/2 {
				break
			}
			delete(p.failed, s)
		}
	}
	p.failed[seq]++
}

// forget drops seq once its message is settled for good.
func (p *poisonBudget) forget(seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.failed, seq)
}
