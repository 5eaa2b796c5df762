package engine

import (
	"context"
	"errors"

	"github.com/logdb/logdb/index"
)

// granuleCounts holds, for a one-word count, the lines holding the word in
// each granule that has it, as the index records them, and which of each
// granule's blocks the count takes whole. A granule's count is used only
// if the count takes every one of its blocks: otherwise some of its lines
// do not count (a block outside the time range, a block deleted since it
// was indexed), and the blocks it took are read instead.
type granuleCounts struct {
	of map[blockID]*granuleCount
}

type granuleCount struct {
	blocks int    // blocks in the granule
	lines  uint64 // lines holding the word
	// unusable: the counts of some word may be wrong for it (see
	// inexactTerm), or one of its blocks is in another granule too (a
	// crash between two index batches indexes a block again), which
	// would count its lines twice.
	unusable bool
	taken    []candidate
}

// termCounts returns the granule counts of term, or nil when the index is
// not in use.
func (db *DB) termCounts(ctx context.Context, term string) (*granuleCounts, error) {
	ix := db.ix.index.Load()
	if ix == nil || !db.ix.ready.Load() {
		return nil, nil
	}
	counts, err := ix.TermCounts(ctx, index.FieldTerms, term)
	var inexact map[string]uint64
	if err == nil {
		inexact, err = ix.TermCounts(ctx, index.FieldTerms, inexactTerm)
	}
	if errors.Is(err, index.ErrClosed) {
		return nil, nil // being rebuilt: scan
	}
	if err != nil {
		return nil, err
	}
	return newGranuleCounts(counts, inexact)
}

// newGranuleCounts returns the granule counts of a term's counts by
// document ID, with the documents marked inexact.
func newGranuleCounts(counts, inexact map[string]uint64) (*granuleCounts, error) {
	gc := &granuleCounts{of: make(map[blockID]*granuleCount, 8*len(counts))}
	for doc, n := range counts {
		g, err := parseGranuleID(doc)
		if err != nil {
			return nil, err
		}
		c := &granuleCount{blocks: len(g), lines: n}
		_, c.unusable = inexact[doc]
		for _, id := range g {
			if other := gc.of[id]; other != nil {
				other.unusable, c.unusable = true, true
			}
			gc.of[id] = c
		}
	}
	return gc, nil
}

// take records that the count takes candidate c whole and reports whether
// its granule may count it.
func (gc *granuleCounts) take(c *candidate) bool {
	g := gc.of[c.id]
	if g == nil || g.unusable {
		return false
	}
	g.taken = append(g.taken, *c)
	return true
}

// settle returns the granules whose every block was taken, and the taken
// candidates of the others, which must be read.
func (gc *granuleCounts) settle() (whole []*granuleCount, rest []candidate) {
	seen := make(map[*granuleCount]bool)
	for _, g := range gc.of {
		if seen[g] || len(g.taken) == 0 {
			continue
		}
		seen[g] = true
		if len(g.taken) == g.blocks {
			whole = append(whole, g)
		} else {
			rest = append(rest, g.taken...)
		}
	}
	return whole, rest
}
