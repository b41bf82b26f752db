package hostfacts

import (
	"path"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/systemdunit"
)

// Preset actions.
const (
	PresetEnable  = "enable"
	PresetDisable = "disable"
	PresetIgnore  = "ignore"
)

// preset answers what the preset files say for unit n, as
// src/shared/install.c read_presets and query_presets do: the *.preset
// files of the preset directories, a file name in an earlier directory
// hiding the same name in a later one, read in file-name order; lines
// "enable PATTERN [INSTANCE...]", "disable PATTERN" or "ignore PATTERN"
// (ignore is known to newer systemd only; older ones skip the line), blank lines and lines starting with # or ;
// skipped; the first rule whose pattern matches the unit name (fnmatch)
// wins, or, for an instance, a rule naming its template with the
// instance among its instances (pattern_match_multiple_instances). No
// matching rule means "enable".
func preset(fsys *hostfs.FS, n systemdunit.Name, problems *[]inventory.Problem) (string, inventory.Source) {
	chosen := map[string]string{}
	var names []string
	for _, d := range dirs(fsys, presetDirs) {
		matches, err := fsys.Glob(d, "*.preset")
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
			chosen[b] = m
			names = append(names, b)
		}
	}
	sort.Strings(names)
	for _, b := range names {
		p := chosen[b]
		data, err := fsys.ReadFile(p)
		if err != nil {
			*problems = append(*problems, inventory.Problem{Source: inventory.Source{File: p}, Reason: "cannot read preset file: " + err.Error()})
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			l := strings.Trim(line, " \t\r")
			if l == "" || strings.ContainsRune("#;", rune(l[0])) {
				continue
			}
			fields := strings.Fields(l)
			if len(fields) < 2 {
				continue
			}
			action := fields[0]
			if action != PresetEnable && action != PresetDisable && action != PresetIgnore {
				continue
			}
			pattern := fields[1]
			if action == PresetEnable && len(fields) > 2 && n.IsInstance() && pattern == n.Template() {
				for _, inst := range fields[2:] {
					if inst == n.Instance {
						return action, inventory.Source{File: p, Line: i + 1}
					}
				}
			}
			if fnmatch(pattern, n.Full) {
				return action, inventory.Source{File: p, Line: i + 1}
			}
		}
	}
	return PresetEnable, inventory.Source{}
}

// fnmatch is fnmatch(3) with FNM_NOESCAPE: a backslash is an ordinary
// character.
func fnmatch(pattern, name string) bool {
	pattern = strings.ReplaceAll(pattern, `\`, `[\\]`)
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}
