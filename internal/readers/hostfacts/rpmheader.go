package hostfacts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// RPM header tags and types (rpm's include/rpm/rpmtag.h).
const (
	tagName      = 1000
	tagVersion   = 1001
	tagRelease   = 1002
	tagEpoch     = 1003
	tagArch      = 1022
	tagSourceRPM = 1044

	typeInt32  = 4
	typeString = 6
	typeI18N   = 9

	// headerMaxBytes and headerMaxIndex are rpm's limits
	// (lib/header.c: HEADER_DATA_MAX 256 MiB, and at most 0xffff index
	// entries in hdrblobVerifyInfo's sanity checks).
	headerMaxBytes = 256 << 20
	headerMaxIndex = 0xffff
)

// rpmHeader is what ttt-check needs of an installed package's header.
type rpmHeader struct {
	Name, Version, Release, Arch, SourceRPM string
	Epoch                                   int64 // -1 when unset
}

// EVR renders [epoch:]version-release as rpm -q --qf '%{EVR}' does.
func (h rpmHeader) EVR() string {
	s := h.Version + "-" + h.Release
	if h.Epoch >= 0 {
		s = strconv.FormatInt(h.Epoch, 10) + ":" + s
	}
	return s
}

var errHeader = errors.New("not an RPM header")

// parseRPMHeader decodes the header blob that rpm stores per package in
// its database (the "immutable region" without the 8-byte magic of a
// package file), per rpm's lib/header.c headerImport/hdrblobInit and the
// LSB's description of the header structure
// (https://refspecs.linuxfoundation.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/pkgformat.html):
// a big-endian int32 index length il and data length dl, il index entries
// of 16 bytes (tag, type, offset, count), then dl bytes of data. Every
// offset is checked against the data; strings must be NUL-terminated.
func parseRPMHeader(blob []byte) (rpmHeader, error) {
	h := rpmHeader{Epoch: -1}
	if len(blob) < 8 {
		return h, fmt.Errorf("%w: %d bytes", errHeader, len(blob))
	}
	il := binary.BigEndian.Uint32(blob[0:4])
	dl := binary.BigEndian.Uint32(blob[4:8])
	if il < 1 || il > headerMaxIndex || dl > headerMaxBytes {
		return h, fmt.Errorf("%w: index length %d, data length %d", errHeader, il, dl)
	}
	need := 8 + uint64(il)*16 + uint64(dl)
	if uint64(len(blob)) < need {
		return h, fmt.Errorf("%w: %d bytes, header says %d", errHeader, len(blob), need)
	}
	index := blob[8 : 8+il*16]
	data := blob[8+il*16 : need]
	for i := uint32(0); i < il; i++ {
		e := index[i*16 : i*16+16]
		tag := binary.BigEndian.Uint32(e[0:4])
		typ := binary.BigEndian.Uint32(e[4:8])
		off := binary.BigEndian.Uint32(e[8:12])
		count := binary.BigEndian.Uint32(e[12:16])
		switch tag {
		case tagName, tagVersion, tagRelease, tagArch, tagSourceRPM:
			if typ != typeString && typ != typeI18N {
				return h, fmt.Errorf("%w: tag %d has type %d, want a string", errHeader, tag, typ)
			}
			s, err := cString(data, off)
			if err != nil {
				return h, fmt.Errorf("tag %d: %w", tag, err)
			}
			switch tag {
			case tagName:
				h.Name = s
			case tagVersion:
				h.Version = s
			case tagRelease:
				h.Release = s
			case tagArch:
				h.Arch = s
			case tagSourceRPM:
				h.SourceRPM = s
			}
		case tagEpoch:
			if typ != typeInt32 || count < 1 || uint64(off)+4 > uint64(len(data)) {
				return h, fmt.Errorf("%w: bad epoch entry", errHeader)
			}
			h.Epoch = int64(binary.BigEndian.Uint32(data[off : off+4]))
		}
	}
	if h.Name == "" || h.Version == "" {
		return h, fmt.Errorf("%w: no name or version", errHeader)
	}
	return h, nil
}

func cString(data []byte, off uint32) (string, error) {
	if uint64(off) >= uint64(len(data)) {
		return "", fmt.Errorf("%w: string offset %d beyond data (%d bytes)", errHeader, off, len(data))
	}
	for i := off; i < uint32(len(data)); i++ {
		if data[i] == 0 {
			return string(data[off:i]), nil
		}
	}
	return "", fmt.Errorf("%w: unterminated string at %d", errHeader, off)
}
