package query_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/logdb/logdb/bench"
	"github.com/logdb/logdb/query"
)

// runsStore is the store of BenchmarkRunRuns.
var runsStore bench.RunsStore

func TestMain(m *testing.M) {
	code := m.Run()
	if err := runsStore.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// BenchmarkRunRuns measures the queries over runs (`logdb runs`):
// parse, run and read every row. It reports the rows returned and the runs
// in the store listed per second.
func BenchmarkRunRuns(b *testing.B) {
	db, err := runsStore.Open()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	all, err := db.Runs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, query string }{
		{"all", ""},
		{"failed_by_duration", "status=failed | sort by duration desc | limit 20"},
		{"exit_page", "exit!=0 | offset 40 | limit 20"},
		{"count_by_status", "| count by status"},
		{"job", "job=" + bench.RetriedJob},
		{"flow_since", "flow=etl-* since=-1d"},
		{"failed_having", "status=failed HAVING timeout"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			rows := 0
			for b.Loop() {
				q, err := query.Parse(bc.query)
				if err != nil {
					b.Fatal(err)
				}
				r, err := query.RunRuns(ctx, db, q, query.Options{})
				if err != nil {
					b.Fatal(err)
				}
				rows = 0
				for r.Next() {
					rows++
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				if err := r.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(len(all))*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}
