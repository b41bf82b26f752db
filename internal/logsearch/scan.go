package logsearch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// readSize is the read buffer: lines longer than it are scanned in windows
// that overlap by MaxToken, so memory stays bounded whatever the line.
const readSize = 1 << 20

// Progress, when set, is called with bytes read so far (for a progress
// bar on a terminal).
type Progress func(done, total int64)

// Options tune a scan.
type Options struct {
	// Workers is the number of files scanned at once (default: 4).
	Workers int
	// Explicit says the paths were named by the operator: one that does
	// not exist or is not a log is a problem, not an empty search.
	Explicit bool
	Progress Progress
}

// Search reads every file under paths (host paths, through fsys: --root is
// respected), recursively, gzip-compressed ones transparently.
func Search(fsys *hostfs.FS, paths []string, opt Options) *inventory.LogSearch {
	res := &inventory.LogSearch{Paths: append([]string{}, paths...)}
	files, total := collect(fsys, paths, opt.Explicit, res)
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	var done int64
	type fileResult struct {
		idx   int
		leaks []inventory.LeakedToken
		err   error
		bytes int64
	}
	jobs := make(chan int)
	out := make(chan fileResult)
	var wg sync.WaitGroup
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, readSize+MaxToken)
			for i := range jobs {
				leaks, n, err := scanFile(fsys, files[i], buf, func(n int64) {
					d := atomic.AddInt64(&done, n)
					if opt.Progress != nil {
						opt.Progress(d, total)
					}
				})
				out <- fileResult{i, leaks, err, n}
			}
		}()
	}
	go func() {
		for i := range files {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(out)
	}()
	perFile := make([][]inventory.LeakedToken, len(files))
	for r := range out {
		perFile[r.idx] = r.leaks
		res.Bytes += r.bytes
		if r.err != nil {
			res.Problems = append(res.Problems, inventory.Problem{Source: inventory.Source{File: files[r.idx]}, Reason: r.err.Error()})
		}
	}
	res.Files = len(files)
	// Merge in file order so first/last places are deterministic.
	index := map[string]int{}
	for _, leaks := range perFile {
		for _, l := range leaks {
			if i, ok := index[l.Fingerprint]; ok {
				res.Leaks[i].Count += l.Count
				res.Leaks[i].Last = l.Last
				continue
			}
			index[l.Fingerprint] = len(res.Leaks)
			res.Leaks = append(res.Leaks, l)
		}
	}
	sort.Slice(res.Problems, func(i, j int) bool { return res.Problems[i].Source.File < res.Problems[j].Source.File })
	return res
}

// collect expands paths into regular files, sorted, with their total size.
func collect(fsys *hostfs.FS, paths []string, explicit bool, res *inventory.LogSearch) ([]string, int64) {
	var files []string
	var total int64
	// Directories and files are visited once by identity (device and
	// inode), not by path, so links back up the tree (ln -s . loop) or
	// to another log cannot make the search loop or count a token twice.
	seen := map[hostfs.FileID]bool{}
	problem := func(p, reason string) {
		res.Problems = append(res.Problems, inventory.Problem{Source: inventory.Source{File: p}, Reason: reason})
	}
	var walk func(p string, depth int, named bool)
	walk = func(p string, depth int, named bool) {
		if depth > 32 {
			problem(p, "directories nested too deep (more than 32 levels)")
			return
		}
		st, err := fsys.Stat(p)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				problem(p, err.Error())
			} else if named {
				// Not a finding: a path the operator named that does not
				// exist leaves nothing to judge (exit 3), it is no
				// deviation of the host.
				res.Missing = append(res.Missing, p)
			}
			return
		}
		id, err := fsys.ID(p)
		if err != nil {
			problem(p, err.Error())
			return
		}
		if seen[id] {
			return
		}
		seen[id] = true
		if st.IsDir() {
			entries, err := fsys.ReadDir(p)
			if err != nil {
				problem(p, err.Error())
				return
			}
			for _, e := range entries {
				walk(path.Join(p, e.Name()), depth+1, false)
			}
			return
		}
		if !st.Mode().IsRegular() {
			if named {
				problem(p, "not a regular file")
			}
			return
		}
		files = append(files, p)
		total += st.Size()
	}
	for _, p := range paths {
		walk(path.Clean("/"+p), 0, explicit)
	}
	sort.Strings(files)
	return files, total
}

// scanFile streams one file; buf is the worker's reusable window.
func scanFile(fsys *hostfs.FS, name string, buf []byte, progress func(int64)) ([]inventory.LeakedToken, int64, error) {
	f, _, err := fsys.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	counted := &countingReader{r: f, progress: progress}
	var r io.Reader = counted
	peek := bufio.NewReaderSize(counted, 64<<10)
	r = peek
	// Rotated logs are often gzip-compressed, whatever their name.
	if magic, _ := peek.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(peek)
		if err != nil {
			return nil, counted.n, fmt.Errorf("read %s: %w", name, err)
		}
		defer gz.Close()
		r = gz
	}
	leaks, err := scanStream(r, name, buf)
	if err != nil {
		return leaks, counted.n, fmt.Errorf("read %s: %w", name, err)
	}
	return leaks, counted.n, nil
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.progress != nil {
		c.progress(int64(n))
	}
	return n, err
}

// scanStream searches big blocks, not lines: bytes.Index finds the rare
// "eyJ" at memory speed, and newlines are counted (also vectorised) only
// up to each hit and once per block. A block holds readSize new bytes plus
// MaxToken carried over, so memory stays bounded whatever the line length.
func scanStream(src io.Reader, name string, buf []byte) ([]inventory.LeakedToken, error) {
	var leaks []inventory.LeakedToken
	index := map[string]int{}
	line := int64(1)
	carry, skip := 0, 0
	for {
		n, err := io.ReadFull(src, buf[carry:carry+readSize])
		data := buf[:carry+n]
		final := err != nil
		limit := len(data)
		if !final {
			limit = max(len(data)-MaxToken, 0)
		}
		pos, nextSkip := 0, 0
		for _, h := range FindFrom(data, skip, limit) {
			line += int64(bytes.Count(data[pos:h.Start], newline))
			pos = h.Start
			p := inventory.LogPlace{File: name, Line: line}
			if i, ok := index[h.Fingerprint]; ok {
				leaks[i].Count++
				leaks[i].Last = p
				continue
			}
			index[h.Fingerprint] = len(leaks)
			leaks = append(leaks, inventory.LeakedToken{Fingerprint: h.Fingerprint, Claims: h.Claims, Count: 1, First: p, Last: p, Sample: lineSample(data, h)})
			if h.End > limit {
				// The token runs into the carried tail: do not find its
				// payload again in the next block.
				nextSkip = h.End - limit
			}
		}
		line += int64(bytes.Count(data[pos:limit], newline))
		if final {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return leaks, nil
			}
			return leaks, err
		}
		carry, skip = copy(buf, data[limit:]), nextSkip
	}
}

var newline = []byte{'\n'}

// lineSample cuts the line around a hit out of the block and redacts it.
func lineSample(data []byte, h Hit) string {
	from := bytes.LastIndexByte(data[:h.Start], '\n') + 1
	to := bytes.IndexByte(data[h.Start:], '\n')
	if to < 0 {
		to = len(data)
	} else {
		to += h.Start
	}
	window := data[from:to]
	return sample(window, FindFrom(window, 0, len(window)))
}
