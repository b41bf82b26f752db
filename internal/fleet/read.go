package fleet

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"golang.org/x/sys/unix"

	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// MaxResultSize bounds what is read of one result file: a host's report
// is tens of kilobytes, and a file far bigger is not one (a log or a
// dump under the results directory) that would only cost memory.
const MaxResultSize = 64 << 20

// maxKeptBuffer is the largest read buffer a worker keeps for the next
// file; one that grew for an outsized file is let go.
const maxKeptBuffer = 8 << 20

// result is the part of a scan report the fleet view needs. Everything
// else (messages, remediations, the inventory's detail), most of a
// report, the decoder skips without building it. The decoder is
// go-json-experiment/json (the proposed encoding/json/v2): it skips and
// checks a value in one pass where encoding/json scans it twice, 4-7
// times faster per report (BenchmarkSummarize), and it refuses duplicate
// names and invalid UTF-8, which no report of ours holds.
type result struct {
	SchemaVersion string `json:"schema_version"`
	Host          string `json:"host"`
	// Names match exactly as the report writes them (json/v2 does not
	// fold case).
	ScannedAt time.Time `json:"scanned_at"`
	Recipes   struct {
		Version string `json:"version"`
	} `json:"recipes"`
	Inventory struct {
		Services []service `json:"services"`
	} `json:"inventory"`
	Findings []resultFinding `json:"findings"`
}

type service struct {
	Trusts []struct {
		Issuer string `json:"issuer"`
	} `json:"trusts"`
}

type resultFinding struct {
	Check    string         `json:"check"`
	Severity vocab.Severity `json:"severity"`
	Status   vocab.Status   `json:"status"`
	Waiver   *struct {
		Reason  string `json:"reason"`
		Expires string `json:"expires"`
	} `json:"waiver"`
}

// reset empties r for the next file but keeps the memory of its slices:
// the decoder leaves a field the next file lacks as it was, so every
// element is zeroed.
func (r *result) reset() {
	finds := r.Findings[:cap(r.Findings)]
	clear(finds)
	svcs := r.Inventory.Services[:cap(r.Inventory.Services)]
	for i := range svcs {
		ts := svcs[i].Trusts[:cap(svcs[i].Trusts)]
		clear(ts)
		svcs[i].Trusts = ts[:0]
	}
	*r = result{Findings: finds[:0]}
	r.Inventory.Services = svcs[:0]
}

// summary is what one result file adds to the fleet view.
type summary struct {
	host     *Host
	issuers  []string // distinct, in the order the report lists them
	expiring []Waiver
	err      error
	// older is set when a later result of the same host exists.
	older bool
}

// worker reads results one after the other, reusing its read buffer and
// decoded result from file to file.
type worker struct {
	buf []byte
	r   result
	// strs holds one copy of each check id, issuer, recipe version and
	// waiver text, which thousands of hosts repeat: the aggregate keeps
	// them all.
	strs map[string]string
}

// intern returns the worker's copy of s.
func (w *worker) intern(s string) string {
	if c, ok := w.strs[s]; ok {
		return c
	}
	if w.strs == nil {
		w.strs = map[string]string{}
	}
	w.strs[s] = s
	return s
}

// summarize reads one result into its host's summary.
func (w *worker) summarize(file string, opt Options) summary {
	data, err := w.read(file)
	w.r.reset()
	r := &w.r
	if err == nil {
		if err = jsonv2.Unmarshal(data, r); err != nil {
			err = fmt.Errorf("not a ttt-check JSON report: %w", err)
		}
	}
	if err == nil && !strings.HasPrefix(r.SchemaVersion, "1.") {
		err = fmt.Errorf("not a ttt-check JSON report")
	}
	if err != nil {
		return summary{err: err}
	}
	var s summary
	h := &Host{Host: r.Host, File: file, ScannedAt: r.ScannedAt, RecipeVersion: w.intern(r.Recipes.Version), Checks: map[string]int{}}
	h.Stale = opt.StaleAfter > 0 && opt.Now.Sub(r.ScannedAt) > opt.StaleAfter
	h.OldRecipes = opt.RecipeVersion != "" && r.Recipes.Version != opt.RecipeVersion
	for _, fd := range r.Findings {
		if fd.Status == vocab.StatusNotRunning {
			continue
		}
		if fd.Status == vocab.StatusWaived {
			if fd.Waiver != nil {
				if exp, err := time.Parse("2006-01-02", fd.Waiver.Expires); err == nil && exp.Sub(opt.Now) <= 30*24*time.Hour {
					s.expiring = append(s.expiring, Waiver{Host: r.Host, Check: w.intern(fd.Check), Expires: w.intern(fd.Waiver.Expires), Reason: w.intern(fd.Waiver.Reason)})
				}
			}
			continue
		}
		h.Failed++
		h.Checks[w.intern(fd.Check)]++
		if h.Failed == 1 || fd.Severity > h.worst {
			h.worst = fd.Severity
		}
	}
	h.Worst = "none"
	if h.Failed > 0 {
		h.Worst = h.worst.String()
	}
	n := 0
	for _, svc := range r.Inventory.Services {
		n += len(svc.Trusts)
	}
	if n > 0 {
		s.issuers = make([]string, 0, n)
	}
	for _, svc := range r.Inventory.Services {
		for _, t := range svc.Trusts {
			if t.Issuer != "" && !slices.Contains(s.issuers, t.Issuer) {
				s.issuers = append(s.issuers, w.intern(t.Issuer))
			}
		}
	}
	s.host = h
	return s
}

// read returns the content of a result file if it is a regular file of
// at most MaxResultSize bytes, in the worker's buffer. The file is opened
// without blocking and looked at before it is read, so that a FIFO or a
// device among the results cannot hang the report.
func (w *worker) read(file string) ([]byte, error) {
	fd, err := openNoBlock(file)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: file, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: file, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("not a regular file (%s)", kind(st.Mode))
	}
	if st.Size > MaxResultSize {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", errTooLarge, st.Size, MaxResultSize)
	}
	// Room for the size fstat gave and a byte more, to notice a file
	// that grew since.
	buf := slices.Grow(w.buf[:0], int(st.Size)+1)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
		n, err := unix.Read(fd, buf[len(buf):min(cap(buf), MaxResultSize+1)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: file, Err: err}
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
		if len(buf) > MaxResultSize {
			return nil, fmt.Errorf("%w (limit %d)", errTooLarge, MaxResultSize)
		}
	}
	if cap(buf) <= maxKeptBuffer {
		w.buf = buf
	} else {
		w.buf = nil
	}
	return buf, nil
}

// openNoBlock opens file for reading; O_NONBLOCK makes opening a FIFO
// without a writer return at once instead of waiting for one.
func openNoBlock(file string) (int, error) {
	for {
		fd, err := unix.Open(file, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// errTooLarge is the reason a result over MaxResultSize is not read.
var errTooLarge = errors.New("too large for a ttt-check result")

// kind names what a file that is not a regular file is.
func kind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFIFO:
		return "a FIFO"
	case unix.S_IFSOCK:
		return "a socket"
	case unix.S_IFCHR:
		return "a character device"
	case unix.S_IFBLK:
		return "a block device"
	}
	return "a special file"
}
