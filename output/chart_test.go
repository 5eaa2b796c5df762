package output

import (
	"bytes"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Ensure that chart draws bars for a bucketed count and falls back to a
// table for rows it cannot chart.
func TestChart(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2025, 3, 20, 10, m, 0, 0, time.UTC) }
	cols := []string{"_time", "count"}
	var b bytes.Buffer
	w, err := New(&b, Options{Format: "chart"})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range []int64{4, 0, 2, 1} {
		if err := w.Write(&query.Row{Kind: query.RecordRow, Columns: cols, Values: []any{at(5 * i), n}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "2025-03-20 10:00 ██████████████████████████████████████████████████ 4\n" +
		"2025-03-20 10:05  0\n" +
		"2025-03-20 10:10 █████████████████████████ 2\n" +
		"2025-03-20 10:15 ████████████ 1\n"
	if b.String() != want {
		t.Errorf("chart:\n%s\nwant:\n%s", b.String(), want)
	}

	b.Reset()
	cols = []string{"level", "count"}
	w, _ = New(&b, Options{Format: "chart"})
	for _, r := range []query.Row{
		{Kind: query.RecordRow, Columns: cols, Values: []any{engine.Info, int64(3)}},
		{Kind: query.RecordRow, Columns: cols, Values: []any{engine.Error, int64(1)}},
	} {
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "LEVEL  COUNT\nInfo       3\nError      1\n"; b.String() != want {
		t.Errorf("table fallback:\n%q\nwant:\n%q", b.String(), want)
	}
}
