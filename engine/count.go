package engine

import (
	"context"
)

// Count returns the number of entries matching f.
//
// It reads the same candidate blocks as Query but keeps no entries and needs
// no order, and it reads no block it can count otherwise: a block whose
// every line is known to match from its summary (filters on job, attempt,
// level, and time and line ranges covering the block) is counted from the
// summary, and for a filter of one word with such filters, an indexed
// granule whose every block the filters take whole is counted from the
// index, which records how many of a granule's lines hold each word.
func (db *DB) Count(ctx context.Context, f Filter) (int64, error) {
	runs, err := db.count(ctx, f, false)
	var n int64
	for _, r := range runs {
		for _, x := range r.Levels {
			n += x
		}
	}
	return n, err
}

// A RunCount is the number of entries of one run that matched, by level
// (indexed by Level; NoLevel counts lines without one).
type RunCount struct {
	Job     string
	Attempt int
	Levels  [NumLevels]int64
}

// CountByRun returns, for each run with entries matching f, their number by
// level, in no particular order. It counts from summaries where it can, as
// Count does, but not from the index. Counting by job, attempt or level is
// summing its results.
func (db *DB) CountByRun(ctx context.Context, f Filter) ([]RunCount, error) {
	return db.count(ctx, f, true)
}

// count counts the entries matching f per run, by level if byLevel
// (otherwise all under NoLevel).
func (db *DB) count(ctx context.Context, f Filter, byLevel bool) ([]RunCount, error) {
	p, err := compile(f)
	if err != nil {
		return nil, err
	}
	db.useIndex(p)
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	// The watermark is read before the candidates: blocks sealed later
	// are not counted from the index (see indexer.go for the order).
	w := db.ix.indexed.Load()
	cands, err := db.candidates(ctx, txn, p)
	if err != nil {
		return nil, err
	}
	latest := db.latestAttempts(txn)

	var counts *granuleCounts // lines holding the word, per granule
	if p.countWord != "" && !byLevel {
		counts, err = db.termCounts(ctx, p.countWord)
		if err != nil {
			return nil, err
		}
	}
	runs := map[uint64]*RunCount{}
	add := func(c *candidate, l int, n int64) {
		if n == 0 {
			return
		}
		r := runs[c.id.run]
		if r == nil {
			r = &RunCount{Job: c.name.job, Attempt: c.name.attempt}
			runs[c.id.run] = r
		}
		if !byLevel {
			l = int(NoLevel)
		}
		r.Levels[l] += n
	}
	// A block found damaged is counted by no one: the count is of the
	// lines a read returns, and the damage is reported.
	known, err := knownDamage(txn)
	if err != nil {
		return nil, err
	}
	var damage damageSet
	var scan []candidate
	for i := range cands {
		c := &cands[i]
		if _, bad := known[c.id]; bad {
			scan = append(scan, *c) // reading it reports it
			continue
		}
		if levels, ok := wholeBlock(p.cond, c, latest); ok {
			for l, n := range c.sum.levels {
				if levels[l] {
					add(c, l, int64(n))
				}
			}
			continue
		}
		if counts != nil && c.sum.sealed && c.sum.seq <= w {
			levels, ok := wholeBlock(p.countRest, c, latest)
			if ok && levels == [NumLevels]bool{} {
				continue // the run does not match
			}
			if ok && levels == allLevels && counts.take(c) {
				continue
			}
		}
		scan = append(scan, *c)
	}
	if counts != nil {
		// Count() sums the runs, the only caller that counts from the
		// index: a granule's lines go to the run of its first block.
		whole, rest := counts.settle()
		for _, g := range whole {
			add(&g.taken[0], int(NoLevel), int64(g.lines))
		}
		scan = append(scan, rest...)
	}
	for len(scan) > 0 {
		n := min(len(scan), 4*maxWave)
		_, by, err := db.scanBlocks(ctx, txn, p, scan[:n], latest, false, false, &damage)
		if err != nil {
			return nil, err
		}
		for k, levels := range by {
			for l, n := range levels {
				add(&scan[k], l, int64(n))
			}
		}
		scan = scan[n:]
	}
	out := make([]RunCount, 0, len(runs))
	for _, r := range runs {
		out = append(out, *r)
	}
	return out, damage.err()
}

var allLevels = func() (l [NumLevels]bool) {
	for i := range l {
		l[i] = true
	}
	return l
}()

// wholeBlock reports whether cond is decided for every line of candidate c
// by the block's summary and run, and if so which levels match.
func wholeBlock(x cond, c *candidate, latest func(string) int) (levels [NumLevels]bool, ok bool) {
	levels = allLevels
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
	return levels, decide(x)
}
