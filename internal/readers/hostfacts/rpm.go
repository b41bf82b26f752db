package hostfacts

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"

	// A pure-Go SQLite: the build keeps CGO off.
	_ "modernc.org/sqlite"
)

// rpmDBDirs are where rpm keeps its database: %_dbpath is /var/lib/rpm on
// EL7-EL9 (on Fedora and EL10 a link to /usr/lib/sysimage/rpm, where newer
// rpm keeps it). The first directory holding a database is read.
var rpmDBDirs = []string{"/var/lib/rpm", "/usr/lib/sysimage/rpm"}

// RPMPackages reads the installed packages from the RPM database:
// rpmdb.sqlite (rpm ≥ 4.16, EL9 and later) or Packages (Berkeley DB, EL7
// and EL8); sqlite wins when both are there, as on a host converted with
// rpmdb --rebuilddb. The ndb format (Packages.db, SUSE) is not read: a
// problem says so. A host without a database has none (nil, nil).
func RPMPackages(fsys *hostfs.FS) ([]inventory.Package, []inventory.Problem) {
	for _, d := range dirs(fsys, rpmDBDirs) {
		if p := path.Join(d, "rpmdb.sqlite"); fsys.Exists(p) {
			return rpmPackages(fsys, p, readSQLite)
		}
		if p := path.Join(d, "Packages"); fsys.Exists(p) {
			return rpmPackages(fsys, p, readBDB)
		}
		if p := path.Join(d, "Packages.db"); fsys.Exists(p) {
			return nil, []inventory.Problem{{Source: inventory.Source{File: p},
				Reason: "RPM database in ndb format: not read, the installed RPM packages are unknown"}}
		}
	}
	return nil, nil
}

// rpmPackages reads the header blobs of database p with read and decodes
// them; a blob that does not decode is a problem, the others are kept.
func rpmPackages(fsys *hostfs.FS, p string, read func(db *os.File, size int64) ([][]byte, error)) ([]inventory.Package, []inventory.Problem) {
	src := inventory.Source{File: p}
	// The database is too big for hostfs.ReadFile and the SQLite driver
	// wants a file name: hostfs opens the file inside --root (a regular
	// file only), and the driver gets the name of that open file.
	if st, err := fsys.Stat(p); err == nil && !st.Mode().IsRegular() {
		return nil, []inventory.Problem{{Source: src, Reason: "RPM database is not a regular file"}}
	}
	db, st, err := fsys.OpenFile(p)
	if err != nil {
		if errors.Is(err, hostfs.ErrNotRegular) {
			return nil, []inventory.Problem{{Source: src, Reason: "RPM database is not a regular file"}}
		}
		return nil, []inventory.Problem{{Source: src, Reason: "cannot read RPM database: " + err.Error()}}
	}
	defer db.Close()
	var problems []inventory.Problem
	if strings.HasSuffix(p, ".sqlite") {
		if st, err := fsys.Stat(p + "-wal"); err == nil && st.Size() > 0 {
			problems = append(problems, inventory.Problem{Source: inventory.Source{File: p + "-wal"},
				Reason: "the RPM database has changes not yet written back (write-ahead log); they are not read, so the latest installs or removals may be missing"})
		}
	}
	blobs, err := read(db, st.Size())
	if err != nil {
		problems = append(problems, inventory.Problem{Source: src, Reason: "corrupt or unreadable RPM database: " + err.Error()})
	}
	var out []inventory.Package
	for i, b := range blobs {
		h, err := parseRPMHeader(b)
		if err != nil {
			problems = append(problems, inventory.Problem{Source: src, Reason: fmt.Sprintf("package record %d: %v", i+1, err)})
			continue
		}
		out = append(out, inventory.Package{
			Name:          h.Name,
			Version:       h.EVR(),
			Arch:          h.Arch,
			Manager:       inventory.ManagerRPM,
			SourcePackage: h.SourceRPM,
			Source:        src,
		})
	}
	return out, problems
}

// readSQLite returns the header blobs of an rpmdb.sqlite (rpm's
// lib/backend/sqlite.c: table Packages (hnum INTEGER PRIMARY KEY, blob
// BLOB)). It opens the file read-only and immutable, so that SQLite
// creates no -shm or -wal file beside it and takes no lock on the host:
// the scan must not change the host.
func readSQLite(file *os.File, _ int64) ([][]byte, error) {
	u := url.URL{Scheme: "file", Path: hostfs.ProcPath(file), RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query("SELECT blob FROM Packages ORDER BY hnum")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return out, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// readBDB returns the header blobs of a Berkeley DB Packages file.
func readBDB(file *os.File, size int64) ([][]byte, error) {
	return readBDBHash(file, size)
}
