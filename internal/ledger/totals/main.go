// Command totals prints the reviewed findings ledger's totals (`make
// ledger`): entries per verdict, findings per severity and per check, and
// the precision before issue 19's fixes and now, so that a change in
// precision shows in review as a change of these lines.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ttt-wg/ttt-check/internal/ledger"
)

func main() {
	dir := flag.String("dir", filepath.Join("internal", "ledger", "testdata"), "directory holding ledger.tsv and hosts.tsv")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "ledger totals:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ef, err := os.Open(filepath.Join(dir, "ledger.tsv"))
	if err != nil {
		return err
	}
	defer ef.Close()
	entries, err := ledger.ReadEntries(ef)
	if err != nil {
		return fmt.Errorf("ledger.tsv: %w", err)
	}
	pf, err := os.Open(filepath.Join(dir, "hosts.tsv"))
	if err != nil {
		return err
	}
	defer pf.Close()
	placements, err := ledger.ReadPlacements(pf)
	if err != nil {
		return fmt.Errorf("hosts.tsv: %w", err)
	}
	fmt.Print(ledger.Totals(entries, placements))
	return nil
}
