package logsearch

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// makeToken builds a JWT-shaped token with the given claims and a random
// signature (nothing here checks signatures).
func makeToken(t testing.TB, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	sig := make([]byte, 64)
	rand.Read(sig)
	return enc(map[string]string{"alg": "ES256", "kid": "key-1", "typ": "JWT"}) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func token(t testing.TB, sub string, exp int64) string {
	return makeToken(t, map[string]any{"iss": "https://atlas-auth.cern.ch/", "sub": sub, "aud": "https://se.example.org", "scope": "storage.read:/", "exp": exp, "iat": exp - 3600, "wlcg.ver": "1.0"})
}

func TestEveryForm(t *testing.T) {
	tok := token(t, "pilot", 4102444800)
	enc := strings.ReplaceAll(tok, ".", "%2E")
	forms := []struct {
		name, line string
	}{
		{"bare", "token " + tok},
		{"after Bearer", "Authorization: Bearer " + tok},
		{"URL-encoded Bearer", "GET /x?authz=Bearer%20" + tok + " HTTP/1.1"},
		{"xrootd trace", "Xrootd_Protocol: 0000 open rt /data/hello.txt?authz=Bearer%20" + tok},
		{"percent-encoded dots", "authz=Bearer%20" + enc + "&other=1"},
		{"in JSON", `{"access_token":"` + tok + `","expires_in":3600}`},
		{"in single quotes", "token='" + tok + "'"},
		{"followed by &", "?access_token=" + tok + "&x=1"},
		{"followed by comma", "tokens: " + tok + ", more"},
		{"glued to a word", "x" + tok},
		{"at end of line without newline", "last " + tok},
	}
	var b strings.Builder
	for i, f := range forms {
		fmt.Fprintf(&b, "noise line %d without anything\n%s\n", i, f.line)
	}
	res := Search(testkit.HostFS(t, map[string][]byte{"/var/log/xrootd/x.log": []byte(strings.TrimSuffix(b.String(), "\n"))}), []string{"/var/log/xrootd"}, Options{})
	if len(res.Leaks) != 1 {
		t.Fatalf("distinct tokens = %d, want 1 (one token in many forms): %+v", len(res.Leaks), res.Leaks)
	}
	l := res.Leaks[0]
	if l.Count != len(forms) {
		t.Errorf("found %d of %d forms", l.Count, len(forms))
	}
	if l.First.Line != 2 || l.Last.Line != int64(2*len(forms)) {
		t.Errorf("first %+v last %+v, want lines 2 and %d", l.First, l.Last, 2*len(forms))
	}
	if l.Claims.Issuer != "https://atlas-auth.cern.ch/" || l.Claims.Subject != "pilot" || l.Claims.Scope != "storage.read:/" || strings.Join(l.Claims.Audience, "") != "https://se.example.org" || l.Claims.Expires != 4102444800 {
		t.Errorf("claims = %+v", l.Claims)
	}
	for _, part := range strings.Split(tok, ".") {
		if strings.Contains(l.Sample, part) {
			t.Fatalf("sample shows part of the token: %s", l.Sample)
		}
	}
}

func TestLookalikesAreNotReported(t *testing.T) {
	random := make([]byte, 300)
	rand.Read(random)
	lines := []string{
		"eyJhbGciOi." + base64.RawURLEncoding.EncodeToString(random) + ".abc", // payload not eyJ
		"eyJ" + base64.RawURLEncoding.EncodeToString(random),                  // one segment
		"eyJub3Rqc29uIjp9.eyJhIjoxfQ.sig",                                     // header without alg
		"eyJhbGciOiJFUzI1NiJ9.eyJub3QganNvbg.sig",                             // payload not JSON
		"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
		"xeyJhbGciOiJFUzI1NiJ9Z.eyJhIjoxfQ.sig", // tail of a longer run
	}
	res := Search(testkit.HostFS(t, map[string][]byte{"/l": []byte(strings.Join(lines, "\n"))}), []string{"/l"}, Options{})
	if len(res.Leaks) != 0 {
		t.Errorf("lookalikes reported: %+v", res.Leaks)
	}
}

func TestGzipTruncatedBinaryAndHugeLines(t *testing.T) {
	valid := token(t, "gz", 4102444800)
	expired := token(t, "old", 1000)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	fmt.Fprintf(w, "a\nb\nBearer %s\n", valid)
	w.Close()
	// A 100 MB line with a token in the middle and one at the very end.
	huge := bytes.Repeat([]byte("A"), 50<<20)
	huge = append(huge, []byte(" Bearer "+expired+" ")...)
	huge = append(huge, bytes.Repeat([]byte("B"), 50<<20)...)
	huge = append(huge, []byte(" "+valid)...)
	binary := append([]byte{0, 1, 2, 0xff, 0xfe, '\n'}, []byte("\x00\x00Bearer "+expired+"\x00\n")...)
	truncated := "Authorization: Bearer " + valid[:len(valid)/2] + "\n"
	fsys := testkit.HostFS(t, map[string][]byte{
		"/var/log/dcache/a.log.1.gz": gz.Bytes(),
		"/var/log/dcache/huge.log":   huge,
		"/var/log/dcache/bin.dat":    binary,
		"/var/log/dcache/trunc.log":  []byte(truncated),
	})
	res := Search(fsys, []string{"/var/log"}, Options{Workers: 2})
	got := map[string]inventory.LeakedToken{}
	for _, l := range res.Leaks {
		got[l.Claims.Subject] = l
	}
	if l := got["gz"]; l.Count != 2 || l.First.File != "/var/log/dcache/a.log.1.gz" || l.First.Line != 3 || l.Last.File != "/var/log/dcache/huge.log" || l.Last.Line != 1 {
		t.Errorf("valid token = %+v", l)
	}
	if l := got["old"]; l.Count != 2 || l.First.File != "/var/log/dcache/bin.dat" || l.First.Line != 2 {
		t.Errorf("expired token = %+v", l)
	}
	if len(res.Leaks) != 2 || res.Files != 4 || len(res.Problems) != 0 {
		t.Errorf("leaks %d files %d problems %+v", len(res.Leaks), res.Files, res.Problems)
	}
}

func FuzzFind(f *testing.F) {
	f.Add([]byte("Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))
	f.Add([]byte("eyJeyJeyJ.%2E%2eeyJ..."))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, h := range Find(data, len(data)) {
			if h.Start < 0 || h.End > len(data) || h.Start >= h.End || !strings.HasPrefix(h.Fingerprint, "sha256:") {
				t.Fatalf("bad hit %+v", h)
			}
		}
	})
}

// TestBlockBoundaries plants tokens so that they start just before, across
// and just after the 1 MiB block edges (and the carried tail), on long and
// short lines: each is found exactly once, on the right line.
func TestBlockBoundaries(t *testing.T) {
	tok := token(t, "edge", 4102444800)
	for _, at := range []int{readSize - MaxToken - 5, readSize - MaxToken + 3, readSize - len(tok)/2, readSize - 1, readSize, readSize + 7, 2*readSize - MaxToken - 1} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			var b bytes.Buffer
			// Three short lines, then filler up to the planted position on
			// one long line, then the token, then a newline and a second copy.
			b.WriteString("a\nb\nc\n")
			b.Write(bytes.Repeat([]byte("x "), (at-b.Len())/2))
			for b.Len() < at {
				b.WriteByte(' ')
			}
			b.WriteString(tok + "\nnext " + tok + "\n")
			res := Search(testkit.HostFS(t, map[string][]byte{"/l": b.Bytes()}), []string{"/l"}, Options{})
			if len(res.Leaks) != 1 || res.Leaks[0].Count != 2 || res.Leaks[0].First.Line != 4 || res.Leaks[0].Last.Line != 5 {
				t.Fatalf("leaks = %+v", res.Leaks)
			}
		})
	}
}

// TestSearchHostileTree walks a log tree the way the per-directory search
// does (entries opened relative to their directory) and checks what it
// must never do: follow a link out of the root, open a FIFO, read a file
// twice, or spend more than the budget.
func TestSearchHostileTree(t *testing.T) {
	inside := token(t, "inside", 4102444800)
	secret := token(t, "outside", 4102444800)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.log"), []byte("Bearer "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"var/log/svc/a.log":            "Bearer " + inside + "\n",
		"var/log/svc/b.log":            "noise\n",
		"var/log/svc/c/d.log":          "x\nBearer " + inside + "\n",
		"var/log/svc/link-out.log":     "->" + filepath.Join(outside, "secret.log"),
		"var/log/svc/rel-out.log":      "->../../../../../../../.." + filepath.Join(outside, "secret.log"),
		"var/log/svc/dir-out":          "->" + outside,
		"var/log/svc/loop":             "->.",
		"var/log/svc/link-in.log":      "->/var/log/svc/a.log",
		"var/log/svc/null.log":         "->/dev/null",
		"var/log/svc/zz-linked-dir":    "->/var/log/other",
		"var/log/other/e.log":          "Bearer " + inside + "\n",
		"var/log/svc/nested/deep/f.gz": "",
	}
	tests := []struct {
		name     string
		budget   hostfs.Budget
		count    int      // occurrences of the inside token
		files    int      // files searched
		problems []string // parts of the problems' reasons, in order
	}{
		{"no budget limit", hostfs.Budget{}, 3, 5, []string{"a FIFO"}},
		// a.log and its hard link spend the budget; b.log is refused.
		{"budget of two log files", hostfs.Budget{LogFiles: 2}, 1, 1, []string{"a FIFO", "/var/log/svc/b.log: read /var/log/svc/b.log: read budget of the scan exhausted (limit 2 log files): the search stopped there"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := testkit.HostTree(t, files)
			if err := syscall.Mkfifo(filepath.Join(root, "var/log/svc/b.fifo"), 0o644); err != nil {
				t.Fatal(err)
			}
			// A hard link is the same file under a second name: read once.
			if err := os.Link(filepath.Join(root, "var/log/svc/a.log"), filepath.Join(root, "var/log/svc/a.log.hardlink")); err != nil {
				t.Fatal(err)
			}
			fsys, err := hostfs.New(root)
			if err != nil {
				t.Fatal(err)
			}
			fsys.SetBudget(tc.budget)
			done := make(chan *inventory.LogSearch, 1)
			go func() { done <- Search(fsys, []string{"/var/log/svc"}, Options{Workers: 1}) }()
			var res *inventory.LogSearch
			select {
			case res = <-done:
			case <-time.After(time.Minute):
				t.Fatal("search blocked")
			}
			var count int
			for _, l := range res.Leaks {
				if l.Claims.Subject != "inside" {
					t.Errorf("found a token outside the root: %+v", l)
					continue
				}
				count += l.Count
				if l.First.File != "/var/log/svc/a.log" {
					t.Errorf("first seen in %s, want /var/log/svc/a.log", l.First.File)
				}
			}
			if count != tc.count || res.Files != tc.files {
				t.Errorf("found %d occurrences in %d files, want %d in %d", count, res.Files, tc.count, tc.files)
			}
			var got []string
			for _, p := range res.Problems {
				got = append(got, p.Source.File+": "+p.Reason)
				if strings.Contains(p.Reason, root) || strings.Contains(p.Reason, outside) {
					t.Errorf("problem names a path of this machine: %s", p.Reason)
				}
			}
			if len(got) != len(tc.problems) {
				t.Fatalf("problems:\n%s\nwant %d: %v", strings.Join(got, "\n"), len(tc.problems), tc.problems)
			}
			for i, want := range tc.problems {
				if !strings.Contains(got[i], want) {
					t.Errorf("problem %d = %s, want %q", i, got[i], want)
				}
			}
		})
	}
}

// TestSearchNamedPaths: a path the operator names must exist and be a log;
// one found in a walk is searched or, if special, reported.
func TestSearchNamedPaths(t *testing.T) {
	tok := token(t, "named", 4102444800)
	fsys := testkit.HostFS(t, map[string]string{
		"/var/log/x.log": "Bearer " + tok + "\n",
		"/var/log/link":  "->x.log",
	})
	tests := []struct {
		name     string
		paths    []string
		explicit bool
		leaks    int
		problem  string
		missing  string // a named path that does not exist: nothing to judge, not a problem
	}{
		{"a file", []string{"/var/log/x.log"}, true, 1, "", ""},
		{"a link to a file", []string{"/var/log/link"}, true, 1, "", ""},
		{"relative to the root", []string{"var/log/x.log"}, true, 1, "", ""},
		{"missing, named", []string{"/var/log/none"}, true, 0, "", "/var/log/none"},
		{"missing, from the service registry", []string{"/var/log/none"}, false, 0, "", ""},
		{"the same file twice", []string{"/var/log/x.log", "/var/log/link", "/var/log"}, true, 1, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Search(fsys, tc.paths, Options{Explicit: tc.explicit})
			if len(res.Leaks) != tc.leaks || (tc.leaks > 0 && res.Leaks[0].Count != 1) {
				t.Errorf("leaks = %+v", res.Leaks)
			}
			if strings.Join(res.Missing, " ") != tc.missing {
				t.Errorf("missing = %v, want %q", res.Missing, tc.missing)
			}
			switch {
			case tc.problem == "" && len(res.Problems) != 0:
				t.Errorf("problems = %+v", res.Problems)
			case tc.problem != "" && (len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Reason, tc.problem)):
				t.Errorf("problems = %+v, want one saying %q", res.Problems, tc.problem)
			}
		})
	}
}

// TestProgressReachesTotal: the progress bar's total (walked before the
// search) is what the search reads, so the bar ends full.
func TestProgressReachesTotal(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	fmt.Fprintf(w, "Bearer %s\n", token(t, "gz", 4102444800))
	w.Close()
	tests := []struct {
		name  string
		files map[string][]byte
		paths []string
	}{
		{"one file", map[string][]byte{"/l/a.log": []byte("hello\n")}, []string{"/l/a.log"}},
		{"tree with gzip, link and subdirectory", map[string][]byte{
			"/l/a.log":     bytes.Repeat([]byte("x"), 3*readSize),
			"/l/b.log.gz":  gz.Bytes(),
			"/l/sub/c.log": []byte("c\n"),
			"/l/link.log":  []byte("->/other/d.log"),
			"/other/d.log": []byte("d\n"),
		}, []string{"/l"}},
		{"empty directory", map[string][]byte{"/l/": nil}, []string{"/l"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var lastDone, lastTotal int64 = -1, -1
			res := Search(testkit.HostFS(t, tc.files), tc.paths, Options{Progress: func(done, total int64) {
				mu.Lock()
				defer mu.Unlock()
				lastDone, lastTotal = max(lastDone, done), total
			}})
			if len(res.Problems) != 0 {
				t.Fatalf("problems: %+v", res.Problems)
			}
			if res.Bytes > 0 && (lastDone != lastTotal || lastDone != res.Bytes) {
				t.Errorf("progress ended at %d of %d; %d bytes read", lastDone, lastTotal, res.Bytes)
			}
		})
	}
}
