package javaprops

import (
	"os"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestParse(t *testing.T) {
	text := "# c\n! c\nname=atlas\nrootPath : /storage/atlas\naccessPoints /atlas\norgs=https://a/,\\\n    https://b/\nname=again\nkey\\ with\\ space=v\nempty=\n  indented=yes\r\n"
	got := map[string]Entry{}
	entries, _ := Parse("/sa.properties", []byte(text))
	for _, e := range entries {
		got[e.Key] = e
	}
	tests := []struct {
		key, value string
		line       int
	}{
		{"name", "again", 8}, {"rootPath", "/storage/atlas", 4}, {"accessPoints", "/atlas", 5},
		{"orgs", "https://a/,https://b/", 6}, {"key with space", "v", 9}, {"empty", "", 10}, {"indented", "yes", 11},
	}
	for _, tc := range tests {
		e, ok := got[tc.key]
		if !ok || e.Value != tc.value || e.Source.Line != tc.line {
			t.Errorf("%q = %+v, want %q at line %d", tc.key, e, tc.value, tc.line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range testkit.CorpusFiles("storm", "*.properties*") {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a=b\\\n\\\nc\\"))
	f.Add([]byte("orgs=a, \\\n" + strings.Repeat("  x, \\\n", 200) + "  y\n")) // a long continuation
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := Parse("/f", data)
		for _, e := range entries {
			if e.Source.Line < 1 || strings.ContainsRune(e.Key, '\n') && !strings.Contains(string(data), "\\n") {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
