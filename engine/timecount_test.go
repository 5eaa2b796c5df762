package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that CountByTime, which reads only blocks' times and levels,
// counts what a query returns for the same filter, bucketed the same way,
// in blocks of both codecs, unsealed and sealed.
func TestDB_CountByTime(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true, SealAfter: 1 << 40})
	r := rand.New(rand.NewSource(5))
	const t0 = int64(1_700_000_000) * 1e9
	for j := 0; j < 6; j++ {
		n := 3000 // blocks of codec 2: a frame per column
		if j == 5 {
			n = 7 // one small block: one frame
		}
		es := make([]engine.Entry, n)
		for i := range es {
			es[i] = engine.Entry{Job: fmt.Sprintf("job-%d", j), Time: t0 + int64(r.Intn(7200))*1e9,
				Level:   engine.Level(1 + r.Intn(engine.NumLevels-1)),
				Message: "a line of text long enough for a block of columns " + strings.Repeat("x", r.Intn(40))}
		}
		if _, err := db.Append(ctx, es...); err != nil {
			t.Fatal(err)
		}
	}
	bucket := func(t int64) int64 { return t / 300e9 }
	filters := []engine.Filter{
		nil,
		engine.LevelAtLeast(engine.Warn),
		engine.TimeFilter{Since: t0 + 1800e9, Until: t0 + 3600e9},
		engine.AndFilter{engine.JobFilter{Op: engine.Eq, Pattern: "job-1"}, engine.NotFilter{Filter: engine.LevelFilter{Op: engine.Eq, Level: engine.Info}}},
		engine.OrFilter{engine.LineFilter{Op: engine.Lt, Line: 100}, engine.JobFilter{Op: engine.Eq, Pattern: "job-5"}},
	}
	check := func(when string) {
		t.Helper()
		for _, f := range filters {
			got, err := db.CountByTime(ctx, f, func() func(int64) int64 { return bucket })
			if err != nil {
				t.Fatalf("%s: %v: %v", when, f, err)
			}
			want := map[string]int64{}
			it, err := db.Query(ctx, f, nil)
			if err != nil {
				t.Fatal(err)
			}
			for it.Next() {
				e := it.Entry()
				want[fmt.Sprintf("%s/%d@%d:%v", e.Job, e.Attempt, bucket(e.Time), e.Level)]++
			}
			if err := it.Close(); err != nil {
				t.Fatal(err)
			}
			have := map[string]int64{}
			for _, tc := range got {
				for l, n := range tc.Levels {
					if n > 0 {
						have[fmt.Sprintf("%s/%d@%d:%v", tc.Job, tc.Attempt, tc.Bucket, engine.Level(l))] += n
					}
				}
			}
			if len(want) == 0 {
				t.Fatalf("%s: %v: the query found nothing", when, f)
			}
			if !reflect.DeepEqual(have, want) {
				t.Errorf("%s: %v: %d groups, want %d", when, f, len(have), len(want))
			}
		}
		if _, err := db.CountByTime(ctx, engine.WordFilter{Word: "text"}, func() func(int64) int64 { return bucket }); !errors.Is(err, engine.ErrNeedsMessages) {
			t.Errorf("%s: a word filter: %v, want ErrNeedsMessages", when, err)
		}
	}
	check("with tails")
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("sealed")
}
