package debcontrol

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	type field struct {
		Name, Value string
		Line        int
	}
	tests := []struct {
		name     string
		in       string
		want     [][]field
		problems int
	}{
		{"two stanzas", "Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n",
			[][]field{{{"Package", "a", 1}, {"Version", "1", 2}}, {{"Package", "b", 4}, {"Version", "2", 5}}}, 0},
		{"continuation lines", "Package: a\nDescription: short\n long line\n .\n",
			[][]field{{{"Package", "a", 1}, {"Description", "short\nlong line\n.", 2}}}, 0},
		{"several blank lines and blanks-only lines", "\n\nPackage: a\n \t\n\nPackage: b\n",
			[][]field{{{"Package", "a", 3}}, {{"Package", "b", 6}}}, 0},
		{"value blanks trimmed, empty value", "Package:   a  \nConffiles:\n /etc/x 0123\n",
			[][]field{{{"Package", "a", 1}, {"Conffiles", "\n/etc/x 0123", 2}}}, 0},
		{"colon in value", "Depends: a (>= 1:2.0)\n", [][]field{{{"Depends", "a (>= 1:2.0)", 1}}}, 0},
		{"CRLF", "Package: a\r\nVersion: 1\r\n", [][]field{{{"Package", "a", 1}, {"Version", "1", 2}}}, 0},
		{"not a field", "Package: a\ngarbage\nVersion: 1\n", [][]field{{{"Package", "a", 1}, {"Version", "1", 3}}}, 1},
		{"continuation first", " orphan\nPackage: a\n", [][]field{{{"Package", "a", 2}}}, 1},
		{"duplicate field", "Package: a\nPackage: b\n", [][]field{{{"Package", "a", 1}}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stanzas, problems := Parse("/var/lib/dpkg/status", []byte(tt.in))
			var got [][]field
			for _, s := range stanzas {
				var fs []field
				for _, f := range s.Fields {
					fs = append(fs, field{f.Name, f.Value, f.Line})
				}
				got = append(got, fs)
				if s.Line != s.Fields[0].Line {
					t.Errorf("stanza line %d, first field at %d", s.Line, s.Fields[0].Line)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if len(problems) != tt.problems {
				t.Errorf("problems = %v, want %d", problems, tt.problems)
			}
		})
	}
}

func TestGetIsCaseInsensitive(t *testing.T) {
	stanzas, _ := Parse("/s", []byte("package: a\nVERSION: 1\n"))
	if v := stanzas[0].Value("Package"); v != "a" {
		t.Errorf("Package = %q", v)
	}
	if f, ok := stanzas[0].Get("version"); !ok || f.Value != "1" || f.Line != 2 {
		t.Errorf("version = %+v, %v", f, ok)
	}
	if _, ok := stanzas[0].Get("Source"); ok {
		t.Error("missing field found")
	}
}

// FuzzParse checks that any input parses without panicking, with every
// field and problem on a line of the input and no empty stanza.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"Package: a\nStatus: install ok installed\nVersion: 1:2-3\n\nPackage: b\n x\n", " x\n:\n#a: b\n-a: b\nA:\r\n",
		"Package: a\nDescription: x\n" + strings.Repeat(" more\n", 200) + "Package: a\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stanzas, problems := Parse("/s", data)
		lines := strings.Count(string(data), "\n") + 1
		for _, s := range stanzas {
			if len(s.Fields) == 0 {
				t.Fatal("empty stanza")
			}
			for _, f := range s.Fields {
				if f.Line < 1 || f.Line > lines || f.Name == "" {
					t.Fatalf("bad field %+v", f)
				}
			}
		}
		for _, p := range problems {
			if p.Source.Line < 1 || p.Source.Line > lines {
				t.Fatalf("problem %+v outside the input", p)
			}
		}
	})
}
