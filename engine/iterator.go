package engine

import (
	"container/heap"
	"context"
	"errors"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/dgraph-io/badger/v4"
)

// Iterator walks the results of Query.
//
//	it, err := db.Query(ctx, f, nil)
//	if err != nil { … }
//	defer it.Close()
//	for it.Next() {
//		e := it.Entry()
//		…
//	}
//	if err := it.Err(); err != nil { … }
//
// Next returns false when the results are exhausted or an error occurred
// (including cancellation of the query's context); Err then tells which.
// Close releases resources and may be called at any time, more than once.
// An Iterator is not safe for concurrent use.
//
// The iterator merges blocks in time order: it visits candidate blocks by
// their earliest time and returns a matched line once no block still to be
// visited can hold an earlier one.
type Iterator struct {
	db    *DB
	ctx   context.Context
	txn   *badger.Txn
	p     *plan
	cands []candidate
	next  int // next candidate to visit
	hits  hitHeap
	desc  bool
	// unordered: hits come from queue, in the order the blocks gave
	// them, instead of from the heap (see QueryOptions.Unordered).
	unordered bool
	queue     []Entry
	qpos      int
	limit     int
	n         int  // entries returned
	wave      int  // candidates in the next wave
	fill      bool // the blocks are few enough to fill the block cache (blockCache.fits)
	latest    func(string) int

	cur    Entry
	err    error
	damage damageSet // blocks that could not be read; reported once the rest is
}

// Next advances to the next entry and reports whether there is one.
func (it *Iterator) Next() bool {
	if it.err != nil || it.txn == nil {
		return false
	}
	if it.limit > 0 && it.n >= it.limit {
		return false
	}
	for {
		if it.unordered && it.qpos < len(it.queue) {
			it.cur = it.queue[it.qpos]
			it.qpos++
			it.n++
			return true
		}
		if !it.unordered && it.hits.Len() > 0 && (it.next >= len(it.cands) || it.safe(&it.hits.es[0], &it.cands[it.next])) {
			it.cur = heap.Pop(&it.hits).(Entry)
			it.n++
			return true
		}
		if it.next >= len(it.cands) {
			it.err = it.damage.err()
			return false
		}
		if err := it.ctx.Err(); err != nil {
			it.err = err
			return false
		}
		if err := it.visitWave(); err != nil {
			it.err = err
			return false
		}
	}
}

// safe reports whether e comes before every line of candidate c.
func (it *Iterator) safe(e *Entry, c *candidate) bool {
	if it.desc {
		return e.Time > c.sum.maxT
	}
	return e.Time < c.sum.minT
}

// Candidate blocks are visited in waves: the compressed blocks of a wave
// are read in order, then decoded and scanned by up to GOMAXPROCS goroutines
// at once, and their hits go into the merge heap in order. Waves start small,
// so that a query with a small limit reads little, and double up to
// maxWave.
const maxWave = 32

// visitWave visits the next wave of candidates and advances it.next past it.
func (it *Iterator) visitWave() error {
	if it.wave == 0 {
		it.wave = 2
	}
	n := min(it.wave, len(it.cands)-it.next)
	it.wave = min(2*it.wave, maxWave)
	wave := it.cands[it.next : it.next+n]
	hits, _, err := it.db.scanBlocks(it.ctx, it.txn, it.p, wave, it.latest, true, it.fill, &it.damage)
	if err != nil {
		return err
	}
	if it.unordered {
		clear(it.queue)
		it.queue, it.qpos = it.queue[:0], 0
		for _, hs := range hits {
			it.queue = append(it.queue, hs...)
		}
	} else {
		for _, hs := range hits {
			for i := range hs {
				heap.Push(&it.hits, hs[i])
			}
		}
	}
	it.next += n
	return nil
}

// scanBlocks reads the blocks of cands and scans them in parallel. It
// returns, per block, the number of matching lines of each level and, with
// keep, the matching entries. Blocks in the block cache are used from it;
// with fill, the sealed blocks read are added to it. A block that cannot
// be read is added to damage, recorded (see damage.go) and skipped.
func (db *DB) scanBlocks(ctx context.Context, txn *badger.Txn, p *plan, cands []candidate, latest func(string) int, keep, fill bool, damage *damageSet) ([][]Entry, [][NumLevels]int, error) {
	out := make([][]Entry, len(cands))
	counts := make([][NumLevels]int, len(cands))
	errs := make([]error, len(cands))
	damaged := make([]error, len(cands))
	skip := p.skipMessages()
	work := func(k int) {
		c := &cands[k]
		b, cached, err := db.candidateBlock(txn, c, fill, skip)
		if isDamage(err) {
			damaged[k] = err
			return
		}
		if err != nil {
			errs[k] = err
			return
		}
		if b == nil {
			return // deleted since the snapshot's summaries were read
		}
		if cached && keep {
			b = b.labelsCopy()
		}
		errs[k] = p.scan(b, c.name, latest, func(e *Entry) {
			counts[k][e.Level]++
			if keep {
				out[k] = append(out[k], *e)
			}
		})
		if cached {
			return // the kept messages alias a buffer that is never reused
		}
		// The block's buffer goes back to the pool: the kept messages must
		// not alias it. One copy for all of them.
		if keep && len(out[k]) > 0 {
			size := 0
			for i := range out[k] {
				size += len(out[k][i].Message)
			}
			buf := make([]byte, 0, size)
			for i := range out[k] {
				m := &out[k][i].Message
				buf = append(buf, *m...)
				*m = unsafe.String(unsafe.SliceData(buf[len(buf)-len(*m):]), len(*m))
			}
		}
		releaseBlock(b)
	}
	workers := min(runtime.GOMAXPROCS(0), len(cands))
	if workers <= 1 {
		for k := range cands {
			work(k)
		}
	} else {
		var (
			wg   sync.WaitGroup
			next atomic.Int64
		)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := int(next.Add(1) - 1); k < len(cands) && ctx.Err() == nil; k = int(next.Add(1) - 1) {
					work(k)
				}
			}()
		}
		wg.Wait()
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	db.reportDamaged(cands, damaged, damage)
	return out, counts, errors.Join(errs...)
}

// reportDamaged records, and adds to damage, each candidate whose error
// in damaged is not nil: a block that could not be read.
func (db *DB) reportDamaged(cands []candidate, damaged []error, damage *damageSet) {
	for k, err := range damaged {
		if err != nil {
			c := &cands[k]
			cause := damageCause(err)
			db.recordDamage(c.id, c.sum.count, cause)
			damage.add(DamagedRange{Job: c.name.job, Attempt: c.name.attempt, First: c.id.first,
				Last: c.id.first + int64(c.sum.count) - 1, Cause: cause})
		}
	}
}

// scan calls fn for each line of b that matches the plan. The entry passed
// is reused between calls.
func (p *plan) scan(b *block, name runName, latest func(string) int, fn func(*Entry)) error {
	if p.skipBlock(b) {
		return nil
	}
	r := row{b: b, name: name, latest: latest}
	lo, hi := 0, b.len()
	if p.lineMin > b.first {
		lo = int(min(p.lineMin-b.first, int64(hi)))
	}
	if p.lineMax < b.first+int64(hi)-1 {
		hi = int(max(p.lineMax-b.first+1, 0))
	}
	var e Entry
	e.Job, e.Attempt = name.job, name.attempt
	check := func(i int) {
		r.i = i
		if p.cond.match(&r) {
			b.entry(i, &e)
			fn(&e)
		}
	}
	if p.driver == nil {
		for i := lo; i < hi; i++ {
			check(i)
		}
		return nil
	}
	// One pass over all the messages for the driver's occurrences; only
	// the lines holding one are checked.
	done := -1 // last line checked
	n := len(p.driver.needle)
	p.driver.scan(b.data, func(off int) bool {
		i := done + 1 + sort.Search(len(b.msgOff)-done-2, func(k int) bool { return int(b.msgOff[done+2+k]) > off })
		switch {
		case i >= hi:
			return false
		case i < lo || off < int(b.msgOff[i]) || off+n > int(b.msgOff[i+1]):
			return true // before the range, in a line already checked, or across two lines
		}
		check(i)
		done = i
		return true
	})
	return nil
}

// Entry returns the current entry. It is valid until the next call to Next.
func (it *Iterator) Entry() *Entry { return &it.cur }

// Err returns the error that stopped Next, if any.
func (it *Iterator) Err() error { return it.err }

// Close releases the iterator's resources. It returns Err.
func (it *Iterator) Close() error {
	if it.txn != nil {
		it.txn.Discard()
		it.txn = nil
	}
	it.hits.es = nil
	return it.err
}
