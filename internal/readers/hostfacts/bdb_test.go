package hostfacts

import (
	"bytes"
	"encoding/binary"
	"os"
	"reflect"
	"testing"
)

// buildBDB writes a minimal Berkeley DB hash file in byte order bo, laid
// out as libdb's db_page.h describes: a metadata page, one hash page with
// the given key/data pairs, and overflow pages for data longer than
// inline bytes (stored as H_OFFPAGE items). It lets the tests cover what
// db5.3_load on this machine cannot make: big-endian files and inline
// items.
func buildBDB(bo binary.ByteOrder, pageSize int, pairs [][2][]byte, inline int) []byte {
	pages := [][]byte{make([]byte, pageSize), make([]byte, pageSize)}
	hash := pages[1]
	bo.PutUint32(hash[8:], 1)
	hash[25] = bdbHashPage
	end := pageSize
	var index []int
	addItem := func(item []byte) {
		end -= len(item)
		copy(hash[end:], item)
		index = append(index, end)
	}
	for _, kv := range pairs {
		addItem(append([]byte{bdbItemKeyData}, kv[0]...))
		if len(kv[1]) <= inline {
			addItem(append([]byte{bdbItemKeyData}, kv[1]...))
			continue
		}
		first := uint32(len(pages))
		data := kv[1]
		for len(data) > 0 {
			n := min(len(data), pageSize-bdbPageHeader)
			p := make([]byte, pageSize)
			bo.PutUint32(p[8:], uint32(len(pages)))
			p[25] = bdbOverflow
			bo.PutUint16(p[22:], uint16(n))
			copy(p[bdbPageHeader:], data[:n])
			data = data[n:]
			if len(data) > 0 {
				bo.PutUint32(p[16:], uint32(len(pages)+1))
			}
			pages = append(pages, p)
		}
		off := make([]byte, 12)
		off[0] = bdbItemOffPage
		bo.PutUint32(off[4:], first)
		bo.PutUint32(off[8:], uint32(len(kv[1])))
		addItem(off)
	}
	bo.PutUint16(hash[20:], uint16(len(index)))
	for i, o := range index {
		bo.PutUint16(hash[bdbPageHeader+2*i:], uint16(o))
	}
	meta := pages[0]
	bo.PutUint32(meta[12:], bdbHashMagic)
	bo.PutUint32(meta[20:], uint32(pageSize))
	meta[25] = bdbHashMeta
	bo.PutUint32(meta[32:], uint32(len(pages)-1))
	return bytes.Join(pages, nil)
}

func TestReadBDBHash(t *testing.T) {
	long := bytes.Repeat([]byte("header-bytes."), 100)
	pairs := [][2][]byte{
		{{0, 0, 0, 0}, {9, 0, 0, 0}}, // rpm's record 0
		{{1, 0, 0, 0}, []byte("short")},
		{{2, 0, 0, 0}, long},
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		file := buildBDB(bo, 512, pairs, 64)
		got, err := readBDBHash(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			t.Fatalf("%v: %v", bo, err)
		}
		if want := [][]byte{[]byte("short"), long}; !reflect.DeepEqual(got, want) {
			t.Errorf("%v: got %d items %q...", bo, len(got), got)
		}
	}
}

func TestReadBDBHashCorrupt(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 2000)
	good := buildBDB(binary.LittleEndian, 512, [][2][]byte{{{1, 0, 0, 0}, long}}, 64)
	corrupt := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	tests := map[string][]byte{
		"short file":         good[:100],
		"no magic":           corrupt(func(b []byte) { b[12] = 0 }),
		"bad page size":      corrupt(func(b []byte) { binary.LittleEndian.PutUint32(b[20:], 1000) }),
		"encrypted":          corrupt(func(b []byte) { b[24] = 1 }),
		"last page too far":  corrupt(func(b []byte) { binary.LittleEndian.PutUint32(b[32:], 1000) }),
		"too many entries":   corrupt(func(b []byte) { binary.LittleEndian.PutUint16(b[512+20:], 60000) }),
		"bad item offset":    corrupt(func(b []byte) { binary.LittleEndian.PutUint16(b[512+26:], 3) }),
		"overflow loops":     corrupt(func(b []byte) { binary.LittleEndian.PutUint32(b[2*512+16:], 2) }),
		"overflow page zero": corrupt(func(b []byte) { binary.LittleEndian.PutUint32(b[2*512+16:], 0) }),
		"overflow too long":  corrupt(func(b []byte) { binary.LittleEndian.PutUint16(b[2*512+22:], 600) }),
		"not an overflow":    corrupt(func(b []byte) { b[2*512+25] = 13 }),
	}
	for name, file := range tests {
		if _, err := readBDBHash(bytes.NewReader(file), int64(len(file))); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseRPMHeader(t *testing.T) {
	blob := func(entries [][4]uint32, data []byte) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, uint32(len(entries)))
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		for _, e := range entries {
			binary.Write(&b, binary.BigEndian, e)
		}
		b.Write(data)
		return b.Bytes()
	}
	data := []byte("xrootd\x005.6.1\x001.el9\x00\x00\x00\x00\x00\x00\x03x86_64\x00")
	ok := [][4]uint32{{tagName, typeString, 0, 1}, {tagVersion, typeString, 7, 1}, {tagRelease, typeString, 13, 1}, {tagEpoch, typeInt32, 21, 1}, {tagArch, typeString, 25, 1}}
	h, err := parseRPMHeader(blob(ok, data))
	if err != nil || h.Name != "xrootd" || h.EVR() != "3:5.6.1-1.el9" || h.Arch != "x86_64" {
		t.Fatalf("header = %+v, %v", h, err)
	}
	bad := map[string][]byte{
		"empty":             nil,
		"too short":         blob(ok, data)[:30],
		"no entries":        blob(nil, data),
		"string past data":  blob([][4]uint32{{tagName, typeString, 500, 1}}, data),
		"unterminated":      blob([][4]uint32{{tagName, typeString, 0, 1}}, []byte("abc")),
		"epoch past data":   blob(append(ok[:3:3], [4]uint32{tagEpoch, typeInt32, uint32(len(data) - 2), 1}), data),
		"name not a string": blob([][4]uint32{{tagName, typeInt32, 0, 1}}, data),
		"no version":        blob(ok[:1], data),
		"huge index":        {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0},
	}
	for name, b := range bad {
		if _, err := parseRPMHeader(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzReadBDBHash checks that no file, however corrupt, makes the
// Berkeley DB reader panic or loop.
func FuzzReadBDBHash(f *testing.F) {
	if b, err := os.ReadFile("testdata/rpm-bdb/Packages"); err == nil {
		f.Add(b)
	}
	f.Add(buildBDB(binary.BigEndian, 512, [][2][]byte{{{1, 0, 0, 0}, bytes.Repeat([]byte("y"), 700)}, {{2}, []byte("z")}}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, _ := readBDBHash(bytes.NewReader(data), int64(len(data)))
		for _, it := range items {
			if len(it) > len(data) {
				t.Fatalf("item of %d bytes from a %d-byte file", len(it), len(data))
			}
		}
	})
}

// FuzzParseRPMHeader checks that no blob makes the header decoder panic.
func FuzzParseRPMHeader(f *testing.F) {
	items, _ := func() ([][]byte, error) {
		b, err := os.ReadFile("testdata/rpm-bdb/Packages")
		if err != nil {
			return nil, err
		}
		return readBDBHash(bytes.NewReader(b), int64(len(b)))
	}()
	for _, it := range items {
		f.Add(it)
	}
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 3, 232, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0})
	f.Fuzz(func(t *testing.T, blob []byte) {
		h, err := parseRPMHeader(blob)
		if err == nil && (h.Name == "" || h.Version == "") {
			t.Fatalf("accepted a header without name or version: %+v", h)
		}
	})
}
