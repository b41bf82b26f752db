package cli

import (
	"os"
	"testing"
)

// TestREADMEIsGenerated fails when the README's generated tables (checks
// from the recipes, services from the registry) differ from what `make
// docs` writes: the README, the registries and the recipes never drift.
func TestREADMEIsGenerated(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generatedREADME(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != want {
		t.Error("README.md's generated sections are out of date: run make docs and commit the result")
	}
}
