package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// sev lets a result override the recipe's severity with a constant.
func sev(s vocab.Severity) *vocab.Severity { return &s }

// at returns the first known source among candidates, so that a result
// points at the most specific line a reader recorded.
func at(candidates ...inventory.Source) inventory.Source {
	for _, s := range candidates {
		if !s.IsZero() {
			return s
		}
	}
	return inventory.Source{}
}

// trustLabel names a trust the way the admin wrote it, with the service's
// own label for it when there is one.
func trustLabel(t inventory.Trust) string {
	if t.Name == "" {
		return issuerOrAny(t)
	}
	return fmt.Sprintf("%s (%s)", issuerOrAny(t), t.Name)
}

// issuerOrAny names a trust's issuer for messages and keys; a wildcard
// trust has no issuer string of its own.
func issuerOrAny(t inventory.Trust) string {
	if t.AnyIssuer {
		return "any issuer"
	}
	return t.Issuer
}

// containsFold is slices.Contains for values that services read without
// regard to case (directive values, HTCondor authentication methods).
func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
