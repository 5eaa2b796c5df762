package engine

import (
	"container/heap"
	"context"
	"errors"

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
	db     *DB
	ctx    context.Context
	txn    *badger.Txn
	p      *plan
	cands  []candidate
	next   int // next candidate to visit
	hits   hitHeap
	desc   bool
	limit  int
	n      int // entries returned
	latest func(string) int

	cur Entry
	err error
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
		if it.hits.Len() > 0 && (it.next >= len(it.cands) || it.safe(&it.hits.es[0], &it.cands[it.next])) {
			it.cur = heap.Pop(&it.hits).(Entry)
			it.n++
			return true
		}
		if it.next >= len(it.cands) {
			return false
		}
		if err := it.ctx.Err(); err != nil {
			it.err = err
			return false
		}
		if err := it.visit(&it.cands[it.next]); err != nil {
			it.err = err
			return false
		}
		it.next++
	}
}

// safe reports whether e comes before every line of candidate c.
func (it *Iterator) safe(e *Entry, c *candidate) bool {
	if it.desc {
		return e.Time > c.sum.maxT
	}
	return e.Time < c.sum.minT
}

// visit checks every line of a candidate block and keeps the matches.
func (it *Iterator) visit(c *candidate) error {
	b, err := it.db.getBlock(it.txn, c.id)
	if err != nil {
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil // deleted since the snapshot's summaries were read
		}
		return err
	}
	return it.p.scan(b, c.name, it.latest, func(e *Entry) { heap.Push(&it.hits, *e) })
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
	for r.i = lo; r.i < hi; r.i++ {
		if p.cond.match(&r) {
			b.entry(r.i, &e)
			fn(&e)
		}
	}
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
