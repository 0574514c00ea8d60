package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/assessment"
	"github.com/cadrehq/cadre/domain/plan"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// assessmentHistory bounds the assessments the assessment page reads.
const assessmentHistory = 100

// assessment opens the principal's open assessment, or their latest one,
// or offers to start one.
func (c *Console) assessment(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	list, err := c.app.Assessments(r.Context(), p, uuid.Nil, uuid.Nil, assessmentHistory)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if len(list) > 0 {
		latest := list[len(list)-1]
		for _, a := range list {
			if a.Status == store.AssessmentOpen {
				latest = a
			}
		}
		http.Redirect(w, r, "/assessment/"+latest.ID.String(), http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "assessment", p, assessmentView{})
}

func (c *Console) startAssessment(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	as, err := c.app.StartAssessment(r.Context(), p, "")
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/assessment/"+as.ID.String(), http.StatusSeeOther)
}

// itemView is one item with the principal's saved answer.
type itemView struct {
	assessment.Item
	N                  int
	Answered           bool
	Rating             int
	OptionID, Text     string
	SelfRating, Choice bool
}

// resultView is one competency's result with its item prompts.
type resultView struct {
	assessment.CompetencyResult
	Meets bool
}

// assessmentView is the assessment page's data.
type assessmentView struct {
	Assessment *store.Assessment
	Items      []itemView
	Left       int
	Results    []resultView
	// Mine is true for the assessment's taker, who may answer it.
	Mine bool
}

func (c *Console) loadAssessment(w http.ResponseWriter, r *http.Request, p tenants.Principal) (store.Assessment, bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.fail(w, r, p, &app.Error{Kind: app.NotFound, Detail: "not found"})
		return store.Assessment{}, false
	}
	as, err := c.app.Assessment(r.Context(), p, id)
	if err != nil {
		c.fail(w, r, p, err)
		return store.Assessment{}, false
	}
	return as, true
}

func (c *Console) assessmentPage(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	as, ok := c.loadAssessment(w, r, p)
	if !ok {
		return
	}
	v := newAssessmentView(as)
	// Only the taker answers; a manager or an admin reads.
	err := c.app.Store().InTenant(r.Context(), p.Tenant, func(tx *store.Tx) error {
		rd, err := app.ReaderOf(tx, p)
		v.Mine = err == nil && rd.Me() != nil && rd.Me().ID == as.EmployeeID
		return err
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "assessment", p, v)
}

func newAssessmentView(as store.Assessment) assessmentView {
	v := assessmentView{Assessment: &as}
	saved := map[string]assessment.Response{}
	for _, resp := range as.Responses {
		saved[resp.ItemID] = resp
	}
	for i, it := range as.Items {
		iv := itemView{Item: it, N: i + 1, SelfRating: it.Kind == assessment.SelfRating, Choice: len(it.Options) > 0}
		if resp, ok := saved[it.ID]; ok {
			iv.Answered = true
			if resp.Rating != nil {
				iv.Rating = *resp.Rating
			}
			if resp.OptionID != nil {
				iv.OptionID = *resp.OptionID
			}
			if resp.Text != nil {
				iv.Text = *resp.Text
			}
		} else {
			v.Left++
		}
		v.Items = append(v.Items, iv)
	}
	if as.Results != nil {
		for _, cr := range as.Results.Competencies {
			v.Results = append(v.Results, resultView{CompetencyResult: cr, Meets: cr.Gap == 0})
		}
	}
	return v
}

// answer saves one item's answer (merged into the latest version, so that
// two tabs lose nothing) and returns to the next item.
func (c *Console) answer(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.fail(w, r, p, &app.Error{Kind: app.NotFound, Detail: "not found"})
		return
	}
	resp := assessment.Response{ItemID: r.PostFormValue("item")}
	if v := r.PostFormValue("rating"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // the use case refuses it with its own message
		}
		resp.Rating = &n
	}
	if v := r.PostFormValue("option"); v != "" {
		resp.OptionID = &v
	}
	if r.PostForm.Has("text") {
		t := strings.TrimSpace(r.PostFormValue("text"))
		resp.Text = &t
	}
	if _, err := c.app.SaveResponses(r.Context(), p, id, app.Answers{Responses: []assessment.Response{resp}}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	redirect(w, r, "/assessment/"+id.String()+"#after-"+fragmentID(resp.ItemID), "")
}

// fragmentID makes an item id safe for a fragment.
func fragmentID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

func (c *Console) submit(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.fail(w, r, p, &app.Error{Kind: app.NotFound, Detail: "not found"})
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := c.app.SubmitAssessment(r.Context(), p, id, version); err != nil {
		c.fail(w, r, p, err)
		return
	}
	redirect(w, r, "/assessment/"+id.String(), "Submitted; scoring…")
}

// planView is the plan page's data.
type planView struct {
	Plan *plan.Plan
	// None says why there is no plan to show.
	None     string
	Statuses []plan.Status
}

func (c *Console) plan(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	if err := c.app.AuthorizePlans(p); err != nil {
		c.fail(w, r, p, err)
		return
	}
	var v planView
	err := c.app.Store().InTenant(r.Context(), p.Tenant, func(tx *store.Tx) error {
		pl, err := tx.CurrentPlanBySubject(p.Subject)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrNoPlan) {
			v.None = c.refusal(r, app.PlanRefusal(err, true)).Detail
			return nil
		}
		v.Plan = &pl
		return err
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.Statuses = []plan.Status{plan.NotStarted, plan.InProgress, plan.Done}
	c.render(w, r, http.StatusOK, "plan", p, v)
}

func (c *Console) planItem(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.fail(w, r, p, &app.Error{Kind: app.NotFound, Detail: "not found"})
		return
	}
	in := app.ItemUpdate{}
	if v := r.PostFormValue("status"); v != "" {
		in.Status = &v
	}
	if r.PostForm.Has("note") {
		n := r.PostFormValue("note")
		in.Note = &n
	}
	if _, err := c.app.UpdateMyPlanItem(r.Context(), p, id, in); err != nil {
		c.fail(w, r, p, err)
		return
	}
	redirect(w, r, "/plan", "Plan updated.")
}
