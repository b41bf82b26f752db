package site

import (
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// lineIndex finds the lines of tables and keys in a profile. BurntSushi's
// decoder keeps no positions for keys, and an error without a line is not
// an error an admin can act on; the profile format is simple enough
// (top-level keys, [table] and [[array]] headers) to index directly.
type lineIndex struct {
	tables map[string]int // "waivers#2" -> header line
	keys   map[string]int // "waivers#2.reason" -> line; "#0.site" for top level
	order  []string       // keys in file order, for lookups without index
}

var (
	arrayHeaderRE = regexp.MustCompile(`^\[\[\s*([A-Za-z0-9_-]+)\s*\]\]`)
	tableHeaderRE = regexp.MustCompile(`^\[\s*([A-Za-z0-9_-]+)\s*\]`)
	keyRE         = regexp.MustCompile(`^("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=`)
)

func indexLines(text string) lineIndex {
	idx := lineIndex{tables: map[string]int{}, keys: map[string]int{}}
	counts := map[string]int{}
	current := "#0"
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case arrayHeaderRE.MatchString(line):
			name := arrayHeaderRE.FindStringSubmatch(line)[1]
			current = name + "#" + itoa(counts[name])
			counts[name]++
			idx.tables[current] = n + 1
		case tableHeaderRE.MatchString(line):
			current = tableHeaderRE.FindStringSubmatch(line)[1] + "#0"
			idx.tables[current] = n + 1
		case keyRE.MatchString(line):
			k := strings.Trim(keyRE.FindStringSubmatch(line)[1], `"'`)
			full := current + "." + k
			if _, dup := idx.keys[full]; !dup {
				idx.keys[full] = n + 1
				idx.order = append(idx.order, full)
			}
		}
	}
	return idx
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// table returns the header line of the i-th [[name]].
func (x lineIndex) table(name string, i int) int { return x.tables[name+"#"+itoa(i)] }

// key returns the line of key in table (""=top level) instance i.
func (x lineIndex) key(table string, i int, key string) int {
	prefix := "#0"
	if table != "" {
		prefix = table + "#" + itoa(i)
	}
	return x.keys[prefix+"."+key]
}

// keyLine finds an undecoded key (["waivers", "colour"]) in file order.
func (x lineIndex) keyLine(k toml.Key) int {
	if len(k) == 0 {
		return 0
	}
	last := k[len(k)-1]
	table := ""
	if len(k) > 1 {
		table = k[0]
	}
	for _, full := range x.order {
		t, key, _ := strings.Cut(full, ".")
		name, _, _ := strings.Cut(t, "#")
		if key == last && (table == "" && name == "" || name == table) {
			return x.keys[full]
		}
	}
	if l, ok := x.tables[k[0]+"#0"]; ok {
		return l
	}
	return 0
}
