package hostfacts

import (
	"sort"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// Read gathers the host facts: the named units (see Unit) and the
// installed packages of every package database found. host is the host
// name for the %H specifier ("" when unknown).
func Read(fsys *hostfs.FS, units []string, host string) inventory.HostFacts {
	var facts inventory.HostFacts
	facts.Units = Units(fsys, units, host)
	facts.Packages, facts.Problems = Packages(fsys)
	return facts
}

// Packages reads the dpkg and RPM databases (a host may have both, for
// example a Debian host with rpm installed for building), sorted by
// manager, name and architecture.
func Packages(fsys *hostfs.FS) ([]inventory.Package, []inventory.Problem) {
	pkgs, problems := DpkgPackages(fsys)
	rpms, p2 := RPMPackages(fsys)
	pkgs = append(pkgs, rpms...)
	problems = append(problems, p2...)
	sort.SliceStable(pkgs, func(i, j int) bool {
		a, b := pkgs[i], pkgs[j]
		if a.Manager != b.Manager {
			return a.Manager < b.Manager
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Arch < b.Arch
	})
	return pkgs, problems
}
