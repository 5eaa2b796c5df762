package engine

import "context"

// QueryOptions order and bound the results of Query.
type QueryOptions struct {
	// Desc orders results newest first. The default order is ascending by
	// (time, job, attempt, line).
	Desc bool

	// Limit, if positive, stops after that many entries.
	Limit int

	// Unordered returns the entries in no particular order (Desc is then
	// ignored): block by block, without the merge that puts them in time
	// order, for a caller that aggregates them. A stats over a million
	// lines spent a quarter of its time in that merge.
	Unordered bool
}

// Query returns an iterator over the entries matching f, ordered by (time,
// job, attempt, line), ascending unless opts.Desc. A nil f matches every
// entry; a nil opts means no limit, ascending.
//
// Query finds candidate blocks in the full-text index and checks every line
// of them exactly, so its results never depend on how far the background
// indexer got. The iterator reads a snapshot: lines appended after Query
// returns are not seen. It must be closed.
func (db *DB) Query(ctx context.Context, f Filter, opts *QueryOptions) (*Iterator, error) {
	if opts == nil {
		opts = &QueryOptions{}
	}
	p, err := compile(f)
	if err != nil {
		return nil, err
	}
	db.useIndex(p)
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	txn := db.bdb.NewTransaction(false)
	cands, err := db.candidates(ctx, txn, p)
	if err != nil {
		txn.Discard()
		return nil, err
	}
	sortCandidates(cands, opts.Desc)
	it := &Iterator{
		db:        db,
		ctx:       ctx,
		txn:       txn,
		p:         p,
		cands:     cands,
		desc:      opts.Desc,
		limit:     opts.Limit,
		unordered: opts.Unordered,
		latest:    db.latestAttempts(txn),
	}
	it.hits.desc = opts.Desc
	it.fill = db.blocks.fits(cands)
	return it, nil
}

func (db *DB) checkOpen() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return ErrClosed
	}
	return nil
}

// entryLess orders entries by (time, job, attempt, line).
func entryLess(a, b *Entry) bool {
	if a.Time != b.Time {
		return a.Time < b.Time
	}
	if a.Job != b.Job {
		return a.Job < b.Job
	}
	if a.Attempt != b.Attempt {
		return a.Attempt < b.Attempt
	}
	return a.Line < b.Line
}

// hitHeap holds matched entries not yet returned, smallest first (largest
// first when desc).
type hitHeap struct {
	es   []Entry
	desc bool
}

func (h *hitHeap) Len() int { return len(h.es) }
func (h *hitHeap) Less(i, j int) bool {
	if h.desc {
		return entryLess(&h.es[j], &h.es[i])
	}
	return entryLess(&h.es[i], &h.es[j])
}
func (h *hitHeap) Swap(i, j int) { h.es[i], h.es[j] = h.es[j], h.es[i] }
func (h *hitHeap) Push(x any)    { h.es = append(h.es, x.(Entry)) }
func (h *hitHeap) Pop() any {
	e := h.es[len(h.es)-1]
	h.es = h.es[:len(h.es)-1]
	return e
}
