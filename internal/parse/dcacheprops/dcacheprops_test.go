package dcacheprops

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestParseAndScopes(t *testing.T) {
	text := "# c\na = 1\n(deprecated)b = old\n(one-of?x|y)c = x\nlong = one \\\n  two\n[dom]\na = 2\n[dom/gplazma]\ngplazma.oidc.provider!atlas = https://atlas-auth.cern.ch/ -prefix=${base}/atlas\nbase = /pnfs\n[other/pool]\na = 9\n"
	props, _ := Parse("/l.conf", []byte(text))
	if props[1].Annotation != "deprecated" || props[2].Annotation != "one-of?x|y" || props[3].Value != "one two" || props[3].Source.Line != 5 {
		t.Errorf("props = %+v", props)
	}
	s := NewSet(map[string]string{"base": "/default"})
	s.Apply(props, "")
	if v, _, _ := s.Get("a"); v != "1" {
		t.Errorf("global a = %q", v)
	}
	s.Apply(props, "dom")
	s.Apply(props, "dom/gplazma")
	if v, p, _ := s.Get("a"); v != "2" || p.Source.Line != 8 {
		t.Errorf("domain a = %q at %d", v, p.Source.Line)
	}
	if v, _, _ := s.Get("gplazma.oidc.provider!atlas"); v != "https://atlas-auth.cern.ch/ -prefix=/pnfs/atlas" {
		t.Errorf("provider = %q", v)
	}
	if keys := s.Keys("gplazma.oidc.provider!"); len(keys) != 1 {
		t.Errorf("keys = %v", keys)
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range testkit.CorpusFiles("dcache", "*.conf") {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a=${a}${a}\n[x/y]\n(z\nb=${b\n"))
	// The hostile-input suite's shapes, small: nested references that
	// multiply, a long continuation.
	f.Add([]byte("p0 = xxxxxxxxxx\np1 = ${p0}${p0}${p0}${p0}${p0}${p0}${p0}${p0}\np2 = ${p1}${p1}${p1}${p1}${p1}${p1}${p1}${p1}\np3 = ${p2}${p2}${p2}${p2}${p2}${p2}${p2}${p2}\nq = ${p3}${p3}${p3}${p3}${p3}${p3}${p3}${p3}\n"))
	f.Add([]byte("a = x \\\n" + strings.Repeat("  b \\\n", 200) + "  c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		props, _ := Parse("/f", data)
		s := NewSet(nil)
		s.Apply(props, "")
		for _, p := range props {
			s.Get(p.Key)
		}
	})
}

// TestSections: every scope header with its line, with or without
// properties below it.
func TestSections(t *testing.T) {
	tests := []struct {
		name, layout, want string
	}{
		{"domain and services", "a=b\n[dCacheDomain]\n[dCacheDomain/webdav]\nwebdav.net.port = 2880\n [doors/gplazma] \n", "dCacheDomain@2 dCacheDomain/webdav@3 doors/gplazma@5"},
		{"no scope", "a=b\n# [x]\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range Sections("/l", []byte(tc.layout)) {
				got = append(got, fmt.Sprintf("%s@%d", s.Scope, s.Source.Line))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("Sections = %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}
