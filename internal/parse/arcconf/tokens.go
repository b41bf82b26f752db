package arcconf

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/parse/budget"
)

// TokenRule is what one authtokens or authtokensgen rule admits: one
// alternative of the rule (an expression with `|` has several). An empty
// field means "not constrained"; Ops says whether a constraint is an exact
// value (=) or a regular expression (~).
type TokenRule struct {
	Issuer, Subject, Audience, Scope, Group string
	Ops                                     map[string]string
}

// Constrains reports whether claim is constrained.
func (r TokenRule) Constrains(claim string) bool { return r.Ops[claim] != "" }

// ParseAuthtokens reads `authtokens = subject issuer audience scope group`
// ("*" matches anything; auth_otokens.cpp compares the rest exactly).
func ParseAuthtokens(value string) (TokenRule, error) {
	f := strings.Fields(value)
	if len(f) != 5 {
		return TokenRule{}, fmt.Errorf("authtokens needs 5 fields (subject issuer audience scope group), has %d", len(f))
	}
	r := TokenRule{Ops: map[string]string{}}
	set := func(claim, v string, dst *string) {
		if v != "*" {
			*dst, r.Ops[claim] = v, "="
		}
	}
	set("sub", f[0], &r.Subject)
	set("iss", f[1], &r.Issuer)
	set("aud", f[2], &r.Audience)
	set("scope", f[3], &r.Scope)
	set("wlcg.groups", f[4], &r.Group)
	return r, nil
}

// Expr is a parsed authtokensgen expression.
type Expr interface{ expr() }

// Cmp compares a claim: Op "=" (equal) or "~" (regular expression).
type Cmp struct{ Claim, Op, Value string }

// Not, And, Or and Xor combine expressions.
type (
	Not struct{ X Expr }
	And struct{ L, R Expr }
	Or  struct{ L, R Expr }
	Xor struct{ L, R Expr }
)

func (Cmp) expr() {}
func (Not) expr() {}
func (And) expr() {}
func (Or) expr()  {}
func (Xor) expr() {}

// ParseExpr parses an ARC 7 authtokensgen expression. Precedence, from
// tightest: `!`, `&`, then `|` and `^` (left to right); the ARC 7 reference
// documents the operators but not their precedence, so parenthesise.
func ParseExpr(s string) (Expr, error) {
	p := &exprParser{s: s}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at column %d", p.s[p.i:], p.i+1)
	}
	return e, nil
}

type exprParser struct {
	s     string
	i     int
	depth int
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *exprParser) or() (Expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for {
		switch p.peek() {
		case '|':
			p.i++
			r, err := p.and()
			if err != nil {
				return nil, err
			}
			l = Or{l, r}
		case '^':
			p.i++
			r, err := p.and()
			if err != nil {
				return nil, err
			}
			l = Xor{l, r}
		default:
			return l, nil
		}
	}
}

func (p *exprParser) and() (Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek() == '&' {
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = And{l, r}
	}
	return l, nil
}

func (p *exprParser) unary() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 100 {
		return nil, fmt.Errorf("expression nested too deep")
	}
	switch p.peek() {
	case '!':
		p.i++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return Not{x}, nil
	case '(':
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("missing ')' at column %d", p.i+1)
		}
		p.i++
		return x, nil
	case 0:
		return nil, fmt.Errorf("expression ends early")
	}
	return p.cmp()
}

func (p *exprParser) cmp() (Expr, error) {
	start := p.i
	for p.i < len(p.s) && (isClaimChar(p.s[p.i])) {
		p.i++
	}
	claim := p.s[start:p.i]
	if claim == "" {
		return nil, fmt.Errorf("expected a claim name at column %d", p.i+1)
	}
	op := p.peek()
	if op != '=' && op != '~' {
		return nil, fmt.Errorf("expected = or ~ after %q at column %d", claim, p.i+1)
	}
	p.i++
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return Cmp{Claim: claim, Op: string(op), Value: v}, nil
}

func isClaimChar(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *exprParser) value() (string, error) {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '"' {
		var b strings.Builder
		for p.i++; p.i < len(p.s); p.i++ {
			c := p.s[p.i]
			if c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '"' {
				b.WriteByte('"')
				p.i++
				continue
			}
			if c == '"' {
				p.i++
				return b.String(), nil
			}
			b.WriteByte(c)
		}
		return "", fmt.Errorf("unterminated quote")
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(" \t&|^()!", rune(p.s[p.i])) {
		p.i++
	}
	if p.i == start {
		return "", fmt.Errorf("missing value at column %d", p.i+1)
	}
	return p.s[start:p.i], nil
}

// maxAlternatives bounds the expansion of an expression into alternatives.
const maxAlternatives = budget.Alternatives

// Alternatives returns what each alternative of the expression admits:
// the expression in disjunctive form, keeping only positive constraints.
// A negation constrains nothing positively (it admits everything but its
// operand), and `^` admits what either side admits. At most
// maxAlternatives are returned; AlternativesOf says whether that is all.
func Alternatives(e Expr) []TokenRule {
	rules, _ := AlternativesOf(e)
	return rules
}

// AlternativesOf is Alternatives, and whether the alternatives returned
// are all of them (false when the expression has more than
// budget.Alternatives).
func AlternativesOf(e Expr) ([]TokenRule, bool) {
	var d dnf
	var out []TokenRule
	for _, c := range d.of(e) {
		r := TokenRule{Ops: map[string]string{}}
		for _, cmp := range c {
			claim := strings.ToLower(cmp.Claim)
			var dst *string
			switch claim {
			case "iss":
				dst = &r.Issuer
			case "sub":
				dst = &r.Subject
			case "aud":
				dst = &r.Audience
			case "scope":
				dst = &r.Scope
			case "wlcg.groups", "groups", "group":
				claim, dst = "wlcg.groups", &r.Group
			default:
				continue
			}
			*dst, r.Ops[claim] = cmp.Value, cmp.Op
		}
		out = append(out, r)
	}
	return out, !d.truncated
}

// dnf turns an expression into its first maxAlternatives alternatives.
// Each subexpression is expanded once: expanding the right side of `&`
// again for every alternative of its left side would double the work with
// every level of nesting.
type dnf struct {
	truncated bool
}

func (d *dnf) of(e Expr) [][]Cmp {
	switch x := e.(type) {
	case Cmp:
		return [][]Cmp{{x}}
	case Not:
		return [][]Cmp{{}}
	case Or:
		return d.limit(append(d.of(x.L), d.of(x.R)...))
	case Xor:
		return d.limit(append(d.of(x.L), d.of(x.R)...))
	case And:
		left, right := d.of(x.L), d.of(x.R)
		var out [][]Cmp
		for _, l := range left {
			for _, r := range right {
				if len(out) == maxAlternatives {
					d.truncated = true
					return out
				}
				out = append(out, append(append(make([]Cmp, 0, len(l)+len(r)), l...), r...))
			}
		}
		return out
	}
	return [][]Cmp{{}}
}

func (d *dnf) limit(a [][]Cmp) [][]Cmp {
	if len(a) > maxAlternatives {
		d.truncated = true
		return a[:maxAlternatives]
	}
	return a
}
