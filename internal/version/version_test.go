package version

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// debianVectors are the comparison cases of dpkg's own test suite,
// scripts/t/Dpkg_Version.t (https://github.com/guillemj/dpkg), __DATA__.
var debianVectors = []struct {
	a, b string
	want int
}{
	{"1.0-1", "2.0-2", -1}, {"2.2~rc-4", "2.2-1", -1}, {"2.2-1", "2.2~rc-4", 1}, {"1.0000-1", "1.0-1", 0},
	{"1", "0:1", 0}, {"0", "0:0-0", 0}, {"2:2.5", "1:7.5", 1}, {"1:0foo", "0foo", 1}, {"0:0foo", "0foo", 0},
	{"0foo", "0foo", 0}, {"0foo-", "0foo", 0}, {"0foo-", "0foo-0", 0}, {"0foo", "0fo", 1}, {"0foo-", "0foo+", -1},
	{"0foo~1", "0foo", -1}, {"0foo~foo+Bar", "0foo~foo+bar", -1}, {"0foo~~", "0foo~", -1}, {"1~", "1", -1},
	{"12345+that-really-is-some-ver-0", "12345+that-really-is-some-ver-10", -1}, {"0foo-0", "0foo-01", -1},
	{"0foo.bar", "0foobar", 1}, {"0foo.bar", "0foo1bar", 1}, {"0foo.bar", "0foo0bar", 1}, {"0foo1bar-1", "0foobar-1", -1},
	{"0foo2.0", "0foo2", 1}, {"0foo2.0.0", "0foo2.10.0", -1}, {"0foo2.0", "0foo2.0.0", -1}, {"0foo2.0", "0foo2.10", -1},
	{"0foo2.1", "0foo2.10", -1}, {"1.09", "1.9", 0}, {"1.0.8+nmu1", "1.0.8", 1}, {"3.11", "3.10+nmu1", 1},
	{"0.9j-20080306-4", "0.9i-20070324-2", 1}, {"1.2.0~b7-1", "1.2.0~b6-1", 1}, {"1.011-1", "1.06-2", 1},
	{"0.0.9+dfsg1-1", "0.0.8+dfsg1-3", 1}, {"4.6.99+svn6582-1", "4.6.99+svn6496-1", 1}, {"53", "52", 1},
	{"0.9.9~pre122-1", "0.9.9~pre111-1", 1}, {"2:2.3.2-2+lenny2", "2:2.3.2-2", 1}, {"1:3.8.1-1", "3.8.GA-1", 1},
	{"1.0.1+gpl-1", "1.0.1-2", 1}, {"1a", "1000a", -1}, {"-0.6.5", "0.9.1", -1},
	// From lib/dpkg/t/t-version.c test_version_compare and test_version_parse.
	{"0:0-00", "0:00-0", 0}, {"1:2-3", "1:2-3", 0}, {"0:0-0", "1:0-0", -1}, {"0:a-0", "0:b-0", -1}, {"0:0-a", "0:0-b", -1},
	{"  \t0:0-1", "0:0-1", 0}, {"0:0-0-0", "0:0-0-0", 0},
}

// rpmVectors are rpm's own test cases, tests/rpmvercmp.at
// (https://github.com/rpm-software-management/rpm).
var rpmVectors = []struct {
	a, b string
	want int
}{
	{"1.0", "1.0", 0}, {"1.0", "2.0", -1}, {"2.0", "1.0", 1},
	{"2.0.1", "2.0.1", 0}, {"2.0", "2.0.1", -1}, {"2.0.1", "2.0", 1},
	{"2.0.1a", "2.0.1a", 0}, {"2.0.1a", "2.0.1", 1}, {"2.0.1", "2.0.1a", -1},
	{"5.5p1", "5.5p1", 0}, {"5.5p1", "5.5p2", -1}, {"5.5p2", "5.5p1", 1},
	{"5.5p10", "5.5p10", 0}, {"5.5p1", "5.5p10", -1}, {"5.5p10", "5.5p1", 1},
	{"10xyz", "10.1xyz", -1}, {"10.1xyz", "10xyz", 1},
	{"xyz10", "xyz10", 0}, {"xyz10", "xyz10.1", -1}, {"xyz10.1", "xyz10", 1},
	{"xyz.4", "xyz.4", 0}, {"xyz.4", "8", -1}, {"8", "xyz.4", 1}, {"xyz.4", "2", -1}, {"2", "xyz.4", 1},
	{"5.5p2", "5.6p1", -1}, {"5.6p1", "5.5p2", 1},
	{"5.6p1", "6.5p1", -1}, {"6.5p1", "5.6p1", 1},
	{"6.0.rc1", "6.0", 1}, {"6.0", "6.0.rc1", -1},
	{"10b2", "10a1", 1}, {"10a2", "10b2", -1},
	{"1.0aa", "1.0aa", 0}, {"1.0a", "1.0aa", -1}, {"1.0aa", "1.0a", 1},
	{"10.0001", "10.0001", 0}, {"10.0001", "10.1", 0}, {"10.1", "10.0001", 0}, {"10.0001", "10.0039", -1}, {"10.0039", "10.0001", 1},
	{"4.999.9", "5.0", -1}, {"5.0", "4.999.9", 1},
	{"20101121", "20101121", 0}, {"20101121", "20101122", -1}, {"20101122", "20101121", 1},
	{"2_0", "2_0", 0}, {"2.0", "2_0", 0}, {"2_0", "2.0", 0},
	{"a", "a", 0}, {"a+", "a+", 0}, {"a+", "a_", 0}, {"a_", "a+", 0}, {"+a", "+a", 0}, {"+a", "_a", 0}, {"_a", "+a", 0},
	{"+_", "+_", 0}, {"_+", "+_", 0}, {"_+", "_+", 0}, {"+", "_", 0}, {"_", "+", 0},
	{"1.0~rc1", "1.0~rc1", 0}, {"1.0~rc1", "1.0", -1}, {"1.0", "1.0~rc1", 1}, {"1.0~rc1", "1.0~rc2", -1}, {"1.0~rc2", "1.0~rc1", 1},
	{"1.0~rc1~git123", "1.0~rc1~git123", 0}, {"1.0~rc1~git123", "1.0~rc1", -1}, {"1.0~rc1", "1.0~rc1~git123", 1},
	// Caret cases of newer rpm's rpmvercmp.at.
	{"1.0^", "1.0^", 0}, {"1.0^", "1.0", 1}, {"1.0", "1.0^", -1}, {"1.0^git1", "1.0", 1}, {"1.0^git1", "1.0^git2", -1},
	{"1.0^git1", "1.01", -1}, {"1.0^20160101", "1.0.1", -1}, {"1.0~rc1^git1", "1.0~rc1", 1}, {"1.0^git1~pre", "1.0^git1", -1},
}

func TestCompareDebian(t *testing.T) {
	for _, v := range debianVectors {
		if got := CompareDebian(v.a, v.b); got != v.want {
			t.Errorf("CompareDebian(%q, %q) = %d, want %d", v.a, v.b, got, v.want)
		}
		if got := Compare("dpkg", v.b, v.a); got != -v.want {
			t.Errorf("Compare(dpkg, %q, %q) = %d, want %d", v.b, v.a, got, -v.want)
		}
	}
}

func TestRPMVerCmp(t *testing.T) {
	for _, v := range rpmVectors {
		if got := RPMVerCmp(v.a, v.b); got != v.want {
			t.Errorf("RPMVerCmp(%q, %q) = %d, want %d", v.a, v.b, got, v.want)
		}
	}
}

func TestCompareRPM(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2:5.6.1-1.el9", "5.7.0-1.el9", 1},
		{"0:5.6.1-1.el9", "5.6.1-1.el9", 0},
		{"5.6.1-1.el9", "5.6.1-2.el9", -1},
		{"5.6.1-10.el9", "5.6.1-9.el9", 1},
		{"5.6.1~rc1-1.el9", "5.6.1-1.el9", -1},
		{"5.6.1", "5.6.1-1.el9", -1},
		{"1:1.0-1", "2:0.1-1", -1},
	}
	for _, tt := range tests {
		if got := Compare("rpm", tt.a, tt.b); got != tt.want {
			t.Errorf("CompareRPM(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// versionPool mixes the vectors' versions with grid-software versions, for
// the differential tests against dpkg and rpm themselves.
func versionPool() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] && strings.TrimSpace(s) == s && !strings.HasPrefix(s, "-") {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range debianVectors {
		add(v.a)
		add(v.b)
	}
	for _, s := range []string{"5.5.3-1", "5.6.1-1.el9", "1:5.6.1-1.el9", "5.6.1~rc1-1", "9.2.12-1", "23.0.0-1", "5.10.0+ds-1", "5.6.1-1.osg23.el9"} {
		add(s)
	}
	return out
}

// TestCompareDebianAgainstDpkg compares with `dpkg --compare-versions`.
func TestCompareDebianAgainstDpkg(t *testing.T) {
	dpkg := testkit.Program(t, "dpkg", "dpkg")
	pool := versionPool()
	for i, a := range pool {
		for j, b := range pool[i:] {
			if (i+j)%3 != 0 {
				continue // a third of the pairs keeps the test quick
			}
			var want int
			switch {
			case exec.Command(dpkg, "--compare-versions", "--", a, "lt", b).Run() == nil:
				want = -1
			case exec.Command(dpkg, "--compare-versions", "--", a, "gt", b).Run() == nil:
				want = 1
			case exec.Command(dpkg, "--compare-versions", "--", a, "eq", b).Run() == nil:
				want = 0
			default:
				continue // dpkg refuses one of the versions (e.g. an empty revision)
			}
			if got := CompareDebian(a, b); got != want {
				t.Errorf("CompareDebian(%q, %q) = %d, dpkg says %d", a, b, got, want)
			}
		}
	}
}

// TestCompareRPMAgainstRPM compares with rpm's own rpm.vercmp.
func TestCompareRPMAgainstRPM(t *testing.T) {
	rpm := testkit.Program(t, "rpm", "rpm")
	var pool []string
	for _, v := range rpmVectors {
		pool = append(pool, v.a, v.b)
	}
	pool = append(pool, versionPool()...)
	var lua strings.Builder
	var pairs [][2]string
	for i := 0; i < len(pool); i += 3 {
		for j := 1; j < len(pool); j += 7 {
			a, b := pool[i], pool[j]
			if strings.ContainsAny(a+b, `"\`) {
				continue
			}
			pairs = append(pairs, [2]string{a, b})
			lua.WriteString(`print(rpm.vercmp("` + a + `", "` + b + `") .. ",") `)
		}
	}
	out, err := exec.Command(rpm, "--eval", "%{lua: "+lua.String()+"}").Output()
	if err != nil {
		t.Fatalf("rpm --eval: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimSpace(string(out)), ","), ",")
	if len(lines) != len(pairs) {
		t.Fatalf("rpm answered %d of %d comparisons", len(lines), len(pairs))
	}
	for i, p := range pairs {
		want, _ := strconv.Atoi(lines[i])
		if got := CompareRPM(p[0], p[1]); got != want {
			t.Errorf("CompareRPM(%q, %q) = %d, rpm.vercmp says %d", p[0], p[1], got, want)
		}
	}
}

func TestAtLeast(t *testing.T) {
	tests := []struct {
		installed, boundary string
		want                bool
	}{
		{"5.5.3-1", "5.7.0", false},
		{"5.7.0-1.el9", "5.7.0", true},
		{"1:5.7.2-1+deb13u1", "5.7.0", true},
		{"5.10.1-1", "5.9.0", true},
		{"6.0.0~rc1-1", "6.0.0", false},
		{"5.6.9", "5.6.9", true},
	}
	for _, tc := range tests {
		if got := AtLeast(tc.installed, tc.boundary); got != tc.want {
			t.Errorf("AtLeast(%s, %s) = %v, want %v", tc.installed, tc.boundary, got, tc.want)
		}
	}
	if Upstream("1:5.7.2-1+deb13u1") != "5.7.2" || Upstream("25.0.1-1.el9") != "25.0.1" {
		t.Errorf("Upstream = %q %q", Upstream("1:5.7.2-1+deb13u1"), Upstream("25.0.1-1.el9"))
	}
}
