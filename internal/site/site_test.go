package site

import (
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
)

const full = `site        = "EXAMPLE"
environment = "production"
vos         = ["atlas", "dteam"]

[[hosts]]
match       = "*.testbed.example.org"
environment = "testbed"
vos         = ["atlas", "wlcg"]

[[issuers]]
issuer  = "https://iam.example.org/"
contact = "sec@example.org"

[[issuers]]
issuer = "https://nocontact.example.org/"

[severity]
"issuer-dteam-missing" = "info"

[[waivers]]
check   = "audience-any"
service = "xrootd"
file    = "/etc/xrootd/*"
reason  = "testbed"
expires = 2026-11-22

[[waivers]]
check   = "log-token-leak"
reason  = "debugging"
expires = "2026-01-01"
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "site = \n", "site.toml:1:"},
		{"unknown top-level key", "site = \"x\"\nenviroment = \"production\"\n", `site.toml:2: unknown key "enviroment"`},
		{"unknown key in a waiver", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = 2027-01-01\n\n[[waivers]]\ncheck = \"b\"\nreason = \"r\"\nexpires = 2027-01-01\nreson = \"x\"\n", `site.toml:10: unknown key "waivers.reson"`},
		{"unknown key in hosts", "[[hosts]]\nmatch = \"*\"\nenv = \"testbed\"\n", `site.toml:3: unknown key "hosts.env"`},
		{"bad environment", "environment = \"prod\"\n", "site.toml:1: environment \"prod\""},
		{"bad severity", "[severity]\n\"audience-any\" = \"severe\"\n", "site.toml:2: severity of audience-any"},
		{"waiver without reason", "[[waivers]]\ncheck = \"a\"\nexpires = 2027-01-01\n", "site.toml:1: waiver 1: reason is required"},
		{"waiver without expiry", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\n", "site.toml:1: waiver 1: expires is required"},
		{"waiver with a bad date", "[[waivers]]\ncheck = \"a\"\nreason = \"r\"\nexpires = \"soon\"\n", "site.toml:4: waiver 1: expires \"soon\""},
		{"bad glob", "[[hosts]]\nmatch = \"[\"\n", "site.toml:2: hosts 1: bad glob"},
		{"duplicate host match", "[[hosts]]\nmatch = \"a*\"\n[[hosts]]\nmatch = \"a*\"\n", "site.toml:3: hosts 2: duplicate match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("site.toml", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestForHostAndReferences(t *testing.T) {
	p, err := Load("/etc/ttt-check/site.toml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	prod := p.ForHost("se01.example.org")
	if prod.Environment != "production" || strings.Join(prod.VOs, ",") != "atlas,dteam" {
		t.Errorf("production host = %+v", prod)
	}
	tb := p.ForHost("xrd.testbed.example.org")
	if tb.Environment != "testbed" || strings.Join(tb.VOs, ",") != "atlas,wlcg" {
		t.Errorf("testbed host = %+v", tb)
	}
	if _, ok := prod.ExtraIssuer("https://iam.example.org/"); !ok {
		t.Error("declared issuer with contact not found")
	}
	if _, ok := prod.ExtraIssuer("https://nocontact.example.org/"); ok {
		t.Error("issuer without contact counted as declared")
	}
	if s, stated := prod.SupportsVO("cms"); s || !stated {
		t.Error("SupportsVO(cms)")
	}
	if _, stated := Default().SupportsVO("cms"); stated {
		t.Error("default profile states VOs")
	}
	var got []string
	for _, r := range p.References() {
		got = append(got, r.Kind+":"+r.Name+":"+itoa(r.Line))
	}
	want := "vo:atlas:3 vo:dteam:3 vo:atlas:5 vo:wlcg:5 check:issuer-dteam-missing:18 check:audience-any:20 check:log-token-leak:27"
	if strings.Join(got, " ") != want {
		t.Errorf("References = %s\nwant        %s", strings.Join(got, " "), want)
	}
}

func TestApply(t *testing.T) {
	p, err := Load("/etc/ttt-check/site.toml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	e := p.ForHost("se01.example.org")
	in := []finding.Finding{
		{Check: "audience-any", Service: "xrootd", File: "/etc/xrootd/scitokens.cfg", Severity: finding.Low, Status: finding.StatusFail},
		{Check: "audience-any", Service: "dcache", File: "/etc/dcache/dcache.conf", Severity: finding.Low, Status: finding.StatusFail},
		{Check: "log-token-leak", Service: "xrootd", File: "/etc/xrootd/x.cfg", Severity: finding.High, Status: finding.StatusFail},
		{Check: "issuer-dteam-missing", Service: "xrootd", File: "/etc/xrootd/x.cfg", Severity: finding.Low, Status: finding.StatusFail},
	}
	for _, tc := range []struct {
		name        string
		today       time.Time
		waived      int
		extraChecks string
	}{
		{"on the expiry day the waiver holds", time.Date(2026, 11, 22, 23, 59, 0, 0, time.UTC), 1, "waiver-expired"},
		{"the day after it is expired", time.Date(2026, 11, 23, 0, 1, 0, 0, time.UTC), 0, "waiver-expired waiver-expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := Apply(e, in, tc.today)
			if in[0].Status != finding.StatusFail {
				t.Fatal("Apply modified its input")
			}
			waived := 0
			var extra []string
			for _, f := range out {
				if f.Status == finding.StatusWaived {
					waived++
					if f.Service != "xrootd" || f.Waiver == nil || f.Waiver.Reason != "testbed" || f.Waiver.Source != "/etc/ttt-check/site.toml:20" {
						t.Errorf("wrong finding waived: %+v %+v", f, f.Waiver)
					}
				}
				if strings.HasPrefix(f.Check, "waiver-") {
					extra = append(extra, f.Check)
					if f.Line == 0 || f.File != "/etc/ttt-check/site.toml" || f.Fingerprint == "" {
						t.Errorf("waiver finding lacks its location: %+v", f)
					}
				}
				if f.Check == "issuer-dteam-missing" && f.Severity != finding.Info {
					t.Errorf("severity override not applied: %s", f.Severity)
				}
			}
			if waived != tc.waived {
				t.Errorf("waived %d, want %d", waived, tc.waived)
			}
			if strings.Join(extra, " ") != tc.extraChecks {
				t.Errorf("extra findings %v, want %s", extra, tc.extraChecks)
			}
		})
	}
	unused := Apply(e, in[3:], time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	n := 0
	for _, f := range unused {
		if f.Check == "waiver-unused" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("waiver-unused = %d, want 2 (neither waiver matches)", n)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("[[waivers]]\nexpires = 1979-05-27T07:32:00Z\n"))
	f.Add([]byte("x = [1, [2]]\n[a.b.c]\nd = {e = 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load("f.toml", data)
		if err == nil {
			p.ForHost("h")
			p.References()
		}
	})
}
