package engine

import (
	"sync"
	"sync/atomic"
	"time"
)

// Badger and Bleve read and write their files through memory maps, and
// the pages of a mapped file that the process touched stay in its resident
// set until the file is unmapped, which for a store's value logs and index
// segments is when the store closes: a 10M-line load held over 600 MB of them.
// The kernel would give them up under memory pressure, but they count in
// the process's RSS and crowd out other programs' page cache first.
//
// So the engine gives them back itself: while its mapped pages exceed
// Options.MappedMemory, it tells the kernel (madvise MADV_DONTNEED) that it
// no longer needs the pages of the store's mapped files. That is safe for
// every mapping it touches, all of them shared file mappings: the pages
// stay in the page cache, dirty ones are written back as usual, and the
// next access maps them again (a minor fault), as reading the files with
// pread would. See mapped_linux.go.
//
// A check every mappedCheckEvery is not enough for reads: a query that
// scans blocks the index does not cover yet reads value logs at a few
// hundred MB/s, and a scan of 10M lines took a process to 500 MB before
// the next check. So reads of blocks also count the bytes they take from
// the maps (mappedTally), and every quarter of the budget read checks at
// once, whether the store is open for writing or read-only.

// DefaultMappedMemory is the default of Options.MappedMemory.
const DefaultMappedMemory = 64 << 20

// mappedCheckEvery is how often the engine checks its mapped pages: a
// compaction or an index merge can read more than the budget in half a
// second, and a check costs one read of /proc/self/status (tens of
// microseconds).
const mappedCheckEvery = 100 * time.Millisecond

// mappedLoop keeps the store's mapped pages under budget until the store
// closes.
func (db *DB) mappedLoop() {
	defer db.wg.Done()
	tick := time.NewTicker(mappedCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-db.ctx.Done():
			return
		case <-tick.C:
		}
		db.releaseMappedNow()
	}
}

// A mappedTally counts the bytes read through memory maps since the
// resident pages were last checked.
type mappedTally struct {
	read  atomic.Int64
	check sync.Mutex // held by whoever is checking
}

// readMapped notes that a reader took n bytes from the store's mapped
// files, and keeps the mapped pages under budget when a quarter of it was
// read since the last check. A check already under way elsewhere is
// enough: readers never wait for one.
func (db *DB) readMapped(n int) {
	budget := db.opts.MappedMemory
	if budget <= 0 || db.mapped.read.Add(int64(n)) < budget/4 {
		return
	}
	db.releaseMappedNow()
}

// releaseMappedNow gives the mapped pages back if they exceed the budget,
// unless another goroutine is checking already.
func (db *DB) releaseMappedNow() {
	budget := db.opts.MappedMemory
	if budget <= 0 || !db.mapped.check.TryLock() {
		return
	}
	defer db.mapped.check.Unlock()
	db.mapped.read.Store(0)
	if fileResident() > budget {
		releaseMapped(db.dir)
	}
}
