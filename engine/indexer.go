package engine

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/logdb/logdb/index"
)

// The indexer keeps the full-text index in step with the sealed blocks. Every
// seal and every deletion of a sealed block writes a change-log entry ('C'
// keys) in the same Badger transaction. The indexer applies the entries in
// sequence order to Bleve, storing the last applied sequence (the watermark)
// in the same Bleve batch, and then deletes the applied entries.
//
// A query reads, in this order: a Badger snapshot, the watermark W, the
// index; its candidate blocks are the index hits plus the blocks of the
// change-log entries after W plus the unsealed tails, all checked against
// the snapshot. Entries are deleted only after W moved past them, so a
// query never misses a block whatever the indexer is doing.
//
// The index belongs to one generation of the store: a random number kept
// both in Badger and in Bleve. When they differ (a new, lost or damaged
// index) the indexer rebuilds the index from all sealed blocks, and queries
// scan the summaries of all blocks meanwhile.
type indexState struct {
	index   atomic.Pointer[index.Index]
	ready   atomic.Bool   // index and change log together cover every sealed block
	indexed atomic.Uint64 // watermark: change-log entries applied

	mu      sync.Mutex    // serializes index writers: catch-up batches, rebuilds
	wake    chan struct{} // nudges the indexer; capacity 1
	urgent  chan struct{} // WaitIndexed is waiting: index now; capacity 1
	waiters atomic.Int32  // goroutines in WaitIndexed

	notifyMu sync.Mutex
	notify   chan struct{} // closed and replaced whenever indexed or ready changes

	trouble  trouble               // the indexer's failures, logged once each
	diskFull atomic.Pointer[error] // non-nil error while the indexer waits for space

	readOnly sync.Once // opens the index of a read-only DB; see readonly.go
}

var metaIndexGen = metaKey("index-gen")

// indexBatchBlocks is the most blocks that go into one Bleve batch; up to
// GOMAXPROCS batches are built at once. Bigger batches mean less merging
// for Bleve but more memory: on the 1M-line bench load, batches of 256
// blocks indexed in 4.8 s with a peak RSS of 630 MiB, batches of 64 in
// 5.4 s with 240 MiB (see BENCHMARKS.md). A batch holds a granule or two
// (see granule.go).
const indexBatchBlocks = granuleBlocks

// indexBatchNeed is the disk space one indexer step may take: GOMAXPROCS
// batches of indexBatchBlocks blocks, at about 40 KB of index per block
// (1024 lines of 40 bytes of index each).
var indexBatchNeed = int64(runtime.GOMAXPROCS(0)) * indexBatchBlocks * 40 << 10

// The indexer gives way to appends: while lines keep arriving (the last
// Append less than indexIdle ago) it waits, unless indexMaxBacklog blocks
// are waiting or someone waits for it (WaitIndexed, Flush). A bulk load
// then runs on both cores and is indexed afterwards in big batches built in
// parallel, which costs less than indexing as it goes: Bleve merges fewer
// segments. Queries stay correct meanwhile; they scan the blocks not yet
// indexed.
const (
	indexIdle       = 500 * time.Millisecond
	indexMaxBacklog = 1024
)

// settleIdle is how long the index must have been caught up, with nothing
// new to index, before the indexer settles it (DB.Settle) by itself.
var settleIdle = 10 * time.Second // a variable for tests

func (db *DB) indexDir() string { return filepath.Join(db.dir, "index") }

func (db *DB) logger() *slog.Logger {
	if db.opts.Logger != nil {
		return db.opts.Logger
	}
	return slog.Default()
}

// init makes the channels of the index state.
func (s *indexState) init() {
	s.wake = make(chan struct{}, 1)
	s.urgent = make(chan struct{}, 1)
	s.notify = make(chan struct{})
	s.diskFull.Store(new(error))
}

// startIndexer opens the index and starts the indexer goroutine.
func (db *DB) startIndexer() {
	if db.opts.NoIndexer {
		return
	}
	ix, err := index.Open(db.indexDir())
	if err != nil {
		// The index is derived data: start over.
		db.logger().Warn("rebuilding the full-text index", "reason", err)
		if err := index.Remove(db.indexDir()); err != nil {
			db.logger().Error("cannot remove the full-text index; queries will scan", "err", err)
			return
		}
		if ix, err = index.Open(db.indexDir()); err != nil {
			db.logger().Error("cannot create the full-text index; queries will scan", "err", err)
			return
		}
	}
	db.ix.index.Store(ix)
	if ok, err := db.indexCurrent(ix); err != nil {
		db.logger().Warn("rebuilding the full-text index", "reason", err)
	} else if ok {
		w, _ := ix.Watermark()
		db.ix.indexed.Store(w)
		db.ix.ready.Store(true)
	}
	db.wg.Add(1)
	go db.indexLoop()
}

// indexCurrent reports whether ix belongs to the store's current generation.
func (db *DB) indexCurrent(ix *index.Index) (bool, error) {
	gen, err := ix.Generation()
	if err != nil {
		return false, err
	}
	var want uint64
	err = db.bdb.View(func(txn *badger.Txn) error {
		want, err = getUvarint(txn, metaIndexGen)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil && gen == want && gen != 0, err
}

func (db *DB) wakeIndexer() {
	select {
	case db.ix.wake <- struct{}{}:
	default:
	}
}

func (db *DB) notifyIndexWaiters() {
	db.ix.notifyMu.Lock()
	close(db.ix.notify)
	db.ix.notify = make(chan struct{})
	db.ix.notifyMu.Unlock()
}

func (db *DB) indexLoop() {
	defer db.wg.Done()
	tick := time.NewTicker(indexIdle / 4)
	defer tick.Stop()
	settled, lastStep := true, time.Now()
	for {
		var err error
		if !db.disk.room() {
			err = db.disk.admit("index", 0) // wait for space; the message says why
		} else if !db.ix.ready.Load() {
			err = db.rebuildIndex(db.ctx, false)
		} else {
			// Index until caught up, giving way as soon as appends resume
			// or the disk fills.
			for db.indexNow() {
				if err = db.disk.admit("index", indexBatchNeed); err != nil {
					break
				}
				var n int
				n, err = db.indexStep(db.ctx)
				if n > 0 {
					settled, lastStep = false, time.Now()
				}
				if errors.Is(err, index.ErrBroken) {
					// Rebuilt from the blocks once there is room.
					db.ix.ready.Store(false)
				}
				if n == 0 || err != nil {
					break
				}
			}
			if err == nil && !settled && time.Since(lastStep) >= settleIdle && db.indexBacklog() == 0 {
				if ix := db.ix.index.Load(); ix != nil {
					err = ix.Settle(db.ctx)
				}
				settled = err == nil
			}
		}
		if db.ctx.Err() == nil {
			db.ix.trouble.report(db.logger(), "indexer", err)
		}
		// WaitIndexed gives up while the indexer waits for disk space.
		var full error
		if errors.Is(err, ErrDiskFull) {
			full = err
		}
		if old := db.ix.diskFull.Swap(&full); full != nil || *old != nil {
			db.notifyIndexWaiters()
		}
		select {
		case <-db.ctx.Done():
			return
		case <-db.ix.wake:
		case <-db.ix.urgent:
		case <-tick.C:
		}
	}
}

// indexNow reports whether the indexer should index now (see indexIdle).
func (db *DB) indexNow() bool {
	backlog := db.indexBacklog()
	switch {
	case backlog == 0:
		return false
	case db.ix.waiters.Load() > 0 || backlog >= indexMaxBacklog:
		return true
	}
	return now()-db.lastAppend.Load() >= int64(indexIdle)
}

// indexBacklog returns the number of change-log entries not yet indexed.
func (db *DB) indexBacklog() uint64 {
	db.mu.Lock()
	next := db.mu.nextSeq
	db.mu.Unlock()
	if w := db.ix.indexed.Load(); next-1 > w {
		return next - 1 - w
	}
	return 0
}

// indexStep applies the next change-log entries to the index and returns
// how many it applied.
func (db *DB) indexStep(ctx context.Context) (int, error) {
	db.ix.mu.Lock()
	defer db.ix.mu.Unlock()
	ix := db.ix.index.Load()
	if ix == nil || !db.ix.ready.Load() {
		return 0, nil
	}
	w := db.ix.indexed.Load()
	var (
		olds       []string
		regranuled []indexedGranule
		added      []indexedGranule
		dels       []blockID
		last       uint64
		n          int
	)
	workers := runtime.GOMAXPROCS(0)
	err := db.bdb.View(func(txn *badger.Txn) error {
		var puts []blockID
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxChange}, PrefetchValues: true, PrefetchSize: indexBatchBlocks})
		defer it.Close()
		for it.Seek(changeKey(w + 1)); it.Valid() && n < workers*indexBatchBlocks; it.Next() {
			seq := binary.BigEndian.Uint64(it.Item().Key()[1:])
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			op, id, ok := parseChangeValue(v)
			if !ok {
				return fmt.Errorf("%w: bad change-log entry %d", errCorrupt, seq)
			}
			last, n = seq, n+1
			if op == opPut {
				puts = append(puts, id)
			} else {
				dels = append(dels, id)
			}
		}
		it.Close()
		var err error
		if olds, regranuled, err = db.regranule(ctx, txn, ix, dels); err != nil {
			return err
		}
		ms, err := db.members(txn, puts)
		if err != nil {
			return err
		}
		added, err = db.indexGranules(ctx, txn, db.groupGranules(ms))
		return err
	})
	if err != nil || n == 0 {
		return 0, err
	}
	// The filters go first: a block in the index without its filter is
	// read, but a filter is never trusted without its seal (see
	// wordfilter.go), so either order is correct; this one keeps reads
	// few.
	if err := db.putFilters(append(regranuled, added...), dels); err != nil {
		return 0, err
	}
	if err := applyParallel(ix, docsOf(regranuled), olds, docsOf(added), last); err != nil {
		return 0, err
	}
	db.ix.indexed.Store(last)
	db.notifyIndexWaiters()
	return n, db.trimChangeLog(last)
}

// applyParallel applies to ix, in one batch, the documents first and the
// deletions dels (a deleted block's granule and the documents of its other
// blocks: a query must see either), then docs in batches of about
// indexBatchBlocks blocks, up to GOMAXPROCS built at once, then sets the
// watermark. The watermark goes in a batch of its own after the others are
// durable, so that a crash in between leaves the old watermark and the
// documents are indexed again (a block in two documents is harmless: see
// count.go).
func applyParallel(ix *index.Index, first []index.Doc, dels []string, docs []index.Doc, watermark uint64) error {
	blocks := 0
	for i := range docs {
		blocks += len(docs[i].Blocks)
	}
	if blocks <= indexBatchBlocks {
		return ix.Apply(append(first, docs...), dels, watermark)
	}
	var chunks [][]index.Doc
	for len(docs) > 0 {
		n, b := 0, 0
		for n < len(docs) && (n == 0 || b+len(docs[n].Blocks) <= indexBatchBlocks) {
			b += len(docs[n].Blocks)
			n++
		}
		chunks = append(chunks, docs[:n])
		docs = docs[n:]
	}
	chunks[0] = append(first, chunks[0]...)
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for i, c := range chunks {
		var d []string
		if i == 0 {
			d = dels
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ix.Apply(c, d, 0)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ix.Apply(nil, nil, watermark)
}

// trimChangeLog deletes the change-log entries up to seq.
func (db *DB) trimChangeLog(seq uint64) error {
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxChange}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			if binary.BigEndian.Uint64(k[1:]) > seq {
				break
			}
			if err := wb.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return wb.Flush()
}

// putFilters stores the word filters of gs and deletes those of the
// deleted blocks dels, which the indexer may have written after their
// deletion. They need no sync: a filter lost in a crash only means its
// block is read.
func (db *DB) putFilters(gs []indexedGranule, dels []blockID) error {
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	for _, id := range dels {
		if err := wb.Delete(blockKey(pfxFilter, id.run, id.first)); err != nil {
			return err
		}
	}
	for i := range gs {
		for _, f := range gs[i].filters {
			if err := wb.Set(blockKey(pfxFilter, f.id.run, f.id.first), f.filter); err != nil {
				return err
			}
		}
	}
	return wb.Flush()
}

// docsOf returns the index documents of gs.
func docsOf(gs []indexedGranule) []index.Doc {
	docs := make([]index.Doc, len(gs))
	for i := range gs {
		docs[i] = gs[i].doc
	}
	return docs
}

// An unreadableBlock is a block the indexer could not read or decode.
type unreadableBlock struct {
	id  blockID
	err error
}

func (e *unreadableBlock) Error() string {
	return fmt.Sprintf("cannot index block %d/%d: %v", e.id.run, e.id.first, e.err)
}

func (e *unreadableBlock) Unwrap() error { return e.err }

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// rebuildIndex replaces the index with one built from every sealed block of
// a snapshot, then lets the change log carry it forward. Unless force, it
// does nothing if the index is ready: the indexer may have waited for the
// lock while Reindex rebuilt it (rebuilding again, it was interrupted by
// Close and left a partial index).
func (db *DB) rebuildIndex(ctx context.Context, force bool) error {
	db.ix.mu.Lock()
	defer db.ix.mu.Unlock()
	if !force && db.ix.ready.Load() {
		return nil
	}
	db.ix.ready.Store(false)
	if old := db.ix.index.Swap(nil); old != nil {
		if err := old.Close(); err != nil {
			return err
		}
	}
	if err := index.Remove(db.indexDir()); err != nil {
		return err
	}
	ix, err := index.Open(db.indexDir())
	if err != nil {
		return err
	}
	db.ix.index.Store(ix)

	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	seq, err := getUvarint(txn, metaNextSeq)
	if err != nil {
		return fmt.Errorf("cannot read store metadata: %w", err)
	}
	last := seq - 1
	var ms []member
	flush := func(watermark uint64) error {
		if err := db.disk.admit("rebuild the index", indexBatchNeed); err != nil {
			return err
		}
		gs, err := db.indexGranules(ctx, txn, db.groupGranules(ms))
		if err != nil {
			return err
		}
		ms = ms[:0]
		if err := db.putFilters(gs, nil); err != nil {
			return err
		}
		return applyParallel(ix, nil, nil, docsOf(gs), watermark)
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxSummary}})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		run, first, _ := parseBlockKey(it.Item().Key())
		s, err := itemSummary(it.Item())
		if isDamage(err) {
			continue // reads report it; an index can do without it
		} else if err != nil {
			return err
		}
		if !s.sealed {
			continue
		}
		ms = append(ms, member{blockID{run, first}, s})
		if len(ms) == runtime.GOMAXPROCS(0)*indexBatchBlocks {
			if err := flush(0); err != nil {
				return err
			}
		}
	}
	it.Close()
	if err := flush(last); err != nil {
		return err
	}
	var g [8]byte
	if _, err := rand.Read(g[:]); err != nil {
		return err
	}
	gen := binary.BigEndian.Uint64(g[:]) | 1
	if err := ix.SetGeneration(gen); err != nil {
		return err
	}
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(metaIndexGen, binary.AppendUvarint(nil, gen))
	}); err != nil {
		return err
	}
	db.ix.indexed.Store(last)
	db.ix.ready.Store(true)
	db.notifyIndexWaiters()
	return db.trimChangeLog(last)
}

// Reindex rebuilds the full-text index from the stored blocks. Queries stay
// correct meanwhile, scanning instead of using the index.
func (db *DB) Reindex(ctx context.Context) error {
	if err := db.writable(); err != nil {
		return err
	}
	if db.opts.NoIndexer {
		return errors.New("engine: reindex: the indexer is disabled (Options.NoIndexer)")
	}
	if err := db.rebuildIndex(ctx, true); err != nil {
		return fmt.Errorf("cannot rebuild index: %w", err)
	}
	return nil
}

// WaitIndexed waits until every block sealed before the call is in the
// full-text index. It returns at once if the indexer is disabled.
func (db *DB) WaitIndexed(ctx context.Context) error {
	if err := db.writable(); err != nil {
		return err
	}
	if db.opts.NoIndexer {
		return nil
	}
	db.mu.Lock()
	if db.mu.closed {
		db.mu.Unlock()
		return ErrClosed
	}
	target := db.mu.nextSeq - 1
	db.mu.Unlock()
	db.ix.waiters.Add(1)
	defer db.ix.waiters.Add(-1)
	select {
	case db.ix.urgent <- struct{}{}:
	default:
	}
	woken := false
	for {
		db.ix.notifyMu.Lock()
		ch := db.ix.notify
		db.ix.notifyMu.Unlock()
		if db.ix.ready.Load() && db.ix.indexed.Load() >= target {
			return nil
		}
		// Only once the indexer has looked since the call (it is woken
		// by urgent), so that an old failure does not answer.
		if full := db.ix.diskFull.Load(); woken && full != nil && *full != nil {
			return fmt.Errorf("the lines are stored and readable, but not yet indexed: %w", *full)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-db.ctx.Done():
			return ErrClosed
		case <-ch:
			woken = true
		}
	}
}

// Settle seals open tails, waits for the index to catch up (Flush) and
// merges the small index segments that indexing in batches leaves, so that
// the store takes the room it will keep. logdb ingest calls it at the end
// of a load, and the indexer settles the index by itself once appends
// pause (settleIdle).
func (db *DB) Settle(ctx context.Context) error {
	if err := db.Flush(ctx); err != nil {
		return err
	}
	if ix := db.ix.index.Load(); ix != nil {
		return ix.Settle(ctx)
	}
	return nil
}

// Compact settles the store further: it seals open tails, waits for the index to
// catch up, merges the index into one segment and compacts the Badger
// levels, dropping the space of rewritten and deleted blocks. It is meant
// for after a bulk load and for measuring the settled size; the DB stays
// usable meanwhile.
func (db *DB) Compact(ctx context.Context) error {
	if err := db.Flush(ctx); err != nil { // refuses a read-only DB
		return err
	}
	if ix := db.ix.index.Load(); ix != nil {
		if err := ix.Compact(ctx); err != nil {
			return err
		}
	}
	return db.compactStore(ctx)
}
