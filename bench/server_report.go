package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the server report for people.
func (rep *ServerReport) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	where := rep.Addr
	if rep.InProc {
		where += " (in this process)"
	}
	fmt.Fprintf(ew, "logdb bench --server: %s, %d cores (%s), %s\n", where, rep.Machine.Cores, rep.Machine.CPU, rep.Machine.GoVersion)
	fmt.Fprintf(ew, "%d appending clients (batches of %d), %d readers\n\n", rep.Clients, rep.Batch, rep.Readers)
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\top\trequests/s\tlines/s\tp50\tp99\tmax\trequests\t")
	for _, ph := range rep.Phases {
		for _, op := range ph.Ops {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", ph.Name, op.Op,
				fmtInt(int64(op.PerSec+0.5)), fmtInt(int64(op.LinesPerSec+0.5)),
				fmtMs(op.Timing.P50Ms), fmtMs(op.Timing.P99Ms), fmtMs(op.Timing.MaxMs), fmtInt(op.Requests))
		}
	}
	tw.Flush()
	fmt.Fprintln(ew)
	fmt.Fprintf(ew, "verified: %s\n", rep.Verify)
	for _, n := range rep.Notes {
		fmt.Fprintf(ew, "note: %s\n", n)
	}
	return ew.err
}

// WriteJSON writes the server report as indented JSON.
func (rep *ServerReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// WriteGobench writes the server report as `go test -bench` lines for
// benchstat: one per phase and operation, ns/op the mean latency.
func (rep *ServerReport) WriteGobench(w io.Writer) error {
	ew := &errWriter{w: w}
	goos, goarch, _ := strings.Cut(rep.Machine.OS, "/")
	fmt.Fprintf(ew, "goos: %s\ngoarch: %s\npkg: github.com/logdb/logdb/bench\n", goos, goarch)
	if rep.Machine.CPU != "" {
		fmt.Fprintf(ew, "cpu: %s\n", rep.Machine.CPU)
	}
	procs := "-" + strconv.Itoa(max(rep.Machine.GOMAXPROCS, 1))
	ns := func(ms float64) string { return strconv.FormatFloat(ms*1e6, 'f', 0, 64) }
	for _, ph := range rep.Phases {
		for _, op := range ph.Ops {
			fmt.Fprintf(ew, "BenchmarkServer/%s/%s%s\t%d\t%s ns/op\t%s p50-ns/op\t%s p99-ns/op\t%.0f requests/s\t%.0f lines/s\n",
				ph.Name, op.Op, procs, op.Requests, ns(op.Timing.MeanMs), ns(op.Timing.P50Ms), ns(op.Timing.P99Ms), op.PerSec, op.LinesPerSec)
		}
	}
	return ew.err
}
