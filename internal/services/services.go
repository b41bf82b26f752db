// Package services is the registry of the services ttt-check reads. Each
// reader package describes its service (readers.Service: name, title,
// kind, reader, files, log directories); this package lists them, and
// everything that needs "every service" (the scan, the log search's
// default paths, help texts, the README's "What is read" table) is derived
// from it.
//
// Adding a service: write internal/parse/<format> if no parser reads its
// files, internal/readers/<name> with a service.go describing it, add it to
// the map below, and give it a `service "<name>"` block in the recipes; the
// registry test fails until both sides agree. ARCHITECTURE.md has the whole
// checklist.
package services

import (
	"path"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/readers/arcce"
	"github.com/ttt-wg/ttt-check/internal/readers/dcache"
	"github.com/ttt-wg/ttt-check/internal/readers/eos"
	"github.com/ttt-wg/ttt-check/internal/readers/htcondorce"
	"github.com/ttt-wg/ttt-check/internal/readers/storm"
	"github.com/ttt-wg/ttt-check/internal/readers/xrootd"
)

// registry maps each service's name to its description.
var registry = map[string]readers.Service{
	arcce.Service.Name:      arcce.Service,
	dcache.Service.Name:     dcache.Service,
	eos.Service.Name:        eos.Service,
	htcondorce.Service.Name: htcondorce.Service,
	storm.Service.Name:      storm.Service,
	xrootd.Service.Name:     xrootd.Service,
}

// Names returns the service names, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// All returns every service, sorted by name.
func All() []readers.Service {
	out := make([]readers.Service, 0, len(registry))
	for _, n := range Names() {
		out = append(out, registry[n])
	}
	return out
}

// Lookup returns the service of that name.
func Lookup(name string) (readers.Service, bool) {
	s, ok := registry[name]
	return s, ok
}

// LogDirs returns the log directories of the named services, in order and
// without repeats; with no names, those of every service.
func LogDirs(names ...string) []string {
	if len(names) == 0 {
		names = Names()
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		for _, d := range registry[n].LogDirs {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// OfLog names the service whose log directory holds file, or "" when the
// file is in none of them.
func OfLog(file string) string {
	file = path.Clean(file)
	for _, n := range Names() {
		for _, d := range registry[n].LogDirs {
			if strings.HasPrefix(file, d+"/") {
				return n
			}
		}
	}
	return ""
}
