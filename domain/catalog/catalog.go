package catalog

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/cadrehq/cadre/domain/competency"
)

// RoleInfo describes a catalog role: its slug and title, what it does, the
// industries it is commonly found in, and the O*NET-SOC occupation codes its
// job titles were drawn from.
type RoleInfo struct {
	Role        competency.Role       `json:"role"`
	Description string                `json:"description"`
	Industries  []competency.Industry `json:"industries"`
	ONetCodes   []string              `json:"onet_codes"`
}

// Catalog is a parsed, validated catalog. It is immutable; all methods are
// safe for concurrent use and return copies.
type Catalog struct {
	industries    []competency.Industry
	industryNames map[competency.Industry]string
	competencies  []competency.Competency // sorted by slug
	compIndex     map[string]int
	roles         []role // sorted by slug
	roleIndex     map[string]int
	titles        map[string][]string   // O*NET titles per role slug
	scenarios     map[string][]Scenario // authored scenarios per competency slug

	// matcherOnce builds matcher on the first Match: indexing some 4,000
	// titles is half the cost of Load and many callers never match titles.
	matcherOnce sync.Once
	matcher     *matcher
}

// role is a catalog role with its base framework and industry variants.
type role struct {
	info     RoleInfo
	aliases  []string
	base     []baseEntry // primary entries first, in file order
	variants map[competency.Industry][]fileChange
}

// baseEntry is one competency of a base framework.
type baseEntry struct {
	slug   string
	group  competency.Group
	levels competency.Levels
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
)

// Default returns the embedded catalog, parsed on first use and shared
// afterwards. It panics only if the embedded data is invalid, which the
// package's tests rule out.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := Load()
		if err != nil {
			panic(fmt.Sprintf("catalog: embedded data: %v", err))
		}
		defaultCat = c
	})
	return defaultCat
}

// Load parses and validates the embedded catalog afresh.
func Load() (*Catalog, error) {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	return LoadFS(sub)
}

// LoadFS parses and validates a catalog laid out like the embedded data
// directory (industries.json, competencies/*.json, roles/*.json,
// titles.json and, optionally, scenarios/*.json). It exists for tests and
// tools; services use Default.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	src, err := readSource(fsys)
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	c, err := build(src)
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	if c.scenarios, err = loadScenarios(fsys, c); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	return c, nil
}

// build turns decoded files into a Catalog, rejecting what cannot be
// represented (unknown enum values, duplicate slugs, dangling references).
// The catalog-wide rules are checked by Validate.
func build(src source) (*Catalog, error) {
	c := &Catalog{
		industryNames: make(map[competency.Industry]string, len(src.industries)),
		compIndex:     make(map[string]int, len(src.competencies)),
		roleIndex:     make(map[string]int, len(src.roles)),
	}
	for _, fi := range src.industries {
		ind, err := competency.ParseIndustry(fi.Slug)
		if err != nil {
			return nil, fmt.Errorf("%w: industry: %w", ErrInvalidData, err)
		}
		if _, dup := c.industryNames[ind]; dup {
			return nil, fmt.Errorf("%w: industry %q defined twice", ErrInvalidData, ind)
		}
		c.industryNames[ind] = fi.Name
		c.industries = append(c.industries, ind)
	}
	slices.Sort(c.industries)

	for _, fc := range src.competencies {
		if len(fc.Descriptors) != 5 {
			return nil, fmt.Errorf("%w: competency %q has %d descriptors, want 5", ErrInvalidData, fc.Slug, len(fc.Descriptors))
		}
		comp := competency.Competency{
			Slug: fc.Slug, Name: fc.Name, Category: fc.Category, Description: fc.Description,
			Keywords: fc.Keywords, Aliases: fc.Aliases, Actions: fc.Actions,
		}
		copy(comp.Descriptors[:], fc.Descriptors)
		for _, slug := range fc.Industries {
			ind, err := competency.ParseIndustry(slug)
			if err != nil {
				return nil, fmt.Errorf("%w: competency %q: industry: %w", ErrInvalidData, fc.Slug, err)
			}
			if _, ok := c.industryNames[ind]; !ok {
				return nil, fmt.Errorf("%w: competency %q: industry %q is not in industries.json", ErrInvalidData, fc.Slug, ind)
			}
			if slices.Contains(comp.Industries, ind) {
				return nil, fmt.Errorf("%w: competency %q lists industry %q twice", ErrInvalidData, fc.Slug, ind)
			}
			comp.Industries = append(comp.Industries, ind)
		}
		c.competencies = append(c.competencies, comp)
	}
	slices.SortFunc(c.competencies, func(a, b competency.Competency) int { return strings.Compare(a.Slug, b.Slug) })
	for i, comp := range c.competencies {
		if _, dup := c.compIndex[comp.Slug]; dup {
			return nil, fmt.Errorf("%w: competency %q defined twice", ErrInvalidData, comp.Slug)
		}
		c.compIndex[comp.Slug] = i
	}

	for _, fr := range src.roles {
		r, err := c.buildRole(fr)
		if err != nil {
			return nil, fmt.Errorf("%w: role %q: %w", ErrInvalidData, fr.Slug, err)
		}
		c.roles = append(c.roles, r)
	}
	slices.SortFunc(c.roles, func(a, b role) int { return strings.Compare(a.info.Role.Slug, b.info.Role.Slug) })
	for i, r := range c.roles {
		if _, dup := c.roleIndex[r.info.Role.Slug]; dup {
			return nil, fmt.Errorf("%w: role %q defined twice", ErrInvalidData, r.info.Role.Slug)
		}
		c.roleIndex[r.info.Role.Slug] = i
	}

	for slug := range src.titles.Roles {
		if _, ok := c.roleIndex[slug]; !ok {
			return nil, fmt.Errorf("%w: titles for unknown role %q", ErrInvalidData, slug)
		}
	}
	c.titles = src.titles.Roles
	return c, nil
}

// buildRole converts one role file entry, resolving industries.
func (c *Catalog) buildRole(fr fileRole) (role, error) {
	r := role{
		info: RoleInfo{
			Role:        competency.Role{Slug: fr.Slug, Title: fr.Title},
			Description: fr.Description,
			ONetCodes:   slices.Clone(fr.ONet),
		},
		aliases:  fr.Aliases,
		variants: make(map[competency.Industry][]fileChange, len(fr.Variants)),
	}
	for _, s := range fr.Industries {
		ind, err := c.ParseIndustry(s)
		if err != nil {
			return role{}, err
		}
		r.info.Industries = append(r.info.Industries, ind)
	}
	slices.Sort(r.info.Industries)
	for _, e := range fr.Primary {
		r.base = append(r.base, baseEntry{slug: e.Competency, group: competency.Primary, levels: e.Levels})
	}
	for _, e := range fr.Supporting {
		r.base = append(r.base, baseEntry{slug: e.Competency, group: competency.Supporting, levels: e.Levels})
	}
	for s, changes := range fr.Variants {
		ind, err := c.ParseIndustry(s)
		if err != nil {
			return role{}, fmt.Errorf("variant: %w", err)
		}
		r.variants[ind] = changes
	}
	return r, nil
}

// Version returns the catalog's content version (the Version constant).
func (c *Catalog) Version() string { return Version }

// Industries returns the catalog's industries, sorted by slug.
func (c *Catalog) Industries() []competency.Industry { return slices.Clone(c.industries) }

// IndustryName returns the display name of an industry ("Public Sector"),
// or "" if the industry is unknown.
func (c *Catalog) IndustryName(ind competency.Industry) string { return c.industryNames[ind] }

// ParseIndustry returns s as a known Industry. Surrounding space and case are
// ignored. An unknown industry yields an error wrapping ErrUnknownIndustry
// that lists the valid ones.
func (c *Catalog) ParseIndustry(s string) (competency.Industry, error) {
	ind := competency.Industry(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := c.industryNames[ind]; !ok {
		return "", fmt.Errorf("%w: %q (want one of %s)", ErrUnknownIndustry, s, joinIndustries(c.industries))
	}
	return ind, nil
}

// Roles returns every role, sorted by slug.
func (c *Catalog) Roles() []RoleInfo {
	out := make([]RoleInfo, len(c.roles))
	for i, r := range c.roles {
		out[i] = cloneInfo(r.info)
	}
	return out
}

// Role returns the role with the given slug.
func (c *Catalog) Role(slug string) (RoleInfo, bool) {
	i, ok := c.roleIndex[slug]
	if !ok {
		return RoleInfo{}, false
	}
	return cloneInfo(c.roles[i].info), true
}

// Competencies returns every competency, sorted by slug.
func (c *Catalog) Competencies() []competency.Competency {
	out := make([]competency.Competency, len(c.competencies))
	for i, comp := range c.competencies {
		out[i] = cloneCompetency(comp)
	}
	return out
}

// Competency returns the competency with the given slug.
func (c *Catalog) Competency(slug string) (competency.Competency, bool) {
	i, ok := c.compIndex[slug]
	if !ok {
		return competency.Competency{}, false
	}
	return cloneCompetency(c.competencies[i]), true
}

func cloneInfo(ri RoleInfo) RoleInfo {
	ri.Industries = slices.Clone(ri.Industries)
	ri.ONetCodes = slices.Clone(ri.ONetCodes)
	return ri
}

// cloneCompetency deep-copies the slices and map of comp, so callers cannot
// change the catalog through a returned value.
func cloneCompetency(comp competency.Competency) competency.Competency {
	comp.Keywords = slices.Clone(comp.Keywords)
	comp.Aliases = slices.Clone(comp.Aliases)
	comp.Industries = slices.Clone(comp.Industries)
	actions := make(map[competency.Level][]competency.Action, len(comp.Actions))
	for l, as := range comp.Actions {
		actions[l] = slices.Clone(as)
	}
	comp.Actions = actions
	return comp
}

func joinIndustries(inds []competency.Industry) string {
	ss := make([]string, len(inds))
	for i, ind := range inds {
		ss[i] = string(ind)
	}
	return strings.Join(ss, ", ")
}

// roleSlugs lists the role slugs in order, for error messages.
func (c *Catalog) roleSlugs() string {
	return strings.Join(slices.Sorted(maps.Keys(c.roleIndex)), ", ")
}
