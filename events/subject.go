package events

import "github.com/cadrehq/cadre/domain/tenant"

// StreamSubjects is the subject space of the CADRE stream.
const StreamSubjects = "cadre.>"

// SubjectFor returns the NATS subject an event of type t of the tenant
// travels on: "cadre.{tenant_id}.{aggregate}.{verb}".
func SubjectFor(tid tenant.ID, t Type) string {
	return typePrefix + tid.String() + "." + t.Aggregate() + "." + t.Verb()
}

// TenantFilter returns the subject filter matching every event of the
// tenant: "cadre.{tenant_id}.>".
func TenantFilter(tid tenant.ID) string {
	return typePrefix + tid.String() + ".>"
}

// TypeFilter returns the subject filter matching events of type t of every
// tenant: "cadre.*.{aggregate}.{verb}". Workers consume with it.
func TypeFilter(t Type) string {
	return typePrefix + "*." + t.Aggregate() + "." + t.Verb()
}
