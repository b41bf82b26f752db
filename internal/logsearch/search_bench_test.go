package logsearch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
)

// BenchmarkSearch measures Search in-process (no report, no process start)
// on the two shapes of issue 17: many small files, where the cost is per
// file (reported as µs/file), and one large log, where it is per byte
// (MB/s). make bench-logs and make bench-logs-small compare the binary
// with ripgrep; this one is for profiling (-cpuprofile) and for
// benchstat across commits.
func BenchmarkSearch(b *testing.B) {
	b.Run("small-files", func(b *testing.B) {
		const files = 5000
		dir := b.TempDir()
		pl := generateSmall(b, dir, files, 10<<10)
		fsys, err := hostfs.New(dir)
		if err != nil {
			b.Fatal(err)
		}
		fsys.SetBudget(hostfs.Budget{})
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			res := Search(fsys, []string{"/"}, Options{})
			if len(res.Leaks) != len(pl.tokens) || len(res.Problems) != 0 {
				b.Fatalf("found %d of %d tokens, problems %v", len(res.Leaks), len(pl.tokens), res.Problems)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*files), "µs/file")
	})
	b.Run("large-file", func(b *testing.B) {
		dir := b.TempDir()
		tok := token(b, "large", 4102444800)
		var data bytes.Buffer
		line := []byte("250107 12:00:01 1234 XrootdXeq: user.1234:56@host.example.org pub IP46 login as atlas001\n")
		for i := 0; data.Len() < 256<<20; i++ {
			if i%100000 == 0 {
				fmt.Fprintf(&data, "Authorization: Bearer %s\n", tok)
			}
			data.Write(line)
		}
		if err := os.WriteFile(filepath.Join(dir, "xrootd.log"), data.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		fsys, err := hostfs.New(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(data.Len()))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if res := Search(fsys, []string{"/xrootd.log"}, Options{}); len(res.Leaks) != 1 {
				b.Fatalf("leaks = %+v", res.Leaks)
			}
		}
	})
}
