package console

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// teamPage bounds the reports the team page lists: the API's page size.
const teamPage = 200

// teamView is the team page's data: the principal's direct reports with
// their latest assessment.
type teamView struct {
	// NoRecord is true when the principal has no employee record.
	NoRecord bool
	Reports  []reportView
}

type reportView struct {
	store.Employee
	Latest *store.Assessment
}

// team lists the manager's direct reports, each with a link to their
// latest assessment (results once scored); who may see whom is app.Reader's
// rule, applied again by app.Assessments for each report.
func (c *Console) team(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	var v teamView
	var reports []store.Employee
	err := c.app.Store().InTenant(r.Context(), p.Tenant, func(tx *store.Tx) error {
		rd, err := app.ReaderOf(tx, p)
		if err != nil || rd.Me() == nil {
			v.NoRecord = err == nil
			return err
		}
		reports, err = tx.Employees(store.EmployeeFilter{ManagerID: rd.Me().ID, Limit: teamPage})
		return err
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	for _, e := range reports {
		list, err := c.app.Assessments(r.Context(), p, e.ID, uuid.Nil, assessmentHistory)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		rv := reportView{Employee: e}
		if len(list) > 0 {
			rv.Latest = &list[len(list)-1]
		}
		v.Reports = append(v.Reports, rv)
	}
	c.render(w, r, http.StatusOK, "team", p, v)
}
