package engine

import (
	"strings"
	"testing"
)

// Ensure that a granule's count is used only when every one of its blocks
// is taken, and never for a granule marked inexact or sharing a block
// with another granule (which would count that block's lines twice).
func TestGranuleCounts(t *testing.T) {
	a, b, c, d, e := blockID{1, 1}, blockID{1, 1025}, blockID{2, 1}, blockID{3, 1}, blockID{4, 1}
	counts := map[string]uint64{
		granuleID(a, b): 10, // whole
		granuleID(c):    5,  // inexact
		granuleID(d):    7,  // d is also in the next one
		granuleID(d, e): 9,
	}
	inexact := map[string]uint64{granuleID(c): 1}
	gc, err := newGranuleCounts(counts, inexact)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   blockID
		want bool
	}{{a, true}, {b, true}, {c, false}, {d, false}, {e, false}, {blockID{9, 1}, false}} {
		if got := gc.take(&candidate{id: tc.id}); got != tc.want {
			t.Errorf("take(%v) = %v, want %v", tc.id, got, tc.want)
		}
	}
	whole, rest := gc.settle()
	if len(whole) != 1 || whole[0].lines != 10 || len(rest) != 0 {
		t.Fatalf("settle = %+v, %+v; want the granule of 10 lines only", whole, rest)
	}

	// A granule with a block not taken (outside the time range, deleted)
	// gives its taken blocks back to be read.
	gc, _ = newGranuleCounts(map[string]uint64{granuleID(a, b): 10}, nil)
	gc.take(&candidate{id: a})
	whole, rest = gc.settle()
	if len(whole) != 0 || len(rest) != 1 || rest[0].id != a {
		t.Fatalf("settle of a partly taken granule = %+v, %+v; want block a to read", whole, rest)
	}
}

// granuleID returns the document ID of a granule of blocks ids.
func granuleID(ids ...blockID) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(id.docID())
	}
	return b.String()
}
