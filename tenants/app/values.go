package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// Value is one company value as given.
type Value struct {
	Name, Description string
}

// ReplaceValues replaces the company's values (admin). Names are trimmed,
// non-empty, unique regardless of case; at most Limits.MaxValues.
func (a *App) ReplaceValues(ctx context.Context, p tenants.Principal, in []Value) ([]store.Value, error) {
	if err := authorize(p, tenants.RoleAdmin); err != nil {
		return nil, err
	}
	if len(in) > a.limits.MaxValues {
		return nil, invalid(fmt.Sprintf("at most %d values", a.limits.MaxValues))
	}
	seen := map[string]bool{}
	values := make([]store.Value, 0, len(in))
	names := make([]string, 0, len(in))
	var errs []Field
	for i, v := range in {
		name, desc := strings.TrimSpace(v.Name), strings.TrimSpace(v.Description)
		loc := fmt.Sprintf("body.values[%d]", i)
		switch {
		case name == "" || !ValidName(name):
			errs = append(errs, Field{Location: loc + ".name", Message: "must be one non-empty line without control or bidirectional formatting characters"})
		case !ValidText(desc):
			errs = append(errs, Field{Location: loc + ".description", Message: "must be text without control characters"})
		case seen[strings.ToLower(name)]:
			errs = append(errs, Field{Location: loc + ".name", Message: "duplicate value name", Value: name})
		}
		seen[strings.ToLower(name)] = true
		values = append(values, store.Value{Name: name, Description: desc})
		names = append(names, name)
	}
	if len(errs) > 0 {
		return nil, invalid("the values are not valid", errs...)
	}
	err := a.inTenant(ctx, p, func(tx *tx) error {
		if err := tx.ReplaceValues(values); err != nil {
			return err
		}
		_, err := tx.record(change{Action: "values.replace", Resource: "values", Detail: map[string]any{"names": names}, Context: true,
			Events: func(rev int64) []store.PendingEvent {
				return event(events.TypeValuesUpdated, p.Tenant.String(), events.ValuesUpdated{Values: names, ContextRevision: rev})
			}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return values, nil
}
