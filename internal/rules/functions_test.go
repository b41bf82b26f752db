package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// TestNoImpureFunctions: a rule's verdict depends on the inventory and
// the profile alone; nothing reads files, the network, the clock or the
// environment, and nothing runs a program.
func TestNoImpureFunctions(t *testing.T) {
	fs := functions()
	for _, name := range []string{"file", "fileexists", "fileset", "filebase64", "templatefile", "timestamp", "plantimestamp", "uuid", "bcrypt", "env", "exec", "http", "abspath", "pathexpand"} {
		if _, ok := fs[name]; ok {
			t.Errorf("function %s is available to rules", name)
		}
	}
	for _, name := range []string{"can", "try", "contains", "regex", "regexall", "setintersection", "join", "lower", "length", "tostring"} {
		if _, ok := fs[name]; !ok {
			t.Errorf("function %s is missing", name)
		}
	}
}

// TestFunctionBudgets: a call whose result would outgrow the limits
// fails instead of taking the memory.
func TestFunctionBudgets(t *testing.T) {
	fs := functions()
	big := cty.StringVal(strings.Repeat("a", 64<<10))
	list := func(n int) cty.Value {
		vals := make([]cty.Value, n)
		for i := range vals {
			vals[i] = cty.StringVal(strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26))
		}
		return cty.SetVal(vals)
	}
	tests := []struct {
		name string
		fn   string
		args []cty.Value
		fail bool
	}{
		{"format with a huge width", "format", []cty.Value{cty.StringVal("%999999999d"), cty.NumberIntVal(1)}, true},
		{"format with a small width", "format", []cty.Value{cty.StringVal("%5d"), cty.NumberIntVal(1)}, false},
		{"replace that multiplies", "replace", []cty.Value{big, cty.StringVal("a"), big}, true},
		{"replace that does not", "replace", []cty.Value{big, cty.StringVal("a"), cty.StringVal("b")}, false},
		{"regex_replace of the empty match", "regex_replace", []cty.Value{big, cty.StringVal(""), cty.StringVal(strings.Repeat("b", 300))}, true},
		{"setproduct too large", "setproduct", []cty.Value{list(400), list(400)}, true},
		{"setproduct small", "setproduct", []cty.Value{list(10), list(10)}, false},
		{"join over the byte limit", "join", []cty.Value{cty.StringVal(""), cty.ListVal([]cty.Value{big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big})}, true},
		{"indent too deep", "indent", []cty.Value{cty.NumberIntVal(1 << 30), cty.StringVal("a\nb")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fs[tc.fn].Call(tc.args)
			if tc.fail != (err != nil) {
				t.Fatalf("error %v, want failure %v", err, tc.fail)
			}
			if tc.fail && !errors.Is(err, errTooLarge) && !strings.Contains(err.Error(), "result too large") {
				t.Errorf("error %v is not about size", err)
			}
		})
	}
}

// TestRegexMatchesGoCty: the caching regex functions give what go-cty's
// give (their results, result types and errors).
func TestRegexMatchesGoCty(t *testing.T) {
	for _, tc := range []struct{ pattern, s string }{
		{"^https://([^/]+)/", "https://atlas-auth.cern.ch/"},
		{"^(?P<host>[^:]+):(?P<port>[0-9]+)$", "xrd.example.org:1094"},
		{"[0-9]+", "a1b22c333"},
		{"^x$", "y"},
		{"(", "y"},
		{"(a)|(b)", "b"},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			for _, name := range []string{"regex", "regexall"} {
				ours, oerr := functions()[name].Call([]cty.Value{cty.StringVal(tc.pattern), cty.StringVal(tc.s)})
				theirs, terr := goCty[name].Call([]cty.Value{cty.StringVal(tc.pattern), cty.StringVal(tc.s)})
				if (oerr == nil) != (terr == nil) || (oerr == nil && !ours.RawEquals(theirs)) {
					t.Errorf("%s: ours %#v %v, go-cty's %#v %v", name, ours, oerr, theirs, terr)
				}
			}
			ours, oerr := functions()["regex_replace"].Call([]cty.Value{cty.StringVal(tc.s), cty.StringVal(tc.pattern), cty.StringVal("<$1>")})
			theirs, terr := goCty["regex_replace"].Call([]cty.Value{cty.StringVal(tc.s), cty.StringVal(tc.pattern), cty.StringVal("<$1>")})
			if (oerr == nil) != (terr == nil) || (oerr == nil && !ours.RawEquals(theirs)) {
				t.Errorf("regex_replace: ours %#v %v, go-cty's %#v %v", ours, oerr, theirs, terr)
			}
		})
	}
}

var goCty = map[string]function.Function{"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "regex_replace": stdlib.RegexReplaceFunc}
