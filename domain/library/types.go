// Package library builds a company's private competency library (DESIGN
// §4.1): from the catalog, the company's industry, its documents' text, its
// values, the roles its employees hold and the admin's overrides, a pure and
// deterministic Build selects and tailors the competencies that matter to
// this company, every inference carrying its evidence.
package library

import (
	"github.com/cadrehq/cadre/domain/competency"
)

// Origin says where a competency in a library came from.
type Origin string

// The origins of DESIGN §4.
const (
	OriginCatalog  Origin = "catalog"
	OriginDocument Origin = "document"
	OriginValue    Origin = "value"
	OriginCustom   Origin = "custom"
)

// Status is a competency's standing in the library.
type Status string

// The statuses of DESIGN §4.
const (
	StatusActive   Status = "active"
	StatusProposed Status = "proposed"
	StatusRetired  Status = "retired"
)

// Document is one company document's extracted text.
type Document struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Value is one company value.
type Value struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Override is an admin's curation of one competency, applied after
// everything the evidence says. Empty fields change nothing.
type Override struct {
	Slug string `json:"slug"`
	// Custom: the admin created this competency; Name, Category,
	// Description and Descriptors define it.
	Custom   bool                `json:"custom,omitempty"`
	Name     string              `json:"name,omitempty"`
	Category competency.Category `json:"category,omitempty"`
	// Description and Descriptors replace the built ones when set (a
	// descriptor left empty keeps the built one).
	Description string    `json:"description,omitempty"`
	Descriptors [5]string `json:"descriptors,omitzero"`
	// Status: active approves a proposal (or restores a retired
	// competency); retired retires it; "" leaves the status as built.
	Status Status `json:"status,omitempty"`
	// Pinned keeps the competency in the library whatever the evidence.
	Pinned bool `json:"pinned,omitempty"`
}

// Inputs is everything a library is built from.
type Inputs struct {
	Industry  competency.Industry `json:"industry"`
	Documents []Document          `json:"documents"`
	Values    []Value             `json:"values"`
	// Roles are the role slugs the company's employees hold.
	Roles     []string   `json:"roles"`
	Overrides []Override `json:"overrides"`
}

// Evidence is one reason a competency is in the library: a sentence of a
// document (DocumentID, offsets into its text, the excerpt and the matched
// terms) or a company value (Value).
type Evidence struct {
	DocumentID string   `json:"document_id,omitempty"`
	Excerpt    string   `json:"excerpt,omitempty"`
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Terms      []string `json:"terms,omitempty"`
	Score      float64  `json:"score,omitempty"`
	Value      string   `json:"value,omitempty"`
}

// LevelDescriptor is one of a competency's five levels.
type LevelDescriptor struct {
	Level      int    `json:"level"`
	Label      string `json:"label"`
	Descriptor string `json:"descriptor"`
}

// Competency is one competency of a company's library (DESIGN §7.1).
type Competency struct {
	Slug        string                                   `json:"slug"`
	Name        string                                   `json:"name"`
	Category    competency.Category                      `json:"category"`
	Description string                                   `json:"description"`
	Origin      Origin                                   `json:"origin"`
	Status      Status                                   `json:"status"`
	Pinned      bool                                     `json:"pinned"`
	Relevance   float64                                  `json:"relevance"`
	Levels      []LevelDescriptor                        `json:"levels"`
	Keywords    []string                                 `json:"keywords,omitempty"`
	Aliases     []string                                 `json:"aliases,omitempty"`
	Actions     map[competency.Level][]competency.Action `json:"actions,omitempty"`
	Evidence    []Evidence                               `json:"evidence"`
	// Reasons say why the competency is in the library ("core competency
	// of the DevOps Engineer framework", "relevance 0.91 in 3 documents",
	// "pinned by an admin"), in the order they were found.
	Reasons []string `json:"reasons,omitempty"`
}

// RoleRef names a role.
type RoleRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// FrameworkEntry is one competency of a tailored role framework.
type FrameworkEntry struct {
	Slug        string                  `json:"slug"`
	Name        string                  `json:"name"`
	Category    competency.Category     `json:"category"`
	Description string                  `json:"description"`
	Group       competency.Group        `json:"group"`
	Levels      competency.Levels       `json:"levels"`
	Adjustments []competency.Adjustment `json:"adjustments,omitempty"`
	Evidence    []Evidence              `json:"evidence,omitempty"`
	// Reason says why the entry is in the framework (the catalog's role
	// framework, or a company value every role is expected to live).
	Reason string `json:"reason,omitempty"`
}

// Framework is a role framework tailored to the company.
type Framework struct {
	Role         RoleRef          `json:"role"`
	Industry     string           `json:"industry"`
	Description  string           `json:"description"`
	Competencies []FrameworkEntry `json:"competencies"`
	// Reason says why the library has this role's framework (a role the
	// company's employees hold, or one its documents name).
	Reason string `json:"reason,omitempty"`
}

// Library is the result of Build: no times, no version numbers (the worker
// stores those around it), so equal inputs give byte-identical JSON.
type Library struct {
	// Digest is "sha256:<hex>" of the canonical inputs and the catalog
	// version.
	Digest         string       `json:"digest"`
	CatalogVersion string       `json:"catalog_version"`
	Industry       string       `json:"industry"`
	Competencies   []Competency `json:"competencies"`
	Frameworks     []Framework  `json:"frameworks"`
	// Considered are the catalog competencies the documents or a role
	// framework suggested and the build left out, each with its reason,
	// in slug order. Catalog competencies no document sentence matched
	// are not listed.
	Considered []Considered `json:"considered,omitempty"`
}

// Considered is a catalog competency left out of a library and why.
type Considered struct {
	Slug      string              `json:"slug"`
	Name      string              `json:"name"`
	Category  competency.Category `json:"category"`
	Relevance float64             `json:"relevance"`
	// Reason says why it was left out ("relevance 0.21 in 1 document,
	// below the threshold 0.35").
	Reason string `json:"reason"`
	// Evidence is the best sentence that matched it, if any.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Change is one competency that differs between two libraries, with the
// names of the fields that changed (JSON names: "name", "levels",
// "status", "relevance", "evidence", …).
type Change struct {
	Slug   string   `json:"slug"`
	Fields []string `json:"fields"`
}

// Changes is the difference between two libraries.
type Changes struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
	Changed []Change `json:"changed"`
}
