package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that an unordered query returns the same entries as an ordered
// one, each once, over many blocks.
func TestDB_QueryUnordered(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true, BlockLines: 64, SealAfter: 1 << 40})
	r := rand.New(rand.NewSource(8))
	for j := 0; j < 20; j++ {
		es := make([]engine.Entry, 500)
		for i := range es {
			es[i] = engine.Entry{Job: fmt.Sprintf("job-%d", j), Time: int64(1 + r.Intn(1e6)), Level: engine.Level(1 + r.Intn(4)),
				Message: fmt.Sprintf("line %d of job %d, word%d", i, j, r.Intn(5))}
		}
		if _, err := db.Append(ctx, es...); err != nil {
			t.Fatal(err)
		}
	}
	read := func(f engine.Filter, unordered bool) []string {
		it, err := db.Query(ctx, f, &engine.QueryOptions{Unordered: unordered})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for it.Next() {
			e := it.Entry()
			out = append(out, fmt.Sprintf("%s/%d:%d %d %v %s", e.Job, e.Attempt, e.Line, e.Time, e.Level, e.Message))
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, f := range []engine.Filter{nil, engine.WordFilter{Word: "word3"}, engine.LevelAtLeast(engine.Warn)} {
		ordered, unordered := read(f, false), read(f, true)
		if len(ordered) == 0 {
			t.Fatalf("%v: no entries", f)
		}
		sorted := append([]string(nil), unordered...)
		sort.Strings(sorted)
		want := append([]string(nil), ordered...)
		sort.Strings(want)
		if !reflect.DeepEqual(sorted, want) {
			t.Errorf("%v: unordered gave %d entries, ordered %d, or others", f, len(unordered), len(ordered))
		}
	}
}
