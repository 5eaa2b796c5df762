package engine

import (
	"context"

	"github.com/dgraph-io/badger/v4"
)

// Count returns the number of entries matching f, and how many of them have
// each level (indexed by Level; NoLevel counts lines without one).
//
// It reads the same candidate blocks as Query but keeps no entries and
// needs no order. A block whose every line is known to match from its
// summary alone (filters on job, attempt, level, and time and line ranges
// that cover the block) is counted without being read, so that counting by
// level over whole runs or the whole store reads only summaries.
func (db *DB) Count(ctx context.Context, f Filter) (total int64, byLevel [NumLevels]int64, err error) {
	p, err := compile(f)
	if err != nil {
		return 0, byLevel, err
	}
	if err := db.checkOpen(); err != nil {
		return 0, byLevel, err
	}
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	cands, err := db.candidates(ctx, txn, p)
	if err != nil {
		return 0, byLevel, err
	}
	latest := db.latestAttempts(txn)
	var scan []candidate
	for i := range cands {
		c := &cands[i]
		levels, ok := p.wholeBlock(c, latest)
		if !ok {
			scan = append(scan, *c)
			continue
		}
		for l, n := range c.sum.levels {
			if levels[l] {
				byLevel[l] += int64(n)
				total += int64(n)
			}
		}
	}
	for len(scan) > 0 {
		n := min(len(scan), 4*maxWave)
		if byLevel, total, err = db.countBlocks(ctx, txn, p, scan[:n], latest, byLevel, total); err != nil {
			return 0, byLevel, err
		}
		scan = scan[n:]
	}
	return total, byLevel, nil
}

func (db *DB) countBlocks(ctx context.Context, txn *badger.Txn, p *plan, cands []candidate, latest func(string) int, byLevel [NumLevels]int64, total int64) ([NumLevels]int64, int64, error) {
	_, counts, err := db.scanBlocks(ctx, txn, p, cands, latest, false)
	for _, c := range counts {
		for l, n := range c {
			byLevel[l] += int64(n)
			total += int64(n)
		}
	}
	return byLevel, total, err
}

// wholeBlock reports whether the plan's condition is decided for every line
// of candidate c by the block's summary and run, and if so which levels
// match.
func (p *plan) wholeBlock(c *candidate, latest func(string) int) (levels [NumLevels]bool, ok bool) {
	for l := range levels {
		levels[l] = true
	}
	first, last := c.id.first, c.id.first+int64(c.sum.count)-1
	r := &row{name: c.name, latest: latest}
	var decide func(cond) bool
	decide = func(x cond) bool {
		switch x := x.(type) {
		case condTrue:
			return true
		case condAnd:
			for _, y := range x {
				if !decide(y) {
					return false
				}
			}
			return true
		case JobFilter:
			if !x.match(r) {
				levels = [NumLevels]bool{}
			}
			return true
		case AttemptFilter:
			if !x.match(r) {
				levels = [NumLevels]bool{}
			}
			return true
		case LevelFilter:
			for l := range levels {
				levels[l] = levels[l] && Level(l) != NoLevel && x.Op.cmp(int64(l), int64(x.Level))
			}
			return true
		case TimeFilter:
			return (x.Since == 0 || c.sum.minT >= x.Since) && (x.Until == 0 || c.sum.maxT < x.Until)
		case LineFilter:
			return x.Op.cmp(first, x.Line) && x.Op.cmp(last, x.Line) && (x.Op != Ne || x.Line < first || x.Line > last)
		}
		return false
	}
	return levels, decide(p.cond)
}
