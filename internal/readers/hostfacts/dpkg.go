package hostfacts

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/debcontrol"
)

// DpkgStatus is dpkg's database of installed packages.
const DpkgStatus = "/var/lib/dpkg/status"

// installedStates are the third word of a Status: field for which the
// package's files are on the host (dpkg's lib/dpkg/pkg-namevalue.c
// statusinfos; dpkg-query lists these as installed): "installed", and
// the two trigger states of an installed package. "half-installed",
// "unpacked", "half-configured" and "config-files" are not.
var installedStates = map[string]bool{
	"installed": true, "triggers-pending": true, "triggers-awaited": true,
}

// DpkgPackages reads the installed packages from dpkg's status database.
// A host without one has none (nil, nil). The want flag does not matter
// ("hold ok installed" is installed); a stanza without Package or
// Version, or an unreadable database, is a problem.
func DpkgPackages(fsys *hostfs.FS) ([]inventory.Package, []inventory.Problem) {
	data, err := fsys.ReadFile(DpkgStatus)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, []inventory.Problem{{Source: inventory.Source{File: DpkgStatus}, Reason: "cannot read dpkg database: " + err.Error()}}
	}
	return parseDpkgStatus(DpkgStatus, data)
}

func parseDpkgStatus(file string, data []byte) ([]inventory.Package, []inventory.Problem) {
	stanzas, problems := debcontrol.Parse(file, data)
	var out []inventory.Package
	for _, s := range stanzas {
		status := strings.Fields(s.Value("Status"))
		if len(status) != 3 {
			problems = append(problems, inventory.Problem{Source: inventory.Source{File: file, Line: s.Line},
				Reason: "stanza without a valid Status field (want \"want flag status\")"})
			continue
		}
		if !installedStates[status[2]] {
			continue
		}
		name, version := s.Value("Package"), s.Value("Version")
		if name == "" || version == "" {
			problems = append(problems, inventory.Problem{Source: inventory.Source{File: file, Line: s.Line},
				Reason: "installed package without Package or Version field"})
			continue
		}
		src := s.Value("Source")
		// "Source: name (version)" names a source version that differs
		// from the binary's; keep the name.
		if i := strings.IndexByte(src, ' '); i >= 0 {
			src = src[:i]
		}
		out = append(out, inventory.Package{
			Name:          name,
			Version:       version,
			Arch:          s.Value("Architecture"),
			Manager:       inventory.ManagerDpkg,
			SourcePackage: src,
			Source:        inventory.Source{File: file, Line: s.Line},
		})
	}
	return out, problems
}
