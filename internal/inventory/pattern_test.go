package inventory

import (
	"regexp"
	"testing"
)

// patternInputs are strings every pattern is matched against, beside the
// ones a case adds: the identities HTCondor-CE matches (issuer, comma,
// subject) and their near misses.
var patternInputs = []string{
	"", "https://atlas-auth.cern.ch/,7dee38a3", "https://atlas-auth.cern.ch/,", "https://atlas-auth.cern.ch/",
	"https://atlas-auth.cern.ch/,7dee38a3\n", "https://atlas-auth.cern.ch/,7dee\n38a3", "https://atlas-authxcern.ch/,7dee38a3",
	"https://evil.example/https://atlas-auth.cern.ch/,7dee38a3", "https://atlas-auth.cern.ch.evil.example/,7dee38a3",
	"xhttps://atlas-auth.cern.ch/,", "a$b", "a.b", "a\xffb", "日本",
}

// TestPatternMatchesAsRegexp: a compiled pattern matches exactly what
// regexp matches, whether it is taken as a literal or compiled, and
// fails to compile exactly when regexp does.
func TestPatternMatchesAsRegexp(t *testing.T) {
	cases := []struct {
		expr    string
		literal bool
	}{
		{`^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3$`, true},
		{`^https\:\/\/atlas\-auth\.cern\.ch\/,`, true},
		{`^https\:\/\/atlas\-auth\.cern\.ch\/,.*`, true},
		{`^https\:\/\/atlas\-auth\.cern\.ch\/,.*$`, true},
		{`https\:\/\/atlas\-auth\.cern\.ch\/,`, true},
		{`cern\.ch\/,7dee38a3$`, true},
		{`^https://atlas-auth\.cern\.ch/,7dee38a3$`, true},
		{`a\$b`, true},
		{`^$`, true},
		{`^`, true},
		{`$`, true},
		{``, true},
		{`^\ \_\#`, true},
		{`^https://atlas-auth.cern.ch/,`, false}, // unescaped dots
		{`^https\:\/\/(atlas|cms)\-auth\.cern\.ch\/,.*`, false},
		{`(?i)^https\:\/\/atlas`, false},
		{`^a\d`, false},
		{`^a.*b`, false},
		{`a.*`, false},
		{`^a.*?`, false},
		{`^a\`, false},
		{`^日本`, false},
		{`^a[`, false}, // regexp rejects it
		{`^(?<!x)a`, false},
	}
	for _, c := range cases {
		p, err := CompilePattern(c.expr)
		re, reErr := regexp.Compile(c.expr)
		if (err == nil) != (reErr == nil) || err != nil && err.Error() != reErr.Error() {
			t.Errorf("CompilePattern(%q) error %v, regexp says %v", c.expr, err, reErr)
			continue
		}
		if err != nil {
			continue
		}
		if got := p.re == nil; got != c.literal {
			t.Errorf("CompilePattern(%q) literal = %v, want %v", c.expr, got, c.literal)
		}
		if p.String() != c.expr {
			t.Errorf("String() = %q, want %q", p.String(), c.expr)
		}
		for _, s := range patternInputs {
			want := re.MatchString(s)
			if got := p.MatchString(s); got != want {
				t.Errorf("/%s/ on %q = %v, regexp says %v", c.expr, s, got, want)
			}
			if got := p.Match([]byte(s)); got != want {
				t.Errorf("/%s/ on bytes %q = %v, regexp says %v", c.expr, s, got, want)
			}
		}
	}
}

// FuzzPattern: for any pattern and input, CompilePattern, MatchString and
// Match agree with regexp.
func FuzzPattern(f *testing.F) {
	f.Add(`^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3$`, "https://atlas-auth.cern.ch/,7dee38a3")
	f.Add(`^a\-b.*$`, "a-bc\n")
	f.Add(`x\.y$`, "wx.y")
	f.Add(`^a.b`, "axb")
	f.Fuzz(func(t *testing.T, expr, s string) {
		p, err := CompilePattern(expr)
		re, reErr := regexp.Compile(expr)
		if (err == nil) != (reErr == nil) {
			t.Fatalf("CompilePattern(%q) error %v, regexp says %v", expr, err, reErr)
		}
		if err != nil {
			return
		}
		want := re.MatchString(s)
		if got := p.MatchString(s); got != want {
			t.Fatalf("/%s/ on %q = %v, regexp says %v", expr, s, got, want)
		}
		if got := p.Match([]byte(s)); got != want {
			t.Fatalf("/%s/ on bytes %q = %v, regexp says %v", expr, s, got, want)
		}
	})
}
