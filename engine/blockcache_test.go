package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// cacheMsg is line n of job/attempt in generation gen: a run deleted and
// written again gets other messages, so a stale block shows.
func cacheMsg(job string, attempt, gen int, n int64) string {
	return fmt.Sprintf("%s/%d gen%d line %d", job, attempt, gen, n)
}

func appendGen(t *testing.T, db *DB, job string, gen int, from, n int64) {
	t.Helper()
	var es []Entry
	for i := from; i < from+n; i++ {
		es = append(es, Entry{Job: job, Time: i, Message: cacheMsg(job, 0, gen, i),
			Labels: Labels{{Name: "gen", Value: fmt.Sprint(gen)}, {Name: "part", Value: fmt.Sprint(i % 3)}}})
	}
	if _, err := db.Append(context.Background(), es...); err != nil {
		t.Fatal(err)
	}
}

// checkRun reads job's attempt 0 in pages of page lines and checks that it
// holds lines 1…n of generation gen.
func checkRun(t *testing.T, db *DB, job string, gen int, n int64, page int) {
	t.Helper()
	ctx := context.Background()
	req := ReadRequest{Job: job, Count: page}
	var line int64
	for {
		p, err := db.ReadLines(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			line++
			want := cacheMsg(job, 0, gen, line)
			if e.Line != line || e.Message != want || e.Labels[0].Value != fmt.Sprint(gen) || e.Labels[1].Value != fmt.Sprint(line%3) {
				t.Fatalf("%s line %d: got line %d %q %v, want %q gen %d", job, line, e.Line, e.Message, e.Labels, want, gen)
			}
		}
		if p.IsEnd {
			break
		}
		req = ReadRequest{Cursor: p.Cursor, Count: page}
	}
	if line != n {
		t.Fatalf("%s: read %d lines, want %d", job, line, n)
	}
}

// checkQuery checks that a query for gen's word over job finds lines 1…n.
func checkQuery(t *testing.T, db *DB, job string, gen int, n int64) {
	t.Helper()
	it, err := db.Query(context.Background(), And(Job(job), Word(fmt.Sprintf("gen%d", gen))), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var line int64
	for it.Next() {
		e := it.Entry()
		line++
		if e.Line != line || e.Message != cacheMsg(job, 0, gen, line) {
			t.Fatalf("query %s gen%d: got line %d %q, want line %d", job, gen, e.Line, e.Message, line)
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if line != n {
		t.Fatalf("query %s gen%d: %d lines, want %d", job, gen, line, n)
	}
}

// Ensure that the block cache never returns stale lines: across tails
// growing, merging and sealing under keys that cached blocks may have had,
// idle seals, DeleteRun followed by a new run of the same name, GC,
// Compact and Reindex, read by ReadLines in pages and by Query.
func TestBlockCache_NeverStale(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{BlockLines: 8, SealAfter: time.Hour, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(job string, gen int, n int64) {
		t.Helper()
		for _, page := range []int{1, 3, 8, 100} {
			checkRun(t, db, job, gen, n, page)
		}
		checkQuery(t, db, job, gen, n)
	}

	// Lines 1–16 in two sealed blocks, 17–20 in a tail chunk at line 17.
	appendGen(t, db, "j", 1, 1, 20)
	check("j", 1, 20)
	if _, n := db.blocks.size(); n != 2 {
		t.Fatalf("%d blocks cached, want the 2 sealed ones", n)
	}
	// The tail grows in chunks (a chunk at 21 merges into the one at 17)
	// and is cut into a sealed block at line 17, the key of the chunk that
	// was read before.
	for i := int64(21); i <= 26; i++ {
		appendGen(t, db, "j", 1, i, 1)
		check("j", 1, i)
	}
	// An idle tail sealed as it is, then a new chunk after it.
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("j", 1, 26)
	appendGen(t, db, "j", 1, 27, 2)
	check("j", 1, 28)

	// The run is deleted and written again with other lines: the same name
	// and block keys' first lines, but a new run ID (the cache relies on
	// run IDs never being reused).
	runID := func() uint64 {
		var id uint64
		if err := db.bdb.View(func(txn *badger.Txn) (err error) {
			id, err = db.resolveRun(txn, "j", 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	old := runID()
	if err := db.DeleteRun(ctx, "j", 0); err != nil {
		t.Fatal(err)
	}
	for _, k := range db.cachedKeys() {
		t.Fatalf("block %v of the deleted run still cached", k)
	}
	appendGen(t, db, "j", 2, 1, 28)
	if id := runID(); id <= old {
		t.Fatalf("the new run has ID %d, the deleted one had %d", id, old)
	}
	check("j", 2, 28)
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("j", 2, 28)

	// Expired by GC, then written again.
	if _, err := db.GC(ctx, &Retention{MaxAge: time.Nanosecond, IncludeRunning: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReadLines(ctx, ReadRequest{Job: "j"}); err == nil {
		t.Fatal("the run survived GC")
	}
	appendGen(t, db, "j", 3, 1, 30)
	check("j", 3, 30)

	// Compact seals, waits for the index and compacts the store; Reindex
	// rebuilds the index. Neither changes a block.
	appendGen(t, db, "k", 1, 1, 13)
	check("k", 1, 13)
	if err := db.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	check("j", 3, 30)
	check("k", 1, 13)
	if err := db.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	check("j", 3, 30)
	check("k", 1, 13)

	// Every cached block is a sealed block of the store as it is now.
	for _, k := range db.cachedKeys() {
		if err := db.bdb.View(func(txn *badger.Txn) error {
			item, err := txn.Get(blockKey(pfxSummary, k.id.run, k.id.first))
			if err != nil {
				return err
			}
			s, err := itemSummary(item)
			if err == nil && (!s.sealed || s.seq != k.seq) {
				err = fmt.Errorf("summary sealed %v seq %d", s.sealed, s.seq)
			}
			return err
		}); err != nil {
			t.Fatalf("cached block %v: %v", k, err)
		}
	}
}

// Ensure that changing the entries ReadLines and Query return, labels
// included, does not change what later reads return.
func TestBlockCache_EntriesAreCopies(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{BlockLines: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	appendGen(t, db, "j", 1, 1, 16)
	for i := 0; i < 2; i++ { // the second time from the cache
		p, err := db.ReadLines(ctx, ReadRequest{Job: "j"})
		if err != nil {
			t.Fatal(err)
		}
		for k := range p.Entries {
			p.Entries[k].Labels[0].Value = "changed"
			p.Entries[k].Labels = append(p.Entries[k].Labels, Label{Name: "zz", Value: "added"})
		}
		it, err := db.Query(ctx, Job("j"), nil)
		if err != nil {
			t.Fatal(err)
		}
		for it.Next() {
			it.Entry().Labels[1].Value = "changed"
		}
		it.Close()
	}
	checkRun(t, db, "j", 1, 16, 5)
	checkQuery(t, db, "j", 1, 16)
}

// Ensure that the cache stays within its limit however many blocks are
// read, evicts the least recently used block first, and keeps no block
// bigger than an eighth of it.
func TestBlockCache_Bound(t *testing.T) {
	ctx := context.Background()
	const limit = 256 << 10
	db, err := Open(t.TempDir(), &Options{BlockLines: 64, BlockCacheBytes: limit, NoIndexer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for r := 0; r < 5; r++ {
		appendGen(t, db, fmt.Sprintf("r%d", r), 1, 1, 64*40)
	}
	most := 0
	for pass := 0; pass < 2; pass++ {
		for r := 0; r < 5; r++ {
			job := fmt.Sprintf("r%d", r)
			for from := int64(1); from <= 64*40; from += 64 {
				p, err := db.ReadLines(ctx, ReadRequest{Job: job, From: from, Count: 10})
				if err != nil || len(p.Entries) != 10 || p.Entries[0].Message != cacheMsg(job, 0, 1, from) {
					t.Fatalf("%s from %d: %v", job, from, err)
				}
				size, n := db.blocks.size()
				if size > limit {
					t.Fatalf("cache holds %d bytes in %d blocks, limit %d", size, n, limit)
				}
				most = max(most, n)
			}
		}
	}
	size, n := db.blocks.size()
	t.Logf("%d bytes in %d blocks after reading 200 blocks twice; at most %d blocks", size, n, most)
	if n < 10 || size < limit/2 {
		t.Fatalf("cache holds %d bytes in %d blocks: nearly empty", size, n)
	}

	// LRU order, and the size limit for one block, on a cache alone.
	c := newBlockCache(limit)
	blk := func(msgBytes int) *block {
		return &block{buf: make([]byte, msgBytes), times: make([]int64, 1), levels: make([]Level, 1), msgOff: make([]uint32, 2)}
	}
	key := func(i int) cacheKey { return cacheKey{blockID{1, int64(i)}, uint64(i)} }
	per := blk(limit / 10).memSize()
	for i := 0; i < 9; i++ {
		c.add(key(i), blk(limit/10))
	}
	if size, n := c.size(); n != 9 || size != 9*per {
		t.Fatalf("%d blocks, %d bytes; want 9, %d", n, size, 9*per)
	}
	c.get(key(0)) // now the most recently used
	c.add(key(9), blk(limit/10))
	c.add(key(10), blk(limit/10))
	for i, want := range map[int]bool{0: true, 1: false, 2: false, 3: true, 9: true, 10: true} {
		if got := c.get(key(i)) != nil; got != want {
			t.Errorf("block %d cached: %v, want %v", i, got, want)
		}
	}
	c.add(key(99), blk(limit/8))
	if c.get(key(99)) != nil {
		t.Error("a block bigger than an eighth of the cache was kept")
	}
	c.dropRun(1)
	if size, n := c.size(); n != 0 || size != 0 {
		t.Fatalf("after dropRun: %d blocks, %d bytes", n, size)
	}

	// Off.
	off, err := Open(t.TempDir(), &Options{BlockCacheBytes: -1, NoIndexer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	if off.blocks != nil {
		t.Fatal("BlockCacheBytes -1 did not turn the cache off")
	}
	appendGen(t, off, "j", 1, 1, 2000)
	checkRun(t, off, "j", 1, 2000, 100)
}

// Ensure that a query fills the cache only with blocks it misses a second
// time, and only when all its blocks fit in a quarter of the cache, while
// ReadLines fills it at once.
func TestBlockCache_QueryAdmission(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{BlockLines: 8, BlockCacheBytes: 64 << 10, NoIndexer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	appendGen(t, db, "small", 1, 1, 32) // 4 blocks, about 2 KiB decoded
	appendGen(t, db, "big", 1, 1, 1000) // 125 blocks, more than 16 KiB
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cached := func() (small, big int) {
		for _, k := range db.cachedKeys() {
			if name, _ := db.names.Load(k.id.run); name.(runName).job == "small" {
				small++
			} else {
				big++
			}
		}
		return small, big
	}
	for i, want := range []int{0, 4, 4} {
		checkQuery(t, db, "small", 1, 32)
		checkQuery(t, db, "big", 1, 1000)
		if small, big := cached(); small != want || big != 0 {
			t.Fatalf("after query %d: %d blocks of small and %d of big cached, want %d and 0", i+1, small, big, want)
		}
	}
	checkRun(t, db, "big", 1, 1000, 100)
	if _, big := cached(); big == 0 {
		t.Fatal("ReadLines cached nothing")
	}
}

// Ensure that readers sharing cached blocks, writers sealing tails and
// deleting and recreating runs, and the cache's eviction run together
// without races (go test -race) or stale lines.
func TestBlockCache_Concurrent(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{BlockLines: 16, BlockCacheBytes: 64 << 10, SealAfter: 10 * time.Millisecond, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for r := 0; r < 4; r++ {
		appendGen(t, db, fmt.Sprintf("r%d", r), 1, 1, 300)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 16)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				job := fmt.Sprintf("r%d", (w+i)%4)
				p, err := db.ReadLines(ctx, ReadRequest{Job: job, From: int64(1 + (i*37)%300), Count: 50})
				if err != nil {
					errs <- err
					return
				}
				for _, e := range p.Entries {
					if e.Message != cacheMsg(job, 0, 1, e.Line) {
						errs <- fmt.Errorf("%s line %d: %q", job, e.Line, e.Message)
						return
					}
					_ = e.Labels.Map()
				}
				it, err := db.Query(ctx, And(Job(job), Word("gen1")), &QueryOptions{Limit: 40})
				if err != nil {
					errs <- err
					return
				}
				for it.Next() {
					if e := it.Entry(); e.Message != cacheMsg(job, 0, 1, e.Line) {
						errs <- fmt.Errorf("query %s line %d: %q", job, e.Line, e.Message)
					}
				}
				it.Close()
			}
		}()
	}
	// A writer keeps a run changing: appended a line at a time (tails
	// merging and sealing), read, deleted and written again.
	for gen := 1; gen <= 5; gen++ {
		for i := int64(1); i <= 40; i++ {
			appendGen(t, db, "w", gen, i, 1)
		}
		checkRun(t, db, "w", gen, 40, 7)
		if err := db.DeleteRun(ctx, "w", 0); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// cachedKeys lists the keys in the block cache.
func (db *DB) cachedKeys() []cacheKey {
	c := db.blocks
	c.mu.Lock()
	defer c.mu.Unlock()
	var ks []cacheKey
	for k := range c.mu.items {
		ks = append(ks, k)
	}
	return ks
}
