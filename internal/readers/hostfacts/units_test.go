package hostfacts

import (
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

const (
	svc     = "[Service]\nExecStart=/bin/true\n"
	install = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
	lib     = "/lib/systemd/system/"
	usrlib  = "/usr/lib/systemd/system/"
	etc     = "/etc/systemd/system/"
	run     = "/run/systemd/system/"
)

func TestUnitFileAndState(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		unit    string
		file    string
		state   string
		enabled bool
		masked  string
		links   []string
	}{
		{"instance falls back to its template", map[string]string{lib + "xrootd@.service": install},
			"xrootd@clustered.service", lib + "xrootd@.service", inventory.UnitDisabled, false, "", nil},
		{"an instance file wins over the template", map[string]string{lib + "xrootd@.service": install, usrlib + "xrootd@clustered.service": svc},
			"xrootd@clustered.service", usrlib + "xrootd@clustered.service", inventory.UnitStatic, false, "", nil},
		{"/etc overrides /usr/lib", map[string]string{usrlib + "condor-ce.service": install, etc + "condor-ce.service": svc},
			"condor-ce.service", etc + "condor-ce.service", inventory.UnitStatic, false, "", nil},
		{"/run overrides /usr/lib", map[string]string{usrlib + "arc-arex.service": install, run + "arc-arex.service": svc},
			"arc-arex.service", run + "arc-arex.service", inventory.UnitStatic, false, "", nil},
		{"/lib before /usr/lib, as on Debian's split /usr", map[string]string{usrlib + "a.service": svc, lib + "a.service": install},
			"a.service", lib + "a.service", inventory.UnitDisabled, false, "", nil},
		{"/lib linked to /usr/lib is one directory", map[string]string{usrlib + "a.service": svc, "/lib": "->usr/lib"},
			"a.service", lib + "a.service", inventory.UnitStatic, false, "", nil},
		{"enabled instance", map[string]string{lib + "xrootd@.service": install, etc + "multi-user.target.wants/xrootd@clustered.service": "->" + lib + "xrootd@.service"},
			"xrootd@clustered.service", lib + "xrootd@.service", inventory.UnitEnabled, true, "", []string{etc + "multi-user.target.wants/xrootd@clustered.service"}},
		{"template of an enabled instance is indirect", map[string]string{lib + "xrootd@.service": install, etc + "multi-user.target.wants/xrootd@clustered.service": "->" + lib + "xrootd@.service"},
			"xrootd@.service", lib + "xrootd@.service", inventory.UnitIndirect, false, "", []string{etc + "multi-user.target.wants/xrootd@clustered.service"}},
		{"other instance is not enabled", map[string]string{lib + "xrootd@.service": install, etc + "multi-user.target.wants/xrootd@clustered.service": "->" + lib + "xrootd@.service"},
			"xrootd@other.service", lib + "xrootd@.service", inventory.UnitDisabled, false, "", nil},
		{"requires link enables", map[string]string{usrlib + "storm-webdav.service": install, etc + "multi-user.target.requires/storm-webdav.service": "->" + usrlib + "storm-webdav.service"},
			"storm-webdav.service", usrlib + "storm-webdav.service", inventory.UnitEnabled, true, "", []string{etc + "multi-user.target.requires/storm-webdav.service"}},
		{"runtime link", map[string]string{usrlib + "eos@.service": install, run + "multi-user.target.wants/eos@mgm.service": "->" + usrlib + "eos@.service"},
			"eos@mgm.service", usrlib + "eos@.service", inventory.UnitEnabledRuntime, true, "", []string{run + "multi-user.target.wants/eos@mgm.service"}},
		{"vendor link under /usr/lib does not count", map[string]string{usrlib + "a.service": install, usrlib + "multi-user.target.wants/a.service": "->../a.service"},
			"a.service", usrlib + "a.service", inventory.UnitDisabled, false, "", nil},
		{"masked by /dev/null", map[string]string{usrlib + "condor-ce.service": install, etc + "condor-ce.service": "->/dev/null"},
			"condor-ce.service", "", inventory.UnitMasked, false, etc + "condor-ce.service", nil},
		{"masked by an empty file", map[string]string{usrlib + "condor-ce.service": install, etc + "condor-ce.service": ""},
			"condor-ce.service", "", inventory.UnitMasked, false, etc + "condor-ce.service", nil},
		{"masked at runtime", map[string]string{usrlib + "condor-ce.service": install, run + "condor-ce.service": "->/dev/null"},
			"condor-ce.service", "", inventory.UnitMaskedRuntime, false, run + "condor-ce.service", nil},
		{"masked instance", map[string]string{lib + "xrootd@.service": install, etc + "xrootd@x.service": "->/dev/null", etc + "multi-user.target.wants/xrootd@x.service": "->" + lib + "xrootd@.service"},
			"xrootd@x.service", "", inventory.UnitMasked, false, etc + "xrootd@x.service", nil},
		{"Also= only is indirect", map[string]string{usrlib + "a.service": "[Install]\nAlso=b.service\n"},
			"a.service", usrlib + "a.service", inventory.UnitIndirect, false, "", nil},
		{"not found", map[string]string{usrlib + "a.service": svc}, "dcache-server.service", "", inventory.UnitNotFound, false, "", nil},
		{"generated", map[string]string{"/run/systemd/generator/a.service": svc}, "a.service", "/run/systemd/generator/a.service", inventory.UnitGenerated, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Unit(testkit.HostFS(t, tt.files), tt.unit, "")
			if u.File != tt.file || u.State != tt.state || u.Enabled != tt.enabled || u.MaskedBy != tt.masked || u.Masked != (tt.masked != "") {
				t.Errorf("got file %q state %q enabled %v masked %q; want %q %q %v %q", u.File, u.State, u.Enabled, u.MaskedBy, tt.file, tt.state, tt.enabled, tt.masked)
			}
			if !reflect.DeepEqual(u.EnabledBy, tt.links) {
				t.Errorf("enabled by %v, want %v", u.EnabledBy, tt.links)
			}
		})
	}
}

func TestDropIns(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		unit  string
		want  []string
	}{
		{"own, template, sorted by file name", map[string]string{
			lib + "xrootd@.service":                      svc,
			etc + "xrootd@clustered.service.d/20-b.conf": "[Service]\n",
			usrlib + "xrootd@.service.d/10-a.conf":       "[Service]\n",
			etc + "xrootd@.service.d/30-c.conf":          "[Service]\n",
			etc + "xrootd@clustered.service.d/notes.txt": "not a drop-in",
			etc + "xrootd@other.service.d/99-other.conf": "[Service]\n",
		}, "xrootd@clustered.service", []string{usrlib + "xrootd@.service.d/10-a.conf", etc + "xrootd@clustered.service.d/20-b.conf", etc + "xrootd@.service.d/30-c.conf"}},
		{"same name: the higher directory wins", map[string]string{
			usrlib + "condor-ce.service":                 svc,
			usrlib + "condor-ce.service.d/override.conf": "[Service]\nEnvironment=A=vendor\n",
			etc + "condor-ce.service.d/override.conf":    "[Service]\nEnvironment=A=admin\n",
		}, "condor-ce.service", []string{etc + "condor-ce.service.d/override.conf"}},
		{"instance dir beats template dir of the same directory level only by order", map[string]string{
			lib + "xrootd@.service":              svc,
			usrlib + "xrootd@c.service.d/x.conf": "[Service]\n",
			etc + "xrootd@.service.d/x.conf":     "[Service]\n",
		}, "xrootd@c.service", []string{etc + "xrootd@.service.d/x.conf"}},
		{"masked drop-in hides the vendor one", map[string]string{
			usrlib + "a.service":          svc,
			usrlib + "a.service.d/x.conf": "[Service]\n",
			etc + "a.service.d/x.conf":    "->/dev/null",
			usrlib + "a.service.d/y.conf": "[Service]\n",
		}, "a.service", []string{usrlib + "a.service.d/y.conf"}},
		{"dash prefixes and the service.d top level", map[string]string{
			usrlib + "arc-arex.service":           svc,
			etc + "arc-.service.d/10-prefix.conf": "[Service]\n",
			etc + "service.d/05-all.conf":         "[Service]\n",
			etc + "arc-arex.service.d/20.conf":    "[Service]\n",
		}, "arc-arex.service", []string{etc + "service.d/05-all.conf", etc + "arc-.service.d/10-prefix.conf", etc + "arc-arex.service.d/20.conf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Unit(testkit.HostFS(t, tt.files), tt.unit, "")
			if !reflect.DeepEqual(u.DropIns, tt.want) {
				t.Errorf("drop-ins = %v\nwant %v", u.DropIns, tt.want)
			}
		})
	}
}

func TestDropInDirNames(t *testing.T) {
	tests := map[string][]string{
		"a.service":                {"a.service.d"},
		"condor-ce.service":        {"condor-ce.service.d", "condor-.service.d"},
		"foo-bar-baz.service":      {"foo-bar-baz.service.d", "foo-bar-.service.d", "foo-.service.d"},
		"xrootd@clustered.service": {"xrootd@clustered.service.d", "xrootd@.service.d"},
		"a-b@i.service":            {"a-b@i.service.d", "a-b@.service.d", "a-.service.d", "a-@i.service.d", "a-@.service.d"},
		"-lead.service":            {"-lead.service.d"},
	}
	for in, want := range tests {
		if got := dropInDirNames(in); !reflect.DeepEqual(got, want) {
			t.Errorf("dropInDirNames(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEnabledInstances(t *testing.T) {
	fsys := testkit.HostFS(t, map[string]string{
		lib + "xrootd@.service":                                   install,
		etc + "multi-user.target.wants/xrootd@clustered.service":  "->" + lib + "xrootd@.service",
		etc + "multi-user.target.wants/xrootd@standalone.service": "->" + lib + "xrootd@.service",
		run + "multi-user.target.requires/xrootd@runtime.service": "->" + lib + "xrootd@.service",
		etc + "multi-user.target.wants/cmsd@clustered.service":    "->" + lib + "cmsd@.service",
		etc + "multi-user.target.wants/xrootd@masked.service":     "->/dev/null",
		etc + "xrootd@clustered.service":                          "->" + lib + "xrootd@.service",
	})
	got := EnabledInstances(fsys, "xrootd@.service")
	want := []string{"xrootd@clustered.service", "xrootd@runtime.service", "xrootd@standalone.service"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EnabledInstances = %v, want %v", got, want)
	}
	if got := EnabledInstances(fsys, "xrootd@x.service"); got != nil {
		t.Errorf("instances of a non-template = %v", got)
	}
}

func TestPreset(t *testing.T) {
	const presets = "/usr/lib/systemd/system-preset/"
	tests := []struct {
		name   string
		files  map[string]string
		unit   string
		want   string
		source inventory.Source
	}{
		{"no preset files: enable", nil, "a.service", PresetEnable, inventory.Source{}},
		{"first match wins across files in name order", map[string]string{
			presets + "90-default.preset": "disable *\n",
			presets + "50-grid.preset":    "# grid\n\nenable condor-ce.service\n",
		}, "condor-ce.service", PresetEnable, inventory.Source{File: presets + "50-grid.preset", Line: 3}},
		{"falls through to disable *", map[string]string{
			presets + "90-default.preset": "disable *\n",
			presets + "50-grid.preset":    "enable condor-ce.service\n",
		}, "arc-arex.service", PresetDisable, inventory.Source{File: presets + "90-default.preset", Line: 1}},
		{"/etc overrides a file of the same name", map[string]string{
			presets + "50-grid.preset":                  "enable a.service\n",
			"/etc/systemd/system-preset/50-grid.preset": "disable a.service\n",
		}, "a.service", PresetDisable, inventory.Source{File: "/etc/systemd/system-preset/50-grid.preset", Line: 1}},
		{"instances of a template", map[string]string{
			presets + "50-x.preset": "enable xrootd@.service clustered standalone\ndisable *\n",
		}, "xrootd@standalone.service", PresetEnable, inventory.Source{File: presets + "50-x.preset", Line: 1}},
		{"instance not listed", map[string]string{
			presets + "50-x.preset": "enable xrootd@.service clustered\ndisable *\n",
		}, "xrootd@other.service", PresetDisable, inventory.Source{File: presets + "50-x.preset", Line: 2}},
		{"glob pattern and ignore", map[string]string{
			presets + "50-x.preset": "ignore dcache*\nenable *\n",
		}, "dcache-server.service", PresetIgnore, inventory.Source{File: presets + "50-x.preset", Line: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{usrlib + "placeholder.service": svc}
			for k, v := range tt.files {
				files[k] = v
			}
			u := Unit(testkit.HostFS(t, files), tt.unit, "")
			if u.Preset != tt.want || u.PresetSource != tt.source {
				t.Errorf("preset %q from %v, want %q from %v", u.Preset, u.PresetSource, tt.want, tt.source)
			}
		})
	}
}

// TestRealUnitFile reads xrootd-server's unit file as Debian 12 ships it
// (testdata/README.md says where it comes from).
func TestRealUnitFile(t *testing.T) {
	data, err := os.ReadFile("testdata/xrootd@.service")
	if err != nil {
		t.Fatal(err)
	}
	fsys := testkit.HostFS(t, map[string]string{
		lib + "xrootd@.service": string(data),
		etc + "multi-user.target.requires/xrootd@clustered.service": "->" + lib + "xrootd@.service",
		etc + "xrootd@clustered.service.d/token.conf":               "[Service]\nEnvironmentFile=-/etc/xrootd/%i.env\nEnvironment=\"XRD_X=a b\"\n",
		"/etc/xrootd/clustered.env":                                 "BEARER_TOKEN_FILE=/etc/xrootd/token\n",
	})
	u := Unit(fsys, "xrootd@clustered.service", "")
	if u.File != lib+"xrootd@.service" || !u.Enabled || len(u.Problems) != 0 {
		t.Fatalf("unit = %+v", u)
	}
	v, ok := u.Var("BEARER_TOKEN_FILE")
	if !ok || v.Value != "/etc/xrootd/token" || v.Source != (inventory.Source{File: "/etc/xrootd/clustered.env", Line: 1}) {
		t.Errorf("BEARER_TOKEN_FILE = %+v, %v", v, ok)
	}
	if v, _ := u.Var("XRD_X"); v.Value != "a b" {
		t.Errorf("XRD_X = %+v", v)
	}
	if !u.LoadsEnvFile("/etc/xrootd/clustered.env") || u.LoadsEnvFile("/etc/sysconfig/xrootd") {
		t.Errorf("env files = %+v", u.EnvFiles)
	}
}

func TestEnvironment(t *testing.T) {
	type v struct{ Name, Value, Source string }
	tests := []struct {
		name     string
		files    map[string]string
		unit     string
		want     []v
		problems []string
		envFiles []inventory.EnvFile
	}{
		{"environment files override Environment= whatever the order",
			map[string]string{
				usrlib + "condor-ce.service":       "[Service]\nEnvironmentFile=/etc/sysconfig/condor-ce\nEnvironment=A=unit B=unit\n",
				"/etc/sysconfig/condor-ce":         "A=file\n",
				etc + "condor-ce.service.d/x.conf": "[Service]\nEnvironment=B=drop-in\n",
			}, "condor-ce.service",
			[]v{{"A", "file", "/etc/sysconfig/condor-ce:1"}, {"B", "drop-in", etc + "condor-ce.service.d/x.conf:2"}},
			nil,
			[]inventory.EnvFile{{Path: "/etc/sysconfig/condor-ce", Loaded: []string{"/etc/sysconfig/condor-ce"}, Source: inventory.Source{File: usrlib + "condor-ce.service", Line: 2}}}},
		{"later files override earlier ones",
			map[string]string{
				usrlib + "a.service": "[Service]\nEnvironmentFile=/etc/a\nEnvironmentFile=/etc/b\n",
				"/etc/a":             "X=a\nY=a\n",
				"/etc/b":             "X=b\n",
			}, "a.service",
			[]v{{"X", "b", "/etc/b:1"}, {"Y", "a", "/etc/a:2"}}, nil, nil},
		{"missing file: a problem; with -: silent",
			map[string]string{
				usrlib + "a.service": "[Service]\nEnvironmentFile=/etc/missing\nEnvironmentFile=-/etc/optional\n",
			}, "a.service",
			nil, []string{usrlib + "a.service:2: EnvironmentFile=/etc/missing does not exist"},
			[]inventory.EnvFile{
				{Path: "/etc/missing", Missing: true, Source: inventory.Source{File: usrlib + "a.service", Line: 2}},
				{Path: "/etc/optional", Optional: true, Missing: true, Source: inventory.Source{File: usrlib + "a.service", Line: 3}},
			}},
		{"empty EnvironmentFile= in a drop-in drops the unit's files",
			map[string]string{
				usrlib + "a.service":           "[Service]\nEnvironmentFile=/etc/a\n",
				"/etc/a":                       "X=a\n",
				etc + "a.service.d/reset.conf": "[Service]\nEnvironmentFile=\n",
			}, "a.service", nil, nil, []inventory.EnvFile{}},
		{"glob in EnvironmentFile=",
			map[string]string{
				usrlib + "a.service":   "[Service]\nEnvironmentFile=/etc/a.d/*.env\n",
				"/etc/a.d/2.env":       "X=2\n",
				"/etc/a.d/1.env":       "X=1\nY=1\n",
				"/etc/a.d/.hidden.env": "Z=1\n",
			}, "a.service",
			[]v{{"X", "2", "/etc/a.d/2.env:1"}, {"Y", "1", "/etc/a.d/1.env:2"}}, nil, nil},
		{"specifiers in the file name",
			map[string]string{
				usrlib + "dcache@.service": "[Service]\nEnvironmentFile=/etc/dcache/%i.env\n",
				"/etc/dcache/door.env":     "X=door\n",
			}, "dcache@door.service",
			[]v{{"X", "door", "/etc/dcache/door.env:1"}}, nil, nil},
		{"unloadable file",
			map[string]string{
				usrlib + "a.service": "[Service]\nEnvironmentFile=/etc/a\n",
				"/etc/a":             "X=\xff\n",
			}, "a.service",
			nil, []string{"/etc/a:1: invalid UTF-8", usrlib + "a.service:2: EnvironmentFile=/etc/a cannot be loaded"}, nil},
		{"a directory is unreadable",
			map[string]string{
				usrlib + "a.service": "[Service]\nEnvironmentFile=/etc/dir\n",
				"/etc/dir/x":         "X=1\n",
			}, "a.service",
			nil, []string{usrlib + "a.service:2: EnvironmentFile=/etc/dir cannot be read"}, nil},
		{"invalid names in a file are problems without values",
			map[string]string{
				usrlib + "a.service": "[Service]\nEnvironmentFile=/etc/a\n",
				"/etc/a":             "export SECRET=hunter2\nOK=1\n",
			}, "a.service",
			[]v{{"OK", "1", "/etc/a:2"}}, []string{"/etc/a:1: invalid environment assignment 'export SECRET'"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Unit(testkit.HostFS(t, tt.files), tt.unit, "")
			var got []v
			for _, e := range u.Env {
				got = append(got, v{e.Name, e.Value, e.Source.String()})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("env = %+v\nwant %+v", got, tt.want)
			}
			var problems []string
			for _, p := range u.Problems {
				problems = append(problems, p.Source.String()+": "+p.Reason)
				if strings.Contains(p.Reason, "hunter2") {
					t.Errorf("problem shows a value: %s", p.Reason)
				}
			}
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems = %q\nwant %q", problems, tt.problems)
			}
			for i := range problems {
				if !strings.HasPrefix(problems[i], tt.problems[i]) {
					t.Errorf("problem %q, want prefix %q", problems[i], tt.problems[i])
				}
			}
			if tt.envFiles != nil {
				if len(tt.envFiles) == 0 && len(u.EnvFiles) == 0 {
					return
				}
				if !reflect.DeepEqual(u.EnvFiles, tt.envFiles) {
					t.Errorf("env files = %+v\nwant %+v", u.EnvFiles, tt.envFiles)
				}
			}
		})
	}
}

func TestUnitProblems(t *testing.T) {
	u := Unit(testkit.HostFS(t, map[string]string{
		usrlib + "a.service":       "[Service\nExecStart=/bin/true\n",
		etc + "a.service.d/x.conf": "->/etc/nowhere",
	}), "a.service", "")
	if len(u.Problems) != 1 || u.Problems[0].Source.Line != 1 {
		t.Errorf("problems = %+v", u.Problems)
	}
	if u := Unit(testkit.HostFS(t, map[string]string{}), "not a unit", ""); u.State != inventory.UnitNotFound || len(u.Problems) != 1 {
		t.Errorf("invalid name: %+v", u)
	}
}

// TestIsEnabledAgainstSystemctl compares the state with what systemd's own
// `systemctl --root=DIR is-enabled` says for the same host tree.
func TestIsEnabledAgainstSystemctl(t *testing.T) {
	systemctl := testkit.Program(t, "systemctl", "systemd")
	files := map[string]string{
		lib + "xrootd@.service":                                  install,
		lib + "cmsd@.service":                                    install,
		usrlib + "static.service":                                svc,
		usrlib + "also.service":                                  "[Install]\nAlso=static.service\n",
		usrlib + "condor-ce.service":                             install,
		usrlib + "arc-arex.service":                              install,
		usrlib + "storm-webdav.service":                          install,
		etc + "multi-user.target.wants/xrootd@clustered.service": "->" + lib + "xrootd@.service",
		etc + "multi-user.target.requires/storm-webdav.service":  "->" + usrlib + "storm-webdav.service",
		etc + "condor-ce.service":                                "->/dev/null",
		etc + "arc-arex.service":                                 "",
	}
	root := testkit.HostTree(t, files)
	fsys := testkit.HostFS(t, files)
	for _, name := range []string{"xrootd@clustered.service", "xrootd@.service", "xrootd@other.service", "cmsd@x.service",
		"static.service", "also.service", "condor-ce.service", "arc-arex.service", "storm-webdav.service"} {
		out, _ := exec.Command(systemctl, "--root="+root, "is-enabled", name).Output()
		want := strings.TrimSpace(string(out))
		if got := Unit(fsys, name, "").State; got != want {
			t.Errorf("%s: state %q, systemctl says %q", name, got, want)
		}
	}
}

// TestSearchPathAgainstSystemd checks the search path against the one
// systemd on this machine reports: its directories must appear in
// searchPath in the same order (a merged-/usr build lists no /lib).
func TestSearchPathAgainstSystemd(t *testing.T) {
	analyze := testkit.Program(t, "systemd-analyze", "systemd")
	out, err := exec.Command(analyze, "unit-paths").Output()
	if err != nil {
		t.Skipf("systemd-analyze unit-paths: %v", err)
	}
	i := 0
	for _, d := range strings.Fields(string(out)) {
		for i < len(searchPath) && searchPath[i] != d {
			i++
		}
		if i == len(searchPath) {
			t.Fatalf("systemd's %s is missing or out of order in %v (systemd: %s)", d, searchPath, out)
		}
	}
}
