package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// A run's newest lines form its tail: unsealed chunks, each a block that is
// stored but not indexed. Queries scan tails directly. appendLines keeps a
// tail short by merging chunks like a binary counter (a new chunk absorbs
// the chunks before it that are no larger), so a line is rewritten about
// log2(BlockLines) times at most; once the tail reaches BlockLines lines or
// BlockBytes bytes it is cut into sealed blocks, which enter the change log
// and so the index. A tail idle for SealAfter is sealed as it is.

// appendLines writes es, consecutive new lines of run rs, and installs the
// run's new state when they commit. With seal, the tail and es are sealed
// whole, leaving no tail (AppendOptions.Ended).
func (wb *writeBatch) appendLines(rs *runState, es []Entry, seal bool) error {
	ns := rs.clone()
	ns.isNew = false
	var ops []op
	if rs.isNew {
		ops = append(ops, op{key: jobKey(rs.rec.job, rs.rec.attempt), val: binaryRunID(rs.id)})
	}
	var sum summary
	for i := range es {
		s := summary{count: 1, minT: es[i].Time, maxT: es[i].Time, bytes: int64(len(es[i].Message)) + 1}
		s.levels[es[i].Level] = 1
		sum.add(&s)
	}
	ns.rec.addSummary(&sum)

	tailN, tailB := rs.tailLines()
	if seal || tailN+len(es) >= wb.db.opts.BlockLines || tailB+sum.bytes >= int64(wb.db.opts.BlockBytes) {
		// Cut the tail and the new lines into sealed blocks; what is left
		// over becomes the new tail, unless seal.
		all := es // only read
		if len(rs.tail) > 0 {
			tail, delOps, err := wb.loadChunks(rs.id, rs.tail)
			if err != nil {
				return err
			}
			ops = append(ops, delOps...)
			all = append(tail, es...)
		}
		ns.tail = nil
		for len(all) > 0 {
			n, full := wb.db.cut(all)
			if full || seal {
				ops = append(ops, wb.db.blockOps(rs.id, all[:n], true)...)
			} else {
				ops = append(ops, wb.db.blockOps(rs.id, all[:n], false)...)
				ns.tail = append(ns.tail, chunkOf(all[:n]))
			}
			all = all[n:]
		}
	} else {
		piece := es
		for len(ns.tail) > 0 && ns.tail[len(ns.tail)-1].count <= len(piece) {
			last := ns.tail[len(ns.tail)-1]
			prev, delOps, err := wb.loadChunks(rs.id, []chunk{last})
			if err != nil {
				return err
			}
			ops = append(ops, delOps...)
			piece = append(prev, piece...)
			ns.tail = ns.tail[:len(ns.tail)-1]
		}
		ops = append(ops, wb.db.blockOps(rs.id, piece, false)...)
		ns.tail = append(ns.tail, chunkOf(piece))
	}
	ns.lastAppend = now()
	switch {
	case len(rs.tail) == 0 && len(ns.tail) > 0:
		ops = append(ops, op{key: runKey(pfxTail, rs.id), val: []byte{}})
	case len(rs.tail) > 0 && len(ns.tail) == 0:
		ops = append(ops, op{key: runKey(pfxTail, rs.id), del: true})
	}
	ns.rec.updated = ns.lastAppend
	if rs.rec.lines == 0 && len(ns.rec.labels) == 0 {
		// A run's labels are those of its first line unless StartRun
		// gave some.
		// Copied, strings too: the run stays in memory while the store is
		// open, and must not keep the caller's buffers alive. Kinds
		// are dropped, as the run record does not keep them.
		ns.rec.labels = es[0].Labels.clone().text()
	}
	if ns.rec.status == Waiting {
		ns.rec.status = Running
	}
	ops = append(ops, op{key: runKey(pfxRun, rs.id), val: ns.rec.encode()})
	wb.change(ns.rec.job)
	return wb.add(ops, ns)
}

// sealTail seals the whole tail of rs into one block.
func (wb *writeBatch) sealTail(rs *runState) error {
	if len(rs.tail) == 0 {
		return nil
	}
	all, ops, err := wb.loadChunks(rs.id, rs.tail)
	if err != nil {
		return err
	}
	ops = append(ops, wb.db.blockOps(rs.id, all, true)...)
	ops = append(ops, op{key: runKey(pfxTail, rs.id), del: true})
	ns := rs.clone()
	ns.tail = nil
	return wb.add(ops, ns)
}

// cut returns how many of es (at least one) go into the next block, and
// whether that block is full: BlockLines lines or BlockBytes bytes.
func (db *DB) cut(es []Entry) (n int, full bool) {
	bytes := 0
	for i := range es {
		bytes += len(es[i].Message) + 1
		if i+1 == db.opts.BlockLines || bytes >= db.opts.BlockBytes {
			return i + 1, true
		}
	}
	return len(es), false
}

func chunkOf(es []Entry) chunk {
	c := chunk{first: es[0].Line, count: len(es)}
	for i := range es {
		c.bytes += int64(len(es[i].Message)) + 1
	}
	return c
}

// blockOps encodes es as a block of run and returns the writes for it: the
// block, its summary and, when sealed, a change-log entry.
func (db *DB) blockOps(run uint64, es []Entry, sealed bool) []op {
	v, sum := db.codec.encodeBlock(es)
	first := es[0].Line
	ops := make([]op, 0, 3)
	if sealed {
		sum.sealed = true
		sum.seq = db.mu.nextSeq
		db.mu.nextSeq++
		ops = append(ops, op{key: changeKey(sum.seq), val: changeValue(opPut, blockID{run, first})})
	}
	return append(ops,
		op{key: blockKey(pfxBlock, run, first), val: v},
		op{key: blockKey(pfxSummary, run, first), val: sum.encode()})
}

// loadChunks reads the lines of chunks of run and returns them with the
// deletes that remove the chunks.
func (wb *writeBatch) loadChunks(run uint64, cs []chunk) ([]Entry, []op, error) {
	n := 0
	for _, c := range cs {
		n += c.count
	}
	es := make([]Entry, 0, n+wb.db.opts.BlockLines)
	ops := make([]op, 0, 2*len(cs))
	for _, c := range cs {
		b, err := wb.db.getBlock(wb.txn, blockID{run, c.first})
		if err != nil {
			return nil, nil, err
		}
		if b.len() != c.count {
			return nil, nil, fmt.Errorf("engine: BUG: chunk %d/%d has %d lines, want %d", run, c.first, b.len(), c.count)
		}
		for i := 0; i < b.len(); i++ {
			var e Entry
			b.entry(i, &e)
			es = append(es, e)
		}
		ops = append(ops,
			op{key: blockKey(pfxBlock, run, c.first), del: true},
			op{key: blockKey(pfxSummary, run, c.first), del: true})
	}
	return es, ops, nil
}

// getBlock reads and decodes a block.
func (db *DB) getBlock(txn *badger.Txn, id blockID) (*block, error) {
	item, err := txn.Get(blockKey(pfxBlock, id.run, id.first))
	if err != nil {
		return nil, fmt.Errorf("cannot read block %d/%d: %w", id.run, id.first, err)
	}
	var b *block
	err = item.Value(func(v []byte) error {
		var err error
		b, err = db.codec.decodeBlock(id.first, v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read block %d/%d: %w", id.run, id.first, err)
	}
	db.readMapped(int(item.ValueSize()))
	return b, nil
}

// loadRun reads a run's record and tail from the store, caches it, and
// returns it; nil if the run does not exist. The caller holds db.mu.
func (db *DB) loadRun(txn *badger.Txn, name runName) (*runState, error) {
	item, err := txn.Get(jobKey(name.job, name.attempt))
	if err == badger.ErrKeyNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot look up run %s/%d: %w", name.job, name.attempt, err)
	}
	var id uint64
	if err := item.Value(func(v []byte) error {
		id, err = decodeRunID(v)
		return err
	}); err != nil {
		return nil, err
	}
	return db.loadRunID(txn, id)
}

// loadRunID is loadRun by run ID.
func (db *DB) loadRunID(txn *badger.Txn, id uint64) (*runState, error) {
	if rs, ok := db.mu.byID[id]; ok {
		return rs, nil
	}
	rec, err := getRunRecord(txn, id)
	if err != nil {
		return nil, err
	}
	rs := &runState{id: id, rec: rec, lastAppend: now()}
	// The tail is the run's last blocks after its last sealed one.
	it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: runKey(pfxSummary, id)})
	defer it.Close()
	for it.Seek(blockKey(pfxSummary, id, math.MaxInt64)); it.Valid(); it.Next() {
		_, first, _ := parseBlockKey(it.Item().Key())
		var s summary
		if err := it.Item().Value(func(v []byte) error {
			s, err = decodeSummary(v)
			return err
		}); err != nil {
			return nil, err
		}
		if s.sealed {
			break
		}
		rs.tail = append([]chunk{{first: first, count: s.count, bytes: s.bytes}}, rs.tail...)
	}
	name := runName{rec.job, rec.attempt}
	db.mu.byID[id] = rs
	db.mu.runs[name] = rs
	db.names.Store(id, name)
	if len(rs.tail) > 0 {
		db.mu.tails[id] = rs
	}
	return rs, nil
}

func getRunRecord(txn *badger.Txn, id uint64) (runRecord, error) {
	var rec runRecord
	item, err := txn.Get(runKey(pfxRun, id))
	if err != nil {
		return rec, fmt.Errorf("cannot read run %d: %w", id, err)
	}
	err = item.Value(func(v []byte) error {
		rec, err = decodeRunRecord(v)
		return err
	})
	return rec, err
}

func binaryRunID(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func decodeRunID(v []byte) (uint64, error) {
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: bad run ID", errCorrupt)
	}
	return binary.BigEndian.Uint64(v), nil
}

// loadTails loads the runs that have unsealed tails, at Open.
func (db *DB) loadTails() error {
	return db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxTail}})
		defer it.Close()
		var ids []uint64
		for it.Rewind(); it.Valid(); it.Next() {
			id, err := decodeRunID(it.Item().Key()[1:])
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		it.Close()
		for _, id := range ids {
			if _, err := db.loadRunID(txn, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// sealLoop seals tails that have been idle for SealAfter.
func (db *DB) sealLoop() {
	defer db.wg.Done()
	tick := time.NewTicker(max(db.opts.SealAfter/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-db.ctx.Done():
			return
		case <-tick.C:
			err := db.sealIdle(int64(db.opts.SealAfter))
			if !db.closing.Load() {
				db.sealTrouble.report(db.logger(), "cannot seal idle tails", err)
			}
		}
	}
}

// sealIdle seals the tails idle for at least idle nanoseconds.
func (db *DB) sealIdle(idle int64) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed || len(db.mu.tails) == 0 {
		return nil
	}
	if err := db.disk.admit("seal tails", sealNeed(db.mu.tails)); err != nil {
		return err
	}
	t := now()
	wb := db.newWriteBatch()
	defer wb.discard()
	for _, rs := range db.mu.tails {
		if t-rs.lastAppend >= idle {
			if err := wb.sealTail(rs); err != nil {
				return err
			}
		}
	}
	return wb.commit()
}

// sealNeed estimates the disk space sealing the tails takes: each tail's
// lines again, in sealed blocks.
func sealNeed(tails map[uint64]*runState) int64 {
	n := int64(4096)
	for _, rs := range tails {
		for i := range rs.tail {
			n += int64(rs.tail[i].count)*32 + rs.tail[i].bytes
		}
	}
	return n
}

// Flush seals every open tail, so that all lines are in sealed blocks, and
// waits until the index has caught up with them.
func (db *DB) Flush(ctx context.Context) error {
	if err := db.writable(); err != nil {
		return err
	}
	if err := db.sealIdle(math.MinInt64); err != nil {
		return err
	}
	return db.WaitIndexed(ctx)
}
