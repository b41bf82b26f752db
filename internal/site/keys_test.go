package site

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The scanner's lines are used only when its key list agrees with the
// library's; these documents exercise the TOML forms where a line-based
// reader would go wrong.
func TestScanKeysAgreesWithLibrary(t *testing.T) {
	full, err := os.ReadFile("testdata/site.toml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		lines      []int // line of each of MetaData.Keys
	}{
		{"testdata", string(full), nil},
		{"dotted and quoted keys", "a.b = 1\n\"c.d\" . 'e' = 2\n", []int{1, 2}},
		{"key-like text in a multi-line string", "a = \"\"\"\nb = 1\n\"\"\"\nc = '''\n[[d]]\n'''\ne = 1\n", []int{1, 4, 7}},
		{"closing quotes in the content", "a = \"\"\"x\"\"\"\"\"\nb = '''y'''''\nc = \"q\\\"=\"\n", []int{1, 2, 3}},
		{"array of tables and sub-tables", "[[w]]\nx = 1\n[w.sub]\ny = 2\n[[w]]\nx = 3\n", []int{1, 2, 3, 4, 5, 6}},
		{"inline tables over lines", "w = [\n  {a = 1,\n   b = {c = 2}},\n  {a = 3}, # comment\n]\n", []int{1, 2, 3, 3, 4}},
		{"date-times with a space", "a = [1979-05-27 07:32:00, 1979-05-27]\nb = 1\n", []int{1, 2}},
		{"comments and CRLF", "# c\r\na = 1 # c\r\n\r\n[t] # c\r\nb = [ # c\r\n 1,\r\n]\r\n", []int{2, 4, 5}},
		{"escapes in quoted keys", "\"\\e\\xe9\\u00e9\\U0001F600\\\"\" = 1\n\"\\t\" = 2\n", []int{1, 2}},
		{"header with spaces and quotes", "[ a . \"b c\" ]\nd = 1\n", []int{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			md, err := toml.Decode(tc.text, &v)
			if err != nil {
				t.Fatalf("test document is not TOML: %v", err)
			}
			pos := locate(tc.text, md)
			if pos.keyLines == nil {
				scanned, ok := scanKeys(tc.text)
				t.Fatalf("scan disagrees with MetaData.Keys %q (ok=%v): %+v", md.Keys(), ok, scanned)
			}
			if tc.lines != nil && !slices.Equal(pos.keyLines, tc.lines) {
				t.Errorf("lines = %v, want %v (keys %q)", pos.keyLines, tc.lines, md.Keys())
			}
		})
	}
}

func TestScanKeysPaths(t *testing.T) {
	text := "[[w]]\nx = 1\n[[w]]\nx = 2\n[w.sub]\ny = 3\nv = [\n'a',\n'b']\n"
	want := map[string]int{
		`"w"[0]."x"`:          2,
		`"w"[1]`:              3,
		`"w"[1]."x"`:          4,
		`"w"[1]."sub"."y"`:    6,
		`"w"[1]."sub"."v"[1]`: 9,
	}
	var v any
	md, err := toml.Decode(text, &v)
	if err != nil {
		t.Fatal(err)
	}
	pos := locate(text, md)
	for path, line := range want {
		if got := pos.at(path); got != line {
			t.Errorf("line of %s = %d, want %d", path, got, line)
		}
	}
}

// The scanner must not panic or loop on any input, TOML or not, and must
// agree with the library on every document the library accepts.
func FuzzScanKeys(f *testing.F) {
	if data, err := os.ReadFile("testdata/site.toml"); err == nil {
		f.Add(string(data))
	}
	f.Add("a = \"\"\"x\"\"\"\"\"\nb = [{c = 1}, [{d = 2}]]\n[[e.f]]\n[e.f.g]\nh = 1979-05-27 07:32:00\n")
	f.Add("\"\\u00e9\" = 1\n'k' = 'v'\nx = {a.b = 1}\n")
	f.Fuzz(func(t *testing.T, text string) {
		scanned, ok := scanKeys(text)
		var v any
		md, err := toml.Decode(text, &v)
		if err != nil {
			return
		}
		if !ok {
			t.Fatalf("scan failed on a document the library accepts (keys %q)", md.Keys())
		}
		var got []string
		for _, k := range scanned {
			if k.listed {
				got = append(got, k.key)
			}
		}
		var want []string
		for _, k := range md.Keys() {
			want = append(want, k.String())
		}
		if !slices.Equal(got, want) {
			t.Fatalf("scanned keys\n%s\nlibrary keys\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
