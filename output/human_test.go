package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/logdb/logdb/query"
)

// Ensure that durations and sizes read as people write them.
func TestHumanUnits(t *testing.T) {
	for ms, want := range map[float64]string{
		0: "0s", 0.85: "850µs", 2.735: "3ms", 342: "342ms", 999.4: "999ms", 1500: "1.5s",
		9960: "10s", 12345: "12s", 123000: "2m3s", 3723000: "1h2m3s", -1500: "-1.5s",
	} {
		if got := formatMillis(ms); got != want {
			t.Errorf("formatMillis(%v) = %q, want %q", ms, got, want)
		}
	}
	for n, want := range map[int64]string{
		0: "0 B", 512: "512 B", 1023: "1023 B", 1024: "1 KiB", 512 << 10: "512 KiB", 1536: "1.5 KiB",
		128 << 20: "128 MiB", 1288490189: "1.2 GiB", 20 << 30: "20 GiB",
	} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// Ensure that run rows show durations and sizes in human units in table,
// exact numbers in csv and json, and label columns named in raw; rows of
// lines are left alone.
func TestWriter_Runs(t *testing.T) {
	cols := []string{"job", "duration", "billed", "memory", "lines", "flow"}
	row := &query.Row{Kind: query.RecordRow, Columns: cols, Values: []any{"etl", 1500.25, int64(1600), int64(128 << 20), int64(42), "etl-orders"}}
	write := func(format string, runs bool) string {
		var b bytes.Buffer
		w, err := New(&b, Options{Format: format, Runs: runs})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, tt := range []struct {
		format string
		runs   bool
		want   string
	}{
		{"table", true, "JOB  DURATION  BILLED   MEMORY  LINES  FLOW\netl      1.5s    1.6s  128 MiB     42  etl-orders\n"},
		{"table", false, "JOB  DURATION  BILLED     MEMORY  LINES  FLOW\netl   1500.25    1600  134217728     42  etl-orders\n"},
		{"raw", true, "etl\t1500.25\t1600\t134217728\t42\tflow=etl-orders\n"},
		{"raw", false, "etl\t1500.25\t1600\t134217728\t42\tetl-orders\n"},
		{"csv", true, "job,duration,billed,memory,lines,flow\netl,1500.25,1600,134217728,42,etl-orders\n"},
	} {
		if got := write(tt.format, tt.runs); got != tt.want {
			t.Errorf("%s (runs %v):\n got %q\nwant %q", tt.format, tt.runs, got, tt.want)
		}
	}
	if got := write("json", true); !strings.Contains(got, `"duration":1500.25`) || !strings.Contains(got, `"memory":134217728`) {
		t.Errorf("json: %s", got)
	}
}

// Ensure that stats results over durations and sizes of runs read in their
// units, and counts of them as numbers.
func TestRunValue_Stats(t *testing.T) {
	for _, tc := range []struct {
		col  string
		v    any
		want string
		ok   bool
	}{
		{"p90_duration", 1500.0, "1.5s", true},
		{"sum_memory", int64(2048), "2 KiB", true},
		{"count_uniq_memory", int64(3), "", false},
		{"count", int64(3), "", false},
	} {
		got, ok := RunValue(tc.col, tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RunValue(%q, %v) = %q %v, want %q %v", tc.col, tc.v, got, ok, tc.want, tc.ok)
		}
	}
}
