package events_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/cadrehq/cadre/events"
)

// schemaNode is the part of JSON Schema that events.json uses.
type schemaNode struct {
	Type                 string                 `json:"type"`
	Required             []string               `json:"required"`
	Properties           map[string]*schemaNode `json:"properties"`
	AdditionalProperties *bool                  `json:"additionalProperties"`
	Items                *schemaNode            `json:"items"`
	Enum                 []any                  `json:"enum"`
}

// samplePayloads holds one payload per type with every field set, so that
// every schema property must appear in its JSON.
var samplePayloads = []events.Payload{
	events.TenantCreated{Name: "Acme Bank", Slug: "acme-bank", Industry: "finance"},
	events.TenantDeleted{Slug: "acme-bank"},
	events.DocumentUploaded{DocumentID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7b", Title: "Handbook", ContentType: "text/markdown", SizeBytes: 2048, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ContextRevision: 3},
	events.DocumentDeleted{DocumentID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7b", ContextRevision: 4},
	events.ValuesUpdated{Values: []string{"Customer obsession", "Ownership"}, ContextRevision: 5},
	events.LibraryChanged{Slug: "incident-management", Change: "approved", ContextRevision: 6},
	events.LibraryRebuilt{Version: 2, Digest: "sha256:0f", ContextRevision: 6, Added: 3, Removed: 1, Changed: 2},
	events.EmployeeCreated{EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", Role: "devops-engineer", Tier: "mid", Team: "platform", ManagerID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7d", ContextRevision: 7},
	events.EmployeeUpdated{EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", Role: "devops-engineer", Tier: "senior", Team: "platform", ManagerID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7d", Changed: []string{"tier"}, ContextRevision: 8},
	events.EmployeeDeleted{EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", ContextRevision: 9},
	events.AssessmentSubmitted{AssessmentID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e80", EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", LibraryVersion: 2, Tier: "mid"},
	events.AssessmentScored{AssessmentID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e80", EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", LibraryVersion: 2, Tier: "mid", Results: []events.CompetencyResult{
		{CompetencySlug: "problem-solving", Score: 3.4, Level: 3, RequiredLevel: 3, Gap: 0, Confidence: 0.8},
	}},
	events.AssessmentReviewed{AssessmentID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e80", EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", Reviewer: "manager@example.com", Ratings: []events.ReviewRating{
		{CompetencySlug: "problem-solving", Level: 4},
	}},
	events.PlanUpdated{EmployeeID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e7c", Version: 4, TargetTier: "senior", LibraryVersion: 2, AssessmentID: "0198f3a2-1c4e-7c3a-9b1e-2f6d8a4c5e80", Items: 5, Open: 3},
}

func TestSchemaDescribesEveryPayload(t *testing.T) {
	t.Parallel()
	var doc struct {
		Defs map[string]*schemaNode `json:"$defs"`
	}
	if err := json.Unmarshal(events.Schema, &doc); err != nil {
		t.Fatalf("schema/events.json: %v", err)
	}
	if got, want := len(doc.Defs), len(events.Types()); got != want {
		t.Errorf("schema has %d types, want %d", got, want)
	}
	var covered []events.Type
	for _, p := range samplePayloads {
		typ := p.EventType()
		covered = append(covered, typ)
		def, ok := doc.Defs[string(typ)]
		if !ok {
			t.Errorf("schema has no $defs[%q]", typ)
			continue
		}
		var v any
		if err := json.Unmarshal(mustJSON(t, p), &v); err != nil {
			t.Fatal(err)
		}
		for _, err := range check(def, v, string(typ), true) {
			t.Error(err)
		}
		// The minimal payload (zero optional fields) must still hold the
		// required keys.
		zero, _ := events.NewPayload(typ)
		var z any
		if err := json.Unmarshal(mustJSON(t, zero), &z); err != nil {
			t.Fatal(err)
		}
		for _, err := range check(def, z, string(typ)+" (zero)", false) {
			t.Error(err)
		}
	}
	for _, typ := range events.Types() {
		if !slices.Contains(covered, typ) {
			t.Errorf("no sample payload for %s", typ)
		}
	}
}

// check validates v against n: JSON types, required keys, no keys outside
// the properties and, when full, every property present.
func check(n *schemaNode, v any, path string, full bool) []error {
	var errs []error
	switch n.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []error{fmt.Errorf("%s: got %T, want object", path, v)}
		}
		for _, k := range n.Required {
			if _, ok := obj[k]; !ok {
				errs = append(errs, fmt.Errorf("%s: required key %q missing", path, k))
			}
		}
		for k, child := range obj {
			p, ok := n.Properties[k]
			if !ok {
				if n.AdditionalProperties != nil && !*n.AdditionalProperties {
					errs = append(errs, fmt.Errorf("%s: key %q not in schema", path, k))
				}
				continue
			}
			errs = append(errs, check(p, child, path+"."+k, full)...)
		}
		if full {
			for k := range n.Properties {
				if _, ok := obj[k]; !ok {
					errs = append(errs, fmt.Errorf("%s: schema property %q not produced by the payload", path, k))
				}
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			if v == nil && !full {
				return nil // a nil slice of a zero payload
			}
			return []error{fmt.Errorf("%s: got %T, want array", path, v)}
		}
		for i, item := range arr {
			errs = append(errs, check(n.Items, item, fmt.Sprintf("%s[%d]", path, i), full)...)
		}
	case "string":
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Errorf("%s: got %T, want string", path, v))
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			errs = append(errs, fmt.Errorf("%s: got %v, want integer", path, v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			errs = append(errs, fmt.Errorf("%s: got %T, want number", path, v))
		}
	default:
		errs = append(errs, fmt.Errorf("%s: schema type %q not handled", path, n.Type))
	}
	if len(n.Enum) > 0 && full && !slices.Contains(n.Enum, v) {
		errs = append(errs, fmt.Errorf("%s: got %v, want one of %v", path, v, n.Enum))
	}
	return errs
}
