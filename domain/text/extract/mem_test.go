package extract_test

import "runtime"

// runtimeMem snapshots the process's cumulative allocation, to check that a
// hostile input is refused without allocating its decompressed size.
type runtimeMem struct{ totalAlloc uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.totalAlloc = s.TotalAlloc
}
