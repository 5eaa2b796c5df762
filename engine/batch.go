package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// A writeBatch gathers the writes of one writer (an Append, a seal) into
// Badger transactions, committing early when a transaction grows large, and
// holds the new in-memory run states until their transaction commits. The
// caller holds db.mu throughout.
type writeBatch struct {
	db      *DB
	txn     *badger.Txn
	size    int                  // estimated bytes in txn
	count   int                  // writes in txn
	pending map[uint64]*runState // run states written in txn
	runs    map[runName]*runState
	seqs    bool                // txn writes change-log entries
	changed bool                // txn appends lines or changes a run: wake followers
	jobs    map[string]struct{} // the jobs whose runs txn changes, for JobChanges
}

// change notes that the batch changes job's runs (lines appended, a run
// started, finished or deleted): its commit wakes followers of all runs and
// of job's.
func (wb *writeBatch) change(job string) {
	wb.changed = true
	if wb.jobs == nil {
		wb.jobs = map[string]struct{}{}
	}
	wb.jobs[job] = struct{}{}
}

// txnBudget bounds a transaction's estimated size, well inside Badger's
// limit of 15% of a memtable.
func (db *DB) txnBudget() int { return int(db.opts.MemTableSize / 10) }

const txnMaxWrites = 2000

func (db *DB) newWriteBatch() *writeBatch {
	return &writeBatch{
		db:      db,
		txn:     db.bdb.NewTransaction(true),
		pending: map[uint64]*runState{},
		runs:    map[runName]*runState{},
	}
}

func (wb *writeBatch) discard() {
	if wb.txn != nil {
		wb.txn.Discard()
		wb.txn = nil
	}
}

// An op is one write: a put, or a delete when del is set.
type op struct {
	key, val []byte
	del      bool
}

// add writes ops, committing the transaction first if they would overflow
// it. A run state given is installed once the ops commit.
func (wb *writeBatch) add(ops []op, rs *runState) error {
	size := 0
	for _, o := range ops {
		size += len(o.key) + len(o.val) + 32
	}
	if wb.count > 0 && (wb.size+size > wb.db.txnBudget() || wb.count+len(ops) > txnMaxWrites) {
		if err := wb.commitTxn(); err != nil {
			return err
		}
	}
	for _, o := range ops {
		var err error
		if o.del {
			err = wb.txn.Delete(o.key)
		} else {
			err = wb.txn.Set(o.key, o.val)
		}
		if err != nil {
			return fmt.Errorf("cannot write: %w", err)
		}
		if o.key[0] == pfxChange {
			wb.seqs = true
		}
	}
	wb.size += size
	wb.count += len(ops)
	if rs != nil {
		wb.pending[rs.id] = rs
		wb.runs[runName{rs.rec.job, rs.rec.attempt}] = rs
	}
	return nil
}

// commit commits what is left and ends the batch.
func (wb *writeBatch) commit() error {
	if wb.count == 0 {
		wb.discard()
		return nil
	}
	err := wb.commitTxn()
	wb.discard()
	return err
}

// commitTxn commits the current transaction with the store counters, installs
// the pending run states and starts a new transaction.
func (wb *writeBatch) commitTxn() error {
	db := wb.db
	if err := wb.txn.Set(metaNextRun, binary.AppendUvarint(nil, db.mu.nextRun)); err != nil {
		return err
	}
	if err := wb.txn.Set(metaNextSeq, binary.AppendUvarint(nil, db.mu.nextSeq)); err != nil {
		return err
	}
	if err := wb.txn.Commit(); err != nil {
		if errors.Is(err, badger.ErrTxnTooBig) {
			err = fmt.Errorf("engine: BUG: transaction too big: %w", err)
		}
		return fmt.Errorf("cannot commit: %w", classifyIOError(err))
	}
	for id, rs := range wb.pending {
		name := runName{rs.rec.job, rs.rec.attempt}
		db.mu.byID[id] = rs
		db.mu.runs[name] = rs
		db.names.Store(id, name)
		if len(rs.tail) > 0 {
			db.mu.tails[id] = rs
		} else {
			delete(db.mu.tails, id)
		}
		if l, ok := db.mu.latest[name.job]; !ok || name.attempt > l {
			db.mu.latest[name.job] = name.attempt
		}
	}
	if len(db.mu.runs) > maxResidentRuns {
		db.evictRuns()
	}
	if wb.seqs {
		db.wakeIndexer()
	}
	if wb.changed {
		close(db.mu.changed)
		db.mu.changed = make(chan struct{})
		db.mu.changeSeq++
		for job := range wb.jobs {
			db.mu.jobSeq[job] = db.mu.changeSeq
			if ch, ok := db.mu.jobChanged[job]; ok {
				close(ch)
				delete(db.mu.jobChanged, job)
			}
		}
	}
	wb.pending = map[uint64]*runState{}
	clear(wb.jobs)
	wb.size, wb.count, wb.seqs, wb.changed = 0, 0, false, false
	wb.txn = db.bdb.NewTransaction(true)
	return nil
}

// run returns the current state of the named run: pending in this batch,
// cached, or loaded from the store. With create, a missing run is made
// (it is written by the first appendLines); without, it returns nil.
func (wb *writeBatch) run(name runName, create bool) (*runState, error) {
	if rs, ok := wb.runs[name]; ok {
		return rs, nil
	}
	db := wb.db
	if rs, ok := db.mu.runs[name]; ok {
		return rs, nil
	}
	rs, err := db.loadRun(wb.txn, name)
	if err != nil || rs != nil || !create {
		return rs, err
	}
	// The job name is copied: the run stays in memory (db.mu.runs) while
	// the store is open, and must not keep the caller's buffer alive (an
	// ingest reader's arena chunk per run, 300 MB for 10M lines once).
	name.job = strings.Clone(name.job)
	rs = &runState{id: db.mu.nextRun, isNew: true, rec: runRecord{job: name.job, attempt: name.attempt, created: now()}}
	db.mu.nextRun++
	// Not in db.mu.runs until its first write commits.
	wb.runs[name] = rs
	return rs, nil
}
