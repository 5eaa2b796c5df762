package query

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkCountBy measures "| count by msg" over 200,000 lines of 100
// bytes with 1,000 and with 200,000 different messages: parse, plan, run
// and read every group. Besides time and allocations it reports the
// groups, the bytes per group the stage accounts against
// Limits.MaxMemory (its estimate of the peak, while the map of groups and
// their sorted order both exist), and the live heap per group held once
// they are counted and sorted (after the map is dropped), measured in one
// run outside the timing.
func BenchmarkCountBy(b *testing.B) {
	const lines, size = 200000, 100
	for _, groups := range []int{1000, lines} {
		b.Run(fmt.Sprintf("groups=%d", groups), func(b *testing.B) {
			db := openMessages(b, lines, groups, size)
			ctx := context.Background()
			start := func() *Rows {
				rows, err := Run(ctx, db, MustParse("| count by msg"), Options{Limits: Limits{MaxMemory: -1}})
				if err != nil {
					b.Fatal(err)
				}
				if !rows.Next() {
					b.Fatal(rows.Err())
				}
				return rows
			}
			base := liveHeap()
			rows := start()
			accounted, held := rows.mem.used, liveHeap()-base
			rows.Close()

			b.ReportAllocs()
			b.SetBytes(lines * size)
			n := 0
			for b.Loop() {
				rows := start()
				for n = 1; rows.Next(); n++ {
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
			}
			if n != groups {
				b.Fatalf("%d groups, want %d", n, groups)
			}
			b.ReportMetric(float64(groups), "groups")
			b.ReportMetric(float64(accounted)/float64(groups), "accounted-B/group")
			b.ReportMetric(float64(held)/float64(groups), "heap-B/group")
		})
	}
}
