package arcconf

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

func TestParse(t *testing.T) {
	text := "orphan = 1\n# comment\n[common]\nhostname = ce.example.org\n\n[authgroup: g1]\nauthtokens = a b c d e\nauthtokens=x y z w v\n-authtokens = * https://x/ * * *\n[queue:short]\ncomment = x # not a comment\nnovalue\n[common\nlost = 1\n[authgroup:g1]\nreplaced = yes\n#[authgroup: old]\n[arex/ws/jobs]\r\nallowaccess = g1\r\n"
	c := Parse("/etc/arc.conf", []byte(text))
	var names []string
	for _, b := range c.Blocks {
		names = append(names, b.Name)
	}
	if strings.Join(names, " ") != "common queue:short authgroup:g1 arex/ws/jobs" {
		t.Errorf("blocks = %v", names)
	}
	if g := c.Block("authgroup:g1"); g == nil || len(g.Options) != 1 || g.Options[0].Key != "replaced" || g.Source.Line != 15 {
		t.Errorf("repeated block did not replace the earlier one: %+v", g)
	}
	q := c.Block("queue:short")
	if v := q.Values("comment"); len(v) != 1 || v[0].Value != "x # not a comment" || v[0].Source.Line != 11 {
		t.Errorf("comment option = %+v", v)
	}
	if v := q.Values("novalue"); len(v) != 1 || v[0].Value != "" {
		t.Errorf("option without value = %+v", v)
	}
	if v := c.Block("arex/ws/jobs").Values("allowaccess"); len(v) != 1 || v[0].Value != "g1" {
		t.Errorf("CRLF option = %+v", v)
	}
	if _, ok := c.Commented["authgroup:old"]; !ok {
		t.Error("commented-out block not noted")
	}
	var reasons []string
	for _, p := range c.Problems {
		reasons = append(reasons, p.Reason)
	}
	all := strings.Join(reasons, "; ")
	for _, want := range []string{"option before any block", "malformed block header", "repeats the one at line 6"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %q", all, want)
		}
	}
}

func TestExpressions(t *testing.T) {
	tests := []struct {
		expr string
		want []string // per alternative: iss|sub|aud|scope|group with ops
		err  string
	}{
		{`(sub=e83eec5a) & (iss="https://wlcg.cloud.cnaf.infn.it/")`, []string{"=https://wlcg.cloud.cnaf.infn.it/|=e83eec5a|||"}, ""},
		{`(iss="https://a/") & (aud="x") & (scope~"(^|.* )(compute\.create)( .*|$)")`, []string{"=https://a/||=x|~(^|.* )(compute\\.create)( .*|$)|"}, ""},
		{`iss="https://a/" | iss="https://b/"`, []string{"=https://a/||||", "=https://b/||||"}, ""},
		{`iss="https://a/" & (sub=x | sub=y)`, []string{"=https://a/|=x|||", "=https://a/|=y|||"}, ""},
		{`!(iss="https://a/")`, []string{"||||"}, ""},
		{`iss="https://a/" ^ wlcg.groups="/wlcg/pilots"`, []string{"=https://a/||||", "||||=/wlcg/pilots"}, ""},
		{`iss="a\"b"`, []string{"=a\"b||||"}, ""},
		{`(iss="a"`, nil, "missing ')'"},
		{`iss`, nil, "expected = or ~"},
		{`iss="a" &`, nil, "ends early"},
		{`iss="unterminated`, nil, "unterminated"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := ParseExpr(tc.expr)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseExpr = %v, want error %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range Alternatives(e) {
				f := func(claim, v string) string {
					if r.Ops[claim] == "" {
						return ""
					}
					return r.Ops[claim] + v
				}
				got = append(got, strings.Join([]string{f("iss", r.Issuer), f("sub", r.Subject), f("aud", r.Audience), f("scope", r.Scope), f("wlcg.groups", r.Group)}, "|"))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("alternatives = %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := ParseAuthtokens("a b"); err == nil {
		t.Error("authtokens with 2 fields accepted")
	}
	r, err := ParseAuthtokens("* https://x/ * * *")
	if err != nil || r.Constrains("sub") || !r.Constrains("iss") || r.Issuer != "https://x/" {
		t.Errorf("authtokens = %+v %v", r, err)
	}
}

// TestAgainstArcconfigParser compares blocks and ordered values with what
// ARC's own parser exports, for the test configs and every arc.conf of
// the corpus. Defaults are switched off (-d empty) so that only the file
// is compared.
func TestAgainstArcconfigParser(t *testing.T) {
	parser := "/usr/lib/arc/arcconfig-parser"
	if _, err := os.Stat(parser); err != nil {
		t.Skip("arcconfig-parser not installed: apt-get install libarccommon3v5 (.ci/run does)")
	}
	empty := filepath.Join(t.TempDir(), "empty.defaults")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The fixtures' arc.conf files always take part; the corpus's when
	// ../shared is beside the repository.
	files, _ := filepath.Glob("../../../fixtures/hosts/*/etc/arc.conf")
	if len(files) < 5 {
		t.Fatalf("only %d fixture arc.conf files", len(files))
	}
	own, _ := filepath.Glob("testdata/*.conf")
	files = append(files, own...)
	files = append(files, testkit.CorpusFiles("arc", "*.conf")...)
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, "../"), func(t *testing.T) {
			// Run it by its own #! line (/usr/bin/python3): another python3 first
			// in PATH lacks the arc module.
			out, err := exec.Command(parser, "-c", f, "-d", empty, "-e", "json").Output()
			if err != nil {
				t.Fatalf("arcconfig-parser: %v", err)
			}
			var want map[string]map[string]any
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatalf("arcconfig-parser JSON: %v\n%s", err, out)
			}
			data, _ := os.ReadFile(f)
			c := Parse(f, data)
			got := map[string]map[string]any{}
			for _, b := range c.Blocks {
				m := map[string]any{}
				for _, o := range b.Options {
					switch v := m[o.Key].(type) {
					case nil:
						m[o.Key] = o.Value
					case string:
						m[o.Key] = []any{v, o.Value}
					case []any:
						m[o.Key] = append(v, o.Value)
					}
				}
				got[b.Name] = m
			}
			if !reflect.DeepEqual(got, want) {
				gj, _ := json.MarshalIndent(got, "", " ")
				wj, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("differs from arcconfig-parser\n--- ttt-check\n%s\n--- arcconfig-parser\n%s", gj, wj)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range testkit.CorpusFiles("arc", "*.conf") {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	// The hostile-input suite's shapes, small: repeated blocks, a nested
	// authtokensgen.
	f.Add([]byte(strings.Repeat("[authgroup:a]\n[authgroup:b]\nauthtokens = * i * * *\n", 50)))
	f.Add([]byte("[authgroup:g]\nauthtokensgen = " + strings.Repeat(`(iss="a" | iss="b") & (`, 20) + `sub="x"` + strings.Repeat(")", 20) + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Parse("/etc/arc.conf", data)
		for _, b := range c.Blocks {
			for _, o := range b.Options {
				if o.Key != "authtokensgen" {
					continue
				}
				if e, err := ParseExpr(o.Value); err == nil {
					Alternatives(e)
				}
			}
		}
	})
}

func FuzzExpr(f *testing.F) {
	f.Add(`(iss="https://a/") & (aud="x") & (scope~"(^|.* )(compute\.create)( .*|$)") | !(sub=y) ^ z=1`)
	f.Add(`((((((((a=1))))))))`)
	f.Add(strings.Repeat(`(iss="a" | iss="b") & (`, 40) + `sub="x"` + strings.Repeat(")", 40)) // 2^40 alternatives
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := ParseExpr(s); err == nil {
			if len(Alternatives(e)) > maxAlternatives {
				t.Fatal("too many alternatives")
			}
		}
	})
}

// naiveDNF is the expansion as it was before each subexpression was
// expanded once: the right side of & again for every left alternative.
func naiveDNF(e Expr) [][]Cmp {
	capped := func(a [][]Cmp) [][]Cmp {
		if len(a) > maxAlternatives {
			return a[:maxAlternatives]
		}
		return a
	}
	switch x := e.(type) {
	case Cmp:
		return [][]Cmp{{x}}
	case Not:
		return [][]Cmp{{}}
	case Or:
		return capped(append(naiveDNF(x.L), naiveDNF(x.R)...))
	case Xor:
		return capped(append(naiveDNF(x.L), naiveDNF(x.R)...))
	case And:
		var out [][]Cmp
		for _, l := range naiveDNF(x.L) {
			for _, r := range naiveDNF(x.R) {
				out = append(out, append(append([]Cmp{}, l...), r...))
			}
		}
		return capped(out)
	}
	return [][]Cmp{{}}
}

// TestDNFAgrees holds the expansion to the naive one over random
// expressions small enough for it, including ones past the budget.
func TestDNFAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || rng.IntN(4) == 0 {
			return fmt.Sprintf(`%s=v%d`, []string{"iss", "sub", "aud", "scope", "groups", "x"}[rng.IntN(6)], rng.IntN(3))
		}
		switch rng.IntN(5) {
		case 0:
			return "!(" + gen(depth-1) + ")"
		case 1:
			return "(" + gen(depth-1) + ") | (" + gen(depth-1) + ")"
		case 2:
			return "(" + gen(depth-1) + ") ^ (" + gen(depth-1) + ")"
		default:
			return "(" + gen(depth-1) + ") & (" + gen(depth-1) + ")"
		}
	}
	for n := 0; n < 3000; n++ {
		src := gen(6)
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		var d dnf
		got, want := d.of(e), naiveDNF(e)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s:\n got %v\nwant %v", src, got, want)
		}
		_, complete := AlternativesOf(e)
		if n := countDNF(e); complete != (n <= maxAlternatives) {
			t.Fatalf("%s: complete = %v with %d alternatives", src, complete, n)
		}
	}
}

// countDNF counts alternatives without the budget (saturating).
func countDNF(e Expr) int {
	const most = 1 << 20
	switch x := e.(type) {
	case Or:
		return min(countDNF(x.L)+countDNF(x.R), most)
	case Xor:
		return min(countDNF(x.L)+countDNF(x.R), most)
	case And:
		return min(countDNF(x.L)*countDNF(x.R), most)
	}
	return 1
}

// TestDeepExpressionIsLinear: an expression whose right sides nest 90
// deep has 2^90 alternatives; expanding it costs one pass over it and
// says the alternatives returned are not all.
func TestDeepExpressionIsLinear(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 90; i++ {
		fmt.Fprintf(&b, `(iss="https://a%d/" | iss="https://b%d/") & (`, i, i)
	}
	b.WriteString(`sub="x"` + strings.Repeat(")", 90))
	e, err := ParseExpr(b.String())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rules, complete := AlternativesOf(e)
	if len(rules) != maxAlternatives || complete {
		t.Errorf("%d alternatives, complete %v", len(rules), complete)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}
