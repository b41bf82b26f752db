// Package hostfacts reads what runs on a host and which versions are
// installed: the systemd units of the grid services (whether they are
// enabled, masked, which files define them and the environment systemd
// gives them) and the installed packages (dpkg and RPM databases). All
// files are read through internal/hostfs, inside --root.
//
// Environment values are kept, because services resolve ${VAR} from
// them; they may be secrets, and every output must scrub them.
package hostfacts

import (
	"path"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/systemdunit"
)

// searchPath is the system manager's unit search path, highest priority
// first, as src/basic/path-lookup.c lookup_paths_init builds it for the
// system scope. Builds for a split /usr (Debian 12) put their
// SYSTEM_DATA_UNIT_DIR /lib/systemd/system before /usr/lib/systemd/system
// (as `systemd-analyze unit-paths` shows there); on merged-/usr hosts
// (EL8, EL9) /lib is a link to /usr/lib and the two are one directory.
var searchPath = []string{
	"/etc/systemd/system.control",
	"/run/systemd/system.control",
	"/run/systemd/transient",
	"/run/systemd/generator.early",
	"/etc/systemd/system",
	"/etc/systemd/system.attached",
	"/run/systemd/system",
	"/run/systemd/system.attached",
	"/run/systemd/generator",
	"/usr/local/lib/systemd/system",
	"/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/run/systemd/generator.late",
}

// configDirs are where `systemctl enable` links live, with the state a
// link there gives (src/shared/install.c find_symlinks_in_scope).
var configDirs = []struct {
	dir, state string
}{
	{"/etc/systemd/system.control", inventory.UnitEnabled},
	{"/etc/systemd/system", inventory.UnitEnabled},
	{"/run/systemd/system.control", inventory.UnitEnabledRuntime},
	{"/run/systemd/system", inventory.UnitEnabledRuntime},
}

// presetDirs are the system preset directories (src/shared/install.c
// read_presets), highest priority first.
var presetDirs = []string{
	"/etc/systemd/system-preset",
	"/run/systemd/system-preset",
	"/usr/local/lib/systemd/system-preset",
	"/usr/lib/systemd/system-preset",
	"/lib/systemd/system-preset",
}

// dependencyDirSuffixes are the directories whose links make dependencies
// (src/shared/install.c: .wants/, .requires/, .upholds/).
var dependencyDirSuffixes = []string{".wants", ".requires", ".upholds"}

// dirs returns the existing directories of list, dropping those that
// resolve to one already listed (/lib -> /usr/lib on merged-/usr hosts).
func dirs(fsys *hostfs.FS, list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range list {
		r, err := fsys.Resolve(d)
		if err != nil {
			continue
		}
		st, err := fsys.Stat(d)
		if err != nil || !st.IsDir() || seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, d)
	}
	return out
}

// linkTarget returns the target of host path p when p itself is a
// symbolic link (without following it), reading the link inside --root.
func linkTarget(fsys *hostfs.FS, p string) (string, bool) {
	t, err := fsys.Readlink(p)
	return t, err == nil
}

// maskedEntry reports whether p masks what it names: a link to /dev/null
// or an empty file (null_or_empty_path in src/basic/stat-util.c).
func maskedEntry(fsys *hostfs.FS, p string) bool {
	if t, ok := linkTarget(fsys, p); ok && path.Clean(t) == "/dev/null" {
		return true
	}
	if r, err := fsys.Resolve(p); err == nil && r == "/dev/null" {
		return true
	}
	st, err := fsys.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Size() == 0
}

// exists reports whether p exists as a file or link (dangling links
// included: systemd sees them and fails on them).
func exists(fsys *hostfs.FS, p string) bool {
	if _, ok := linkTarget(fsys, p); ok {
		return true
	}
	return fsys.Exists(p)
}

// Unit reads one unit as systemd would load it. name is a unit name such
// as "condor-ce.service" or "xrootd@clustered.service"; host is the host
// name for the %H specifier ("" when unknown).
func Unit(fsys *hostfs.FS, name, host string) inventory.Unit {
	return NewUnitReader(fsys, host).Unit(name)
}

// UnitReader reads the units of one host, the search path resolved once: a
// scan asks for a dozen units, and a fleet scan for a dozen per host.
type UnitReader struct {
	fsys   *hostfs.FS
	host   string
	search []string
}

// NewUnitReader resolves the unit search path of the host under fsys.
func NewUnitReader(fsys *hostfs.FS, host string) *UnitReader {
	return &UnitReader{fsys: fsys, host: host, search: dirs(fsys, searchPath)}
}

// Unit is the package's Unit with the resolved search path.
func (us *UnitReader) Unit(name string) inventory.Unit {
	fsys, host, search := us.fsys, us.host, us.search
	u := inventory.Unit{Name: name}
	n, ok := systemdunit.ParseName(name)
	if !ok {
		u.State = inventory.UnitNotFound
		u.Problems = append(u.Problems, inventory.Problem{Reason: "not a valid unit name: " + name})
		return u
	}
	fragment, maskedBy, maskDir := findFragment(fsys, search, name)
	if fragment == "" && maskedBy == "" && n.IsInstance() {
		fragment, maskedBy, maskDir = findFragment(fsys, search, n.Template())
	}
	u.Preset, u.PresetSource = preset(fsys, n, &u.Problems)
	if maskedBy != "" {
		u.Masked, u.MaskedBy = true, maskedBy
		u.State = inventory.UnitMasked
		if strings.HasPrefix(maskDir, "/run/") {
			u.State = inventory.UnitMaskedRuntime
		}
		return u
	}
	if fragment == "" {
		u.State = inventory.UnitNotFound
		return u
	}
	u.File = fragment
	u.DropIns = dropIns(fsys, search, n)

	files := make([]systemdunit.File, 0, 1+len(u.DropIns))
	for _, p := range append([]string{fragment}, u.DropIns...) {
		data, err := fsys.ReadFile(p)
		if err != nil {
			u.Problems = append(u.Problems, inventory.Problem{Source: inventory.Source{File: p},
				Reason: "cannot read: " + err.Error() + "; systemd cannot load the unit either"})
			continue
		}
		f := systemdunit.Parse(p, data)
		u.Problems = append(u.Problems, f.Problems...)
		files = append(files, f)
	}

	u.EnabledBy, u.State = enablement(fsys, n)
	u.Enabled = u.State == inventory.UnitEnabled || u.State == inventory.UnitEnabledRuntime
	if u.State == "" {
		u.State = installState(fsys, n, files)
	}
	switch {
	case strings.HasPrefix(fragment, "/run/systemd/generator"):
		u.State = inventory.UnitGenerated
	case strings.HasPrefix(fragment, "/run/systemd/transient/"):
		u.State = "transient"
	}

	env, envFiles, problems := environment(fsys, name, fragment, host, files)
	u.Env, u.EnvFiles = env, envFiles
	u.Problems = append(u.Problems, problems...)
	return u
}

// Units reads each named unit.
func Units(fsys *hostfs.FS, names []string, host string) []inventory.Unit {
	out := make([]inventory.Unit, 0, len(names))
	for _, n := range names {
		out = append(out, Unit(fsys, n, host))
	}
	return out
}

// findFragment looks for the unit file of name along the search path:
// the first directory holding an entry of that name wins
// (src/shared/unit-file.c unit_file_build_name_map keeps the first). A
// link to /dev/null or an empty file there masks the unit.
func findFragment(fsys *hostfs.FS, search []string, name string) (fragment, maskedBy, dir string) {
	for _, d := range search {
		p := path.Join(d, name)
		if !exists(fsys, p) {
			continue
		}
		if maskedEntry(fsys, p) {
			return "", p, d
		}
		return p, "", d
	}
	return "", "", ""
}

// dropInDirNames returns the drop-in directory names for unit name n in
// the order src/shared/dropin.c unit_file_find_dirs visits them: the name,
// for an instance its template, then the dash prefixes ("foo-bar-baz"
// gives "foo-bar-" and "foo-").
func dropInDirNames(full string) []string {
	n, ok := systemdunit.ParseName(full)
	if !ok {
		return nil
	}
	out := []string{full + ".d"}
	if n.IsInstance() {
		out = append(out, dropInDirNames(n.Template())...)
	}
	prefix := n.Prefix
	chopped := false
	for {
		dash := strings.LastIndexByte(prefix, '-')
		if dash <= 0 {
			return out
		}
		if dash+1 < len(prefix) || chopped {
			prefix = prefix[:dash+1]
			break
		}
		prefix = prefix[:dash]
		chopped = true
	}
	built := prefix + "." + n.Type
	if n.IsInstance() {
		built = prefix + "@" + n.Instance + "." + n.Type
	}
	return append(out, dropInDirNames(built)...)
}

// dropIns lists the drop-ins of unit n as
// src/shared/dropin.c unit_file_find_dropin_paths does: the drop-in
// directories of every search-path directory (the unit's own, then the
// top-level "<type>.d", e.g. service.d), then conf_files_list_strv
// (src/basic/conf-files.c): "*.conf" files, a file name found in an
// earlier directory hiding the same name in a later one, a masked entry
// (link to /dev/null, empty file) hiding it and applying nothing, and the
// result sorted by file name.
func dropIns(fsys *hostfs.FS, search []string, n systemdunit.Name) []string {
	var dirList []string
	for _, d := range search {
		for _, dn := range dropInDirNames(n.Full) {
			dirList = append(dirList, path.Join(d, dn))
		}
	}
	for _, d := range search {
		dirList = append(dirList, path.Join(d, n.Type+".d"))
	}
	chosen := map[string]string{}
	var names []string
	for _, d := range dirList {
		matches, err := fsys.Glob(d, "*.conf")
		if err != nil {
			continue
		}
		for _, m := range matches {
			b := path.Base(m)
			if _, seen := chosen[b]; seen {
				continue
			}
			if maskedEntry(fsys, m) {
				chosen[b] = ""
				continue
			}
			if st, err := fsys.Stat(m); err != nil || !st.Mode().IsRegular() {
				continue
			}
			chosen[b] = m
			names = append(names, b)
		}
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, b := range names {
		out = append(out, chosen[b])
	}
	return out
}

// enablement finds the links that enable unit n
// (src/shared/install.c find_symlinks_in_scope): entries of .wants/,
// .requires/ and .upholds/ directories in the configuration directories
// named like the unit, or, for a template, instances of it. It returns
// the links and "enabled", "enabled-runtime", "indirect" (a template
// some instance of which is enabled), or "" when nothing enables it.
func enablement(fsys *hostfs.FS, n systemdunit.Name) ([]string, string) {
	var links []string
	state := ""
	for _, cd := range configDirs {
		for _, l := range dependencyLinks(fsys, cd.dir) {
			base := path.Base(l)
			match := base == n.Full
			if !match && n.IsTemplate() {
				if ln, ok := systemdunit.ParseName(base); ok && ln.IsInstance() && ln.Template() == n.Full {
					links = append(links, l)
					if state == "" {
						state = inventory.UnitIndirect
					}
				}
				continue
			}
			if !match {
				continue
			}
			links = append(links, l)
			if state == "" || state == inventory.UnitIndirect {
				state = cd.state
			}
		}
	}
	return links, state
}

// dependencyLinks lists the entries of every .wants/, .requires/ and
// .upholds/ directory directly under dir.
func dependencyLinks(fsys *hostfs.FS, dir string) []string {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		dep := false
		for _, s := range dependencyDirSuffixes {
			dep = dep || strings.HasSuffix(e.Name(), s)
		}
		if !dep {
			continue
		}
		sub := path.Join(dir, e.Name())
		inner, err := fsys.ReadDir(sub)
		if err != nil {
			continue
		}
		for _, x := range inner {
			p := path.Join(sub, x.Name())
			if maskedEntry(fsys, p) {
				continue
			}
			out = append(out, p)
		}
	}
	return out
}

// EnabledInstances returns the instance names ("xrootd@clustered.service")
// of template (for example "xrootd@.service") that links in .wants/,
// .requires/ or .upholds/ directories enable, sorted.
func EnabledInstances(fsys *hostfs.FS, template string) []string {
	n, ok := systemdunit.ParseName(template)
	if !ok || !n.IsTemplate() {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, cd := range configDirs {
		for _, l := range dependencyLinks(fsys, cd.dir) {
			base := path.Base(l)
			ln, ok := systemdunit.ParseName(base)
			if !ok || !ln.IsInstance() || ln.Template() != template || seen[base] {
				continue
			}
			seen[base] = true
			out = append(out, base)
		}
	}
	sort.Strings(out)
	return out
}

// installState is the state of a unit nothing enables
// (src/shared/install.c unit_file_lookup_state): "disabled" when its
// [Install] section has WantedBy=, RequiredBy=, UpheldBy= or Alias=,
// "indirect" when it has only Also=, "static" otherwise.
func installState(fsys *hostfs.FS, n systemdunit.Name, files []systemdunit.File) string {
	// install.c reads [Install] from the unit file and its drop-ins.
	rules, also := false, false
	for _, f := range files {
		for _, a := range f.Assignments {
			if a.Section != "Install" || a.Value == "" {
				continue
			}
			switch a.Key {
			case "WantedBy", "RequiredBy", "UpheldBy", "Alias":
				rules = true
			case "Also":
				also = true
			}
		}
	}
	switch {
	case rules:
		return inventory.UnitDisabled
	case also:
		return inventory.UnitIndirect
	}
	return inventory.UnitStatic
}
