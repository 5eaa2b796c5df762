package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// A candidate is a block that may hold matching lines.
type candidate struct {
	id   blockID
	sum  summary
	name runName
}

// candidates returns the blocks of txn's snapshot that may hold lines
// matching p, pruned by their summaries.
func (db *DB) candidates(ctx context.Context, txn *badger.Txn, p *plan) ([]candidate, error) {
	fr := newFilterReader(txn, p)
	defer fr.close()
	if p.jobs != nil {
		return db.runCandidates(ctx, txn, p, fr)
	}
	ix := db.ix.index.Load()
	if p.ixq == nil || ix == nil || !db.ix.ready.Load() {
		return db.scanCandidates(ctx, txn, p, nil, fr)
	}
	// See indexer.go for why this order (snapshot, watermark, search) is
	// safe.
	w := db.ix.indexed.Load()
	ids, err := ix.Search(ctx, p.ixq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The index may be being rebuilt; scanning is always correct.
		return db.scanCandidates(ctx, txn, p, nil, fr)
	}
	want := make(map[blockID]bool, len(ids))
	for _, s := range ids {
		g, err := parseGranuleID(s)
		if err != nil {
			return nil, err
		}
		for _, id := range g {
			want[id] = true
		}
	}
	// Blocks found damaged are not in the index: read them, to report them.
	known, err := knownDamage(txn)
	if err != nil {
		return nil, err
	}
	for id := range known {
		want[id] = true
	}
	// Blocks sealed after the watermark.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxChange}, PrefetchValues: true})
	for it.Seek(changeKey(w + 1)); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			it.Close()
			return nil, err
		}
		if op, id, ok := parseChangeValue(v); ok && op == opPut {
			want[id] = true
		}
	}
	it.Close()
	// Unsealed tails.
	it = txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxTail}})
	var tails []uint64
	for it.Rewind(); it.Valid(); it.Next() {
		tails = append(tails, binary.BigEndian.Uint64(it.Item().Key()[1:]))
	}
	it.Close()

	var out []candidate
	for _, run := range tails {
		cs, err := db.scanCandidates(ctx, txn, p, runKey(pfxSummary, run), fr)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !c.sum.sealed {
				out = append(out, c)
			}
		}
	}
	// In key order, for the filter reader and the LSM tree.
	order := make([]blockID, 0, len(want))
	for id := range want {
		order = append(order, id)
	}
	sort.Slice(order, func(i, j int) bool {
		return order[i].run < order[j].run || order[i].run == order[j].run && order[i].first < order[j].first
	})
	// One iterator walks to each summary: where the index names most
	// blocks, as for a level that is everywhere, the next is mostly the
	// iterator's next key, and a point read each cost a count by job over
	// 100M lines a quarter of its time.
	sit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxSummary}})
	defer sit.Close()
	sit.Rewind()
	for _, id := range order {
		k := blockKey(pfxSummary, id.run, id.first)
		for n := 0; n < summarySteps && sit.Valid() && bytes.Compare(sit.Item().Key(), k) < 0; n++ {
			sit.Next()
		}
		if sit.Valid() && bytes.Compare(sit.Item().Key(), k) < 0 {
			sit.Seek(k)
		}
		if !sit.Valid() || !bytes.Equal(sit.Item().Key(), k) {
			continue // deleted since it was indexed
		}
		c, err := db.candidate(txn, p, id, sit.Item(), fr)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// summarySteps is how many keys candidates steps over before it seeks.
const summarySteps = 4

// scanCandidates reads the summaries under prefix (all blocks if nil).
func (db *DB) scanCandidates(ctx context.Context, txn *badger.Txn, p *plan, prefix []byte, fr *filterReader) ([]candidate, error) {
	if prefix == nil {
		prefix = []byte{pfxSummary}
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	var out []candidate
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run, first, ok := parseBlockKey(it.Item().Key())
		if !ok {
			return nil, fmt.Errorf("%w: bad summary key", errCorrupt)
		}
		c, err := db.candidate(txn, p, blockID{run, first}, it.Item(), fr)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// candidate decodes a summary and returns the candidate, or nil if the plan
// or the block's word filter (fr, which may be nil) rules the block out.
func (db *DB) candidate(txn *badger.Txn, p *plan, id blockID, item *badger.Item, fr *filterReader) (*candidate, error) {
	var s summary
	err := item.Value(func(v []byte) error {
		var err error
		s, err = decodeSummary(v)
		return err
	})
	if isDamage(err) {
		name, _ := db.runName(txn, id.run)
		return nil, fmt.Errorf("%w: the summary of the block from line %d of %s/%d cannot be read (%s); %s",
			ErrDamaged, id.first, name.job, name.attempt, damageCause(err), damageHint)
	}
	if err != nil {
		return nil, err
	}
	if p.skip(id.first, &s) || fr.rulesOut(id, &s) {
		return nil, nil
	}
	name, err := db.runName(txn, id.run)
	if err != nil {
		return nil, err
	}
	if p.jobs != nil && (len(p.jobs) == 0 || name.job != p.jobs[0]) {
		return nil, nil
	}
	return &candidate{id: id, sum: s, name: name}, nil
}

// runCandidates returns the candidates of the runs of the plan's jobs.
func (db *DB) runCandidates(ctx context.Context, txn *badger.Txn, p *plan, fr *filterReader) ([]candidate, error) {
	var out []candidate
	for _, job := range p.jobs {
		runs, err := db.attemptsOf(txn, job)
		if err != nil {
			return nil, err
		}
		latest := -1
		if len(runs) > 0 {
			latest = runs[len(runs)-1].attempt
		}
		for _, r := range runs {
			ok := true
			for _, af := range p.attempts {
				if !af.match(&row{name: runName{job, r.attempt}, latest: func(string) int { return latest }}) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			cs, err := db.scanCandidates(ctx, txn, p, runKey(pfxSummary, r.id), fr)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	}
	return out, nil
}

// An attemptRef is one attempt of a job and its run ID.
type attemptRef struct {
	attempt int
	id      uint64
}

// attemptsOf lists the attempts of job in order.
func (db *DB) attemptsOf(txn *badger.Txn, job string) ([]attemptRef, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: jobPrefix(job), PrefetchValues: true})
	defer it.Close()
	var out []attemptRef
	for it.Rewind(); it.Valid(); it.Next() {
		_, attempt, ok := parseJobKey(it.Item().Key())
		if !ok {
			return nil, fmt.Errorf("%w: bad job key", errCorrupt)
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		id, err := decodeRunID(v)
		if err != nil {
			return nil, err
		}
		out = append(out, attemptRef{attempt, id})
	}
	return out, nil
}

// latestAttempts returns a function giving the latest attempt of a job in
// txn's snapshot, or -1, caching answers. The function is safe for
// concurrent use.
func (db *DB) latestAttempts(txn *badger.Txn) func(string) int {
	var mu sync.Mutex
	cache := map[string]int{}
	return func(job string) int {
		mu.Lock()
		defer mu.Unlock()
		if a, ok := cache[job]; ok {
			return a
		}
		a := -1
		it := txn.NewIterator(badger.IteratorOptions{Prefix: jobPrefix(job), Reverse: true})
		k := append(jobPrefix(job), 0xff, 0xff, 0xff, 0xff)
		if it.Seek(k); it.Valid() {
			if _, at, ok := parseJobKey(it.Item().Key()); ok {
				a = at
			}
		}
		it.Close()
		cache[job] = a
		return a
	}
}

// sortCandidates orders candidates for a time-ordered merge: by earliest
// time ascending, or by latest time descending.
func sortCandidates(cs []candidate, desc bool) {
	if desc {
		sort.Slice(cs, func(i, j int) bool { return cs[i].sum.maxT > cs[j].sum.maxT })
	} else {
		sort.Slice(cs, func(i, j int) bool { return cs[i].sum.minT < cs[j].sum.minT })
	}
}
