package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

func TestLogFindings(t *testing.T) {
	set := recipeSet(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	leak := func(iss string, exp time.Time) inventory.LeakedToken {
		var e int64
		if !exp.IsZero() {
			e = exp.Unix()
		}
		return inventory.LeakedToken{
			Fingerprint: "tok-1a2b", Count: 2,
			Claims: inventory.TokenClaims{Issuer: iss, Subject: "pilot", Audience: []string{"https://se.example.org"}, Scope: "storage.read:/", Expires: e},
			First:  inventory.LogPlace{File: "/var/log/xrootd/xrootd.log", Line: 10},
			Last:   inventory.LogPlace{File: "/var/log/xrootd/xrootd.log", Line: 90},
			Sample: "Authorization: Bearer tok-1a2b",
		}
	}
	type wantLog struct {
		check    string
		severity string
		message  string
		line     int
	}
	tests := []struct {
		name   string
		search inventory.LogSearch
		want   []wantLog
	}{
		{"clean logs", inventory.LogSearch{Files: 3}, nil},
		{"token still valid", inventory.LogSearch{Leaks: []inventory.LeakedToken{leak(atlas, now.Add(time.Hour))}}, []wantLog{
			{vocab.CheckLogsTokenLeaked, "critical", "bearer token tok-1a2b of " + atlas + " (ATLAS), sub pilot, aud https://se.example.org, scope \"storage.read:/\", valid until 2026-03-01T13:00:00Z — still usable at scan time; seen 2 time(s)", 10},
		}},
		{"token expired", inventory.LogSearch{Leaks: []inventory.LeakedToken{leak("https://atlas-auth.web.cern.ch/", now.Add(-time.Hour))}}, []wantLog{
			{vocab.CheckLogsTokenLeaked, "high", "(ATLAS, legacy issuer), sub pilot, aud https://se.example.org, scope \"storage.read:/\", expired 2026-03-01T11:00:00Z", 10},
		}},
		{"token without expiry or issuer", inventory.LogSearch{Leaks: []inventory.LeakedToken{leak("", time.Time{})}}, []wantLog{
			{vocab.CheckLogsTokenLeaked, "critical", "of an unknown issuer, sub pilot, aud https://se.example.org, scope \"storage.read:/\", no expiry", 10},
		}},
		{"log not readable", inventory.LogSearch{Problems: []inventory.Problem{{Source: inventory.Source{File: "/var/log/xrootd/old.log"}, Reason: "permission denied"}}}, []wantLog{
			{vocab.CheckScanIncomplete, "high", "log /var/log/xrootd/old.log could not be read: permission denied; tokens in it are not found", 0},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LogFindings(set, &tc.search, now, func(string) string { return "xrootd" })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d finding(s), want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				f := got[i]
				if f.Check != w.check || f.Severity.String() != w.severity || f.Line != w.line || f.Service != "xrootd" {
					t.Errorf("finding %d = %s %s line %d service %q, want %s %s line %d service xrootd", i, f.Check, f.Severity, f.Line, f.Service, w.check, w.severity, w.line)
				}
				if !strings.Contains(f.Message, w.message) {
					t.Errorf("finding %d: message %q lacks %q", i, f.Message, w.message)
				}
			}
		})
	}
}
