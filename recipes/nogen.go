//go:build recipes_nogen

package recipes

// generatedSet has nothing to return when recipes_gen.go is left out of
// the build (go generate rewriting it): Embedded parses the HCL instead.
func generatedSet() *Set { return nil }
