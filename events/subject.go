package events

import (
	"hash/fnv"
	"strconv"

	"github.com/cadrehq/cadre/domain/tenant"
)

// StreamSubjects is the subject space of the CADRE stream.
const StreamSubjects = "cadre.>"

// publishSubjects are the subjects events are published on,
// cadre.{tenant}.{aggregate}.{verb}, which the stream's subject transform
// stores as cadre.{tenant}.{aggregate}.{verb}.{partition}.
const publishSubjects = "cadre.*.*.*"

// partitionedSubjects is the destination of the stream's subject transform:
// the published subject with the partition of its tenant token (the first
// wildcard) appended, by NATS's deterministic partition function
// (PartitionOf).
func partitionedSubjects(partitions int) string {
	return "cadre.{{wildcard(1)}}.{{wildcard(2)}}.{{wildcard(3)}}.{{partition(" + strconv.Itoa(partitions) + ",1)}}"
}

// PartitionOf returns the partition of the tenant's events on a stream of n
// partitions, as the stream's subject transform computes it: the FNV-1a
// hash of the tenant id, modulo n.
func PartitionOf(tid tenant.ID, n int) int {
	if n < 1 {
		return 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(tid.String()))
	return int(h.Sum32() % uint32(n))
}

// SubjectFor returns the NATS subject an event of type t of the tenant is
// published on: "cadre.{tenant_id}.{aggregate}.{verb}". The stream stores it
// with the tenant's partition appended.
func SubjectFor(tid tenant.ID, t Type) string {
	return typePrefix + tid.String() + "." + t.Aggregate() + "." + t.Verb()
}

// TenantFilter returns the subject filter matching every event of the
// tenant: "cadre.{tenant_id}.>".
func TenantFilter(tid tenant.ID) string {
	return typePrefix + tid.String() + ".>"
}

// TypeFilter returns the subject filter matching stored events of type t of
// every tenant, in every partition: "cadre.*.{aggregate}.{verb}.*".
func TypeFilter(t Type) string {
	return typePrefix + "*." + t.Aggregate() + "." + t.Verb() + ".*"
}

// PartitionFilter returns the subject filter matching stored events of type
// t of the tenants of partition p: "cadre.*.{aggregate}.{verb}.{p}".
func PartitionFilter(t Type, p int) string {
	return typePrefix + "*." + t.Aggregate() + "." + t.Verb() + "." + strconv.Itoa(p)
}
