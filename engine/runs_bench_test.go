package engine_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/logdb/logdb/bench"
)

// runsStore is the store of BenchmarkRuns.
var runsStore bench.RunsStore

func TestMain(m *testing.M) {
	code := m.Run()
	if err := runsStore.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// BenchmarkRuns measures listing every run's record.
func BenchmarkRuns(b *testing.B) {
	db, err := runsStore.Open()
	if err != nil {
		b.Fatal(err)
	}
	if d := runsStore.Built(); d > 0 {
		b.Logf("built the store in %v", d.Round(time.Millisecond))
	}
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		runs, err := db.Runs(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n = len(runs)
	}
	b.ReportMetric(float64(n), "rows")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}
