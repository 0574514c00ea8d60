package competency

import (
	"fmt"
	"strings"
)

// Role is a job role: a stable slug and a display title.
type Role struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Validate checks that r has a valid slug and a title.
func (r Role) Validate() error {
	if err := checkSlug(r.Slug); err != nil {
		return fmt.Errorf("%w: role: %w", ErrInvalidFramework, err)
	}
	if strings.TrimSpace(r.Title) == "" {
		return fmt.Errorf("%w: role %q has no title", ErrInvalidFramework, r.Slug)
	}
	return nil
}
