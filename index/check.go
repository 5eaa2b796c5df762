package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/logdb/logdb/internal/verified"
)

// verifiedFile, in the index directory, lists the segments Check verified.
const verifiedFile = "verified"

// ErrDamaged is wrapped by the error of Open (and Check) when a file of the
// index fails its checksum or is malformed. The index is derived data: the
// caller removes it and builds it again.
var ErrDamaged = errors.New("index: damaged")

// Check verifies the index files in dir before Bleve reads them: the CRC-32
// that ends every segment file (zap writes the IEEE CRC of all the bytes
// before it), and the structure of the root file that lists the segments.
// Bleve trusts its files: a flipped bit in a segment's footer makes it
// panic, and one in a postings list makes a search miss documents, which
// for logdb would be a query that misses lines. Check reads every segment
// that is new or changed since it last verified it, or that it verified
// more than a day ago (package verified), at disk or page-cache speed;
// reading all of them took 110 ms of every open of a 10M-line store.
func Check(dir string) error {
	store := filepath.Join(dir, "store")
	segs, err := filepath.Glob(filepath.Join(store, "*.zap"))
	if err != nil {
		return err
	}
	// Segments verified before and unchanged since are not read again
	// (see package verified).
	rec := verified.Load(filepath.Join(dir, verifiedFile))
	now := time.Now()
	for _, name := range segs {
		if err := rec.Check(name, now, func() error { return checkSegment(name) }); err != nil {
			return err
		}
	}
	// Best effort: without the record the next Open reads every segment.
	_ = rec.Save()
	root := filepath.Join(store, "root.bolt")
	if _, err := os.Stat(root); err == nil {
		if err := checkRoot(root); err != nil {
			return err
		}
	}
	return nil
}

// checkSegment verifies the CRC at the end of one segment file.
func checkSegment(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("cannot read index segment: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	n := fi.Size() - 4
	if n < 0 {
		return fmt.Errorf("%w: %s is truncated", ErrDamaged, name)
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, bufio.NewReaderSize(io.LimitReader(f, n), 1<<20)); err != nil {
		return fmt.Errorf("cannot read index segment: %w", err)
	}
	var want [4]byte
	if _, err := io.ReadFull(f, want[:]); err != nil {
		return fmt.Errorf("cannot read index segment: %w", err)
	}
	if h.Sum32() != binary.BigEndian.Uint32(want[:]) {
		return fmt.Errorf("%w: %s fails its checksum", ErrDamaged, name)
	}
	return nil
}

// checkRoot checks the page structure of the root file, turning a panic of
// bbolt on a malformed page into an error.
func checkRoot(name string) (err error) {
	if err := checkRootSize(name); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s is malformed: %v", ErrDamaged, name, r)
		}
	}()
	db, err := bolt.Open(name, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, name, err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drained: Check's goroutine sends them all
			if first == nil {
				first = fmt.Errorf("%w: %s: %v", ErrDamaged, name, err)
			}
		}
		return first
	})
}

// checkRootSize checks that the root file holds every page its newest
// valid meta page counts: bbolt maps that many, and reading a page past the
// end of a truncated file is a SIGBUS, which no recover catches. The meta
// layout is bbolt's (internal/common/meta.go): after a 16-byte page header,
// magic, version, page size and flags (uint32s), the root bucket (16
// bytes), the freelist page, the page count, the txid and an FNV-64a of the
// fields before it, little-endian.
func checkRootSize(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("cannot read index root: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read index root: %w", err)
	}
	b := make([]byte, min(fi.Size(), 2<<16)) // two pages of bbolt's largest size
	if _, err := f.ReadAt(b, 0); err != nil {
		return fmt.Errorf("cannot read index root: %w", err)
	}
	var pages, pageSize, txid uint64
	found := false
	try := func(off int) {
		if off+16+64 > len(b) {
			return
		}
		m := b[off+16 : off+16+64]
		le := binary.LittleEndian
		if le.Uint32(m) != 0xED0CDAED {
			return
		}
		h := fnv.New64a()
		h.Write(m[:56])
		if h.Sum64() != le.Uint64(m[56:]) {
			return
		}
		if t := le.Uint64(m[48:]); !found || t > txid {
			found, txid = true, t
			pages, pageSize = le.Uint64(m[40:]), uint64(le.Uint32(m[8:]))
		}
	}
	try(0)
	if found {
		try(int(pageSize))
	} else {
		try(4096)
	}
	switch {
	case !found:
		return fmt.Errorf("%w: %s has no valid meta page", ErrDamaged, name)
	case pages*pageSize > uint64(fi.Size()):
		return fmt.Errorf("%w: %s is truncated: %d bytes, its meta page counts %d pages of %d", ErrDamaged, name, fi.Size(), pages, pageSize)
	}
	return nil
}

// sealed returns x as 8 bytes big-endian and their CRC-32C, so that a
// flipped bit in a stored number (the watermark: a higher one would make
// queries skip blocks not yet indexed) is found, not trusted.
func sealed(x uint64) []byte {
	b := binary.BigEndian.AppendUint64(nil, x)
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// unseal reverses sealed.
func unseal(v []byte) (uint64, error) {
	if len(v) != 12 || crc32.Checksum(v[:8], castagnoli) != binary.BigEndian.Uint32(v[8:]) {
		return 0, fmt.Errorf("%w: a stored number fails its checksum", ErrDamaged)
	}
	return binary.BigEndian.Uint64(v[:8]), nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)
