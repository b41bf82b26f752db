package rules

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// rule writes a rule block with the given body lines after the metadata.
func rule(id string, body ...string) string {
	return fmt.Sprintf("rule %q {\n  title       = \"t\"\n  severity    = \"high\"\n  rationale   = \"r\"\n  remediation = \"m\"\n%s\n}\n", id, "  "+strings.Join(body, "\n  "))
}

// TestLoadErrors: every kind of mistake in a rule file is reported with
// file:line:col, before any host is read.
func TestLoadErrors(t *testing.T) {
	ok := []string{"over = trusts", `assert = true`, `message = "m"`}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"syntax error", "rule \"x\" {\n  title = \n}\n", "a.hcl:2:"},
		{"unknown block", "rulez \"x\" {}\n", "a.hcl:1:1:"},
		{"unknown attribute in a rule", rule("x", append(ok, `colour = "red"`)...), "a.hcl:9:3: Unsupported argument"},
		{"missing assert", rule("x", "over = trusts", `message = "m"`), "a.hcl:1:"},
		{"invalid id", rule("X_1", ok...), "a.hcl:1:6:"},
		{"duplicate rule", rule("x", ok...) + rule("x", ok...), "a.hcl:10:6: duplicate rule x"},
		{"invalid severity", strings.Replace(rule("x", ok...), `"high"`, `"severe"`, 1), "a.hcl:3:17: invalid severity"},
		{"empty title", strings.Replace(rule("x", ok...), `title       = "t"`, `title = " "`, 1), "a.hcl:2:11: empty title"},
		{"metadata with a variable", strings.Replace(rule("x", ok...), `"t"`, `trust.issuer`, 1), "a.hcl:2:17: variables not allowed"},
		{"invalid over", rule("x", "over = issuers", `assert = true`, `message = "m"`), "a.hcl:6:10: invalid over"},
		{"over as a string", rule("x", `over = "trusts"`, `assert = true`, `message = "m"`), "a.hcl:6:10: invalid over"},
		{"unknown attribute", rule("x", "over = trusts", `assert = trust.acount == ""`, `message = "m"`), `a.hcl:7:17: Unsupported attribute; this object has no attribute "acount"; did you mean "account"?`},
		{"unknown attribute inside can", rule("x", "over = trusts", `assert = can(regex("x", trust.isuer))`, `message = "m"`), "a.hcl:7:32: Unsupported attribute"},
		{"unknown attribute in a for body", rule("x", "over = services", `assert = length([for t in service.trusts : t.isuer]) > 0`, `message = "m"`), "a.hcl:7:47: Unsupported attribute"},
		{"unknown nested attribute", rule("x", "over = trusts", `assert = trust.source.lines > 0`, `message = "m"`), "a.hcl:7:24: Unsupported attribute"},
		{"item of another over", rule("x", "over = services", `assert = trust.issuer == ""`, `message = "m"`), "a.hcl:7:12: unknown variable; there is no variable named \"trust\" in assert; it sees site, host, local, service"},
		{"item in when", rule("x", "over = trusts", `when = trust.issuer == ""`, `assert = true`, `message = "m"`), "a.hcl:7:10: unknown variable"},
		{"unknown function", rule("x", "over = trusts", `assert = can(regx("a", trust.issuer))`, `message = "m"`), `a.hcl:7:16: call to unknown function; there is no function named "regx"; did you mean "regex"?`},
		{"file function", rule("x", "over = trusts", `assert = file("/etc/passwd") != ""`, `message = "m"`), `a.hcl:7:12: call to unknown function; there is no function named "file"`},
		{"wrong number of arguments", rule("x", "over = trusts", `assert = can(regex(trust.issuer))`, `message = "m"`), "a.hcl:7:16: wrong number of arguments"},
		{"assert of the wrong type", rule("x", "over = trusts", `assert = trust.issuer`, `message = "m"`), "a.hcl:7:12: invalid assert; assert must be true or false, not string"},
		{"where of the wrong type", rule("x", "over = trusts", `where = trust.subjects`, `assert = true`, `message = "m"`), "a.hcl:7:11: invalid where"},
		{"message of the wrong type", rule("x", "over = trusts", `assert = true`, `message = trust.subjects`), "a.hcl:8:13: invalid message; message must be a string, not list of string"},
		{"type error in an operation", rule("x", "over = trusts", `assert = trust.subjects + 1 > 0`, `message = "m"`), "a.hcl:7:12: Invalid operand"},
		{"for expressions too deep", rule("x", "over = trusts", `assert = length([for a in trust.subjects : [for b in trust.audiences : [for c in trust.base_paths : c]]]) > 0`, `message = "m"`), "a.hcl:7:12: for expressions nested too deep"},
		{"test without a host", rule("x", append(ok, `test "t" {`, `  expect = []`, `}`)...), "a.hcl:9:3: test t needs a host"},
		{"test with a relative file", rule("x", append(ok, `test "t" {`, `  files = { "etc/x" = "" }`, `}`)...), "a.hcl:10:13: invalid files"},
		{"test with a bad place", rule("x", append(ok, `test "t" {`, `  root = "h"`, `  expect = ["scitokens.cfg:6"]`, `}`)...), "a.hcl:11:14: invalid expect"},
		{"local cycle", "locals {\n  a = local.b\n  b = local.a\n}\n" + rule("x", ok...), "a.hcl:2:3: locals refer to each other"},
		{"local reading the site", "locals {\n  a = site.name\n}\n" + rule("x", ok...), "a.hcl:2:7: unknown variable"},
		{"unknown local", rule("x", "over = trusts", `assert = contains(local.allowd, trust.issuer)`, `message = "m"`), "a.hcl:7:"},
		{"duplicate local", "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n" + rule("x", ok...), "a.hcl:5:3: duplicate local a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load([]File{{Name: "a.hcl", Data: []byte(tc.src)}})
			if err == nil {
				t.Fatalf("loaded:\n%s", tc.src)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain %q\nsource:\n%s", err, tc.want, tc.src)
			}
		})
	}
}

func TestLoadErrorsAcrossFiles(t *testing.T) {
	_, err := Load([]File{
		{Name: "rules.d/10-a.hcl", Data: []byte(rule("x", "over = trusts", `assert = true`, `message = "m"`))},
		{Name: "rules.d/20-b.hcl", Data: []byte(rule("x", "over = trusts", `assert = trust.nope`, `message = "m"`))},
	})
	if err == nil || !strings.Contains(err.Error(), "rules.d/20-b.hcl:1:6: duplicate rule x") {
		t.Errorf("error %v, want the duplicate named in the second file", err)
	}
	if _, err := Load([]File{{Name: "big.hcl", Data: make([]byte, MaxFileSize+1)}}); err == nil || !strings.Contains(err.Error(), "rule file too large") {
		t.Errorf("a file over %d bytes: %v", MaxFileSize, err)
	}
}

func TestLoad(t *testing.T) {
	src := `locals {
  pool = "^(usatlas[0-9]+|cmspilot)$"
}

rule "pool-accounts" {
  title       = "Token mapped outside the pool accounts"
  severity    = "medium"
  rationale   = "why"
  remediation = "fix"
  references  = ["https://example.org/policy"]
  over        = trusts
  when        = site.environment == "production"
  where       = trust.account != ""
  assert      = can(regex(local.pool, trust.account))
  message     = "${trust.issuer} maps to ${trust.account}"

  test "ce" {
    root   = "../../fixtures/hosts/htcondor-ce-deviating"
    expect = ["/etc/condor-ce/mapfiles.d/10-scitokens.conf:2"]
  }
  test "inline" {
    files     = { "/etc/hostname" = "x\n" }
    hostname  = "ce.example.org"
    unmatched = true
  }
}
`
	set, err := Load([]File{{Name: "dir/pool.hcl", Dir: "dir", Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	r, ok := set.Rule("site/pool-accounts")
	if !ok {
		t.Fatalf("no rule site/pool-accounts in %v", set.Rules())
	}
	if r.CheckID() != "site/pool-accounts" || r.Severity != vocab.Medium || r.Over != "trusts" || r.Source() != "dir/pool.hcl:5" || len(r.References) != 1 {
		t.Errorf("rule = %+v", r)
	}
	want := `on hosts where site.environment == "production": each of the trusts where trust.account != "" must satisfy can(regex(local.pool, trust.account))`
	if r.Judges() != want {
		t.Errorf("Judges() = %q, want %q", r.Judges(), want)
	}
	if len(r.Tests) != 2 || r.Tests[0].Root != "../../fixtures/hosts/htcondor-ce-deviating" || r.Tests[0].BaseDir != "dir" || r.Tests[0].Line != 17 ||
		r.Tests[1].Files["/etc/hostname"] != "x\n" || r.Tests[1].Hostname != "ce.example.org" || !r.Tests[1].Unmatched {
		t.Errorf("tests = %+v", r.Tests)
	}
	if _, ok := set.Rule("pool-accounts"); ok {
		t.Error("Rule found an id without the site/ prefix")
	}
}

// TestHostServicesNeeds: a set builds of host.services only what its
// expressions read (every trust of a host, as objects, is the expensive
// part of a large host).
func TestHostServicesNeeds(t *testing.T) {
	tests := []struct {
		when  string
		used  bool
		full  bool
		attrs string
	}{
		{`site.environment == "production"`, false, false, ""},
		{`contains([for s in host.services : s.kind], "storage")`, true, false, "kind"},
		{`length([for s in host.services : s if s.name == "xrootd" && s.runs != "masked"]) > 0`, true, false, "name,runs"},
		{`contains(host.services[*].kind, "compute")`, true, false, "kind"},
		{`host.services[0].instance == ""`, true, false, "instance"},
		{`length(host.services) > 0`, true, false, ""},
		{`length([for s in host.services : s.trusts]) > 0`, true, false, "trusts"},
		{`jsonencode(host.services) != ""`, true, true, ""},
		{`length([for s in host.services : jsonencode(s)]) > 0`, true, true, ""},
		{`[for s in host.services : s if s.kind == "storage"] != []`, true, true, "kind"},
		{`host.name != ""`, false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.when, func(t *testing.T) {
			set, err := Load([]File{{Name: "a.hcl", Data: []byte(rule("x", "over = trusts", "when = "+tc.when, `assert = true`, `message = "m"`))}})
			if err != nil {
				t.Fatal(err)
			}
			n := set.needs
			if n.hostServices != tc.used || n.full != tc.full || strings.Join(sortedKeys(n.attrs), ",") != tc.attrs {
				t.Errorf("needs = %+v, want used %v, full %v, attributes %q", n, tc.used, tc.full, tc.attrs)
			}
		})
	}
}
