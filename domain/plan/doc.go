// Package plan builds and updates an employee's development plan: one item
// per competency in which the employee is below the level their tier (or a
// chosen target tier) requires, ordered by priority, each with development
// actions drawn from the competency and a due date sized by the gap.
//
// Build is a pure, deterministic function of its Input, the clock included
// (Input.Now): the same inputs give the same plan, item ids and dates
// included, so a rebuild is reproducible and an unchanged rebuild reports
// Plan.Changed == false and keeps the previous version.
//
// A rebuild never silently deletes an item. Items that are still needed keep
// their id, status, note and creation date; items that are no longer needed
// are closed with a ClosedReason and stay in the plan as history.
//
// Plans are values: Build and UpdateItem return new plans and never modify
// their arguments. Treat a Plan's slices as read-only.
package plan
