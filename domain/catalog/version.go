package catalog

// Version identifies the catalog's content. It changes whenever the
// embedded data changes, so that anything derived from the catalog (a
// company's library, for instance) can record which catalog it was built
// from. Format: year.month.revision.
const Version = "2026.12.1"
