package competency

import "errors"

// Sentinel errors returned (wrapped, with the offending value) by the Parse
// functions, the JSON decoders and the Validate methods of this package.
var (
	// ErrInvalidLevel reports a proficiency level outside 1–5.
	ErrInvalidLevel = errors.New("competency: invalid level")
	// ErrInvalidTier reports an unknown tier.
	ErrInvalidTier = errors.New("competency: invalid tier")
	// ErrInvalidCategory reports an unknown competency category.
	ErrInvalidCategory = errors.New("competency: invalid category")
	// ErrInvalidGroup reports an unknown framework group.
	ErrInvalidGroup = errors.New("competency: invalid group")
	// ErrInvalidActionKind reports an unknown development action kind.
	ErrInvalidActionKind = errors.New("competency: invalid action kind")
	// ErrInvalidSlug reports a string that is not a lowercase kebab-case slug.
	ErrInvalidSlug = errors.New("competency: invalid slug")
	// ErrInvalidLevels reports tier levels that are missing or decrease from
	// entry to mid to senior.
	ErrInvalidLevels = errors.New("competency: invalid tier levels")
	// ErrInvalidCompetency reports a competency that fails validation.
	ErrInvalidCompetency = errors.New("competency: invalid competency")
	// ErrInvalidFramework reports a role framework that fails validation.
	ErrInvalidFramework = errors.New("competency: invalid role framework")
)
