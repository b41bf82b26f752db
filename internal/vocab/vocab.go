// Package vocab is the one place where ttt-check's shared words are
// defined: severities, finding statuses, host environments, service kinds
// and the check ids that the pipeline itself raises. Every other package
// (recipes, site profile, checks, findings, outputs) takes them from here,
// so that a new severity or environment is added once.
package vocab

import (
	"fmt"
	"strings"
)

// Severity orders how urgent a deviation is.
type Severity int

// Severities from least to most urgent.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = []string{"info", "low", "medium", "high", "critical"}

// SeverityNames lists the severities from least to most urgent, for help
// text and validation.
func SeverityNames() []string { return append([]string(nil), severityNames...) }

// String returns the lower-case name used in every output.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name (case-insensitive).
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames, ", "))
}

// MarshalText makes severities appear by name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity by name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status says whether a finding counts against the host.
type Status string

// Finding statuses.
const (
	// StatusFail is an open deviation.
	StatusFail Status = "fail"
	// StatusWaived is a deviation covered by an unexpired waiver.
	StatusWaived Status = "waived"
	// StatusNotRunning is a deviation of a service that systemd does not
	// start (its units are disabled or masked): reported, but below every
	// fail threshold unless the scan judges all instances.
	StatusNotRunning Status = "not-running"
)

// Environments a host may be in, as the site profile names them.
const (
	Production  = "production"
	Testbed     = "testbed"
	Development = "development"
)

// Environments lists the environments, most demanding first.
func Environments() []string { return []string{Production, Testbed, Development} }

// Kinds of service: the capability-only wishes of VOs are about storage
// access, while compute elements map pilot subjects by design.
const (
	KindStorage = "storage"
	KindCompute = "compute"
)

// Purposes a VO's token issuer serves (the recipes' VO registry).
const (
	PurposeProduction  = "production"
	PurposeOperations  = "operations"
	PurposeDevelopment = "development"
)

// Check ids raised by the pipeline rather than by a check of a service's
// inventory. They are reserved: recipes must describe them, and the check
// registry must not reuse them for something else.
const (
	// CheckScanIncomplete: a config or log that could not be read.
	CheckScanIncomplete = "scan-incomplete"
	// CheckWaiverExpired: a site-profile waiver past its expiry.
	CheckWaiverExpired = "waiver-expired"
	// CheckWaiverUnused: a site-profile waiver that matches nothing.
	CheckWaiverUnused = "waiver-unused"
	// CheckLogsTokenLeaked: a bearer token found in a log.
	CheckLogsTokenLeaked = "logs-token-leaked"
	// CheckSiteRuleUnmatched: a site rule that matches nothing on a host.
	CheckSiteRuleUnmatched = "site-rule-unmatched"
)
