package recipes

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// equalRegexps compares compiled expressions by their pattern, the only
// part of them recipes_gen.go keeps.
var equalRegexps = cmp.Comparer(func(a, b *regexp.Regexp) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.String() == b.String()
})

// TestGeneratedIsParsed keeps the set the binary uses (recipes_gen.go)
// identical to a fresh parse of the embedded HCL, digest and source
// positions included, so the embedded set and `--recipes recipes/` can
// never judge differently.
func TestGeneratedIsParsed(t *testing.T) {
	parsed, err := Load(embedded, "", "embedded")
	if err != nil {
		t.Fatalf("embedded recipes: %v", err)
	}
	tests := []struct {
		name string
		load func() *Set
	}{
		{"generatedSet", generatedSet},
		{"Embedded", func() *Set {
			set, err := Embedded()
			if err != nil {
				t.Fatalf("Embedded: %v", err)
			}
			return set
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.load()
			if got == nil {
				t.Skip("built with the recipes_nogen tag: no generated set")
			}
			if diff := cmp.Diff(parsed, got, equalRegexps, equalExprs, cmpopts.IgnoreUnexported(Fix{})); diff != "" {
				t.Fatalf("recipes_gen.go is stale (-parsed from recipes/*.hcl, +generated):\n%s\nrun `go generate ./recipes` (or `make generate`) and commit recipes/recipes_gen.go", diff)
			}
		})
	}
}

// TestGeneratedIsFresh makes sure each Embedded call builds its own set,
// as a parse did: a caller changing one set must not change the next.
func TestGeneratedIsFresh(t *testing.T) {
	a, errA := Embedded()
	b, errB := Embedded()
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a == b || len(a.VOs) == 0 {
		t.Fatal("Embedded returned the same set twice")
	}
	for name := range a.VOs {
		if a.VOs[name] == b.VOs[name] {
			t.Errorf("vo %s is shared between two sets", name)
		}
	}
}

func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse is what Embedded cost before recipes_gen.go, and what
// --recipes DIR still costs.
func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Load(embedded, "", "embedded"); err != nil {
			b.Fatal(err)
		}
	}
}

// equalExprs compares recipe expressions as the generated set rebuilds
// them: parsed from the same source at the same place, so of the same
// kind, at the same range, using the same variables at the same places.
var equalExprs = cmp.Comparer(func(a, b hcl.Expression) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) || a.Range() != b.Range() {
		return false
	}
	va, vb := a.Variables(), b.Variables()
	if len(va) != len(vb) {
		return false
	}
	for i := range va {
		if va[i].SourceRange() != vb[i].SourceRange() || va[i].RootName() != vb[i].RootName() {
			return false
		}
	}
	// The literal text of both (a same-length edit moves no range).
	if sa, ok := a.(hclsyntax.Expression); ok {
		sb, ok := b.(hclsyntax.Expression)
		if !ok || literals(sa) != literals(sb) {
			return false
		}
	}
	// A static expression (an optional attribute left out) holds a value.
	if ea, ok := a.(interface {
		Value(*hcl.EvalContext) (cty.Value, hcl.Diagnostics)
	}); ok && len(va) == 0 {
		x, _ := ea.Value(nil)
		y, _ := b.Value(nil)
		return x.RawEquals(y)
	}
	return true
})

// literals is the literal text of an expression's nodes, in order.
func literals(e hclsyntax.Expression) string {
	var b strings.Builder
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if l, ok := n.(*hclsyntax.LiteralValueExpr); ok {
			b.WriteString(l.Val.GoString())
			b.WriteByte(0)
		}
		return nil
	})
	return b.String()
}
