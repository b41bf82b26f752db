package recipes

// The embedded set is loaded and validated at build time, not on every
// run: gen prints it as Go into recipes_gen.go (issue 17). The tag keeps
// the old recipes_gen.go out of the generator's own build.
//go:generate go run -tags recipes_nogen ./internal/gen -o recipes_gen.go
