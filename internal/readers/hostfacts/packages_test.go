package hostfacts

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

type pkg struct{ Name, Version, Arch, Manager, SourcePackage string }

func pkgs(ps []inventory.Package) []pkg {
	var out []pkg
	for _, p := range ps {
		out = append(out, pkg{p.Name, p.Version, p.Arch, p.Manager, p.SourcePackage})
	}
	return out
}

func TestDpkgPackages(t *testing.T) {
	tests := []struct {
		name     string
		status   string
		want     []pkg
		problems int
	}{
		{"installed and held count, others not",
			"Package: a\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n\n" +
				"Package: held\nStatus: hold ok installed\nVersion: 2\nArchitecture: all\n\n" +
				"Package: removed\nStatus: deinstall ok config-files\nVersion: 3\n\n" +
				"Package: unpacked\nStatus: install ok unpacked\nVersion: 4\n\n" +
				"Package: trig\nStatus: install ok triggers-pending\nVersion: 5\n",
			[]pkg{{"a", "1.0-1", "amd64", "dpkg", ""}, {"held", "2", "all", "dpkg", ""}, {"trig", "5", "", "dpkg", ""}}, 0},
		{"multi-arch twice",
			"Package: libc6\nStatus: install ok installed\nVersion: 2.36\nArchitecture: amd64\nSource: glibc\n\n" +
				"Package: libc6\nStatus: install ok installed\nVersion: 2.36\nArchitecture: i386\nSource: glibc (2.36-9)\n",
			[]pkg{{"libc6", "2.36", "amd64", "dpkg", "glibc"}, {"libc6", "2.36", "i386", "dpkg", "glibc"}}, 0},
		{"broken stanzas are problems",
			"Package: nostatus\nVersion: 1\n\nPackage: noversion\nStatus: install ok installed\n\nStatus: bad\n",
			nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := DpkgPackages(testkit.HostFS(t, map[string]string{DpkgStatus: tt.status}))
			if !reflect.DeepEqual(pkgs(got), tt.want) {
				t.Errorf("packages = %+v\nwant %+v", pkgs(got), tt.want)
			}
			if len(problems) != tt.problems {
				t.Errorf("problems = %v, want %d", problems, tt.problems)
			}
		})
	}
	if got, problems := DpkgPackages(testkit.HostFS(t, map[string]string{"/etc/hostname": "x\n"})); got != nil || problems != nil {
		t.Errorf("no database: %v %v", got, problems)
	}
	if _, problems := DpkgPackages(testkit.HostFS(t, map[string]string{DpkgStatus + "/x": ""})); len(problems) != 1 {
		t.Errorf("unreadable database: problems %v", problems)
	}
}

// TestDpkgRealStatus reads a trimmed copy of this Debian 12 machine's
// /var/lib/dpkg/status (testdata/README.md).
func TestDpkgRealStatus(t *testing.T) {
	got, problems := DpkgPackages(testkit.HostFS(t, map[string]string{DpkgStatus: readTestdata(t, "dpkg-status")}))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := map[string]pkg{
		"xrootd-server": {"xrootd-server", "5.5.3-1", "amd64", "dpkg", "xrootd"},
		"libc6":         {"libc6", "2.36-9+deb12u14", "amd64", "dpkg", "glibc"},
		"systemd":       {"systemd", "252.39-1~deb12u2", "amd64", "dpkg", ""},
		"aspell":        {"aspell", "0.60.8-4+b1", "amd64", "dpkg", "aspell"},
	}
	found := 0
	for _, p := range got {
		if w, ok := want[p.Name]; ok {
			found++
			if pkg(pkgs([]inventory.Package{p})[0]) != w {
				t.Errorf("%s = %+v, want %+v", p.Name, p, w)
			}
			if p.Source.File != DpkgStatus || p.Source.Line < 1 {
				t.Errorf("%s source %v", p.Name, p.Source)
			}
		}
	}
	if found != len(want) || len(got) != 7 {
		t.Errorf("found %d of %d wanted, %d packages in all", found, len(want), len(got))
	}
}

var testRPMs = []pkg{
	{"ttt-example", "2:5.6.1-1.el9", "noarch", "rpm", "ttt-example-5.6.1-1.el9.src.rpm"},
	{"ttt-example-lib", "1.2.3~rc1-4.el8", "x86_64", "rpm", "ttt-example-lib-1.2.3~rc1-4.el8.src.rpm"},
}

func sortedPkgs(ps []inventory.Package) []pkg {
	out := pkgs(ps)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func TestRPMPackages(t *testing.T) {
	sqliteDB := readTestdata(t, "rpm-sqlite/rpmdb.sqlite")
	bdb := readTestdata(t, "rpm-bdb/Packages")
	tests := []struct {
		name     string
		files    map[string]string
		want     []pkg
		source   string
		problems []string
	}{
		{"EL9 sqlite in /var/lib/rpm", map[string]string{"/var/lib/rpm/rpmdb.sqlite": sqliteDB}, testRPMs, "/var/lib/rpm/rpmdb.sqlite", nil},
		{"sqlite in /usr/lib/sysimage/rpm", map[string]string{"/usr/lib/sysimage/rpm/rpmdb.sqlite": sqliteDB}, testRPMs, "/usr/lib/sysimage/rpm/rpmdb.sqlite", nil},
		{"/var/lib/rpm linked to the sysimage directory", map[string]string{"/usr/lib/sysimage/rpm/rpmdb.sqlite": sqliteDB, "/var/lib/rpm": "->../../usr/lib/sysimage/rpm"}, testRPMs, "/var/lib/rpm/rpmdb.sqlite", nil},
		{"EL7/EL8 Berkeley DB", map[string]string{"/var/lib/rpm/Packages": bdb}, testRPMs, "/var/lib/rpm/Packages", nil},
		{"sqlite wins over a leftover Packages", map[string]string{"/var/lib/rpm/Packages": "garbage", "/var/lib/rpm/rpmdb.sqlite": sqliteDB}, testRPMs, "/var/lib/rpm/rpmdb.sqlite", nil},
		{"ndb is reported", map[string]string{"/var/lib/rpm/Packages.db": "x"}, nil, "", []string{"/var/lib/rpm/Packages.db: RPM database in ndb format"}},
		{"pending write-ahead log is reported", map[string]string{"/var/lib/rpm/rpmdb.sqlite": sqliteDB, "/var/lib/rpm/rpmdb.sqlite-wal": "x"}, testRPMs, "/var/lib/rpm/rpmdb.sqlite",
			[]string{"/var/lib/rpm/rpmdb.sqlite-wal: the RPM database has changes"}},
		{"garbage sqlite", map[string]string{"/var/lib/rpm/rpmdb.sqlite": strings.Repeat("not a database ", 100)}, nil, "", []string{"/var/lib/rpm/rpmdb.sqlite: corrupt or unreadable RPM database"}},
		{"empty sqlite", map[string]string{"/var/lib/rpm/rpmdb.sqlite": ""}, nil, "", []string{"/var/lib/rpm/rpmdb.sqlite: corrupt or unreadable RPM database"}},
		{"truncated Berkeley DB", map[string]string{"/var/lib/rpm/Packages": bdb[:5000]}, nil, "", []string{"/var/lib/rpm/Packages: corrupt or unreadable RPM database"}},
		{"garbage Berkeley DB", map[string]string{"/var/lib/rpm/Packages": strings.Repeat("x", 9000)}, nil, "", []string{"/var/lib/rpm/Packages: corrupt or unreadable RPM database"}},
		{"database is a directory", map[string]string{"/var/lib/rpm/Packages/x": ""}, nil, "", []string{"/var/lib/rpm/Packages: RPM database is not a regular file"}},
		{"no database", map[string]string{"/etc/hostname": "x"}, nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testkit.HostFS(t, tt.files)
			got, problems := RPMPackages(fsys)
			if !reflect.DeepEqual(sortedPkgs(got), tt.want) {
				t.Errorf("packages = %+v\nwant %+v", sortedPkgs(got), tt.want)
			}
			for _, p := range got {
				if p.Source.File != tt.source {
					t.Errorf("source %v, want %s", p.Source, tt.source)
				}
			}
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems = %v, want %q", problems, tt.problems)
			}
			for i, p := range problems {
				if s := p.Source.String() + ": " + p.Reason; !strings.HasPrefix(s, tt.problems[i]) {
					t.Errorf("problem %q, want prefix %q", s, tt.problems[i])
				}
			}
			// Reading must not change the host: SQLite opened read-only
			// and immutable leaves no -shm or -wal file behind.
			for _, side := range []string{"/var/lib/rpm/rpmdb.sqlite-shm", "/usr/lib/sysimage/rpm/rpmdb.sqlite-shm"} {
				if fsys.Exists(side) {
					t.Errorf("%s was created", side)
				}
			}
		})
	}
}

// TestRPMAgainstRPM compares the packages read with what rpm itself lists
// from the same databases (rpm's sqlite and read-only bdb backends).
func TestRPMAgainstRPM(t *testing.T) {
	rpm := testkit.Program(t, "rpm", "rpm")
	for _, tc := range []struct{ dir, backend, host string }{
		{"testdata/rpm-sqlite", "sqlite", "/var/lib/rpm/rpmdb.sqlite"},
		{"testdata/rpm-bdb", "bdb_ro", "/var/lib/rpm/Packages"},
	} {
		dbpath := t.TempDir()
		entries, _ := os.ReadDir(tc.dir)
		files := map[string]string{}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(tc.dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dbpath, e.Name()), data, 0o644); err != nil {
				t.Fatal(err)
			}
			files[filepath.Dir(tc.host)+"/"+e.Name()] = string(data)
		}
		out, err := exec.Command(rpm, "--dbpath", dbpath, "--define", "_db_backend "+tc.backend, "-qa",
			"--qf", `%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n`).Output()
		if err != nil {
			t.Fatalf("rpm -qa on %s: %v", tc.dir, err)
		}
		var want []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			want = append(want, l)
		}
		got, problems := RPMPackages(testkit.HostFS(t, files))
		if len(problems) != 0 {
			t.Errorf("%s: problems %v", tc.dir, problems)
		}
		var have []string
		for _, p := range got {
			have = append(have, p.Name+" "+p.Version+" "+p.Arch+" "+p.SourcePackage)
		}
		sort.Strings(want)
		sort.Strings(have)
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s: read %q\nrpm -qa says %q", tc.dir, have, want)
		}
	}
}

func TestPackagesBothManagers(t *testing.T) {
	fsys := testkit.HostFS(t, map[string]string{
		DpkgStatus:                  "Package: rpm\nStatus: install ok installed\nVersion: 4.18.0+dfsg-1\nArchitecture: amd64\n",
		"/var/lib/rpm/rpmdb.sqlite": readTestdata(t, "rpm-sqlite/rpmdb.sqlite"),
	})
	facts := Read(fsys, []string{"xrootd@clustered.service"}, "")
	var order []string
	for _, p := range facts.Packages {
		order = append(order, p.Manager+":"+p.Name)
	}
	if want := []string{"dpkg:rpm", "rpm:ttt-example", "rpm:ttt-example-lib"}; !reflect.DeepEqual(order, want) {
		t.Errorf("packages %v, want %v", order, want)
	}
	if len(facts.Units) != 1 || facts.Units[0].State != inventory.UnitNotFound || len(facts.Problems) != 0 {
		t.Errorf("facts = %+v", facts)
	}
	if ps := facts.Package("ttt-example"); len(ps) != 1 || ps[0].Version != "2:5.6.1-1.el9" {
		t.Errorf("Package(ttt-example) = %+v", ps)
	}
	if _, ok := facts.Unit("xrootd@clustered.service"); !ok {
		t.Error("Unit() did not find the unit")
	}
}

// FuzzDpkgStatus checks that no status file makes the dpkg reader panic,
// and that every package it returns has a name, a version and a line.
func FuzzDpkgStatus(f *testing.F) {
	if b, err := os.ReadFile("testdata/dpkg-status"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("Package: a\nStatus: hold ok installed\nVersion: 1:2-3\n\nPackage: b\nStatus: x y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, _ := parseDpkgStatus(DpkgStatus, data)
		for _, p := range got {
			if p.Name == "" || p.Version == "" || p.Source.Line < 1 {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}
