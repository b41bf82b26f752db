package logsearch

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

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
