package events

import _ "embed"

// Schema is events/schema/events.json: one JSON Schema per event type under
// "$defs", keyed by type, describing the event's data. It is served to
// clients (e.g. beside the OpenAPI document) and checked against the payload
// types by this package's tests.
//
//go:embed schema/events.json
var Schema []byte
