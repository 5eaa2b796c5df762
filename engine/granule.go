package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"github.com/logdb/logdb/index"
)

// The full-text index has one document per granule: a few consecutive
// sealed blocks, up to granuleFull full blocks' lines (131072 with the
// default BlockLines) and granuleBlocks blocks, in the order they were sealed
// (so one granule may hold blocks of many runs). A word common in a log
// occurs in nearly every block; indexed once per block, it was a (document,
// term) pair per 1024 lines, and building and merging those pairs was most
// of the indexer's work. Per granule, a term costs a fraction of that: on
// the shared workload at 10M lines the indexer's CPU fell by a fifth and
// the index to 40% of its size (BENCHMARKS.md); granules of 16 full blocks
// instead of 8 took it from 3.1 to 2.3 bytes a line, and of 64 instead of
// 16 to 1.1, with a seventh less CPU for the whole load.
//
// The price is paid at query time: a granule that holds a word sends all
// its blocks to the scan, where the blocks' summaries (levels, times) and
// word filters (id-like words) still rule out blocks one by one. A run read
// or a job filter does not use the index at all.
//
// A granule's document ID is the IDs of its blocks, concatenated, and its
// FieldBlocks holds each of them, so that when a block is deleted the
// indexer finds its granule, deletes the document and indexes the
// granule's other blocks again, in the same Bleve batch. Its term
// frequencies are the granule's lines holding each term, so a one-word
// count is answered from the index for a granule whose every block the
// count takes whole (see count.go).
const (
	granuleFull   = 64
	granuleBlocks = 128
)

// A granule is the blocks of one index document, in order.
type granule []blockID

// parseGranuleID returns the blocks of the granule with document ID s: its
// blocks' IDs, concatenated.
func parseGranuleID(s string) (granule, error) {
	if len(s) == 0 || len(s)%32 != 0 {
		return nil, fmt.Errorf("engine: BUG: bad index document ID %q", s)
	}
	g := make(granule, 0, len(s)/32)
	for ; len(s) > 0; s = s[32:] {
		id, err := parseDocID(s[:32])
		if err != nil {
			return nil, err
		}
		g = append(g, id)
	}
	return g, nil
}

// A member is a sealed block to index, with its summary.
type member struct {
	id  blockID
	sum summary
}

// members returns the sealed blocks among ids that txn's snapshot holds,
// with their summaries. A block deleted since is left out (its deletion
// has a change-log entry of its own), and so is a block whose summary is
// damaged: reads report it, and an index can do without it.
func (db *DB) members(txn *badger.Txn, ids []blockID) ([]member, error) {
	out := make([]member, 0, len(ids))
	for _, id := range ids {
		item, err := txn.Get(blockKey(pfxSummary, id.run, id.first))
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		s, err := itemSummary(item)
		if isDamage(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.sealed {
			out = append(out, member{id, s})
		}
	}
	return out, nil
}

// groupGranules cuts ms, in order, into granules.
func (db *DB) groupGranules(ms []member) [][]member {
	limit := granuleFull * db.opts.BlockLines
	var out [][]member
	for len(ms) > 0 {
		n, lines := 0, 0
		for n < len(ms) && n < granuleBlocks && (n == 0 || lines+ms[n].sum.count <= limit) {
			lines += ms[n].sum.count
			n++
		}
		out = append(out, ms[:n])
		ms = ms[n:]
	}
	return out
}

// An indexedGranule is what the indexer makes of a granule: its index
// document and the encoded word filters of its blocks.
type indexedGranule struct {
	doc     index.Doc
	filters []blockFilter
}

type blockFilter struct {
	id     blockID
	filter []byte
}

// indexGranules builds the documents of the granules gs on all cores.
// Granules left with no readable block give no document.
func (db *DB) indexGranules(ctx context.Context, txn *badger.Txn, gs [][]member) ([]indexedGranule, error) {
	out := make([]indexedGranule, len(gs))
	errs := make([]error, len(gs))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(gs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Concurrent Gets on a read-only transaction: see scanBlocks.
			for k := int(next.Add(1) - 1); k < len(gs) && ctx.Err() == nil; k = int(next.Add(1) - 1) {
				out[k], errs[k] = db.indexGranule(txn, gs[k])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, g := range out {
		if len(g.doc.Blocks) > 0 {
			kept = append(kept, g)
		}
	}
	return kept, nil
}

// indexGranule builds the document and word filters of granule ms. A
// block that cannot be read or decoded is recorded as damaged and left
// out: it stays a candidate of every query that uses the index (see
// candidates), which reports it.
func (db *DB) indexGranule(txn *badger.Txn, ms []member) (indexedGranule, error) {
	var (
		g      indexedGranule
		levels [NumLevels]bool
		line   int
	)
	ts := newTermSet()
	d := &g.doc
	for _, m := range ms {
		b, job, err := db.sealedBlock(txn, m.id)
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue // deleted since: its own deletion follows
		}
		var bad *unreadableBlock
		if errors.As(err, &bad) {
			db.recordDamage(m.id, m.sum.count, damageCause(bad.err))
			continue
		}
		if err != nil {
			return g, err
		}
		for i := 0; i < b.len(); i++ {
			ts.addMessage(line, b.msg(i))
			line++
		}
		// Every block gets a filter, an empty one if it has no id-like
		// words, so that a query for one reads no block of the granule
		// for nothing.
		if hs := ts.endBlock(); m.sum.seq != 0 {
			g.filters = append(g.filters, blockFilter{m.id, buildWordFilter(m.sum.seq, hs)})
		}
		for l, n := range m.sum.levels {
			levels[l] = levels[l] || n > 0
		}
		if !contains(d.Jobs, job) {
			d.Jobs = append(d.Jobs, job)
		}
		for _, set := range b.sets {
			for _, l := range set {
				if d.Labels == nil {
					d.Labels = map[string][]string{}
				}
				// The block goes back to its pool: what the
				// document keeps of it is copied.
				vals, ok := d.Labels[l.Name]
				if contains(vals, l.Value) {
					continue
				}
				name := l.Name
				if !ok {
					name = strings.Clone(name)
				}
				d.Labels[name] = append(vals, strings.Clone(l.Value))
			}
		}
		if len(d.Blocks) == 0 || m.sum.minT < d.MinTime {
			d.MinTime = m.sum.minT
		}
		if len(d.Blocks) == 0 || m.sum.maxT > d.MaxTime {
			d.MaxTime = m.sum.maxT
		}
		d.Blocks = append(d.Blocks, m.id.docID())
		releaseBlock(b)
	}
	if len(d.Blocks) == 0 {
		return g, nil
	}
	d.ID = strings.Join(d.Blocks, "")
	d.Terms, d.Lines, d.IDPrefixes = ts.split()
	for l := Level(1); int(l) < NumLevels; l++ {
		if levels[l] {
			d.Levels = append(d.Levels, l.String())
		}
	}
	return g, nil
}

// sealedBlock reads and decodes block id into a block of blockPool, and
// names its job. The caller keeps nothing of the block past releaseBlock.
func (db *DB) sealedBlock(txn *badger.Txn, id blockID) (*block, string, error) {
	item, err := txn.Get(blockKey(pfxBlock, id.run, id.first))
	if err != nil {
		return nil, "", err
	}
	var b *block
	if err := item.Value(func(v []byte) error {
		b, err = db.codec.decodePooled(id.first, v)
		return err
	}); err != nil {
		return nil, "", &unreadableBlock{id, err}
	}
	db.readMapped(int(item.ValueSize()))
	name, err := db.runName(txn, id.run)
	if err != nil {
		return nil, "", err
	}
	return b, name.job, nil
}

// regranule finds the granules holding the deleted blocks dels and
// returns their document IDs, to delete, and the documents of their other
// blocks, indexed again.
func (db *DB) regranule(ctx context.Context, txn *badger.Txn, ix *index.Index, dels []blockID) ([]string, []indexedGranule, error) {
	if len(dels) == 0 {
		return nil, nil, nil
	}
	gone := make(map[blockID]bool, len(dels))
	for _, id := range dels {
		gone[id] = true
	}
	var (
		olds []string
		seen = map[string]bool{}
		kept = map[blockID]bool{}
		rest []blockID
	)
	const perSearch = 256
	for start := 0; start < len(dels); start += perSearch {
		q := make(index.Or, 0, perSearch)
		for _, id := range dels[start:min(start+perSearch, len(dels))] {
			q = append(q, index.Term{Field: index.FieldBlocks, Term: id.docID()})
		}
		docs, err := ix.Search(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		for _, doc := range docs {
			if seen[doc] {
				continue
			}
			seen[doc] = true
			olds = append(olds, doc)
			g, err := parseGranuleID(doc)
			if err != nil {
				return nil, nil, err
			}
			for _, id := range g {
				if !gone[id] && !kept[id] {
					kept[id] = true
					rest = append(rest, id)
				}
			}
		}
	}
	ms, err := db.members(txn, rest)
	if err != nil {
		return nil, nil, err
	}
	gs, err := db.indexGranules(ctx, txn, db.groupGranules(ms))
	return olds, gs, err
}
