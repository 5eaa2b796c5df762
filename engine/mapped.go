package engine

import "time"

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

// DefaultMappedMemory is the default of Options.MappedMemory.
const DefaultMappedMemory = 64 << 20

// mappedCheckEvery is how often the engine checks its mapped pages.
const mappedCheckEvery = 500 * time.Millisecond

// mappedLoop keeps the store's mapped pages under budget until the store
// closes.
func (db *DB) mappedLoop(budget int64) {
	defer db.wg.Done()
	tick := time.NewTicker(mappedCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-db.ctx.Done():
			return
		case <-tick.C:
		}
		if fileResident() > budget {
			releaseMapped(db.dir)
		}
	}
}
