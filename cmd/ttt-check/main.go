// Command ttt-check checks a grid host's token trust against the WLCG
// Token Trust and Traceability working group's recipes.
package main

import (
	"os"

	"github.com/ttt-wg/ttt-check/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], os.Stdout, os.Stderr))
}
