package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/logdb/logdb/index"
)

// A VerifyReport is what Verify found.
type VerifyReport struct {
	Runs, Blocks, Lines int64 // what was checked
	Bytes               int64 // compressed block bytes read

	// Damaged lists every range of lines that cannot be read, in order.
	Damaged []DamagedRange

	// BadRuns lists run records that cannot be read, by run ID.
	BadRuns []string

	// Index problems: sealed blocks the index should hold and does not,
	// and documents of blocks the store no longer has. Both are repaired
	// by Reindex (queries stay correct meanwhile only for the second).
	IndexMissing, IndexExtra int64
	IndexChecked             bool // false if the index was not ready
}

// OK reports whether Verify found nothing wrong.
func (r *VerifyReport) OK() bool {
	return len(r.Damaged) == 0 && len(r.BadRuns) == 0 && r.IndexMissing == 0 && r.IndexExtra == 0
}

// Verify reads every run record, summary and block of the store, checking
// each block's checksum and decoding it, that a run's blocks hold its lines
// 1…N without gaps, and that the index holds every sealed block the
// indexer has applied and no other. Damaged blocks it finds are recorded,
// so that the indexer moves past them and counts leave them out (see
// damage.go). Verify takes time in proportion to the store and holds no
// lock: appends go on meanwhile (it checks a snapshot).
func (db *DB) Verify(ctx context.Context) (*VerifyReport, error) {
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	rep := &VerifyReport{}
	w := db.ix.indexed.Load()
	ready := db.ix.ready.Load()
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()

	indexed := map[blockID]bool{} // sealed blocks at or below the watermark
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxRun}, PrefetchValues: true})
	var runs []runRecord
	var ids []uint64
	for it.Rewind(); it.Valid(); it.Next() {
		id, _ := decodeRunID(it.Item().Key()[1:])
		var rec runRecord
		err := it.Item().Value(func(v []byte) (err error) {
			rec, err = decodeRunRecord(v)
			return err
		})
		if err != nil {
			rep.BadRuns = append(rep.BadRuns, fmt.Sprintf("run %d: %v", id, err))
			continue
		}
		runs = append(runs, rec)
		ids = append(ids, id)
	}
	it.Close()

	for i, rec := range runs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.Runs++
		if err := db.verifyRun(ctx, txn, ids[i], &rec, w, indexed, rep); err != nil {
			return nil, err
		}
	}

	if ready {
		if err := db.verifyIndex(ctx, indexed, rep); err != nil {
			return nil, err
		}
	}
	var ds damageSet
	ds.ranges = rep.Damaged
	if err := ds.err(); err != nil {
		rep.Damaged = err.(*DamageError).Ranges
	}
	return rep, nil
}

// verifyRun checks one run's summaries and blocks.
func (db *DB) verifyRun(ctx context.Context, txn *badger.Txn, id uint64, rec *runRecord, w uint64, indexed map[blockID]bool, rep *VerifyReport) error {
	lost := func(first, last int64, cause string) {
		if first <= last {
			rep.Damaged = append(rep.Damaged, DamagedRange{Job: rec.job, Attempt: rec.attempt, First: first, Last: last, Cause: cause})
		}
	}
	next := int64(1)
	badSummary := ""
	it := txn.NewIterator(badger.IteratorOptions{Prefix: runKey(pfxSummary, id), PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, first, _ := parseBlockKey(it.Item().Key())
		if badSummary != "" {
			lost(next, first-1, badSummary)
			badSummary, next = "", first
		}
		if first > next {
			lost(next, first-1, "no block holds them")
		} else if first < next {
			lost(first, next-1, "two blocks hold them")
		}
		s, err := itemSummary(it.Item())
		if err != nil {
			db.recordDamage(blockID{id, first}, 0, "summary "+damageCause(err))
			badSummary, next = "summary "+damageCause(err), first
			continue
		}
		last := first + int64(s.count) - 1
		next = last + 1
		rep.Blocks++
		item, err := txn.Get(blockKey(pfxBlock, id, first))
		if err != nil {
			lost(first, last, "block missing: "+err.Error())
			continue
		}
		rep.Bytes += item.ValueSize()
		db.readMapped(int(item.ValueSize()))
		err = item.Value(func(v []byte) error {
			b, err := db.codec.decodePooled(first, v)
			if err != nil {
				return err
			}
			defer releaseBlock(b)
			if b.len() != s.count {
				return fmt.Errorf("%w: %d lines, its summary says %d", errCorrupt, b.len(), s.count)
			}
			return nil
		})
		if err != nil {
			db.recordDamage(blockID{id, first}, s.count, damageCause(err))
			lost(first, last, damageCause(err))
			continue
		}
		rep.Lines += int64(s.count)
		if s.sealed && s.seq != 0 && s.seq <= w {
			indexed[blockID{id, first}] = true
		}
	}
	if badSummary != "" {
		lost(next, rec.lines, badSummary)
	} else {
		lost(next, rec.lines, "no block holds them")
	}
	return nil
}

// verifyIndex compares the index's documents with the sealed blocks the
// indexer has applied.
func (db *DB) verifyIndex(ctx context.Context, indexed map[blockID]bool, rep *VerifyReport) error {
	ix := db.ix.index.Load()
	if ix == nil {
		return nil
	}
	docs, err := ix.Search(ctx, index.All{})
	if errors.Is(err, index.ErrClosed) {
		return nil // being rebuilt
	}
	if err != nil {
		return fmt.Errorf("cannot read the index: %w", err)
	}
	rep.IndexChecked = true
	seen := make(map[blockID]bool, len(docs))
	for _, d := range docs {
		g, err := parseGranuleID(d)
		if err != nil {
			rep.IndexExtra++
			continue
		}
		for _, id := range g {
			seen[id] = true
		}
	}
	for id := range indexed {
		if !seen[id] {
			rep.IndexMissing++
		}
	}
	for id := range seen {
		if !indexed[id] {
			// A block sealed after the snapshot's watermark may be indexed
			// already; only blocks the store does not have are extra.
			if _, err := db.blockSummary(id); errors.Is(err, badger.ErrKeyNotFound) {
				rep.IndexExtra++
			}
		}
	}
	return nil
}

// blockSummary reads the summary of block id from a fresh snapshot.
func (db *DB) blockSummary(id blockID) (summary, error) {
	var s summary
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get(blockKey(pfxSummary, id.run, id.first))
		if err != nil {
			return err
		}
		s, err = itemSummary(item)
		return err
	})
	return s, err
}
