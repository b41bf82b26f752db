package scan

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/finding"
)

// wholeFile are the checks whose finding may mean a file as a whole
// (line 0): a file that could not be read, a leftover beside it, a
// token in a log.
var wholeFile = map[string]bool{"scan-incomplete": true, "upgrade-pending": true, "logs-token-leaked": true}

// TestLocations: every finding on every fixture points at a line that
// exists and holds something (not a blank or comment line), or at a
// file as a whole only for the checks that mean one.
func TestLocations(t *testing.T) {
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			root := filepath.Join(fixtures, name)
			rep := scanFixture(t, root)
			for _, f := range rep.Findings {
				places := append([]finding.Place{f.Place()}, f.Also...)
				for _, p := range places {
					checkPlace(t, root, f.Check, p)
				}
			}
		})
	}
}

func checkPlace(t *testing.T, root, check string, p finding.Place) {
	t.Helper()
	if p.File == "" {
		return // the site profile's own findings without a file
	}
	if p.Line == 0 {
		if !wholeFile[check] {
			t.Errorf("%s at %s: line 0 although the check is about a setting", check, p.File)
		}
		return
	}
	fh, err := os.Open(filepath.Join(root, p.File))
	if err != nil {
		t.Errorf("%s at %s:%d: %v", check, p.File, p.Line, err)
		return
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if n != p.Line {
			continue
		}
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, ";") {
			t.Errorf("%s at %s:%d points at a blank or comment line %q", check, p.File, p.Line, sc.Text())
		}
		return
	}
	t.Errorf("%s at %s:%d: the file has fewer lines", check, p.File, p.Line)
}
