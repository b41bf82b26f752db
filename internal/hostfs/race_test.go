package hostfs

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// TestConcurrentRenamerStaysInRoot: while another process swaps a
// directory on the path of a file for a symlink that leads out of the
// root (absolute, and relative with more ../ than the root is deep),
// thousands of reads of that file get the file inside the root or an
// error, never the file outside. Checking a path and then opening it
// would follow the swapped link some of the time (24 of 1361 runs before
// hostfs resolved one component at a time from open directories).
func TestConcurrentRenamerStaysInRoot(t *testing.T) {
	top := t.TempDir()
	root, outside := filepath.Join(top, "root"), filepath.Join(top, "outside")
	for _, d := range []string{filepath.Join(root, "etc", "svc"), filepath.Join(outside, "svc")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "etc", "svc", "cfg"), []byte("inside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "svc", "cfg"), []byte("OUTSIDE"), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(filepath.Join(root, "etc"), filepath.Join(outside, "svc"))
	if err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"absolute link": filepath.Join(outside, "svc"), "relative link": rel} {
		t.Run(name, func(t *testing.T) {
			alt := filepath.Join(root, "etc", "alt")
			if err := os.Symlink(target, alt); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(alt)
			svc := filepath.Join(root, "etc", "svc")
			for range 2 {
				if err := unix.Renameat2(unix.AT_FDCWD, svc, unix.AT_FDCWD, alt, unix.RENAME_EXCHANGE); err != nil {
					t.Skipf("this filesystem cannot exchange two names atomically (renameat2 RENAME_EXCHANGE: %v)", err)
				}
			}
			var fsys *FS
			var stop atomic.Bool
			var swaps atomic.Int64
			var wg sync.WaitGroup
			wg.Go(func() {
				for !stop.Load() {
					// svc and alt trade places atomically: svc is the
					// real directory or the link, by turns.
					if err := unix.Renameat2(unix.AT_FDCWD, svc, unix.AT_FDCWD, alt, unix.RENAME_EXCHANGE); err != nil {
						t.Errorf("exchange: %v", err)
						return
					}
					swaps.Add(1)
				}
			})
			inside, errs := 0, 0
			// A new FS for most reads, so that each resolves the path
			// from the root (an FS keeps the directories it walked
			// through open), and 1000 reads through one FS, whose cache
			// may hold the directory or may not.
			for i := range 9000 {
				// Reads 0-1999 of each 3000 get a new FS; 2000-2999 share one.
				if i%3000 < 2000 {
					if fsys, err = New(root); err != nil {
						t.Fatal(err)
					}
				}
				data, err := fsys.ReadFile("/etc/svc/cfg")
				switch {
				case err != nil:
					errs++
				case string(data) == "inside":
					inside++
				default:
					stop.Store(true)
					wg.Wait()
					t.Fatalf("read %q through a link swapped in during the read", data)
				}
			}
			stop.Store(true)
			wg.Wait()
			// Put the real directory back in place for the next case.
			if st, err := os.Lstat(svc); err == nil && st.Mode()&os.ModeSymlink != 0 {
				if err := unix.Renameat2(unix.AT_FDCWD, svc, unix.AT_FDCWD, alt, unix.RENAME_EXCHANGE); err != nil {
					t.Fatal(err)
				}
			}
			if swaps.Load() < 100 || inside == 0 || errs == 0 {
				t.Errorf("the race was not exercised: %d swaps, %d reads inside, %d refused", swaps.Load(), inside, errs)
			}
		})
	}
}
