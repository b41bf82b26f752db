package hostfacts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Berkeley DB hash database layout, as in libdb's src/dbinc/db_page.h
// (https://github.com/berkeleydb/libdb/blob/v5.3.28/src/dbinc/db_page.h)
// and as github.com/knqyf263/go-rpmdb's pkg/bdb reads it. Fields are in
// the byte order of the machine that wrote the file; the magic number
// tells which.
const (
	bdbHashMagic   = 0x061561
	bdbPageHeader  = 26 // every page starts with a 26-byte header
	bdbHashMeta    = 8  // P_HASHMETA
	bdbHashPage    = 13 // P_HASH
	bdbHashOld     = 2  // P_HASH_UNSORTED (databases from before 4.6)
	bdbOverflow    = 7  // P_OVERFLOW
	bdbItemKeyData = 1  // H_KEYDATA
	bdbItemOffPage = 3  // H_OFFPAGE
)

var errBDB = errors.New("not a readable Berkeley DB hash database")

// readBDBHash returns the data items of every key/data pair of a Berkeley
// DB hash database, in page order, except rpm's record 0 (which holds the
// next package number, not a header). It reads pages on demand through
// r; size is the file size. Every page number, offset and length read
// from the file is checked, so that a corrupt file is an error, never a
// panic or an endless loop.
func readBDBHash(r io.ReaderAt, size int64) ([][]byte, error) {
	meta := make([]byte, 512)
	if _, err := r.ReadAt(meta, 0); err != nil {
		return nil, fmt.Errorf("%w: reading the metadata page: %v", errBDB, err)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch {
	case binary.LittleEndian.Uint32(meta[12:16]) == bdbHashMagic:
	case binary.BigEndian.Uint32(meta[12:16]) == bdbHashMagic:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: no hash magic number", errBDB)
	}
	pageSize := bo.Uint32(meta[20:24])
	if meta[24] != 0 {
		return nil, fmt.Errorf("%w: encrypted", errBDB)
	}
	if meta[25] != bdbHashMeta {
		return nil, fmt.Errorf("%w: first page has type %d, want hash metadata", errBDB, meta[25])
	}
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return nil, fmt.Errorf("%w: page size %d", errBDB, pageSize)
	}
	lastPage := bo.Uint32(meta[32:36])
	if int64(lastPage)+1 > size/int64(pageSize) {
		return nil, fmt.Errorf("%w: last page %d beyond the file (%d bytes)", errBDB, lastPage, size)
	}
	page := func(n uint32) ([]byte, error) {
		if n == 0 || n > lastPage {
			return nil, fmt.Errorf("%w: page number %d out of range", errBDB, n)
		}
		b := make([]byte, pageSize)
		if _, err := r.ReadAt(b, int64(n)*int64(pageSize)); err != nil {
			return nil, fmt.Errorf("%w: reading page %d: %v", errBDB, n, err)
		}
		return b, nil
	}
	var out [][]byte
	for n := uint32(1); n <= lastPage; n++ {
		p, err := page(n)
		if err != nil {
			return out, err
		}
		if p[25] != bdbHashPage && p[25] != bdbHashOld {
			continue
		}
		entries := int(bo.Uint16(p[20:22]))
		if bdbPageHeader+2*entries > len(p) {
			return out, fmt.Errorf("%w: page %d claims %d entries", errBDB, n, entries)
		}
		offset := func(i int) int { return int(bo.Uint16(p[bdbPageHeader+2*i:])) }
		// item returns entry i's bytes on the page (LEN_HITEM in
		// db_page.h: up to the previous entry's offset, or the page end).
		item := func(i int) ([]byte, error) {
			start, end := offset(i), len(p)
			if i > 0 {
				end = offset(i - 1)
			}
			if start < bdbPageHeader+2*entries || start >= end || end > len(p) {
				return nil, fmt.Errorf("%w: page %d entry %d at bad offset", errBDB, n, i)
			}
			return p[start:end], nil
		}
		for i := 0; i+1 < entries; i += 2 {
			key, err := item(i)
			if err != nil {
				return out, err
			}
			if key[0] == bdbItemKeyData && len(key) == 5 && bo.Uint32(key[1:5]) == 0 {
				continue // rpm's record 0
			}
			val, err := item(i + 1)
			if err != nil {
				return out, err
			}
			switch val[0] {
			case bdbItemKeyData:
				out = append(out, append([]byte(nil), val[1:]...))
			case bdbItemOffPage:
				if len(val) < 12 {
					return out, fmt.Errorf("%w: page %d: short off-page item", errBDB, n)
				}
				data, err := overflow(page, bo, bo.Uint32(val[4:8]), bo.Uint32(val[8:12]), lastPage)
				if err != nil {
					return out, err
				}
				out = append(out, data)
			}
		}
	}
	return out, nil
}

// overflow follows a chain of overflow pages holding one item of total
// length tlen. On an overflow page the "high free offset" field holds the
// number of bytes the page carries (OV_LEN in db_page.h).
func overflow(page func(uint32) ([]byte, error), bo binary.ByteOrder, first, tlen, lastPage uint32) ([]byte, error) {
	if tlen > headerMaxBytes {
		return nil, fmt.Errorf("%w: item of %d bytes", errBDB, tlen)
	}
	data := make([]byte, 0, tlen)
	seen := 0
	for n := first; n != 0; {
		seen++
		if seen > int(lastPage) {
			return nil, fmt.Errorf("%w: overflow chain loops", errBDB)
		}
		p, err := page(n)
		if err != nil {
			return nil, err
		}
		if p[25] != bdbOverflow {
			return nil, fmt.Errorf("%w: page %d in an overflow chain has type %d", errBDB, n, p[25])
		}
		l := int(bo.Uint16(p[22:24]))
		if bdbPageHeader+l > len(p) || len(data)+l > int(tlen) {
			return nil, fmt.Errorf("%w: overflow page %d claims %d bytes", errBDB, n, l)
		}
		data = append(data, p[bdbPageHeader:bdbPageHeader+l]...)
		n = bo.Uint32(p[16:20])
	}
	if len(data) != int(tlen) {
		return nil, fmt.Errorf("%w: overflow item has %d bytes, want %d", errBDB, len(data), tlen)
	}
	return data, nil
}
