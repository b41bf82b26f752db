package checks

import (
	"sync"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// memo keeps what the checks work out from the recipes and the profile
// alone, once per Input: several checks classify every trust's issuer
// and probe every identity pattern, and a CE with 100,000 mapfile lines
// has as many trusts. It is safe for concurrent use.
type memo struct {
	mu        sync.Mutex
	known     []knownIssuer
	classes   map[string]classified
	patterns  map[string]compiled
	impostors map[string][]impostor
}

// compiled is an identity pattern compiled once, or why it does not
// compile.
type compiled struct {
	p   *inventory.Pattern
	err error
}

// memoInit guards the creation of an Input's memo, so that Inputs stay
// plain values without a lock of their own.
var memoInit sync.Mutex

// cache returns the Input's memo, creating it on first use.
func (in *Input) cache() *memo {
	memoInit.Lock()
	defer memoInit.Unlock()
	if in.memo == nil {
		in.memo = &memo{classes: map[string]classified{}, patterns: map[string]compiled{}, impostors: map[string][]impostor{}}
	}
	return in.memo
}

// classify decides in one place what an issuer is (see classifyIssuer),
// once per issuer.
func classify(in *Input, iss string) classified {
	m := in.cache()
	m.mu.Lock()
	c, ok := m.classes[iss]
	m.mu.Unlock()
	if ok {
		return c
	}
	c = classifyIssuer(in, iss)
	m.mu.Lock()
	m.classes[iss] = c
	m.mu.Unlock()
	return c
}

// knownIssuers lists every issuer the recipes or the site profile know
// (see listKnownIssuers), worked out once. Callers must not modify it.
func knownIssuers(in *Input) []knownIssuer {
	m := in.cache()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.known == nil {
		m.known = listKnownIssuers(in)
	}
	return m.known
}

// identityPattern is a trust's identity pattern compiled: the reader's
// compilation when it carries one, else one compilation per pattern
// string and Input. ok is false when the pattern does not compile.
func identityPattern(in *Input, t inventory.Trust) (*inventory.Pattern, bool) {
	if t.Pattern != nil && t.Pattern.String() == t.IdentityPattern {
		return t.Pattern, true
	}
	m := in.cache()
	m.mu.Lock()
	c, ok := m.patterns[t.IdentityPattern]
	m.mu.Unlock()
	if !ok {
		c.p, c.err = inventory.CompilePattern(t.IdentityPattern)
		m.mu.Lock()
		m.patterns[t.IdentityPattern] = c
		m.mu.Unlock()
	}
	return c.p, c.err == nil
}

// impostorsOf are the impostors of an issuer (see impostors), worked out
// once per issuer. Callers must not modify them.
func impostorsOf(in *Input, iss string) []impostor {
	m := in.cache()
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.impostors[iss]
	if !ok {
		l = impostors(iss)
		m.impostors[iss] = l
	}
	return l
}
