package systemdunit

import (
	"fmt"
	"path"
	"strings"
)

// Name is a unit name taken apart as src/basic/unit-name.c does:
// "xrootd@clustered.service" has the prefix "xrootd", the instance
// "clustered" and the type "service"; "xrootd@.service" is a template.
type Name struct {
	Full     string
	Prefix   string
	Instance string
	// HasAt is true for templates and instances.
	HasAt bool
	Type  string
}

// ParseName splits a unit name; ok is false when it has no type suffix or
// an empty prefix.
func ParseName(s string) (Name, bool) {
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 || strings.ContainsRune(s, '/') {
		return Name{}, false
	}
	n := Name{Full: s, Type: s[dot+1:]}
	stem := s[:dot]
	if at := strings.IndexByte(stem, '@'); at >= 0 {
		n.Prefix, n.Instance, n.HasAt = stem[:at], stem[at+1:], true
	} else {
		n.Prefix = stem
	}
	if n.Prefix == "" {
		return Name{}, false
	}
	return n, true
}

// IsTemplate reports "foo@.service".
func (n Name) IsTemplate() bool { return n.HasAt && n.Instance == "" }

// IsInstance reports "foo@bar.service".
func (n Name) IsInstance() bool { return n.HasAt && n.Instance != "" }

// Template returns "foo@.service" for an instance or template, "" else.
func (n Name) Template() string {
	if !n.HasAt {
		return ""
	}
	return n.Prefix + "@." + n.Type
}

// WithInstance returns the instance name of a template.
func (n Name) WithInstance(instance string) string {
	return n.Prefix + "@" + instance + "." + n.Type
}

// Unescape is unit_name_unescape (src/basic/unit-name.c): "-" stands for
// "/" and "\xNN" for the byte NN.
func Unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '-':
			b.WriteByte('/')
		case s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' && unhex(s[i+2]) >= 0 && unhex(s[i+3]) >= 0:
			b.WriteByte(byte(unhex(s[i+2])<<4 | unhex(s[i+3])))
			i += 3
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// pathUnescape is unit_name_path_unescape: "-" alone is "/", anything
// else is unescaped and made absolute.
func pathUnescape(s string) string {
	if s == "-" || s == "" {
		return "/"
	}
	return path.Clean("/" + Unescape(s))
}

// specifierLetters are the letters of the specifier table of
// src/core/unit-printf.c unit_full_printf_full; any other letter after a
// "%" makes systemd (since v245, src/shared/specifier.c specifier_printf)
// fail the expansion.
const specifierLetters = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY"

// Specifiers returns the expansion systemd applies to Environment= and
// EnvironmentFile= values of unit name (unit_env_printf,
// unit_full_printf_full in src/core/unit-printf.c). fragment is the unit
// file's path (%y). The specifiers that name the unit (%n %N %p %P %i %I
// %j %J %f %y %Y) and the system manager's fixed directories (%t %S %C %L
// %E %T %V) are expanded; host is the host name for %H when known. The
// others (machine id, boot id, user, kernel release...) depend on the
// running system: they are left as written.
func Specifiers(unit, fragment, host string) func(string) (string, error) {
	n, _ := ParseName(unit)
	stem := strings.TrimSuffix(unit, "."+n.Type)
	j := n.Prefix
	if i := strings.LastIndexByte(j, '-'); i >= 0 && i+1 < len(j) {
		j = j[i+1:]
	}
	f := pathUnescape(n.Prefix)
	if n.Instance != "" {
		f = pathUnescape(n.Instance)
	}
	known := map[byte]string{
		'n': unit, 'N': stem,
		'p': n.Prefix, 'P': Unescape(n.Prefix),
		'i': n.Instance, 'I': Unescape(n.Instance),
		'j': j, 'J': Unescape(j),
		'f': f,
		't': "/run", 'S': "/var/lib", 'C': "/var/cache", 'L': "/var/log",
		'E': "/etc", 'T': "/tmp", 'V': "/var/tmp",
	}
	if fragment != "" {
		known['y'] = fragment
		known['Y'] = path.Dir(fragment)
	}
	if host != "" {
		known['H'] = host
	}
	return func(s string) (string, error) {
		if !strings.Contains(s, "%") {
			return s, nil
		}
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] != '%' {
				b.WriteByte(s[i])
				continue
			}
			if i+1 >= len(s) {
				// A stray "%" at the end stays.
				b.WriteByte('%')
				break
			}
			i++
			c := s[i]
			switch {
			case c == '%':
				b.WriteByte('%')
			case hasKey(known, c):
				b.WriteString(known[c])
			case strings.IndexByte(specifierLetters, c) >= 0:
				b.WriteByte('%')
				b.WriteByte(c)
			default:
				return "", fmt.Errorf("unknown specifier %%%c", c)
			}
		}
		return b.String(), nil
	}
}

func hasKey(m map[byte]string, c byte) bool {
	_, ok := m[c]
	return ok
}
