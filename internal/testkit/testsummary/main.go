// Command testsummary reads `go test -json` on standard input and prints
// what `go test` would (package results, the output of failing tests),
// then every skipped test grouped by its reason, so that a test skipped
// because an oracle or ../shared is absent is visible in CI's log rather
// than hidden in a passing run. It exits 1 when any test or build failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout))
}

func run(in io.Reader, out io.Writer) int {
	type key struct{ pkg, test string }
	outputs := map[key][]string{}
	skips := map[string][]string{} // reason -> tests
	failed := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not JSON (a build error printed by go itself): pass it on.
			fmt.Fprintln(out, sc.Text())
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output", "build-output":
			if e.Test == "" {
				// go test without -v prints no bare PASS per package.
				if e.Output != "PASS\n" {
					fmt.Fprint(out, e.Output)
				}
				continue
			}
			outputs[k] = append(outputs[k], e.Output)
		case "fail", "build-fail":
			failed = true
			if e.Test != "" {
				fmt.Fprint(out, strings.Join(outputs[k], ""))
			}
			delete(outputs, k)
		case "skip":
			if e.Test != "" {
				r := reason(outputs[k])
				skips[r] = append(skips[r], e.Package+" "+e.Test)
			}
			delete(outputs, k)
		case "pass":
			delete(outputs, k)
		}
	}
	total := 0
	for _, ts := range skips {
		total += len(ts)
	}
	reasons := make([]string, 0, len(skips))
	for r := range skips {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		return len(skips[reasons[i]]) > len(skips[reasons[j]]) || len(skips[reasons[i]]) == len(skips[reasons[j]]) && reasons[i] < reasons[j]
	})
	fmt.Fprintf(out, "\n%d test(s) skipped", total)
	if total > 0 {
		fmt.Fprint(out, ", by reason:")
	}
	fmt.Fprintln(out)
	for _, r := range reasons {
		ts := skips[r]
		sort.Strings(ts)
		example := strings.TrimPrefix(ts[0], "github.com/ttt-wg/ttt-check/")
		fmt.Fprintf(out, "  %4d  %s  (e.g. %s)\n", len(ts), r, example)
	}
	if failed {
		fmt.Fprintln(out, "FAIL")
		return 1
	}
	return 0
}

// reason is the message a skipped test gave: the line after its
// "--- SKIP" line, without the file:line prefix.
func reason(lines []string) string {
	for i, l := range lines {
		if strings.Contains(l, "--- SKIP") && i+1 < len(lines) {
			r := strings.TrimSpace(lines[i+1])
			if _, after, ok := strings.Cut(r, ": "); ok && strings.Contains(r[:strings.Index(r, ": ")], ".go:") {
				r = after
			}
			return r
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "=== ") {
			if _, after, ok := strings.Cut(l, ": "); ok {
				return after
			}
			return l
		}
	}
	return "(no reason given)"
}
