// Package app holds Cadre's use cases: one function per change a person or a
// tool can make (upload a document, replace the values, import employees,
// curate the library, submit an assessment, ...). Each takes the acting
// principal and does, in this order and in one tenant transaction:
// authorization, validation, the write, the context-revision bump when the
// change alters what the library is built from, the audit entry and the
// event. Adapters (the HTTP API, and later the console, SCIM and webhooks
// administration) parse their input, call a use case and render its result
// or its *Error; they never write to the store themselves.
package app
