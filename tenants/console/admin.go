package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/google/uuid"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// libraryView is the library page's data.
type libraryView struct {
	// Built is false until the first version exists.
	Built bool
	// Rebuilding is true while the company's inputs changed after the
	// newest build examined them: a new version is on its way.
	Rebuilding bool
	Version    store.LibraryVersion
	Proposals  []library.Competency
	Active     []library.Competency
	Retired    []library.Competency
}

// library shows the newest library version: proposals to approve first,
// then the active competencies, each with its evidence.
func (c *Console) library(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	var v libraryView
	err := c.app.Store().InTenant(r.Context(), p.Tenant, func(tx *store.Tx) error {
		t, err := tx.LoadTenant()
		if err != nil {
			return err
		}
		examined := int64(0)
		mark, err := tx.LibraryBuildMark()
		switch {
		case err == nil:
			examined = mark.ContextRevision
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		lv, err := tx.LatestLibrary()
		switch {
		case err == nil:
			v.Built, v.Version = true, lv
			examined = max(examined, lv.ContextRevision)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		v.Rebuilding = t.ContextRevision > examined
		return nil
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	for _, cp := range v.Version.Competencies {
		switch cp.Status {
		case library.StatusProposed:
			v.Proposals = append(v.Proposals, cp)
		case library.StatusRetired:
			v.Retired = append(v.Retired, cp)
		default:
			v.Active = append(v.Active, cp)
		}
	}
	c.render(w, r, http.StatusOK, "library", p, v)
}

// approve makes a proposed competency active.
func (c *Console) approve(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	active := string(library.StatusActive)
	if _, err := c.app.PatchCompetency(r.Context(), p, r.PathValue("slug"), app.CompetencyPatch{Status: &active}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	redirect(w, r, "/library", "Approved.")
}

// documentsView is the documents page's data.
type documentsView struct {
	Documents []store.Document
	MaxBytes  int64
}

// documentPage is how many documents the page lists: the API's page size.
const documentPage = 200

func (c *Console) documents(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	c.renderDocuments(w, r, p, http.StatusOK, "", "")
}

func (c *Console) renderDocuments(w http.ResponseWriter, r *http.Request, p tenants.Principal, status int, msg, kind string) {
	v := documentsView{MaxBytes: c.app.Limits().Extract.MaxBytes}
	c.renderRead(w, r, p, status, "documents", &v, msg, kind, func(tx *store.Tx) (err error) {
		v.Documents, err = tx.Documents(uuid.Nil, documentPage)
		return err
	})
}

// renderRead runs read in the principal's tenant, then renders page with v
// (or the error page).
func (c *Console) renderRead(w http.ResponseWriter, r *http.Request, p tenants.Principal, status int, page string, v any, msg, kind string, read func(tx *store.Tx) error) {
	if err := c.app.Store().InTenant(r.Context(), p.Tenant, read); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.renderMessage(w, r, status, page, p, v, msg, kind)
}

// upload stores a document from the form's file picker.
func (c *Console) upload(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	max := c.app.Limits().Extract.MaxBytes
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	f, hdr, err := r.FormFile("file")
	if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
		c.renderDocuments(w, r, p, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is too large: at most %d bytes.", max), "error")
		return
	}
	if err != nil {
		c.renderDocuments(w, r, p, http.StatusUnprocessableEntity, "Choose a file to upload.", "error")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	title := r.PostFormValue("title")
	if title == "" {
		title = hdr.Filename
	}
	_, _, err = c.app.UploadDocument(r.Context(), p, app.Upload{Title: title, Filename: hdr.Filename,
		ContentType: hdr.Header.Get("Content-Type"), Data: data})
	if err != nil {
		pv := c.refusal(r, err)
		c.renderDocuments(w, r, p, pv.Status, pv.Detail, "error")
		return
	}
	redirect(w, r, "/documents", "Uploaded; the library is rebuilding.")
}

func (c *Console) deleteDocument(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err == nil {
		err = c.app.DeleteDocument(r.Context(), p, id)
	} else {
		err = &app.Error{Kind: app.NotFound, Detail: "not found"}
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	redirect(w, r, "/documents", "Deleted.")
}

// employeesView is the employees page's data.
type employeesView struct {
	Employees []store.Employee
	// Imported is set after an import: its counts and line errors.
	Imported *app.ImportResult
}

// employeeFile bounds an import file: the API's JSON body limit is 1 MiB
// and a CSV of 10,000 employees is about that.
const employeeFile = 4 << 20

func (c *Console) employees(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	c.renderEmployees(w, r, p, http.StatusOK, nil, "", "")
}

func (c *Console) renderEmployees(w http.ResponseWriter, r *http.Request, p tenants.Principal, status int, res *app.ImportResult, msg, kind string) {
	v := employeesView{Imported: res}
	c.renderRead(w, r, p, status, "employees", &v, msg, kind, func(tx *store.Tx) (err error) {
		v.Employees, err = tx.Employees(store.EmployeeFilter{Limit: documentPage})
		return err
	})
}

// importEmployees applies a CSV file and shows its line errors inline.
func (c *Console) importEmployees(w http.ResponseWriter, r *http.Request, p tenants.Principal) {
	r.Body = http.MaxBytesReader(w, r.Body, employeeFile+1<<20)
	f, _, err := r.FormFile("file")
	if err != nil {
		c.renderEmployees(w, r, p, http.StatusUnprocessableEntity, nil, "Choose a CSV file to import.", "error")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, employeeFile))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	res, err := c.app.ImportEmployees(r.Context(), p, data)
	if err != nil {
		pv := c.refusal(r, err)
		c.renderEmployees(w, r, p, pv.Status, nil, pv.Detail, "error")
		return
	}
	status, msg, kind := http.StatusOK, "Imported.", "ok"
	if len(res.Errors) > 0 {
		status, msg, kind = http.StatusUnprocessableEntity, "Some lines were not imported; see below.", "error"
	}
	c.renderEmployees(w, r, p, status, &res, msg, kind)
}
