package api

import "github.com/cadrehq/cadre/tenants"

// EncodeStreamID and DecodeStreamID let the tests read and make the event
// stream's opaque ids, for a server whose Stream.IDSecret is secret.
func EncodeStreamID(secret []byte, tenant tenants.ID, seq uint64) string {
	return newStreamIDs(secret).encode(tenant, seq)
}

// DecodeStreamID: see EncodeStreamID.
func DecodeStreamID(secret []byte, tenant tenants.ID, id string) (uint64, bool) {
	return newStreamIDs(secret).decode(tenant, id)
}
