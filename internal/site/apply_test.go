package site

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// applyProfile has one waiver of each kind the cases need; lines matter.
const applyProfile = `[severity]
audience-any = "critical"

[[waivers]]
check    = "audience-any"
service  = "xrootd"
file     = "/etc/xrootd/*.cfg"
reason   = "compliance testbed"
expires  = 2026-11-22
approver = "J. Admin"

[[waivers]]
check   = "log-token-leak"
reason  = "being rotated"
expires = 2026-01-01
`

func TestApply(t *testing.T) {
	p, err := Load(profilePath, []byte(applyProfile))
	if err != nil {
		t.Fatal(err)
	}
	e := p.ForHost("se1.example.org")
	xrdAny := finding.Finding{Check: "audience-any", Service: "xrootd", File: "/etc/xrootd/scitokens.cfg", Line: 3, Severity: vocab.Low, Status: vocab.StatusFail}
	xrdAnyElsewhere := finding.Finding{Check: "audience-any", Service: "xrootd", File: "/etc/xrootd/conf.d/x.conf", Severity: vocab.Low, Status: vocab.StatusFail}
	dcacheAny := finding.Finding{Check: "audience-any", Service: "dcache", File: "/etc/xrootd/x.cfg", Severity: vocab.Low, Status: vocab.StatusFail}
	leak := finding.Finding{Check: "log-token-leak", Service: "xrootd", File: "/var/log/xrootd/xrootd.log", Severity: vocab.High, Status: vocab.StatusFail}
	other := finding.Finding{Check: "issuer-unknown", Service: "xrootd", File: "/etc/xrootd/x.cfg", Severity: vocab.Medium, Status: vocab.StatusFail}

	// result is a compact view of a finding: check service file status severity [waiver source].
	result := func(f finding.Finding) string {
		s := fmt.Sprintf("%s %s %s %s %s", f.Check, f.Service, f.File, f.Status, f.Severity)
		if f.Waiver != nil {
			s += " waived-by " + f.Waiver.Source
		}
		return s
	}
	tests := []struct {
		name  string
		in    []finding.Finding
		today time.Time
		want  []string
	}{
		{"waived, with severity override", []finding.Finding{xrdAny, leak}, day(2025, 12, 31), []string{
			"audience-any xrootd /etc/xrootd/scitokens.cfg waived critical waived-by /etc/ttt-check/site.toml:4",
			"log-token-leak xrootd /var/log/xrootd/xrootd.log waived high waived-by /etc/ttt-check/site.toml:12",
		}},
		{"file glob and service filter", []finding.Finding{xrdAny, xrdAnyElsewhere, dcacheAny, leak, other}, day(2025, 12, 31), []string{
			"audience-any xrootd /etc/xrootd/scitokens.cfg waived critical waived-by /etc/ttt-check/site.toml:4",
			"audience-any xrootd /etc/xrootd/conf.d/x.conf fail critical",
			"audience-any dcache /etc/xrootd/x.cfg fail critical",
			"log-token-leak xrootd /var/log/xrootd/xrootd.log waived high waived-by /etc/ttt-check/site.toml:12",
			"issuer-unknown xrootd /etc/xrootd/x.cfg fail medium",
		}},
		{"on the expiry day the waiver holds", []finding.Finding{leak}, time.Date(2026, 1, 1, 23, 59, 59, 0, time.UTC), []string{
			"log-token-leak xrootd /var/log/xrootd/xrootd.log waived high waived-by /etc/ttt-check/site.toml:12",
			"waiver-unused  /etc/ttt-check/site.toml fail info",
		}},
		{"the expiry day is a UTC day", []finding.Finding{leak}, time.Date(2026, 1, 2, 0, 30, 0, 0, time.FixedZone("CET", 3600)), []string{
			"log-token-leak xrootd /var/log/xrootd/xrootd.log waived high waived-by /etc/ttt-check/site.toml:12",
			"waiver-unused  /etc/ttt-check/site.toml fail info",
		}},
		{"the day after, expired re-opens and is reported", []finding.Finding{leak, xrdAny}, day(2026, 1, 2), []string{
			"log-token-leak xrootd /var/log/xrootd/xrootd.log fail high",
			"audience-any xrootd /etc/xrootd/scitokens.cfg waived critical waived-by /etc/ttt-check/site.toml:4",
			"waiver-expired  /etc/ttt-check/site.toml fail info",
		}},
		{"unused waivers, one of them expired", []finding.Finding{other}, day(2026, 6, 1), []string{
			"issuer-unknown xrootd /etc/xrootd/x.cfg fail medium",
			"waiver-unused  /etc/ttt-check/site.toml fail info",
			"waiver-unused  /etc/ttt-check/site.toml fail info",
		}},
		{"no findings", nil, day(2026, 6, 1), []string{
			"waiver-unused  /etc/ttt-check/site.toml fail info",
			"waiver-unused  /etc/ttt-check/site.toml fail info",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			out := Apply(e, in, tc.today)
			var got []string
			for _, f := range out {
				got = append(got, result(f))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Apply:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range in {
				if in[i].Status != tc.in[i].Status || in[i].Severity != tc.in[i].Severity || in[i].Waiver != nil {
					t.Errorf("Apply modified its input: %+v", in[i])
				}
			}
		})
	}
}

func TestApplyWaiverDetails(t *testing.T) {
	p, err := Load(profilePath, []byte(applyProfile))
	if err != nil {
		t.Fatal(err)
	}
	e := p.ForHost("se1")
	xrdAny := finding.Finding{Check: "audience-any", Service: "xrootd", File: "/etc/xrootd/a.cfg", Status: vocab.StatusFail}
	xrdAny2 := xrdAny
	xrdAny2.File = "/etc/xrootd/b.cfg"

	t.Run("waiver recorded on the finding", func(t *testing.T) {
		out := Apply(e, []finding.Finding{xrdAny}, day(2026, 1, 1))
		want := finding.Waiver{Reason: "compliance testbed", Expires: "2026-11-22", Approver: "J. Admin", Source: "/etc/ttt-check/site.toml:4"}
		if out[0].Waiver == nil || *out[0].Waiver != want {
			t.Errorf("waiver = %+v, want %+v", out[0].Waiver, want)
		}
	})
	t.Run("expired waiver finding", func(t *testing.T) {
		out := Apply(e, []finding.Finding{xrdAny, xrdAny2}, day(2026, 11, 23))
		var exp []finding.Finding
		for _, f := range out {
			if f.Check == vocab.CheckWaiverExpired {
				exp = append(exp, f)
			}
		}
		if len(exp) != 1 {
			t.Fatalf("waiver-expired findings: %d, want 1", len(exp))
		}
		f := exp[0]
		wantMsg := "the waiver for audience-any (service xrootd, file /etc/xrootd/*.cfg) expired on 2026-11-22; it no longer covers 2 finding(s), which count against the host again"
		key := "waiver:audience-any|xrootd|/etc/xrootd/*.cfg"
		if f.Message != wantMsg || f.Service != "" || f.File != profilePath || f.Line != 4 || f.Status != vocab.StatusFail ||
			f.Key != key || f.Fingerprint != finding.Fingerprint(vocab.CheckWaiverExpired, profilePath, key) ||
			f.Title != "" || f.Remediation != "" || f.Severity != vocab.Info {
			t.Errorf("waiver-expired finding = %+v", f)
		}
	})
	t.Run("unused waiver message", func(t *testing.T) {
		out := Apply(e, nil, day(2026, 6, 1))
		if len(out) != 2 || !strings.Contains(out[0].Message, "matches no finding") || strings.Contains(out[0].Message, "expired") ||
			!strings.Contains(out[1].Message, "it also expired on 2026-01-01") || out[1].Line != 12 {
			t.Errorf("unused findings = %+v", out)
		}
	})
	t.Run("fingerprint ignores the waiver's line", func(t *testing.T) {
		moved, err := Load(profilePath, []byte("# a comment moves every line\n\n"+applyProfile))
		if err != nil {
			t.Fatal(err)
		}
		a := Apply(e, nil, day(2026, 6, 1))
		b := Apply(moved.ForHost("se1"), nil, day(2026, 6, 1))
		if a[0].Line == b[0].Line || a[0].Fingerprint != b[0].Fingerprint || a[0].Fingerprint == a[1].Fingerprint {
			t.Errorf("fingerprints: %s:%d %s:%d", a[0].Fingerprint, a[0].Line, b[0].Fingerprint, b[0].Line)
		}
	})
	t.Run("first unexpired waiver wins, the other is still used", func(t *testing.T) {
		p, err := Load(profilePath, []byte("[[waivers]]\ncheck = \"a\"\nreason = \"first\"\nexpires = 2027-01-01\n[[waivers]]\ncheck = \"a\"\nservice = \"xrootd\"\nreason = \"second\"\nexpires = 2027-01-01\n"))
		if err != nil {
			t.Fatal(err)
		}
		out := Apply(p.ForHost("h"), []finding.Finding{{Check: "a", Service: "xrootd", Status: vocab.StatusFail}}, day(2026, 1, 1))
		if len(out) != 1 || out[0].Waiver == nil || out[0].Waiver.Reason != "first" {
			t.Errorf("Apply = %+v", out)
		}
	})
	t.Run("expired waiver does not re-open what another waiver covers", func(t *testing.T) {
		p, err := Load(profilePath, []byte("[[waivers]]\ncheck = \"a\"\nreason = \"old\"\nexpires = 2025-01-01\n[[waivers]]\ncheck = \"a\"\nservice = \"xrootd\"\nreason = \"new\"\nexpires = 2027-01-01\n"))
		if err != nil {
			t.Fatal(err)
		}
		out := Apply(p.ForHost("h"), []finding.Finding{{Check: "a", Service: "xrootd", Status: vocab.StatusFail}}, day(2026, 1, 1))
		if len(out) != 2 || out[0].Status != vocab.StatusWaived || out[0].Waiver.Reason != "new" ||
			out[1].Check != vocab.CheckWaiverExpired || !strings.Contains(out[1].Message, "no longer covers 0 finding(s)") {
			t.Errorf("Apply = %+v", out)
		}
	})
	t.Run("default profile changes nothing", func(t *testing.T) {
		in := []finding.Finding{xrdAny}
		out := Apply(Default(), in, day(2026, 1, 1))
		if len(out) != 1 || out[0].Status != vocab.StatusFail || out[0].Waiver != nil {
			t.Errorf("Apply(Default) = %+v", out)
		}
	})
}
