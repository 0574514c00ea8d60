// Package competency is Cadre's competency model: the proficiency scale
// (Level), the career tiers (Tier), competency categories and groups, the
// competency itself with its five level descriptors and development actions,
// and role frameworks that say which competencies a role needs at which level
// for each tier.
//
// The enumerations are small integer types whose zero value means "unset";
// the only way to obtain a non-zero value is a package constant or a Parse
// function, so a non-zero value is always valid. They marshal to and from JSON
// as lowercase strings (Level as a number), validating on the way in.
//
// The package is pure: no I/O, deterministic, safe for concurrent use of
// values that are not being modified.
package competency
