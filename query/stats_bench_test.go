package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// BenchmarkStats measures two questions over 200,000 lines spread over a
// day, in 50 runs: errors and the rest per level per 5 minutes ("stats by
// (_time:5m, level) count()"), and the 95th percentile of a number that
// only the message holds ("extract \"took <ms>ms\" | stats quantile(0.95,
// ms)"): parse, plan, run and read every row. fields-level, which reads
// every line and one field of it, is the floor the two stand on.
func BenchmarkStats(b *testing.B) {
	const lines = 200000
	db := testutil.MustOpenDB(b, nil)
	ctx := context.Background()
	start := time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)
	batch := make([]engine.Entry, 0, 1000)
	var bytes int64
	for i := range lines {
		msg := fmt.Sprintf("GET /api/items/%d 200 took %dms", i%977, (i*7919)%1500)
		bytes += int64(len(msg))
		batch = append(batch, engine.Entry{
			Job: fmt.Sprintf("job-%02d", i%50), Time: start.Add(time.Duration(i) * (24 * time.Hour / lines)).UnixNano(),
			Level: engine.Level(1 + i%6), Message: msg,
		})
		if len(batch) == cap(batch) {
			if _, err := db.Append(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	for _, tc := range []struct{ name, query string }{
		// The pipeline's floor: every line read, and a field of it read.
		{"fields-level", "| fields level | filter level=Fatal | count"},
		{"by-level-per-5m", "| stats by (_time:5m, level) count()"},
		{"p95-extracted", `| extract "took <ms>ms" | stats quantile(0.95, ms)`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(bytes)
			n := 0
			for b.Loop() {
				rows, err := Run(ctx, db, MustParse(tc.query), Options{Location: time.UTC})
				if err != nil {
					b.Fatal(err)
				}
				for n = 0; rows.Next(); n++ {
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
}
