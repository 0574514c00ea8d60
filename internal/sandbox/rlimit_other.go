//go:build !linux

package sandbox

// limitAddressSpace does nothing outside Linux: the child's heap is still
// capped by debug.SetMemoryLimit and its run by the deadline.
func limitAddressSpace(int64) error { return nil }
