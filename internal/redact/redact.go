// Package redact scrubs secrets out of text: every string that leaves
// ttt-check goes through Scrub at the output boundary, and a diff shows
// no line Redact would change.
package redact

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Redacted is what a secret is replaced with.
const Redacted = "[REDACTED]"

// secretPattern is one kind of secret: the lower-case words one of which
// every match contains and the bytes every match contains all of (so the
// expression runs only on the few strings that can match), the
// expression, and its replacement.
type secretPattern struct {
	needs []string
	all   string
	re    *regexp.Regexp
	repl  string
}

// secretPatterns: no output may carry a secret. Readers never put token
// or key material into the inventory on purpose, but configuration files
// can hold anything (a token pasted into an option, a password in a URL,
// a private key dropped into config.d), so every string is scrubbed at
// the output boundary as the last line of defence. Each replacement keeps
// what comes before the secret (the key, "Bearer ") so the admin still
// sees what kind of value was there. Go's regexp is RE2: linear time.
// They are compiled on first use: commands that write no report do not
// pay for them.
var secretPatterns = sync.OnceValue(func() []secretPattern {
	return []secretPattern{
		// JWTs, bare, URL-encoded (dots as %2E) or in standard base64
		// (+/=): a JSON header always encodes to eyJ ("{"). The third part
		// is optional so a token cut at its signature is still caught.
		{[]string{"eyj"}, "", regexp.MustCompile(`eyJ[A-Za-z0-9_+/=-]{4,}(?:\.|%2[Ee])[A-Za-z0-9_+/=-]{4,}(?:(?:\.|%2[Ee])[A-Za-z0-9_+/=-]*)?`), Redacted},
		// Opaque bearer credentials, also URL-encoded (Bearer%20..., +).
		{[]string{"bearer"}, "", regexp.MustCompile(`(?i)(bearer(?:\s|%20|\+)+)[A-Za-z0-9._~+/%=-]{8,}`), "${1}" + Redacted},
		// authz=<value> in URLs and CGI, when it is not a Bearer value
		// (kept readable by the pattern above) or already redacted.
		{[]string{"authz="}, "", regexp.MustCompile(`(?i)(authz=)[^\s&"'b\[][^\s&"']{7,}`), "${1}" + Redacted},
		// key=value, key: value and key<blanks>value secrets: passwords,
		// passphrases, any key starting with "secret", the common token
		// and API key names. Keys that merely contain "token"
		// (scitokens.onmissing, tokenscopes) are settings, not secrets.
		{keyNeeds(), "", regexp.MustCompile(`(?i)((?:passw(?:or)?d|passphrase|secret[A-Za-z0-9_-]*|(?:access|refresh|id|bearer|auth|client)[_-]?(?:token|secret)|api[_-]?key)["']?(?:\s*[=:]\s*|[ \t]+)["']?)[^\s&,;"']+`), "${1}" + Redacted},
		// user:password@ in URLs, also with regex-escaped slashes
		// (https:\/\/user:pass@ in an HTCondor mapfile pattern).
		// Every HTCondor mapfile pattern holds `:\/\/`, and a CE may have
		// 100,000 of them: the '@' a password needs keeps the expression
		// off all of those.
		{[]string{"://", `:\/\/`}, "@", regexp.MustCompile(`(:(?:\\?/){2}[^/\\\s:@]+:)[^@\s/]+@`), "${1}" + Redacted + "@"},
		// PEM private keys, also cut before their END line.
		{[]string{"-----begin"}, "", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`), Redacted},
	}
})

// keyNeeds are the words one of which every key=value secret holds: the
// token and API key names spelled out with their separators, because the
// word "token" alone is in every SCITOKENS mapfile line and every
// scitokens.* setting, which are no secrets.
func keyNeeds() []string {
	needs := []string{"pass", "secret"}
	for _, sep := range []string{"", "_", "-"} {
		for _, k := range []string{"access", "refresh", "id", "bearer", "auth", "client"} {
			needs = append(needs, k+sep+"token")
		}
		needs = append(needs, "api"+sep+"key")
	}
	return needs
}

// Redact replaces secret-looking substrings with [REDACTED]: JWTs,
// bearer credentials, authz values, password/secret values, URL
// passwords, private keys, and long base64 runs shaped like key material
// (a PEM body quoted line by line, without its BEGIN/END).
func Redact(s string) string {
	if s == "" {
		return s
	}
	lower := strings.ToLower(s)
	for _, p := range secretPatterns() {
		if !containsAll(s, p.all) {
			continue
		}
		for _, w := range p.needs {
			if strings.Contains(lower, w) {
				s = p.re.ReplaceAllString(s, p.repl)
				lower = strings.ToLower(s)
				break
			}
		}
	}
	return redactBase64Runs(s)
}

// containsAll reports whether s holds every byte of set.
func containsAll(s, set string) bool {
	for i := 0; i < len(set); i++ {
		if strings.IndexByte(s, set[i]) < 0 {
			return false
		}
	}
	return true
}

// redactBase64Runs replaces runs of 40 or more base64 characters that
// look random — upper case, lower case and digits mixed, switching
// between them at least every third character on average — as key
// material and tokens do (about two switches in three), while paths and
// names (CamelCase words, digits in blocks: about one in four), hex
// digests (no upper case) and words do not. One pass, no backtracking.
func redactBase64Runs(s string) string {
	isB64 := func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
	}
	class := func(c byte) int {
		switch {
		case c >= 'A' && c <= 'Z':
			return 1
		case c >= 'a' && c <= 'z':
			return 2
		case c >= '0' && c <= '9':
			return 3
		}
		return 0
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isB64(s[i]) {
			i++
			continue
		}
		j := i
		var seen [4]bool
		switches, letters, prev := 0, 0, 0
		for j < len(s) && isB64(s[j]) {
			c := class(s[j])
			seen[c] = true
			if c != 0 {
				if prev != 0 && c != prev {
					switches++
				}
				prev = c
				letters++
			}
			j++
		}
		if n := j - i; n >= 40 && seen[1] && seen[2] && seen[3] && switches*3 >= letters {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:i])
			b.WriteString(Redacted)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Scrub is what every string that leaves the tool goes through: Redact,
// then escaping of what a terminal, a monitoring page or a spreadsheet
// would interpret rather than show — control characters other than
// newline and tab (an ESC from /etc/hostname could rewrite the screen),
// invalid UTF-8, and Unicode bidirectional overrides (which make text
// read differently from what it is).
func Scrub(s string) string {
	s = Redact(s)
	clean := utf8.ValidString(s)
	for i := 0; clean && i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c == 0xc2 || c == 0xe2 {
			clean = false
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// IsSecretKey reports whether a word names a secret value that follows
// it: -password, passwd, passphrase, secret…, …_token, api_key.
func IsSecretKey(w string) bool {
	w = strings.ToLower(strings.Trim(w, "-:=\"' "))
	switch {
	case w == "":
		return false
	case strings.HasPrefix(w, "passw"), strings.HasPrefix(w, "passphrase"), strings.HasPrefix(w, "secret"):
		return true
	case strings.HasSuffix(w, "_token"), strings.HasSuffix(w, "-token"), strings.HasSuffix(w, "secret"):
		return true
	case w == "apikey", w == "api_key", w == "api-key", w == "token":
		return true
	}
	return false
}

func needsEscape(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
