package checks

import (
	"fmt"
	"slices"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/version"
	"github.com/ttt-wg/ttt-check/recipes"
)

// release is what a check knows of the installed release of a component
// of a service: the package version when the host records it, else the
// oldest supported release, which the service is then judged as.
type release struct {
	title   string // "XRootD"
	version string // as installed ("5.5.3-1"), or the oldest supported
	known   bool
	// features maps a feature to its first release (from the recipes).
	features map[string]string
}

// releaseOf returns the release of component run by svc. ok is false
// when the service does not run it, as far as the recipes know.
func releaseOf(in *Input, svc inventory.Service, component string) (release, bool) {
	rs, ok := in.Recipes.Services[svc.Name]
	if !ok || !slices.Contains(rs.Components, component) {
		return release{}, false
	}
	c, ok := in.Recipes.Components[component]
	if !ok {
		return release{}, false
	}
	r := release{title: c.Title, version: c.OldestSupported, features: c.Features}
	if v, ok := svc.Version(component); ok {
		r.version, r.known = v.Version, true
	}
	return r, true
}

// before reports whether the release is older than boundary.
func (r release) before(boundary string) bool { return !version.AtLeast(r.version, boundary) }

// has reports whether the release has a feature the recipes date; a
// feature they do not date is taken as present.
func (r release) has(feature string) bool {
	since, ok := r.features[feature]
	return !ok || !r.before(since)
}

// since is the first release with feature ("" when undated).
func (r release) since(feature string) string { return r.features[feature] }

// String names the release for a message: "XRootD 5.5.3-1", or "XRootD
// 5.5.0, the oldest supported, as the installed version is unknown".
func (r release) String() string {
	if r.known {
		return r.title + " " + r.version
	}
	return fmt.Sprintf("%s %s, the oldest supported, as the installed version is unknown", r.title, r.version)
}

// leakApplies reports whether a log leak of the recipes happens on the
// release (nil release: no component known, the leak is unbounded).
func leakApplies(leak recipes.LogLeak, r *release) bool {
	if r == nil {
		return true
	}
	if leak.Before != "" && !r.before(leak.Before) {
		return false
	}
	if leak.From != "" && r.before(leak.From) {
		return false
	}
	return true
}
