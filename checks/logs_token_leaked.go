package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// LogFindings turns leaked tokens into logs-token-leaked findings:
// critical while the token is still valid at scan time, high once
// expired: a leaked token is dangerous while it is valid, which is why
// RFC 6750 §5.3 recommends short-lived tokens
// (https://datatracker.ietf.org/doc/html/rfc6750#section-5.3). Logs that
// could not be read become scan-incomplete findings, so that "no leak"
// is never claimed for a log nobody read. serviceOf names the service
// whose log a file is ("" for none). It is not a Check: it judges the
// log search, not a service's inventory.
func LogFindings(set *recipes.Set, res *inventory.LogSearch, now time.Time, serviceOf func(file string) string) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, l := range res.Leaks {
		c := l.Claims
		who := c.Issuer
		if who == "" {
			who = "an unknown issuer"
		} else if vo, ok := set.VOByIssuer(c.Issuer); ok {
			who += " (" + vo.Title + ")"
		} else if vo, ok := set.VOByLegacyIssuer(c.Issuer); ok {
			who += " (" + vo.Title + ", legacy issuer)"
		}
		validity := "no expiry"
		sev := vocab.Critical
		if c.Expires > 0 {
			exp := time.Unix(c.Expires, 0).UTC()
			if exp.After(now) {
				validity = "valid until " + exp.Format(time.RFC3339) + " — still usable at scan time"
			} else {
				validity = "expired " + exp.Format(time.RFC3339)
				sev = vocab.High
			}
		}
		msg := fmt.Sprintf("bearer token %s of %s, sub %s, aud %s, scope %q, %s; seen %d time(s), first at %s:%d, last at %s:%d; line: %s",
			l.Fingerprint, who, orNone(c.Subject), orNone(strings.Join(c.Audience, " ")), c.Scope, validity, l.Count, l.First.File, l.First.Line, l.Last.File, l.Last.Line, l.Sample)
		svc := serviceOf(l.First.File)
		r := Result{
			Source:   inventory.Source{File: l.First.File, Line: int(l.First.Line)},
			Key:      l.Fingerprint,
			Message:  msg,
			Expected: "no bearer tokens in logs",
			Actual:   fmt.Sprintf("%d occurrence(s) of token %s", l.Count, l.Fingerprint),
			Severity: &sev,
			Values:   vals("issuer", c.Issuer, "name", l.Fingerprint),
		}
		if err := renderPlain(set, vocab.CheckLogsTokenLeaked, svc, &r); err != nil {
			return nil, err
		}
		f, err := NewFinding(set, vocab.CheckLogsTokenLeaked, svc, "", r)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	for _, p := range res.Problems {
		svc := serviceOf(p.Source.File)
		r := Result{
			Source: p.Source, Key: "log:" + p.Reason,
			Message:  fmt.Sprintf("log %s could not be read: %s; tokens in it are not found", p.Source.File, p.Reason),
			Expected: "a readable log", Actual: p.Reason,
		}
		if err := renderPlain(set, vocab.CheckScanIncomplete, svc, &r); err != nil {
			return nil, err
		}
		f, err := NewFinding(set, vocab.CheckScanIncomplete, svc, "", r)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// orNone keeps empty claims visible in a message.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
