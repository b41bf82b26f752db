package site

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// Apply puts the host's profile to work on its findings and returns a new
// slice; fs is not modified. The order (see the package doc) is severity
// overrides, then unexpired waivers in profile order (the first matching
// waiver is recorded), then a waiver-expired finding for each expired
// waiver that matches findings and a waiver-unused finding for each waiver
// that matches none. A waiver holds through its expiry day in UTC: it is
// expired when today's UTC date is after it. The new findings carry check,
// status, service, file, line, message, key and fingerprint; their title,
// severity and remediation are the caller's to fill from the recipes.
func Apply(e Effective, fs []finding.Finding, today time.Time) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	copy(out, fs)
	for i := range out {
		if s, ok := e.Severity[out[i].Check]; ok {
			out[i].Severity = s
		}
	}
	u := today.UTC()
	day := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	expired := func(w Waiver) bool { return day.After(w.Expires) }

	for _, w := range e.Waivers {
		if expired(w) {
			continue
		}
		for i := range out {
			f := &out[i]
			if f.Status == vocab.StatusWaived || !w.matches(*f) {
				continue
			}
			f.Status = vocab.StatusWaived
			f.Waiver = &finding.Waiver{
				Reason:   w.Reason,
				Expires:  w.Expires.Format(time.DateOnly),
				Approver: w.Approver,
				Source:   fmt.Sprintf("%s:%d", e.File, w.Line),
			}
		}
	}

	var extra []finding.Finding
	for _, w := range e.Waivers {
		matched, open := 0, 0
		for _, f := range out {
			if w.matches(f) {
				matched++
				if f.Status != vocab.StatusWaived {
					open++
				}
			}
		}
		exp := w.Expires.Format(time.DateOnly)
		switch {
		case matched == 0:
			msg := fmt.Sprintf("the waiver for %s%s matches no finding: remove it if the deviation is fixed, or correct a mistyped check, service or file", w.Check, scope(w))
			if expired(w) {
				msg += fmt.Sprintf(" (it also expired on %s)", exp)
			}
			extra = append(extra, waiverFinding(e, w, vocab.CheckWaiverUnused, msg,
				"a waiver that matches at least one finding", "matches no finding"))
		case expired(w):
			extra = append(extra, waiverFinding(e, w, vocab.CheckWaiverExpired,
				fmt.Sprintf("the waiver for %s%s expired on %s; it no longer covers %d finding(s), which count against the host again", w.Check, scope(w), exp, open),
				"a waiver that has not expired", "expires = "+exp))
		}
	}
	return append(out, extra...)
}

// matches reports whether the waiver covers the finding: its check, and a
// service and file of any place the finding shows.
func (w Waiver) matches(f finding.Finding) bool {
	if f.Check != w.Check {
		return false
	}
	places := append([]finding.Place{{Service: f.Service, Instance: f.Instance, File: f.File, Line: f.Line}}, f.Also...)
	for _, p := range places {
		if w.Service != "" && p.Service != w.Service {
			continue
		}
		if w.File != "" {
			if ok, _ := path.Match(w.File, p.File); !ok {
				continue
			}
		}
		return true
	}
	return false
}

func scope(w Waiver) string {
	var s []string
	if w.Service != "" {
		s = append(s, "service "+w.Service)
	}
	if w.File != "" {
		s = append(s, "file "+w.File)
	}
	if len(s) == 0 {
		return ""
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// waiverFinding reports a waiver at its place in the profile. The key is
// what the waiver covers, not its line: fingerprints leave lines out so
// that editing the profile above a waiver does not make it look new to a
// baseline comparison (Load refuses two waivers with the same key).
//
// The finding is about the site profile, not a service, so its service is
// empty (the report's "site profile" group); the message names the
// waiver's service.
func waiverFinding(e Effective, w Waiver, check, msg, expected, actual string) finding.Finding {
	key := "waiver:" + w.Check + "|" + w.Service + "|" + w.File
	return finding.Finding{
		Check:       check,
		Status:      vocab.StatusFail,
		Service:     "",
		Message:     msg,
		Expected:    expected,
		Actual:      actual,
		File:        e.File,
		Line:        w.Line,
		Key:         key,
		Fingerprint: finding.Fingerprint(check, e.File, key),
	}
}
