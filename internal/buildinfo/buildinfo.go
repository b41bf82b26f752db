// Package buildinfo carries the tool's version, set at link time by the
// Makefile (-ldflags "-X github.com/ttt-wg/ttt-check/internal/buildinfo.Version=...").
package buildinfo

import "runtime/debug"

// Version is the tool version; "dev" in builds that did not set it.
var Version = "dev"

// String returns Version, or the module version when built with go install.
func String() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
