package systemdunit

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

type kv struct {
	Section, Key, Value string
	Line                int
}

func assignments(f File) []kv {
	var out []kv
	for _, a := range f.Assignments {
		out = append(out, kv{a.Section, a.Key, a.Value, a.Source.Line})
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []kv
		problems int
		rejected bool
	}{
		{"sections and keys", "[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/a -b\n",
			[]kv{{"Unit", "Description", "x", 2}, {"Service", "ExecStart", "/bin/a -b", 5}}, 0, false},
		{"blanks around key and value", "[Service]\n  Key  =  v a l  \t\n",
			[]kv{{"Service", "Key", "v a l", 2}}, 0, false},
		{"comments # and ;", "[Service]\n# A=1\n  ; B=2\nC=3 # not a comment\n",
			[]kv{{"Service", "C", "3 # not a comment", 4}}, 0, false},
		{"continuation joins with a blank", "[Service]\nEnvironment=A=1 \\\n  B=2\n",
			[]kv{{"Service", "Environment", "A=1    B=2", 2}}, 0, false},
		{"comment inside a continuation is skipped", "[Service]\nA=x\\\n# comment\ny\n",
			[]kv{{"Service", "A", "x y", 2}}, 0, false},
		{"escaped backslash does not continue", "[Service]\nA=x\\\\\nB=y\n",
			[]kv{{"Service", "A", `x\\`, 2}, {"Service", "B", "y", 3}}, 0, false},
		{"continuation open at end of file", "[Service]\nA=x\\",
			[]kv{{"Service", "A", "x", 2}}, 0, false},
		{"repeated keys kept in order", "[Service]\nA=1\nA=2\n",
			[]kv{{"Service", "A", "1", 2}, {"Service", "A", "2", 3}}, 0, false},
		{"assignment before any section is ignored", "A=1\n[Service]\nB=2\n",
			[]kv{{"Service", "B", "2", 3}}, 1, false},
		{"missing = is ignored", "[Service]\nnonsense\nB=2\n",
			[]kv{{"Service", "B", "2", 3}}, 1, false},
		{"missing key is ignored", "[Service]\n=x\n",
			nil, 1, false},
		{"CRLF and CR line ends", "[Service]\r\nA=1\r\nB=2\rC=3",
			[]kv{{"Service", "A", "1", 2}, {"Service", "B", "2", 3}, {"Service", "C", "3", 4}}, 0, false},
		{"byte order mark", "\xef\xbb\xbf[Service]\nA=1\n",
			[]kv{{"Service", "A", "1", 2}}, 0, false},
		{"bad section header rejects the file", "[Service]\nA=1\n[Broken\nB=2\n",
			[]kv{{"Service", "A", "1", 2}}, 1, true},
		{"quote in section header rejects the file", "[Ser\"vice]\nA=1\n",
			nil, 1, true},
		{"invalid UTF-8 rejects the file", "[Service]\nA=\xff\n",
			nil, 1, true},
		{"case matters", "[service]\nenvironment=A=1\n",
			[]kv{{"service", "environment", "A=1", 2}}, 0, false},
		{"value with = signs", "[Service]\nEnvironment=A=b=c\n",
			[]kv{{"Service", "Environment", "A=b=c", 2}}, 0, false},
		{"empty value", "[Service]\nEnvironment=\n",
			[]kv{{"Service", "Environment", "", 2}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse("/etc/systemd/system/x.service", []byte(tt.in))
			if got := assignments(f); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("assignments = %+v, want %+v", got, tt.want)
			}
			if len(f.Problems) != tt.problems || f.Rejected != tt.rejected {
				t.Errorf("problems = %v (rejected %v), want %d (rejected %v)", f.Problems, f.Rejected, tt.problems, tt.rejected)
			}
			for _, p := range f.Problems {
				if p.Source.File != "/etc/systemd/system/x.service" || p.Source.Line == 0 {
					t.Errorf("problem without file:line: %+v", p)
				}
			}
		})
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{`A=1 B=2`, []string{"A=1", "B=2"}, false},
		{"  A=1 \t B=2  ", []string{"A=1", "B=2"}, false},
		// The examples of systemd.exec(5), Environment=.
		{`"VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"`, []string{"VAR1=word1 word2", "VAR2=word3", "VAR3=$word 5 6"}, false},
		{`VAR1=word1 word2`, []string{"VAR1=word1", "word2"}, false},
		{`A="x y"z`, []string{"A=x yz"}, false},
		{`A='x "y"'`, []string{`A=x "y"`}, false},
		{`A="it's"`, []string{`A=it's`}, false},
		{`A=a\sb\tc`, []string{"A=a b\tc"}, false},
		{`A="a\"b"`, []string{`A=a"b`}, false},
		{`A=\x41\101\u00e9`, []string{"A=AAé"}, false},
		{`A=\\`, []string{`A=\`}, false},
		{`""`, []string{""}, false},
		{`A=1 "B=2`, []string{"A=1"}, true},
		{`A=1 B=\q C=3`, []string{"A=1"}, true},
		{`A=1 B=x\`, []string{"A=1"}, true},
		{`A=\x00`, nil, true},
	}
	for _, tt := range tests {
		got, err := SplitWords(tt.in)
		if !reflect.DeepEqual(got, tt.want) || (err != nil) != tt.err {
			t.Errorf("SplitWords(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("SplitWords(%q) error %v is not ErrSyntax", tt.in, err)
		}
	}
}

type env struct {
	Name, Value string
	Line        int
}

func envs(as []EnvAssignment) []env {
	var out []env
	for _, a := range as {
		out = append(out, env{a.Name, a.Value, a.Source.Line})
	}
	return out
}

func TestEnvironment(t *testing.T) {
	unit := Parse("/usr/lib/systemd/system/x@.service", []byte(
		"[Service]\nEnvironment=A=1 B=2\nEnvironment=\"C=x y\" A=3\nEnvironment=BAD-NAME=1 D=%i\n"))
	dropin := Parse("/etc/systemd/system/x@.service.d/10.conf", []byte("[Service]\nEnvironment=B=drop-in\n"))
	reset := Parse("/etc/systemd/system/x@.service.d/20.conf", []byte("[Service]\nEnvironment=\nEnvironment=E=after-reset\n"))
	expand := Specifiers("x@inst.service", "/usr/lib/systemd/system/x@.service", "")

	tests := []struct {
		name     string
		files    []File
		want     []env
		problems int
	}{
		{"unit alone", []File{unit}, []env{{"A", "3", 3}, {"B", "2", 2}, {"C", "x y", 3}, {"D", "inst", 4}}, 1},
		{"drop-in overrides", []File{unit, dropin}, []env{{"A", "3", 3}, {"B", "drop-in", 2}, {"C", "x y", 3}, {"D", "inst", 4}}, 1},
		{"empty assignment resets", []File{unit, dropin, reset}, []env{{"E", "after-reset", 3}}, 1},
		{"other section ignored", []File{Parse("/x", []byte("[Unit]\nEnvironment=A=1\n"))}, nil, 0},
		{"syntax error keeps earlier words", []File{Parse("/x", []byte("[Service]\nEnvironment=A=1 \"B=2\n"))}, []env{{"A", "1", 2}}, 1},
		{"unknown specifier drops the word", []File{Parse("/x", []byte("[Service]\nEnvironment=A=%Z B=1\n"))}, []env{{"B", "1", 2}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := Environment(tt.files, "Service", expand)
			if !reflect.DeepEqual(envs(got), tt.want) {
				t.Errorf("env = %+v, want %+v", envs(got), tt.want)
			}
			if len(problems) != tt.problems {
				t.Errorf("problems = %v, want %d", problems, tt.problems)
			}
			for _, p := range problems {
				if strings.Contains(p.Reason, "drop-in") || strings.Contains(p.Reason, "x y") {
					t.Errorf("problem repeats a value: %q", p.Reason)
				}
			}
		})
	}
	// The source of each value is the line that set it, in the file that did.
	got, _ := Environment([]File{unit, dropin}, "Service", expand)
	for _, e := range got {
		if e.Name == "B" && e.Source.File != "/etc/systemd/system/x@.service.d/10.conf" {
			t.Errorf("B from %v, want the drop-in", e.Source)
		}
	}
}

func TestEnvironmentFiles(t *testing.T) {
	f := Parse("/u", []byte("[Service]\nEnvironmentFile=/etc/sysconfig/a\nEnvironmentFile=-/etc/default/%p\nEnvironmentFile=relative\nEnvironmentFile=//etc//x/./y/\n"))
	got, problems := EnvironmentFiles([]File{f}, "Service", Specifiers("xrootd@c.service", "", ""))
	want := []EnvFileRef{
		{Path: "/etc/sysconfig/a", Source: inventory.Source{File: "/u", Line: 2}},
		{Path: "/etc/default/xrootd", Optional: true, Source: inventory.Source{File: "/u", Line: 3}},
		{Path: "/etc/x/y", Source: inventory.Source{File: "/u", Line: 5}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refs = %+v, want %+v", got, want)
	}
	if len(problems) != 1 || problems[0].Source.Line != 4 {
		t.Errorf("problems = %v, want one for the relative path", problems)
	}
	reset := Parse("/d", []byte("[Service]\nEnvironmentFile=\nEnvironmentFile=-/b\n"))
	got, _ = EnvironmentFiles([]File{f, reset}, "Service", nil)
	if len(got) != 1 || got[0].Path != "/b" || !got[0].Optional {
		t.Errorf("after reset = %+v, want only -/b", got)
	}
}

func TestParseEnvFile(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []env
		problems int
		rejected bool
	}{
		{"plain", "A=1\nB=2\n", []env{{"A", "1", 1}, {"B", "2", 2}}, 0, false},
		{"comments and blanks", "# c\n  ; c\n\n  A = 1 \n", []env{{"A", "1", 4}}, 0, false},
		{"double quotes", `A="x y"` + "\n", []env{{"A", "x y", 1}}, 0, false},
		{"single quotes", `A='$x \n'` + "\n", []env{{"A", `$x \n`, 1}}, 0, false},
		{"escapes in double quotes", `A="a\"b\\c\$d\e"` + "\n", []env{{"A", `a"b\c$d\e`, 1}}, 0, false},
		{"concatenation, blanks after a quote dropped", `A="x"  y 'z'` + "\n", []env{{"A", "xy 'z'", 1}}, 0, false},
		{"backslash outside quotes", `A=a\ b\\c` + "\n", []env{{"A", `a b\c`, 1}}, 0, false},
		{"backslash-newline joins lines", "A=a\\\nb\nC=1\n", []env{{"A", "ab", 1}, {"C", "1", 3}}, 0, false},
		{"newline inside quotes", "A=\"a\nb\"\nC=1\n", []env{{"A", "a\nb", 1}, {"C", "1", 3}}, 0, false},
		{"export is not stripped", "export A=1\nB=2\n", []env{{"B", "2", 2}}, 1, false},
		{"line without = ignored", "JUSTAWORD\nB=2\n", []env{{"B", "2", 2}}, 0, false},
		{"later value wins", "A=1\nA=2\n", []env{{"A", "2", 2}}, 0, false},
		{"empty value", "A=\nB=\"\"\n", []env{{"A", "", 1}, {"B", "", 2}}, 0, false},
		{"trailing blanks cut, inner kept", "A=a b  \n", []env{{"A", "a b", 1}}, 0, false},
		{"no final newline", "A=1", []env{{"A", "1", 1}}, 0, false},
		{"unterminated quote runs to the end", "A=\"x\nB=2", []env{{"A", "x\nB=2", 1}}, 0, false},
		{"comment with trailing backslash ends at the line", "# c \\\nA=1\n", []env{{"A", "1", 2}}, 0, false},
		{"invalid name", "1A=x\nA-B=y\n", nil, 2, false},
		{"CRLF", "A=1\r\nB=2\r\n", []env{{"A", "1", 1}, {"B", "2", 2}}, 0, false},
		{"invalid UTF-8 fails the file", "A=1\nB=\xff\n", nil, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems, rejected := ParseEnvFile("/etc/sysconfig/x", []byte(tt.in))
			if !reflect.DeepEqual(envs(got), tt.want) {
				t.Errorf("env = %+v, want %+v", envs(got), tt.want)
			}
			if len(problems) != tt.problems || rejected != tt.rejected {
				t.Errorf("problems = %v (rejected %v), want %d (rejected %v)", problems, rejected, tt.problems, tt.rejected)
			}
		})
	}
}

func TestSpecifiers(t *testing.T) {
	x := Specifiers(`dcache@a-b\x2dc.service`, "/usr/lib/systemd/system/dcache@.service", "host.example.org")
	tests := map[string]string{
		"%n":    `dcache@a-b\x2dc.service`,
		"%N":    `dcache@a-b\x2dc`,
		"%p":    "dcache",
		"%i":    `a-b\x2dc`,
		"%I":    "a/b-c",
		"%f":    "/a/b-c",
		"%j":    "dcache",
		"%y":    "/usr/lib/systemd/system/dcache@.service",
		"%Y":    "/usr/lib/systemd/system",
		"%H":    "host.example.org",
		"%t/x":  "/run/x",
		"%%i":   "%i",
		"100%":  "100%",
		"%m":    "%m",
		"plain": "plain",
	}
	for in, want := range tests {
		got, err := x(in)
		if err != nil || got != want {
			t.Errorf("expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := x("%Z"); err == nil {
		t.Error("unknown specifier %Z expanded without error")
	}
	if got, _ := Specifiers("storm-webdav.service", "", "")("%j %i|"); got != "webdav |" {
		t.Errorf("%%j %%i of storm-webdav.service = %q", got)
	}
}

func TestParseName(t *testing.T) {
	for _, tt := range []struct {
		in               string
		ok, tmpl, inst   bool
		prefix, instance string
	}{
		{"xrootd@clustered.service", true, false, true, "xrootd", "clustered"},
		{"xrootd@.service", true, true, false, "xrootd", ""},
		{"condor-ce.service", true, false, false, "condor-ce", ""},
		{"noservice", false, false, false, "", ""},
		{"@x.service", false, false, false, "", ""},
		{"a/b.service", false, false, false, "", ""},
	} {
		n, ok := ParseName(tt.in)
		if ok != tt.ok || n.IsTemplate() != tt.tmpl || n.IsInstance() != tt.inst || n.Prefix != tt.prefix || n.Instance != tt.instance {
			t.Errorf("ParseName(%q) = %+v, %v", tt.in, n, ok)
		}
	}
	n, _ := ParseName("xrootd@clustered.service")
	if n.Template() != "xrootd@.service" || n.WithInstance("x") != "xrootd@x.service" {
		t.Errorf("template %q, instance %q", n.Template(), n.WithInstance("x"))
	}
}
