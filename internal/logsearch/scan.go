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

// maxDepth bounds how deep the search descends below a named directory.
const maxDepth = 32

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

// job is one file to search: an entry of an open directory (the fast
// path: openat relative to it), or, with dir nil, a host path resolved
// from the root (a named file, or one reached through a link).
type job struct {
	idx  int
	dir  *dirRef
	name string
	path string
}

// dirRef shares an open directory between the walk and the workers that
// open its entries; the last one done with it closes it, so that only the
// directories with files waiting stay open, whatever the tree's size.
type dirRef struct {
	d    *hostfs.Dir
	refs atomic.Int32
}

func (r *dirRef) release() {
	if r.refs.Add(-1) == 0 {
		r.d.Close()
	}
}

type fileResult struct {
	idx   int
	path  string
	id    hostfs.FileID // zero when the file was not opened
	leaks []inventory.LeakedToken
	err   error
	bytes int64
}

// Search reads every file under paths (host paths, through fsys: --root is
// respected), recursively, gzip-compressed ones transparently.
//
// Each directory is resolved from the root once and its files are opened
// relative to it while workers already search the files listed before, so
// that a tree of many small files costs about what opening them costs.
// Files are merged in walk order (depth first, names sorted), so what is
// reported first and last does not depend on the workers' timing.
func Search(fsys *hostfs.FS, paths []string, opt Options) *inventory.LogSearch {
	res := &inventory.LogSearch{Paths: append([]string{}, paths...)}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	var total int64
	if opt.Progress != nil {
		total = sizeOf(fsys, paths)
	}
	var done atomic.Int64
	progress := func(n int64) {
		if opt.Progress != nil {
			opt.Progress(done.Add(n), total)
		}
	}
	var exhausted atomic.Bool // the budget of log files is spent: stop walking
	jobs := make(chan job, 64)
	out := make(chan fileResult, 64)
	var walkProblems []inventory.Problem
	var missing []string
	go func() {
		w := &walker{fsys: fsys, seen: map[hostfs.FileID]bool{}, stop: exhausted.Load}
		w.problem = func(p, reason string) {
			walkProblems = append(walkProblems, inventory.Problem{Source: inventory.Source{File: p}, Reason: reason})
		}
		w.missing = func(p string) { missing = append(missing, p) }
		w.file = func(d *dirRef, name, p string) {
			jobs <- job{idx: w.files, dir: d, name: name, path: p}
			w.files++
		}
		for _, p := range paths {
			w.named(path.Clean("/"+p), opt.Explicit)
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := scratchPool.Get().(*scratch)
			defer sc.release()
			sc.progress = progress
			for j := range jobs {
				r := searchFile(fsys, j, sc)
				if errors.Is(r.err, hostfs.ErrBudget) {
					exhausted.Store(true)
				}
				out <- r
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	var results []fileResult
	for r := range out {
		if r.idx >= len(results) {
			results = append(results, make([]fileResult, r.idx+1-len(results))...)
		}
		results[r.idx] = r
	}
	// Merge in walk order so first/last places are deterministic. A file
	// reached under several names (hard links, links to it) counts once,
	// under its first name.
	seen := map[hostfs.FileID]bool{}
	index := map[string]int{}
	var budget *inventory.Problem
	refused := 0
	for _, r := range results {
		if r.id != (hostfs.FileID{}) {
			if seen[r.id] {
				continue
			}
			seen[r.id] = true
		}
		if errors.Is(r.err, hostfs.ErrBudget) {
			// One problem for the budget, not one per file refused.
			if refused++; budget == nil {
				budget = &inventory.Problem{Source: inventory.Source{File: r.path}, Reason: r.err.Error()}
			}
			continue
		}
		res.Files++
		res.Bytes += r.bytes
		if r.err != nil {
			res.Problems = append(res.Problems, inventory.Problem{Source: inventory.Source{File: r.path}, Reason: r.err.Error()})
		}
		for _, l := range r.leaks {
			if i, ok := index[l.Fingerprint]; ok {
				res.Leaks[i].Count += l.Count
				res.Leaks[i].Last = l.Last
				continue
			}
			index[l.Fingerprint] = len(res.Leaks)
			res.Leaks = append(res.Leaks, l)
		}
	}
	if budget != nil {
		budget.Reason = fmt.Sprintf("%s: the search stopped there, leaving %d listed file(s) and the rest of the tree unsearched", budget.Reason, refused)
		res.Problems = append(res.Problems, *budget)
	}
	res.Problems = append(res.Problems, walkProblems...)
	res.Missing = missing
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Source.File < res.Problems[j].Source.File })
	return res
}

// walker lists the files under the named paths, depth first, each
// directory's names sorted. Named paths and links are resolved from the
// root through fsys (inside --root); everything else is opened relative
// to its directory.
type walker struct {
	fsys    *hostfs.FS
	seen    map[hostfs.FileID]bool // directories visited, by identity
	stop    func() bool
	problem func(p, reason string)
	// missing is called for a named path that does not exist.
	missing func(p string)
	// file is called for each regular file, in walk order; d (nil for a
	// file reached by path) holds one reference for it.
	file  func(d *dirRef, name, p string)
	files int
}

// named visits a path the operator or the service registry named. With
// explicit, a path that does not exist or is not a log is a problem.
func (w *walker) named(p string, explicit bool) {
	w.resolved(p, 0, explicit)
}

// resolved visits host path p resolved from the root: a named path or
// the target of a link met in the walk.
func (w *walker) resolved(p string, depth int, named bool) {
	if w.stop() {
		return
	}
	st, err := w.fsys.Stat(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.problem(p, err.Error())
		} else if named {
			// Not a finding: a path the operator named that does not
			// exist leaves nothing to judge (exit 3); it is no deviation
			// of the host.
			w.missing(p)
		}
		return
	}
	switch {
	case st.IsDir():
		d, err := w.fsys.OpenDir(p)
		if err != nil {
			w.problem(p, err.Error())
			return
		}
		w.dir(d, depth)
	case st.Mode().IsRegular():
		w.file(nil, "", p)
	case named:
		w.problem(p, "not a regular file")
	}
	// A link to a FIFO or a device met in the walk is left alone: a log
	// linked to /dev/null is a log switched off.
}

// dir visits an open directory, and closes it once the walk and the
// workers are done with it.
func (w *walker) dir(d *hostfs.Dir, depth int) {
	ref := &dirRef{d: d}
	ref.refs.Store(1)
	defer ref.release()
	// Directories are visited once by identity (device and inode), not by
	// path, so links back up the tree (ln -s . loop) cannot make the
	// search loop; files are kept once by identity when merged.
	if w.seen[d.ID()] {
		return
	}
	w.seen[d.ID()] = true
	if depth > maxDepth {
		w.problem(d.Path(), fmt.Sprintf("directories nested too deep (more than %d levels)", maxDepth))
		return
	}
	entries, err := d.Entries()
	if err != nil {
		w.problem(d.Path(), err.Error())
		return
	}
	for _, e := range entries {
		if w.stop() {
			return
		}
		p := d.Path() + "/" + e.Name // Path is clean, Name one name
		if d.Path() == "/" {
			p = "/" + e.Name
		}
		switch {
		case e.Type == 0:
			ref.refs.Add(1)
			w.file(ref, e.Name, p)
		case e.Type == fs.ModeDir:
			sub, err := d.OpenDir(e.Name)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) { // removed since listed
					w.problem(p, err.Error())
				}
				continue
			}
			w.dir(sub, depth+1)
		case e.Type == fs.ModeSymlink:
			// Followed like the services would, but resolved from the root
			// (an absolute target restarts at --root, ".." stops there),
			// never relative to where this machine has the tree.
			w.resolved(p, depth+1, false)
		default:
			w.problem(p, hostfs.Kind(e.Type)+", not a regular file")
		}
	}
}

// sizeOf is the total size of the files under paths, for the progress
// bar: a walk of its own (an fstatat per file), made only when a terminal
// shows the bar.
func sizeOf(fsys *hostfs.FS, paths []string) int64 {
	var total int64
	w := &walker{fsys: fsys, seen: map[hostfs.FileID]bool{}, stop: func() bool { return false }, problem: func(string, string) {}, missing: func(string) {}}
	w.file = func(d *dirRef, name, p string) {
		if d == nil {
			if st, err := fsys.Stat(p); err == nil {
				total += st.Size()
			}
			return
		}
		if n, err := d.d.Size(name); err == nil {
			total += n
		}
		d.release()
	}
	for _, p := range paths {
		w.named(path.Clean("/"+p), false)
	}
	return total
}

// scratch is a worker's reusable memory: the block buffer, and the readers
// that wrap a file, so that searching a file allocates nothing of its own
// but what it finds. Pooled across searches (fleet runs, tests).
type scratch struct {
	buf      []byte // readSize + MaxToken
	head     []byte // a compressed file's first block, replayed into gzip
	br       *bufio.Reader
	gz       *gzip.Reader
	counted  countingReader
	progress func(int64)
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, readSize+MaxToken)}
}}

// release returns sc to the pool, keeping its memory but nothing of the
// search that used it.
func (sc *scratch) release() {
	sc.counted, sc.progress = countingReader{}, nil
	if sc.br != nil {
		sc.br.Reset(nil)
	}
	scratchPool.Put(sc)
}

// searchFile opens and searches one file.
func searchFile(fsys *hostfs.FS, j job, sc *scratch) fileResult {
	r := fileResult{idx: j.idx, path: j.path}
	var src io.ReadCloser
	if j.dir != nil {
		f, err := j.dir.d.Open(j.name)
		j.dir.release()
		if err != nil {
			r.err = err
			return r
		}
		src, r.id = f, f.ID()
	} else {
		f, st, err := fsys.Open(j.path)
		if err != nil {
			r.err = err
			return r
		}
		src = f
		r.id, _ = hostfs.IDOf(st)
	}
	defer src.Close()
	r.leaks, r.bytes, r.err = scanFile(src, j.path, sc)
	return r
}

// scanFile streams one file: the first block is read straight into the
// worker's buffer and searched from there unless it starts like gzip
// (rotated logs are often compressed, whatever their name).
func scanFile(f io.Reader, name string, sc *scratch) ([]inventory.LeakedToken, int64, error) {
	sc.counted = countingReader{r: f, progress: sc.progress}
	n, err := io.ReadFull(&sc.counted, sc.buf[:readSize])
	if n >= 2 && sc.buf[0] == 0x1f && sc.buf[1] == 0x8b {
		sc.head = append(sc.head[:0], sc.buf[:n]...)
		var rest io.Reader = &sc.counted
		if err != nil {
			rest = eofReader{err}
		}
		in := io.MultiReader(bytes.NewReader(sc.head), rest)
		if sc.br == nil {
			sc.br = bufio.NewReaderSize(in, 64<<10)
		} else {
			sc.br.Reset(in)
		}
		if sc.gz == nil {
			sc.gz, err = gzip.NewReader(sc.br)
		} else {
			err = sc.gz.Reset(sc.br)
		}
		if err != nil {
			return nil, sc.counted.n, fmt.Errorf("read %s: %w", name, err)
		}
		leaks, err := scanStream(sc.gz, name, sc.buf, 0, nil)
		if err != nil {
			return leaks, sc.counted.n, fmt.Errorf("read %s: %w", name, err)
		}
		return leaks, sc.counted.n, nil
	}
	if err == nil {
		err = errMore
	}
	leaks, err := scanStream(&sc.counted, name, sc.buf, n, err)
	if err != nil {
		return leaks, sc.counted.n, fmt.Errorf("read %s: %w", name, err)
	}
	return leaks, sc.counted.n, nil
}

// errMore says a first block was read whole: the stream goes on.
var errMore = errors.New("more to read")

// eofReader ends a stream with the error its first read ended with
// (io.EOF, or a read error to report).
type eofReader struct{ err error }

func (e eofReader) Read([]byte) (int, error) {
	if e.err == io.ErrUnexpectedEOF {
		return 0, io.EOF
	}
	return 0, e.err
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
//
// With firstErr set, the first block is already in buf[:filled] and
// firstErr is how reading it ended (errMore: it filled the block).
func scanStream(src io.Reader, name string, buf []byte, filled int, firstErr error) ([]inventory.LeakedToken, error) {
	var leaks []inventory.LeakedToken
	var index map[string]int
	line := int64(1)
	carry, skip := 0, 0
	for first := true; ; first = false {
		var n int
		var err error
		if first && firstErr != nil {
			n, err = filled, firstErr
			if err == errMore {
				err = nil
			}
		} else {
			n, err = io.ReadFull(src, buf[carry:carry+readSize])
		}
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
			if index == nil {
				index = map[string]int{}
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
