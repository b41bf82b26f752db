package hostfacts

import (
	"path"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/systemdunit"
)

// execSection is the section holding Environment= for each unit type
// that starts processes (src/core/load-fragment-gperf.gperf.in).
var execSection = map[string]string{
	"service": "Service", "socket": "Socket", "mount": "Mount", "swap": "Swap",
}

// environment builds the environment systemd gives the unit's processes
// from its files (the unit file then its drop-ins, in order):
//   - Environment= assignments, later ones replacing earlier ones of the
//     same name, an empty Environment= resetting the list
//     (config_parse_environ, src/core/load-fragment.c);
//   - then the EnvironmentFile= files, in order, each overriding what
//     came before (exec_context_load_environment, src/core/execute.c).
//
// Variables from environment files override Environment= whatever the
// order of the lines: systemd merges context->environment first and the
// files' variables after (strv_env_merge in exec_child,
// src/core/execute.c; exec_invoke in src/core/exec-invoke.c since v255).
//
// A missing or unreadable file without "-" makes systemd refuse to start
// the unit ("Failed to load environment files"): a problem. With "-" it
// is skipped silently.
func environment(fsys *hostfs.FS, name, fragment, host string, files []systemdunit.File) ([]inventory.EnvVar, []inventory.EnvFile, []inventory.Problem) {
	n, _ := systemdunit.ParseName(name)
	section := execSection[n.Type]
	if section == "" {
		return nil, nil, nil
	}
	expand := systemdunit.Specifiers(name, fragment, host)
	assigned, problems := systemdunit.Environment(files, section, expand)
	refs, p2 := systemdunit.EnvironmentFiles(files, section, expand)
	problems = append(problems, p2...)

	vars := map[string]inventory.EnvVar{}
	for _, a := range assigned {
		vars[a.Name] = inventory.EnvVar{Name: a.Name, Value: a.Value, Source: a.Source}
	}
	var envFiles []inventory.EnvFile
	for _, r := range refs {
		ef := inventory.EnvFile{Path: r.Path, Optional: r.Optional, Source: r.Source}
		matches := glob(fsys, r.Path)
		if len(matches) == 0 {
			ef.Missing = true
			if !r.Optional {
				problems = append(problems, inventory.Problem{Source: r.Source,
					Reason: "EnvironmentFile=" + r.Path + " does not exist: systemd refuses to start the unit (write -" + r.Path + " to make it optional)"})
			}
			envFiles = append(envFiles, ef)
			continue
		}
		for _, m := range matches {
			data, err := fsys.ReadFile(m)
			if err != nil {
				if !r.Optional {
					problems = append(problems, inventory.Problem{Source: r.Source,
						Reason: "EnvironmentFile=" + m + " cannot be read (" + err.Error() + "): systemd refuses to start the unit"})
				}
				continue
			}
			env, fileProblems, rejected := systemdunit.ParseEnvFile(m, data)
			if rejected {
				if !r.Optional {
					problems = append(problems, fileProblems...)
					problems = append(problems, inventory.Problem{Source: r.Source,
						Reason: "EnvironmentFile=" + m + " cannot be loaded: systemd refuses to start the unit"})
				}
				continue
			}
			problems = append(problems, fileProblems...)
			ef.Loaded = append(ef.Loaded, m)
			for _, a := range env {
				vars[a.Name] = inventory.EnvVar{Name: a.Name, Value: a.Value, Source: a.Source}
			}
		}
		envFiles = append(envFiles, ef)
	}
	out := make([]inventory.EnvVar, 0, len(vars))
	for _, v := range vars {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, envFiles, problems
}

// glob expands an absolute host path with shell wildcards the way
// glob(3) does for systemd's safe_glob: component by component, matches
// sorted, hidden files only when the pattern starts with a dot. A path
// without wildcards matches itself when it exists.
func glob(fsys *hostfs.FS, pattern string) []string {
	if !strings.ContainsAny(pattern, "*?[") {
		if fsys.Exists(pattern) {
			return []string{pattern}
		}
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	cur := []string{"/"}
	for _, part := range parts {
		var next []string
		for _, dir := range cur {
			if !strings.ContainsAny(part, "*?[") {
				p := path.Join(dir, part)
				if fsys.Exists(p) {
					next = append(next, p)
				}
				continue
			}
			matches, err := fsys.Glob(dir, part)
			if err != nil {
				continue
			}
			for _, m := range matches {
				if strings.HasPrefix(path.Base(m), ".") && !strings.HasPrefix(part, ".") {
					continue
				}
				next = append(next, m)
			}
		}
		cur = next
	}
	sort.Strings(cur)
	return cur
}
