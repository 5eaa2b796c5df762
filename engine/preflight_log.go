package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dgraph-io/ristretto/v2/z"
	"golang.org/x/sys/unix"
)

// Badger replays its write-ahead logs (the memtables' .mem files) and the
// last value log at Open, entry by entry, and stops at the first entry that
// fails its checksum, taking it for the torn end of a crash; then it
// truncates the file there. A bit flipped in the middle of a log thus
// silently drops every acknowledged write after it, for good. checkLogs
// reads those files first and refuses a log whose damaged entry is followed
// by intact ones, or that ends inside an entry (a truncated file: a crash
// leaves a log's tail zero, never cut).
//
// The layout read here is Badger's (value.go, structs.go): a 20-byte
// header, then entries of meta and user-meta bytes, uvarint key length,
// value length and expiry, the key, the value and a big-endian CRC-32C of
// all of that.

const (
	logHeaderSize = 20      // Badger's vlogHeaderSize
	logMaxKey     = 1 << 16 // Badger's bound on a key's length
	logTsSize     = 8       // the version Badger appends to every key
	logMetaBits   = 0xCF    // bitDelete … bitMergeEntry, bitTxn, bitFinTxn
	logTxnBit     = 1 << 6
	logFinTxnBit  = 1 << 7
	logPageSize   = 4 << 10
)

// logEntry is the frame of one entry of a Badger log at some offset.
type logEntry struct {
	meta byte
	key  []byte
	size int // whole entry, checksum included
}

// parseLogEntry decodes the entry at the start of b. ok is false if b does
// not start with a whole entry whose checksum holds; short reports that
// the entry's header claims more bytes than b has. An entry that fits in b
// but fails its checksum has its size set.
func parseLogEntry(b []byte) (e logEntry, ok, short bool) {
	if len(b) < 2 {
		return e, false, len(b) > 0
	}
	n := 2
	klen, k := binary.Uvarint(b[n:])
	if k <= 0 {
		return e, false, k == 0
	}
	n += k
	vlen, k := binary.Uvarint(b[n:])
	if k <= 0 {
		return e, false, k == 0
	}
	n += k
	if _, k = binary.Uvarint(b[n:]); k <= 0 {
		return e, false, k == 0
	}
	n += k
	if klen > logMaxKey || vlen > uint64(len(b)) {
		return e, false, klen <= logMaxKey
	}
	end := n + int(klen) + int(vlen)
	if end+crc32.Size > len(b) {
		return e, false, true
	}
	if crc32.Checksum(b[:end], castagnoli) != binary.BigEndian.Uint32(b[end:]) {
		e.size = end + crc32.Size
		return e, false, false
	}
	e.meta, e.size = b[0], end+crc32.Size
	e.key = b[n : n+int(klen)]
	return e, true, false
}

// plausibleLogEntry reports whether the entry at the start of b is one
// logdb could have written: known meta bits, a key of ours or Badger's
// with its version, and a checksum that holds.
func plausibleLogEntry(b []byte) bool {
	if len(b) < 2 || b[0]&^logMetaBits != 0 {
		return false
	}
	e, ok, _ := parseLogEntry(b)
	if !ok || len(e.key) <= logTsSize {
		return false
	}
	return bytes.IndexByte(logKeyStarts, e.key[0]) >= 0
}

// logKeyStarts are the first bytes of every key logdb writes (keys.go)
// and of Badger's own ("!badger!…").
var logKeyStarts = []byte{pfxMeta, pfxJob, pfxRun, pfxTail, pfxBlock, pfxSummary, pfxChange, pfxDamage, pfxFilter, '!'}

// checkLogs checks the write-ahead logs in dir and, if vlog, the last
// value log, and that a write-ahead log is there if mark says the store
// was open.
func checkLogs(dir string, mark openMark, vlog bool) error {
	mems, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil {
		return err
	}
	if len(mems) == 0 && mark == markOpen {
		return fmt.Errorf("%w: %s holds no write-ahead log (*.mem) although logdb did not close the store: it was deleted, and the writes it held are lost; %s",
			ErrDamaged, dir, openDamageHint)
	}
	vlogs, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil {
		return err
	}
	byID := func(names []string) {
		sort.Slice(names, func(i, j int) bool { return logFileID(names[i]) < logFileID(names[j]) })
	}
	byID(mems)
	if len(mems) > 0 {
		// The newest log is the memtable Badger was writing: it made the
		// file 2×MemTableSize long, a multiple of 4 KiB, and only
		// shortens it to its last entry when it replays it at the next
		// Open, which then makes a newer one at once. A shorter length
		// is a truncation, even one that ends between two entries.
		name := mems[len(mems)-1]
		if fi, err := os.Stat(name); err == nil && fi.Size()%logPageSize != 0 {
			return fmt.Errorf("%w: %s is truncated (%d bytes; Badger makes it a multiple of 4 KiB); %s", ErrDamaged, name, fi.Size(), openDamageHint)
		}
	}
	names := mems
	if vlog && len(vlogs) > 0 {
		byID(vlogs)
		names = append(names, vlogs[len(vlogs)-1])
	}
	for _, name := range names {
		if err := checkLog(name); err != nil {
			return err
		}
	}
	return nil
}

func logFileID(name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)), 10, 64)
	return id
}

// checkLog replays the log in name as Badger will and checks that where
// the replay stops, nothing intact follows.
func checkLog(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, err)
	}
	if fi.Size() <= logHeaderSize {
		return nil // new, or never written
	}
	mf, err := z.OpenMmapFile(name, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, err)
	}
	defer mf.Close(-1)
	// Only the written part is read: on a full tmpfs even reading a hole
	// of a mapped file faults (SIGBUS), and holes read as zeros anyway.
	// An entry that runs into the hole fails its checksum there.
	end := dataEnd(mf.Fd, fi.Size())
	data := mf.Data[:end]
	whole := end == fi.Size()

	off, txn := logHeaderSize, false
	var lastTs uint64
	for {
		e, ok, short := parseLogEntry(data[off:])
		if !ok {
			if short && whole && !allZero(data[off:]) {
				return fmt.Errorf("%w: %s ends inside the entry at byte %d (truncated?); %s", ErrDamaged, name, off, openDamageHint)
			}
			if writtenWhole(data, off, e.size) {
				return fmt.Errorf("%w: %s: the entry at byte %d fails its checksum although it was written whole (a flipped bit?); opening would drop it and every write after it; %s",
					ErrDamaged, name, off, openDamageHint)
			}
			break
		}
		if len(e.key) == 0 {
			break // the zeroed header after the last entry
		}
		if len(e.key) < logTsSize {
			return logDamage(name, off)
		}
		ts := binary.BigEndian.Uint64(e.key[len(e.key)-logTsSize:])
		switch {
		case e.meta&logTxnBit != 0:
			if txn && ts != lastTs {
				return logDamage(name, off) // a transaction that never ended, then another
			}
			txn, lastTs = true, ts
		case e.meta&logFinTxnBit != 0:
			txn = false
		}
		off += e.size
	}
	// off is where Badger's replay stops. A crash leaves zeros after it, or
	// the start of a write cut short and then zeros; damage leaves intact
	// entries.
	last := lastNonZero(data)
	for o := off + 1; o < last; o++ {
		if plausibleLogEntry(data[o:]) {
			if hasZeroPage(data, off, o) {
				return nil // pages a power loss never wrote: not acknowledged
			}
			return logDamage(name, off)
		}
	}
	return nil
}

// writtenWhole reports whether the entry of size bytes at off in data,
// which fails its checksum, was written to its end: its checksum is not
// zero and no page of it is. A write that a kill or a power loss cut short
// leaves the rest of the entry zero (Badger's logs are zeroed files), so
// such an entry is damage, not the torn end of a crash.
func writtenWhole(data []byte, off, size int) bool {
	if size == 0 || off+size > len(data) {
		return false
	}
	sum := data[off+size-crc32.Size : off+size]
	return !allZero(sum) && !hasZeroPage(data, off, off+size)
}

func logDamage(name string, off int) error {
	return fmt.Errorf("%w: %s: the entry at byte %d fails its checksum and intact entries follow it (a flipped bit?); opening would drop them; %s",
		ErrDamaged, name, off, openDamageHint)
}

// dataEnd returns the end of the last data (not hole) of f, whose length
// is size, or size if the file system cannot tell.
func dataEnd(f *os.File, size int64) int64 {
	end, off := int64(0), int64(0)
	for off < size {
		d, err := f.Seek(off, unix.SEEK_DATA)
		if err != nil {
			if errors.Is(err, unix.ENXIO) {
				return end // no data after off
			}
			return size
		}
		h, err := f.Seek(d, unix.SEEK_HOLE)
		if err != nil {
			return size
		}
		end, off = h, h
	}
	return min(end, size)
}

func allZero(b []byte) bool { return lastNonZero(b) < 0 }

// lastNonZero returns the offset of b's last byte that is not zero, or -1.
func lastNonZero(b []byte) int {
	var zero [logPageSize]byte
	end := len(b)
	for end > 0 {
		start := max(0, end-logPageSize)
		if !bytes.Equal(b[start:end], zero[:end-start]) {
			for i := end - 1; ; i-- {
				if b[i] != 0 {
					return i
				}
			}
		}
		end = start
	}
	return -1
}

// hasZeroPage reports whether b[from:to] holds a whole aligned page of
// zeros.
func hasZeroPage(b []byte, from, to int) bool {
	var zero [logPageSize]byte
	for p := (from + logPageSize - 1) / logPageSize * logPageSize; p+logPageSize <= to; p += logPageSize {
		if bytes.Equal(b[p:p+logPageSize], zero[:]) {
			return true
		}
	}
	return false
}
