// Package version compares software versions the way the package
// managers do (dpkg's verrevcmp, rpm's rpmvercmp), so that a check can ask
// whether an installed release has a feature or a fix.
package version

import (
	"strconv"
	"strings"
)

// Package managers, as the inventory names them.
const (
	ManagerDpkg = "dpkg"
	ManagerRPM  = "rpm"
)

// Compare compares two versions of a package the way its package manager
// does (ManagerDpkg or ManagerRPM): negative when a is older than b, zero
// when equal, positive when newer.
func Compare(manager, a, b string) int {
	if manager == ManagerRPM {
		return CompareRPM(a, b)
	}
	return CompareDebian(a, b)
}

// Upstream is the upstream part of a package version: without a dpkg or
// rpm epoch ("1:") and without the packaging revision or release
// ("-1", "-2.el9"), as a release boundary such as "5.7.0" is written.
func Upstream(v string) string {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v = v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		v = v[:i]
	}
	return v
}

// AtLeast reports whether the upstream part of an installed version is at
// or after a release boundary (compared as dpkg compares upstream
// versions, which also orders rpm's plain dotted releases).
func AtLeast(installed, boundary string) bool {
	return verrevcmp(Upstream(installed), boundary) >= 0
}

// debVersion is dpkg's struct dpkg_version.
type debVersion struct {
	epoch             int64
	version, revision string
}

// parseDebian splits [epoch:]upstream[-revision] as dpkg's
// lib/dpkg/parsehelp.c parseversion does: blanks around are ignored, the
// epoch runs to the first colon, the revision starts after the last
// hyphen. It does not reject what dpkg would warn about: a version that
// is on the host is compared as dpkg compares it.
func parseDebian(s string) debVersion {
	s = strings.Trim(s, " \t\n")
	var v debVersion
	if i := strings.IndexByte(s, ':'); i >= 0 {
		v.epoch, _ = strconv.ParseInt(s[:i], 10, 64)
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		v.version, v.revision = s[:i], s[i+1:]
	} else {
		v.version = s
	}
	return v
}

// CompareDebian compares two Debian package versions as dpkg's
// lib/dpkg/version.c dpkg_version_compare does: epochs as numbers, then
// the upstream versions and the revisions with verrevcmp.
func CompareDebian(a, b string) int {
	x, y := parseDebian(a), parseDebian(b)
	switch {
	case x.epoch > y.epoch:
		return 1
	case x.epoch < y.epoch:
		return -1
	}
	if r := verrevcmp(x.version, y.version); r != 0 {
		return sign(r)
	}
	return sign(verrevcmp(x.revision, y.revision))
}

// order is dpkg's order(): digits 0, letters themselves, "~" before
// everything (even the end), other characters after letters.
func order(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

// verrevcmp is dpkg's lib/dpkg/version.c verrevcmp.
func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		firstDiff := 0
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := order(a, i), order(b, j)
			if ac != bc {
				return ac - bc
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for i < len(a) && j < len(b) && isDigit(a[i]) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return firstDiff
		}
	}
	return 0
}

// CompareRPM compares two RPM [epoch:]version[-release] strings as rpm's
// rpmio/rpmver.c rpmverCmp does (what rpm.vercmp answers): a missing
// epoch is 0; then the versions, then the releases with rpmvercmp, where
// a release beats a missing one (compare_values).
func CompareRPM(a, b string) int {
	ea, va, ra, hasA := parseEVR(a)
	eb, vb, rb, hasB := parseEVR(b)
	switch {
	case ea > eb:
		return 1
	case ea < eb:
		return -1
	}
	if r := RPMVerCmp(va, vb); r != 0 {
		return r
	}
	switch {
	case hasA && hasB:
		return RPMVerCmp(ra, rb)
	case hasA:
		return 1
	case hasB:
		return -1
	}
	return 0
}

// parseEVR splits [epoch:]version[-release] as rpm's rpmverParse does:
// the epoch is the leading digits before a colon, the release follows
// the last hyphen.
func parseEVR(s string) (epoch int64, version, release string, hasRelease bool) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		digits := s[:i]
		if n, err := strconv.ParseInt(digits, 10, 64); err == nil || digits == "" {
			epoch = n
			s = s[i+1:]
		}
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return epoch, s[:i], s[i+1:], true
	}
	return epoch, s, "", false
}

// RPMVerCmp is rpm's rpmio/rpmvercmp.c rpmvercmp: the strings are split
// into runs of digits and runs of letters, anything else separating
// them; "~" sorts before everything, "^" after the end but before
// anything else; digit runs compare as numbers and beat letter runs.
func RPMVerCmp(a, b string) int {
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for i < len(a) && !isAlnum(a[i]) && a[i] != '~' && a[i] != '^' {
			i++
		}
		for j < len(b) && !isAlnum(b[j]) && b[j] != '~' && b[j] != '^' {
			j++
		}
		at := func(s string, k int) byte {
			if k < len(s) {
				return s[k]
			}
			return 0
		}
		ca, cb := at(a, i), at(b, j)
		if ca == '~' || cb == '~' {
			if ca != '~' {
				return 1
			}
			if cb != '~' {
				return -1
			}
			i++
			j++
			continue
		}
		if ca == '^' || cb == '^' {
			if ca == 0 {
				return -1
			}
			if cb == 0 {
				return 1
			}
			if ca != '^' {
				return 1
			}
			if cb != '^' {
				return -1
			}
			i++
			j++
			continue
		}
		if ca == 0 || cb == 0 {
			break
		}
		si, sj := i, j
		isNum := isDigit(ca)
		if isNum {
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
		} else {
			for i < len(a) && isAlpha(a[i]) {
				i++
			}
			for j < len(b) && isAlpha(b[j]) {
				j++
			}
		}
		one, two := a[si:i], b[sj:j]
		if one == "" {
			return -1 // arbitrary, as in rpm
		}
		if two == "" {
			if isNum {
				return 1
			}
			return -1
		}
		if isNum {
			one = strings.TrimLeft(one, "0")
			two = strings.TrimLeft(two, "0")
			if len(one) != len(two) {
				if len(one) > len(two) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(one, two); c != 0 {
			return c
		}
	}
	ea, eb := i >= len(a), j >= len(b)
	switch {
	case ea && eb:
		return 0
	case !ea:
		return 1
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}
