package engine

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"github.com/dgraph-io/badger/v4"
)

// blockCache keeps decoded sealed blocks, so that paging through a run 100
// lines at a time (READ … COUNT 100, `logdb read`, cursors) decodes each
// 1,024-line block once, not once per page, and a query run again does not
// decode its blocks again. It holds up to Options.BlockCacheBytes of
// decoded blocks and evicts the least recently used. Reads fill it:
// ReadLines with every sealed block it decodes, Query with a block it
// misses for the second time recently (see admit), if all its candidate
// blocks fit in a quarter of the cache (see fits). A query over more only
// uses what is there, so that one scan of everything neither empties the
// cache nor pays for filling it. A query run once pays nothing measurable:
// a block decoded to be cached cannot come from blockPool, and filling on
// the first miss made cold queries about 8 % slower (BENCHMARKS.md,
// "Decoded-block cache"). Appends, sealing, Count and the indexer never
// fill it, so a bulk load's memory is what it was. A nil *blockCache is
// off. It is safe for concurrent use. It is not ristretto (in the build
// already, through Badger): dropRun must find a run's blocks, which
// ristretto cannot list, and a read must find the block it just added,
// which ristretto's asynchronous, droppable Set does not promise.
//
// Why a cached block is never stale. The cache key is the block's run, first
// line and change-log sequence (summary.seq), and only sealed blocks are
// cached:
//
//   - Keys are rewritten only for unsealed chunks. Tail chunks share the B/M
//     keys of sealed blocks, and merging and sealing a tail replace a chunk
//     under the same key with more lines (tail.go), so a chunk is never
//     cached. A sealed block is written once, by blockOps, and never
//     rewritten: merging and sealing read and delete only the run's tail
//     chunks (loadChunks of rs.tail), which come after its last sealed
//     block. Compact and Reindex write no block (Badger's compactions and
//     value-log GC move values without changing them).
//   - A sealed block is deleted only with its run (DeleteRun, GC), and run
//     IDs are never reused: nextRun only grows, and every commit that
//     writes under a run ID also writes next-run past it (commitTxn), so an
//     ID reaches disk only with a larger next-run.
//   - Sequences are unique for the same reason (next-seq), and a block and
//     its summary are written in one transaction and read from one
//     snapshot, so the seq in the key names one block value for the life
//     of the store. Even if a sealed key were ever rewritten, the new block
//     would carry a new seq and miss.
//
// DeleteRun drops the run's blocks to give their memory back at once; a
// reader with an older snapshot may put one back afterwards, which is
// harmless (its key can never be asked for again) until LRU evicts it.
//
// Cached blocks are shared by concurrent readers and never written after
// decodeBlock: their messages alias a buffer no one writes (they are never
// returned to blockPool), and readers hand out label sets through
// labelsCopy, so that a caller modifying a returned Entry's Labels in place
// cannot reach the cache.
type blockCache struct {
	limit int64 // bytes of decoded blocks kept at most

	mu struct {
		sync.Mutex
		size  int64 // bytes of the blocks in items
		items map[cacheKey]*cacheEntry
		lru   cacheEntry // sentinel: lru.next is the most recently used

		// missed holds the keys of the last len(ring) blocks queries
		// missed without filling; ring[next] is the oldest.
		missed map[cacheKey]struct{}
		ring   []cacheKey
		next   int
	}
}

// DefaultBlockCacheBytes is the default of Options.BlockCacheBytes.
const DefaultBlockCacheBytes = 32 << 20

type cacheKey struct {
	id  blockID
	seq uint64
}

type cacheEntry struct {
	key        cacheKey
	b          *block
	size       int64
	prev, next *cacheEntry
}

// newBlockCache returns a cache of limit bytes, or nil (off) if limit <= 0.
func newBlockCache(limit int64) *blockCache {
	if limit <= 0 {
		return nil
	}
	c := &blockCache{limit: limit}
	c.mu.items = map[cacheKey]*cacheEntry{}
	c.mu.lru.next, c.mu.lru.prev = &c.mu.lru, &c.mu.lru
	// About as many keys as the cache holds blocks of 1,024 typical lines.
	c.mu.missed = map[cacheKey]struct{}{}
	c.mu.ring = make([]cacheKey, 0, max(64, limit/(128<<10)))
	return c
}

// admit reports whether a query that missed k should add it: whether k was
// missed recently before. If not, it remembers k.
func (c *blockCache) admit(k cacheKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.mu.missed[k]; ok {
		return true
	}
	if len(c.mu.ring) < cap(c.mu.ring) {
		c.mu.ring = append(c.mu.ring, k)
	} else {
		delete(c.mu.missed, c.mu.ring[c.mu.next])
		c.mu.ring[c.mu.next] = k
		c.mu.next = (c.mu.next + 1) % len(c.mu.ring)
	}
	c.mu.missed[k] = struct{}{}
	return false
}

// get returns the cached block for k, or nil.
func (c *blockCache) get(k cacheKey) *block {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.mu.items[k]
	if e == nil {
		return nil
	}
	c.unlinkLocked(e)
	c.pushFrontLocked(e)
	return e.b
}

// add caches b under k, evicting the least recently used blocks to stay
// within the limit. A block bigger than an eighth of the cache is not kept:
// one run of huge lines would otherwise empty it.
func (c *blockCache) add(k cacheKey, b *block) {
	if c == nil {
		return
	}
	size := b.memSize()
	if size > c.limit/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.mu.items[k]; ok {
		return // another reader decoded it meanwhile
	}
	e := &cacheEntry{key: k, b: b, size: size}
	c.mu.items[k] = e
	c.pushFrontLocked(e)
	c.mu.size += size
	for c.mu.size > c.limit {
		c.removeLocked(c.mu.lru.prev)
	}
}

// dropRun removes the blocks of run.
func (c *blockCache) dropRun(run uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.mu.items {
		if k.id.run == run {
			c.removeLocked(e)
		}
	}
}

// size returns the bytes of the cached blocks and their number.
func (c *blockCache) size() (bytes int64, blocks int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.size, len(c.mu.items)
}

func (c *blockCache) removeLocked(e *cacheEntry) {
	c.unlinkLocked(e)
	delete(c.mu.items, e.key)
	c.mu.size -= e.size
}

func (c *blockCache) unlinkLocked(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (c *blockCache) pushFrontLocked(e *cacheEntry) {
	e.prev, e.next = &c.mu.lru, c.mu.lru.next
	e.prev.next, e.next.prev = e, e
}

// memSize estimates the bytes b holds, with the cache's own overhead.
func (b *block) memSize() int64 {
	n := int64(unsafe.Sizeof(*b)) + int64(unsafe.Sizeof(cacheEntry{})) + 64 // the map's share
	n += int64(cap(b.buf)) + int64(cap(b.levels))
	n += 8*int64(cap(b.times)) + 4*int64(cap(b.msgOff)) + 4*int64(cap(b.setIdx))
	for _, ls := range b.sets {
		n += int64(unsafe.Sizeof(ls)) + int64(cap(ls))*int64(unsafe.Sizeof(Label{}))
		for _, l := range ls {
			n += int64(len(l.Name) + len(l.Value))
		}
	}
	return n
}

// labelsCopy returns a shallow copy of b whose label sets are copies, so
// that entries filled from it do not share label arrays with b. Strings are
// immutable and stay shared.
func (b *block) labelsCopy() *block {
	c := *b
	if len(b.sets) == 0 {
		return &c
	}
	n := 0
	for _, ls := range b.sets {
		n += len(ls)
	}
	all := make(Labels, 0, n)
	c.sets = make([]Labels, len(b.sets))
	for i, ls := range b.sets {
		all = append(all, ls...)
		c.sets[i] = all[len(all)-len(ls) : len(all) : len(all)]
	}
	return &c
}

// fits reports whether the blocks of cands together take at most a quarter
// of the cache once decoded (estimated from their summaries), so that a
// query over them may fill it (admit says with which blocks).
func (c *blockCache) fits(cands []candidate) bool {
	if c == nil {
		return false
	}
	var size int64
	for i := range cands {
		size += cands[i].sum.decodedSize()
		if size > c.limit/4 {
			return false
		}
	}
	return true
}

// decodedSize estimates the memory of the block s describes once decoded:
// its messages and, per line, a time, a level, a message offset and a
// little more for labels and varints.
func (s *summary) decodedSize() int64 { return s.bytes + 16*int64(s.count) }

// candidateBlock returns the decoded block of c from the cache, or read from
// txn's snapshot and, with fill, added to the cache; nil if it was deleted
// since the snapshot's summaries were read, or if skip, given its message
// column, says no line of it can match (then no other column is decoded). A cached block is shared and
// must not be modified or released (see labelsCopy); any other is from
// blockPool and goes back with releaseBlock.
func (db *DB) candidateBlock(txn *badger.Txn, c *candidate, fill bool, skip func(msgs []byte) bool) (b *block, cached bool, err error) {
	k := cacheKey{c.id, c.sum.seq}
	cacheable := db.blocks != nil && c.sum.sealed && c.sum.seq != 0
	if cacheable {
		if b = db.blocks.get(k); b != nil {
			return b, true, nil
		}
	}
	// Get on a read-only Badger transaction only reads the txn's fields,
	// so scanBlocks's workers share it (checked in badger v4.9.6's
	// txn.go); Value yields the copy Get made without another.
	item, err := txn.Get(blockKey(pfxBlock, c.id.run, c.id.first))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	fill = fill && cacheable && err == nil && db.blocks.admit(k)
	if err == nil {
		err = item.Value(func(v []byte) error {
			switch {
			case fill:
				b, err = db.codec.decodeBlock(c.id.first, v)
			case skip != nil:
				b, err = db.codec.decodePooledUnless(c.id.first, v, skip)
			default:
				b, err = db.codec.decodePooled(c.id.first, v)
			}
			return err
		})
	}
	if err != nil {
		return nil, false, fmt.Errorf("cannot read block %d/%d: %w", c.id.run, c.id.first, err)
	}
	db.readMapped(int(item.ValueSize()))
	if fill {
		db.blocks.add(k, b)
	}
	return b, fill, nil
}

// readBlock returns the decoded block id of txn's snapshot, whose summary
// is s, through the block cache if it is sealed. The block returned is the
// caller's: it shares only immutable memory with the cache.
func (db *DB) readBlock(txn *badger.Txn, id blockID, s *summary) (*block, error) {
	if !s.sealed || s.seq == 0 || db.blocks == nil {
		return db.getBlock(txn, id)
	}
	k := cacheKey{id, s.seq}
	b := db.blocks.get(k)
	if b == nil {
		var err error
		if b, err = db.getBlock(txn, id); err != nil {
			return nil, err
		}
		db.blocks.add(k, b)
	}
	if b.len() != s.count {
		return nil, fmt.Errorf("engine: BUG: block %d/%d (seq %d) has %d lines, its summary %d", id.run, id.first, s.seq, b.len(), s.count)
	}
	return b.labelsCopy(), nil
}
