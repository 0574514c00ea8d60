package people

import (
	"fmt"

	"github.com/cadrehq/cadre/domain/competency"
)

// LineError is one line of an import that was not applied.
type LineError struct {
	// Line is the file line (the header is line 1).
	Line int
	// Field names the column at fault; empty for the line as a whole.
	Field, Message string
}

// lineError formats a LineError.
func lineError(line int, field, format string, args ...any) LineError {
	return LineError{Line: line, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Staged is an import row whose fields are valid on their own.
type Staged struct {
	Line int
	// Fields are the row's text fields, the email normalised.
	Fields   Fields
	RoleSlug string
	Tier     competency.Tier
	// Manager is the manager's email or subject as written (empty for
	// none); which employee it names depends on the others.
	Manager string
}

// Stage checks each row on its own (and against the other rows for
// duplicate subjects and emails): every row is either staged or reported,
// with the first rule it breaks.
func Stage(rows []Row) ([]Staged, []LineError) {
	var (
		out   = make([]Staged, 0, len(rows))
		errs  []LineError
		subj  = make(map[string]int, len(rows))
		email = make(map[string]int, len(rows))
	)
	for _, r := range rows {
		if r.Err != "" {
			errs = append(errs, lineError(r.Line, "", "%s", r.Err))
			continue
		}
		f, probs := Fields{Subject: r.Subject, Name: r.Name, Email: r.Email, Team: r.Team}.Check()
		if len(probs) > 0 {
			errs = append(errs, lineError(r.Line, probs[0].Field, "%s", probs[0].Message))
			continue
		}
		roleIn, field := r.Role, "role"
		if roleIn == "" {
			roleIn, field = r.Title, "title"
		}
		slug, ok := ResolveRole(roleIn)
		if roleIn == "" || !ok {
			errs = append(errs, lineError(r.Line, field, RoleRule+": %q", Clip(roleIn, 80)))
			continue
		}
		tier, err := competency.ParseTier(r.Tier)
		if err != nil {
			errs = append(errs, lineError(r.Line, "tier", TierRule+", not %q", Clip(r.Tier, 40)))
			continue
		}
		if !Text(r.Manager, false, MaxEmail) {
			errs = append(errs, lineError(r.Line, "manager", "must be an email or a subject"))
			continue
		}
		if first, dup := subj[f.Subject]; dup {
			errs = append(errs, lineError(r.Line, "subject", "subject %q already appears on line %d", Clip(f.Subject, 80), first))
			continue
		}
		if first, dup := email[f.Email]; dup && f.Email != "" {
			errs = append(errs, lineError(r.Line, "email", "email already appears on line %d", first))
			continue
		}
		subj[f.Subject] = r.Line
		if f.Email != "" {
			email[f.Email] = r.Line
		}
		out = append(out, Staged{Line: r.Line, Fields: f, RoleSlug: slug, Tier: tier, Manager: r.Manager})
	}
	return out, errs
}
