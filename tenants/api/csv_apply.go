package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/competency"
	"github.com/cadrehq/cadre/events"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/store"
)

// maxReportedLineErrors bounds the line errors an import answer lists (the
// count of failed lines is always complete).
const maxReportedLineErrors = 1000

// ImportInput is POST /v1/employees/import: a text/csv body or a multipart
// form with a `file`.
type ImportInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte
}

// ImportLineError is one line of an import that was not applied.
type ImportLineError struct {
	Line    int    `json:"line" doc:"The line of the file (the header is line 1)."`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ImportOutput reports an import: 200 when every line was applied (or
// already up to date), 207 when some lines failed.
type ImportOutput struct {
	Status int
	Body   struct {
		Rows      int               `json:"rows" doc:"Data rows in the file."`
		Created   int               `json:"created"`
		Updated   int               `json:"updated"`
		Unchanged int               `json:"unchanged"`
		Failed    int               `json:"failed"`
		Errors    []ImportLineError `json:"errors"`
	}
}

func (s *Server) registerImport() {
	huma.Register(s.api, huma.Operation{
		OperationID: "import-employees", Method: http.MethodPost, Path: "/v1/employees/import",
		Summary: "Import employees from CSV (admin)",
		Description: "A text/csv body, or multipart/form-data with `file`. Header (any order): subject, name, email, title or role, tier, manager (email or subject), team. " +
			"Rows are matched to existing employees by subject; titles are matched to catalog roles; managers may appear later in the file. " +
			"Valid lines are applied in one transaction and invalid ones reported with their line numbers (207). Importing the same file again changes nothing. " +
			"More than 100,000 data rows is 413; malformed CSV is 422; in both cases nothing is written.",
		Tags: []string{"employees"}, MaxBodyBytes: maxImportBytes, SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"text/csv":            {Schema: &huma.Schema{Type: "string"}},
			"multipart/form-data": {Schema: &huma.Schema{Type: "object", Properties: map[string]*huma.Schema{"file": {Type: "string", ContentEncoding: "binary"}}, Required: []string{"file"}}},
		}},
		Responses: map[string]*huma.Response{"207": {Description: "Some lines failed; the others were applied"}},
	}, s.importEmployees)
}

// importFile returns the CSV bytes of an import request.
func importFile(in *ImportInput) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(in.ContentType)
	if err != nil {
		return nil, problem(http.StatusUnsupportedMediaType, "", "send text/csv or multipart/form-data with a file")
	}
	switch mt {
	case "text/csv", "text/plain", "application/csv":
		return in.RawBody, nil
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(in.RawBody), params["boundary"])
		var data []byte
		found := false
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, problem(http.StatusBadRequest, "malformed-multipart", "invalid multipart body")
			}
			if part.FormName() != "file" || found {
				return nil, problem(http.StatusBadRequest, "unknown-field", "send one form field, file")
			}
			found = true
			if data, err = io.ReadAll(part); err != nil {
				return nil, problem(http.StatusBadRequest, "malformed-multipart", "invalid multipart body")
			}
		}
		if !found {
			return nil, problem(http.StatusUnprocessableEntity, "validation", "the form has no file",
				&huma.ErrorDetail{Location: "body.file", Message: "required"})
		}
		return data, nil
	}
	return nil, problem(http.StatusUnsupportedMediaType, "", "send text/csv or multipart/form-data with a file")
}

func (s *Server) importEmployees(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
	p, err := tenantPrincipal(ctx, tenants.RoleAdmin)
	if err != nil {
		return nil, err
	}
	data, err := importFile(in)
	if err != nil {
		return nil, err
	}
	rows, err := parseEmployeeCSV(data, MaxImportRows)
	var fe *csvFileError
	if errors.As(err, &fe) {
		var details []*huma.ErrorDetail
		if fe.Line > 0 {
			details = append(details, &huma.ErrorDetail{Location: "body", Message: fe.Error()})
		}
		return nil, problem(fe.Status, fe.Kind, fe.Error()+"; nothing was imported", details...)
	}
	if err != nil {
		return nil, s.fail(ctx, "import employees", err)
	}
	staged, lineErrs := stageRows(rows)
	var plan importPlan
	err = s.retryDeadlocks(ctx, p.Tenant, func(tx *store.Tx) error {
		plan = importPlan{}
		if err := tx.LockTenant("employees"); err != nil {
			return err
		}
		existing, err := tx.Employees(store.EmployeeFilter{})
		if err != nil {
			return err
		}
		plan = planImport(existing, staged, time.Now().UTC().Truncate(time.Microsecond))
		if len(plan.created) == 0 && len(plan.updated) == 0 {
			return nil // nothing changes: nothing written, nothing emitted
		}
		if err := tx.ImportEmployees(plan.created, plan.updated); err != nil {
			return err
		}
		rev := int64(0)
		if plan.rolesChanged {
			rev, err = tx.BumpContextRevision()
		} else {
			var t store.Tenant
			t, err = tx.LoadTenant()
			rev = t.ContextRevision
		}
		if err != nil {
			return err
		}
		if err := tx.Audit(p.Subject, "employee.import", "employees", map[string]any{"rows": len(rows),
			"created": len(plan.created), "updated": len(plan.updated), "failed": len(lineErrs) + len(plan.errors)}); err != nil {
			return err
		}
		pending := make([]store.PendingEvent, 0, len(plan.created)+len(plan.updated))
		for _, e := range plan.created {
			pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeCreated, Resource: e.ID.String(), Data: employeeCreated(e, rev)})
		}
		for i, e := range plan.updated {
			pending = append(pending, store.PendingEvent{Type: events.TypeEmployeeUpdated, Resource: e.ID.String(),
				Data: employeeUpdated(e, plan.changed[i], rev)})
		}
		return tx.EmitBatch(pending)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, problem(http.StatusConflict, "conflict", "the employees changed during the import; retry it")
	}
	if err != nil {
		return nil, s.fail(ctx, "import employees", err)
	}
	all := append(append([]ImportLineError{}, lineErrs...), plan.errors...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
	out := &ImportOutput{Status: http.StatusOK}
	out.Body.Rows = len(rows)
	out.Body.Created, out.Body.Updated, out.Body.Unchanged = len(plan.created), len(plan.updated), plan.unchanged
	out.Body.Failed = len(all)
	out.Body.Errors = all[:min(len(all), maxReportedLineErrors)]
	if len(all) > 0 {
		out.Status = http.StatusMultiStatus
	}
	return out, nil
}

// stagedRow is a data row whose fields are valid on their own.
type stagedRow struct {
	line    int
	e       store.Employee // ID, ManagerID and times still unset
	manager string         // the manager's email (lower-cased) or subject
}

// stageRows validates each row on its own (and against the other rows for
// duplicate subjects and emails) and reports the lines that fail.
func stageRows(rows []csvEmployee) ([]stagedRow, []ImportLineError) {
	var (
		out   = make([]stagedRow, 0, len(rows))
		errs  []ImportLineError
		subj  = make(map[string]int, len(rows))
		email = make(map[string]int, len(rows))
	)
	for _, r := range rows {
		if r.Err != "" {
			errs = append(errs, errLine(r.Line, "", "%s", r.Err))
			continue
		}
		e := store.Employee{Subject: r.Subject, Name: r.Name, Email: r.Email, Team: r.Team}
		if d := validateEmployee(&e, ""); len(d) > 0 {
			errs = append(errs, errLine(r.Line, d[0].Location, "%s", d[0].Message))
			continue
		}
		roleIn, field := r.Role, "role"
		if roleIn == "" {
			roleIn, field = r.Title, "title"
		}
		slug, ok := resolveRole(roleIn)
		if roleIn == "" || !ok {
			errs = append(errs, errLine(r.Line, field, "no catalog role has this slug or matches this title: %q", truncate(roleIn, 80)))
			continue
		}
		e.RoleSlug = slug
		tier, err := competency.ParseTier(r.Tier)
		if err != nil {
			errs = append(errs, errLine(r.Line, "tier", "must be entry, mid or senior, not %q", truncate(r.Tier, 40)))
			continue
		}
		e.Tier = tier
		if !fieldText(r.Manager, false, maxEmail) {
			errs = append(errs, errLine(r.Line, "manager", "must be an email or a subject"))
			continue
		}
		if first, dup := subj[e.Subject]; dup {
			errs = append(errs, errLine(r.Line, "subject", "subject %q already appears on line %d", truncate(e.Subject, 80), first))
			continue
		}
		if first, dup := email[e.Email]; dup && e.Email != "" {
			errs = append(errs, errLine(r.Line, "email", "email already appears on line %d", first))
			continue
		}
		subj[e.Subject] = r.Line
		if e.Email != "" {
			email[e.Email] = r.Line
		}
		out = append(out, stagedRow{line: r.Line, e: e, manager: r.Manager})
	}
	return out, errs
}

// importPlan is what an import writes.
type importPlan struct {
	created, updated []store.Employee
	changed          [][]string // per updated employee, the changed fields
	unchanged        int
	rolesChanged     bool
	errors           []ImportLineError
}

// planImport resolves the staged rows against the existing employees (loaded
// once) and against each other: each row creates or updates the employee
// with its subject; managers are looked up by subject, then email, among
// the employees as they will be after the import (so a manager may be
// defined later in the file). Rows whose email another employee keeps, whose
// manager does not exist (or is a failed row) or that would make a
// reporting cycle fail; the rest are applied. Unchanged rows write nothing.
func planImport(existing []store.Employee, rows []stagedRow, now time.Time) importPlan {
	bySubject := make(map[string]store.Employee, len(existing))
	for _, e := range existing {
		bySubject[e.Subject] = e
	}
	// Assign every row its employee id: the existing one with the subject,
	// or a new one.
	for i := range rows {
		if old, ok := bySubject[rows[i].e.Subject]; ok {
			rows[i].e.ID = old.ID
		} else {
			rows[i].e.ID = uuid.Must(uuid.NewV7())
		}
	}
	failed := make([]bool, len(rows))
	var errs []ImportLineError
	fail := func(i int, field, format string, args ...any) {
		failed[i] = true
		errs = append(errs, errLine(rows[i].line, field, format, args...))
	}
	for {
		// The employees after the import, failed rows left as they were.
		final := make(map[uuid.UUID]store.Employee, len(existing)+len(rows))
		for _, e := range existing {
			final[e.ID] = e
		}
		rowOf := make(map[uuid.UUID]int, len(rows))
		for i, r := range rows {
			if !failed[i] {
				final[r.e.ID] = r.e
				rowOf[r.e.ID] = i
			}
		}
		finalSubject := make(map[string]uuid.UUID, len(final))
		finalEmail := make(map[string][]uuid.UUID, len(final))
		for id, e := range final {
			finalSubject[e.Subject] = id
			if e.Email != "" {
				finalEmail[e.Email] = append(finalEmail[e.Email], id)
			}
		}
		progress := false
		// Emails another (existing, untouched) employee keeps.
		for i, r := range rows {
			if !failed[i] && r.e.Email != "" && len(finalEmail[r.e.Email]) > 1 {
				fail(i, "email", "another employee already has this email")
				progress = true
			}
		}
		if progress {
			continue
		}
		// Managers, by subject, then by email.
		managerOf := make(map[uuid.UUID]uuid.UUID, len(rows))
		var newlyFailed []int
		for i, r := range rows {
			if failed[i] || r.manager == "" {
				continue
			}
			m, ok := finalSubject[r.manager]
			if !ok {
				if ids := finalEmail[strings.ToLower(r.manager)]; len(ids) == 1 {
					m, ok = ids[0], true
				}
			}
			switch {
			case !ok:
				fail(i, "manager", "no employee has the subject or email %q (in the company or in a valid line of this file)", truncate(r.manager, 80))
				newlyFailed = append(newlyFailed, i)
			case m == r.e.ID:
				fail(i, "manager", "an employee cannot be their own manager")
				newlyFailed = append(newlyFailed, i)
			default:
				managerOf[r.e.ID] = m
			}
		}
		if len(newlyFailed) > 0 {
			// A failed row that would have created its employee takes the
			// rows it manages down with it, transitively, in this pass (so
			// a long chain costs one pass, not one per link).
			reports := make(map[uuid.UUID][]int, len(managerOf))
			for i, r := range rows {
				if m, ok := managerOf[r.e.ID]; ok && !failed[i] {
					reports[m] = append(reports[m], i)
				}
			}
			for len(newlyFailed) > 0 {
				i := newlyFailed[0]
				newlyFailed = newlyFailed[1:]
				if _, existed := bySubject[rows[i].e.Subject]; existed {
					continue
				}
				for _, j := range reports[rows[i].e.ID] {
					if !failed[j] {
						fail(j, "manager", "the manager's line (%d) was not imported", rows[i].line)
						newlyFailed = append(newlyFailed, j)
					}
				}
			}
			continue
		}
		// Reporting cycles among the rows (existing employees form none).
		state := make(map[uuid.UUID]uint8, len(rows)) // 1 on the current path, 2 done
		for i, r := range rows {
			if failed[i] {
				continue
			}
			var path []uuid.UUID
			id := r.e.ID
			for id != uuid.Nil && state[id] == 0 {
				state[id] = 1
				path = append(path, id)
				if m, ok := managerOf[id]; ok {
					id = m
				} else if _, isRow := rowOf[id]; isRow {
					id = uuid.Nil
				} else {
					id = final[id].ManagerID
				}
			}
			if id != uuid.Nil && state[id] == 1 {
				start := slices.Index(path, id)
				for _, c := range path[start:] {
					if j, ok := rowOf[c]; ok {
						fail(j, "manager", "this manager makes a reporting cycle")
						progress = true
					}
				}
			}
			for _, c := range path {
				state[c] = 2
			}
		}
		if progress {
			continue
		}
		plan := importPlan{errors: errs}
		beforeRoles, afterRoles := map[string]bool{}, map[string]bool{}
		for _, e := range existing {
			beforeRoles[e.RoleSlug] = true
		}
		for _, e := range final {
			afterRoles[e.RoleSlug] = true
		}
		plan.rolesChanged = len(beforeRoles) != len(afterRoles)
		for r := range afterRoles {
			plan.rolesChanged = plan.rolesChanged || !beforeRoles[r]
		}
		for i, r := range rows {
			if failed[i] {
				continue
			}
			e := r.e
			e.ManagerID = managerOf[e.ID]
			old, exists := bySubject[e.Subject]
			switch {
			case !exists:
				e.CreatedAt, e.UpdatedAt = now, now
				plan.created = append(plan.created, e)
			case old.SameAs(e):
				plan.unchanged++
			default:
				e.CreatedAt, e.UpdatedAt, e.TargetTier = old.CreatedAt, now, old.TargetTier
				plan.updated = append(plan.updated, e)
				plan.changed = append(plan.changed, changedFields(old, e))
			}
		}
		return plan
	}
}
