package systemdunit

import (
	"bytes"
	"strings"
	"testing"
)

var unitSeeds = []string{
	"[Unit]\nDescription=x\n[Service]\nEnvironment=A=1 \"B=2 3\"\nEnvironmentFile=-/etc/x\n",
	"[Service]\nA=x\\\n# c\ny\\",
	"\xef\xbb\xbf[Service]\r\nA=1\rB",
	"[Bro\"ken]\nA=\xff",
	"=\n[\n]\n[]\nA",
}

// FuzzParse checks that any input parses without panicking, that every
// assignment and problem has a line inside the file, and that values and
// keys never span lines.
func FuzzParse(f *testing.F) {
	for _, s := range unitSeeds {
		f.Add([]byte(s))
	}
	// The hostile-input suite's shapes, small: a long continuation, an
	// environment of many names.
	f.Add([]byte("[Service]\nEnvironment=A=b \\\n" + strings.Repeat("  C=d \\\n", 200) + "  E=f\n"))
	f.Add([]byte("[Service]\n" + strings.Repeat("Environment=A=1 B=2 C=3\n", 100)))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := Parse("/f", data)
		lines := len(splitLines(string(data))) + 1
		for _, a := range u.Assignments {
			if a.Source.Line < 1 || a.Source.Line > lines {
				t.Fatalf("assignment %+v outside the file (%d lines)", a, lines)
			}
			if strings.ContainsAny(a.Key+a.Value, "\n\r") || a.Key == "" {
				t.Fatalf("bad assignment %+v", a)
			}
		}
		for _, p := range u.Problems {
			if p.Source.Line < 1 || p.Source.Line > lines {
				t.Fatalf("problem %+v outside the file", p)
			}
		}
		env, _ := Environment([]File{u}, "Service", Specifiers("a@b.service", "/f", ""))
		for _, e := range env {
			if !ValidEnvName(e.Name) {
				t.Fatalf("invalid name %q kept", e.Name)
			}
		}
		_, _ = EnvironmentFiles([]File{u}, "Service", nil)
	})
}

// FuzzSplitWords checks that word splitting never panics and that no
// word it returns holds an unquoted, unescaped separator.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{`A=1 "B=2 3" 'C=4'`, `A=\x41\u00e9\U0001F600 \`, `"`, `\777 \000 \xZZ`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, _ := SplitWords(s)
		if len(words) > len(s) {
			t.Fatalf("%d words from %d bytes", len(words), len(s))
		}
	})
}

// FuzzParseEnvFile checks that environment files parse without
// panicking and that only valid names come out, each once.
func FuzzParseEnvFile(f *testing.F) {
	for _, s := range []string{"A=1\nexport B=2\n# c\\\nC='x\ny' \"z\"\\\n", "A=\"\\", "=\n==\nA", "A=\xff", strings.Repeat("A=1\nB=2\n", 200)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, problems, rejected := ParseEnvFile("/e", data)
		if rejected && env != nil {
			t.Fatal("a rejected file returned variables")
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		seen := map[string]bool{}
		for _, e := range env {
			if !ValidEnvName(e.Name) || seen[e.Name] {
				t.Fatalf("bad or repeated name %q", e.Name)
			}
			seen[e.Name] = true
			if e.Source.Line < 1 || e.Source.Line > lines {
				t.Fatalf("%+v outside the file", e)
			}
		}
		for _, p := range problems {
			if p.Source.Line < 1 || p.Source.Line > lines {
				t.Fatalf("problem %+v outside the file", p)
			}
		}
	})
}
