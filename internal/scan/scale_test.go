package scan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// The scale benchmarks scan generated hosts far bigger than any real one:
// what a scan costs must grow with the size of the configuration, not
// with its square. `make bench-readers` runs them; the figures are in the
// README's Performance section.

// scaleIssuers are the VO issuers the generated configurations trust, in
// turn.
var scaleIssuers = []string{"https://atlas-auth.cern.ch/", "https://cms-auth.cern.ch/", "https://dteam-auth.cern.ch/", "https://lhcb-auth.cern.ch/"}

// scaleSubject is a subject UUID that differs per line.
func scaleSubject(i int) string {
	return fmt.Sprintf("%08x-6ab8-4fe2-9e4c-%012x", i, i*7919)
}

// arcHost is an ARC 7 CE with n authgroups, each admitting one robot
// subject of a VO, mapped in [mapping] and allowed on the job interface
// and a queue.
func arcHost(n int) map[string]string {
	var b strings.Builder
	b.WriteString("[common]\nhostname = arc.example.org\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[authgroup:g%05d]\nauthtokensgen = (iss=%q) & (aud=\"https://arc.example.org\") & (sub=%q) & (scope~\"(^|.* )(compute\\.create|compute\\.read)( .*|$)\")\n\n",
			i, scaleIssuers[i%len(scaleIssuers)], scaleSubject(i))
	}
	b.WriteString("[mapping]\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "map_to_user = g%05d u%05d:grid\n", i, i)
	}
	b.WriteString("\n[arex]\ntokenscopes = wlcg\n\n[arex/ws]\n\n[arex/ws/jobs]\n")
	allow := func() {
		for i := 0; i < n; i += 100 {
			var names []string
			for j := i; j < i+100 && j < n; j++ {
				names = append(names, fmt.Sprintf("g%05d", j))
			}
			fmt.Fprintf(&b, "allowaccess = %s\n", strings.Join(names, " "))
		}
	}
	allow()
	b.WriteString("\n[queue:grid]\n")
	allow()
	return map[string]string{"/etc/hostname": "arc.example.org\n", "/etc/arc.conf": b.String()}
}

// condorHost is an HTCondor-CE whose SCITOKENS mapfile has n rules
// written as the OSG topology writes them (anchored, every special
// character escaped), one subject each, and one ban at the end.
func condorHost(n int) map[string]string {
	var b strings.Builder
	esc := func(s string) string {
		var e strings.Builder
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				e.WriteByte('\\')
			}
			e.WriteRune(c)
		}
		return e.String()
	}
	for i := 0; i < n-1; i++ {
		iss := scaleIssuers[i%len(scaleIssuers)]
		fmt.Fprintf(&b, "SCITOKENS /^%s,%s$/ u%06d\n", esc(iss), esc(scaleSubject(i)), i)
	}
	fmt.Fprintf(&b, "SCITOKENS /^%s,%s$/ banned@banned.htcondor.org\n", esc(scaleIssuers[0]), esc(scaleSubject(0)))
	return map[string]string{
		"/etc/hostname":                      "ce.example.org\n",
		"/etc/condor-ce/condor_config":       "LOCAL_CONFIG_DIR = /etc/condor-ce/config.d\n",
		"/etc/condor-ce/config.d/10-ce.conf": "SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS = FS,SCITOKENS\nSCITOKENS_SERVER_AUDIENCE = https://ce.example.org:9619\nCERTIFICATE_MAPFILE = /etc/condor-ce/condor_mapfile\n",
		"/etc/condor-ce/condor_mapfile":      b.String(),
	}
}

// stormHost is a StoRM WebDAV with n storage areas, each a file in sa.d
// trusting one VO issuer by scopes.
func stormHost(n int) map[string]string {
	files := map[string]string{
		"/etc/hostname": "storm.example.org\n",
		"/etc/storm/webdav/config/application.yml": "oauth:\n  issuers:\n" +
			"  - name: atlas\n    issuer: https://atlas-auth.cern.ch/\n    enforce-audience-checks: true\n    audiences:\n    - https://storm.example.org:8443\n" +
			"  - name: cms\n    issuer: https://cms-auth.cern.ch/\n    enforce-audience-checks: true\n    audiences:\n    - https://storm.example.org:8443\n",
	}
	for i := 0; i < n; i++ {
		iss := scaleIssuers[i%2]
		files[fmt.Sprintf("/etc/storm/webdav/sa.d/sa%05d.properties", i)] = fmt.Sprintf(
			"name=sa%05d\nrootPath=/storage/sa%05d\naccessPoints=/sa%05d\norgs=%s\norgsGrantReadPermission=false\norgsGrantWritePermission=false\nwlcgScopeAuthzEnabled=true\nfineGrainedAuthzEnabled=true\n", i, i, i, iss)
	}
	return files
}

// benchScale scans a generated host: read, inventory, checks, site
// profile and report, without rendering it.
func benchScale(b *testing.B, files map[string]string, wantTrusts int) {
	root := testkit.HostTree(b, files)
	s, err := New(Config{Root: root})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := testkit.CPU()
	for b.Loop() {
		rep, err := s.Run(Options{Now: scanDay, FailOn: vocab.Medium})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, svc := range rep.Inventory.Services {
			n += len(svc.Trusts)
		}
		if n != wantTrusts {
			b.Fatalf("%d trusts, want %d", n, wantTrusts)
		}
	}
	testkit.ReportCPU(b, cpu)
}

// BenchmarkScaleARC5k and BenchmarkScaleARC10k scan ARC CEs with 5,000
// and 10,000 authgroups: twice the groups should cost about twice the
// time (target: 10k in 0.5 s).
func BenchmarkScaleARC5k(b *testing.B)  { benchScale(b, arcHost(5000), 5000) }
func BenchmarkScaleARC10k(b *testing.B) { benchScale(b, arcHost(10000), 10000) }

// BenchmarkScaleHTCondorCE100k scans an HTCondor-CE with a 100,000-line
// SCITOKENS mapfile (target: 1 s, 150 MB).
func BenchmarkScaleHTCondorCE100k(b *testing.B) { benchScale(b, condorHost(100000), 99999) }

// BenchmarkScaleStoRM900 scans a StoRM WebDAV with 900 storage areas,
// 901 config files whose package leftovers are looked for: close to the
// 1,000 files one configuration tree may read (budget.Visits); real
// StoRM hosts have tens.
func BenchmarkScaleStoRM900(b *testing.B) { benchScale(b, stormHost(900), 900) }
