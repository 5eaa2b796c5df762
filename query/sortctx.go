package query

import (
	"context"
	"slices"
)

// sortCheckEvery is how many comparisons sortFunc makes between two checks
// of its context: a few hundred microseconds of sorting.
const sortCheckEvery = 1 << 14

// sortFunc sorts s as slices.SortFunc (or, with stable, SortStableFunc)
// does, but stops early once ctx is done and returns ctx.Err(). Sorting a
// million groups or lines takes seconds, long enough to overrun a
// query's timeout when its deadline passes while it sorts.
//
// It checks ctx every sortCheckEvery comparisons; once ctx is done, every
// comparison reports the two elements equal, which ends the sort after
// about one more pass over s and leaves s in some order. Go's sorts stay
// in bounds with any comparison function.
func sortFunc[E any](ctx context.Context, s []E, stable bool, cmp func(a, b E) int) error {
	n := 0
	done := false
	c := func(a, b E) int {
		if done {
			return 0
		}
		if n++; n%sortCheckEvery == 0 && ctx.Err() != nil {
			done = true
			return 0
		}
		return cmp(a, b)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if stable {
		slices.SortStableFunc(s, c)
	} else {
		slices.SortFunc(s, c)
	}
	if done {
		return ctx.Err()
	}
	return nil
}
