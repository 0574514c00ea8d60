package api

import (
	"strings"

	"github.com/cadrehq/cadre/domain/library"
	"github.com/cadrehq/cadre/tenants"
	"github.com/cadrehq/cadre/tenants/app"
	"github.com/cadrehq/cadre/tenants/store"
)

// excerpts decides which document excerpts a reader sees (issue 17, who
// reads what): an admin every one; an analyst none (DESIGN §1); anyone else
// those of documents visible to everyone. Whoever reads no excerpt of a
// document still sees its id (and title, in the inputs) and the
// competencies it backs.
type excerpts struct {
	none     bool
	hidden   map[string]bool // document ids whose excerpts are withheld
	withheld []string        // the withheld excerpts of the library read, whitespace-normalized
}

// excerptsFor reads, in tx, what p may see.
func excerptsFor(tx *store.Tx, p tenants.Principal) (excerpts, error) {
	if !p.Has(tenants.RoleAdmin, tenants.RoleManager, tenants.RoleEmployee) {
		return excerpts{none: true}, nil
	}
	hidden, err := app.ExcerptFilter(tx, p)
	return excerpts{hidden: hidden}, err
}

// shows reports whether the excerpts of document id are shown.
func (x excerpts) shows(id string) bool { return !x.none && !x.hidden[id] }

// withheldExcerpt replaces a quotation of a withheld excerpt in a reason.
const withheldExcerpt = "“(an excerpt of a document only admins read)”"

// of returns x ready to scrub the texts of lib: it collects the excerpts
// lib's evidence holds that x withholds.
func (x excerpts) of(lib library.Library) excerpts {
	x.withheld = nil
	add := func(es []library.Evidence) {
		for _, e := range es {
			if e.DocumentID != "" && !x.shows(e.DocumentID) {
				x.withheld = append(x.withheld, strings.Join(strings.Fields(e.Excerpt), " "))
			}
		}
	}
	for _, c := range lib.Competencies {
		add(c.Evidence)
	}
	for _, f := range lib.Frameworks {
		for _, e := range f.Competencies {
			add(e.Evidence)
		}
	}
	return x
}

// scrub removes from s every quotation (“…”) of a withheld excerpt (see
// of): reasons cite the evidence that raised a level, and a reason must not
// carry what the evidence list withholds.
func (x excerpts) scrub(s string) string {
	if len(x.withheld) == 0 || !strings.Contains(s, "“") {
		return s
	}
	withheld := x.withheld
	var b strings.Builder
	rest := s
	for {
		open := strings.Index(rest, "“")
		if open < 0 {
			break
		}
		end := strings.Index(rest[open:], "”")
		if end < 0 {
			break
		}
		end += open + len("”")
		quoted := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(rest[open:end], "“"), "”"), "…")
		b.WriteString(rest[:open])
		if quotesAny(quoted, withheld) {
			b.WriteString(withheldExcerpt)
		} else {
			b.WriteString(rest[open:end])
		}
		rest = rest[end:]
	}
	b.WriteString(rest)
	return b.String()
}

// quotesAny reports whether q is (a clipped part of) one of the excerpts.
func quotesAny(q string, excerpts []string) bool {
	q = strings.TrimSpace(q)
	if q == "" {
		return false
	}
	for _, e := range excerpts {
		if strings.Contains(e, q) {
			return true
		}
	}
	return false
}
