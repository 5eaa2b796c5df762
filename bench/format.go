package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report for people: the figures with targets beside
// VictoriaLogs' figures and the targets, with ✓ or ✗ when the report is
// Judged, then the details.
func (rep *Report) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	d, m := &rep.Dataset, &rep.Machine
	fmt.Fprintf(ew, "logdb bench %s, %s\n", rep.Command, rep.Time.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(ew, "data:    %s\n", describeData(d))
	fmt.Fprintf(ew, "machine: %s\n", describeMachine(m))
	if rep.BenchPeakRSS > 0 {
		fmt.Fprintf(ew, "process: this one peaked at %d MiB RSS (%d MiB when the data was ready to load); the load ran in a child\n", rep.BenchPeakRSS>>20, rep.PreparePeakRSS>>20)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(ew, "note:    %s\n", n)
	}

	if len(rep.Checks) > 0 {
		if p := rep.Peer; p != nil {
			fmt.Fprintf(ew, "\nAgainst VictoriaLogs (%s), run on the same file in this run\n\n", p.Version)
		} else {
			fmt.Fprintf(ew, "\nAgainst VictoriaLogs (single node on this machine, 1M lines of the synthetic workload)\n\n")
		}
		if !rep.Judged {
			fmt.Fprintf(ew, "The targets are for %s lines of the synthetic workload; this run's figures (%s) stand beside them without verdicts.\n\n", fmtInt(TargetLines), describeSize(d))
		}
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\tfigure\tlogdb\tVictoriaLogs\tratio\ttarget")
		for _, c := range rep.Checks {
			mark := "✗"
			switch {
			case !rep.Judged:
				mark = "·"
			case c.Pass:
				mark = "✓"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", mark, c.Title, fmtValue(c.Value, c.Unit), c.VictoriaLogs, c.ratio(), c.Target)
		}
		tw.Flush()
	}

	if in := rep.Ingest; in != nil {
		fmt.Fprintf(ew, "\nIngest: %s lines into %s %s, one client, a child process running the `logdb ingest --format %s` pipeline\n\n", fmtInt(in.Lines), fmtInt(int64(in.Runs)), plural(in.Runs, "run", "runs"), d.Format)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "until durable\t%.2f s\t%s lines/s\t%.1f MB/s\tpeak RSS %d MiB\t\n", in.DurableSec, fmtInt(int64(in.DurableLinesPerSec)), in.DurableMBPerSec, in.PeakRSSDurable>>20)
		fmt.Fprintf(tw, "until indexed\t%.2f s\t%s lines/s\t%.1f MB/s\tpeak RSS %d MiB\t\n", in.IndexedSec, fmtInt(int64(in.IndexedLinesPerSec)), in.IndexedMBPerSec, in.PeakRSSIndexed>>20)
		tw.Flush()
		if in.SearchableSec >= 0 {
			fmt.Fprintf(ew, "  the last line was found %s after the load returned (%d %s for its text)\n", fmtMs(in.SearchableSec*1e3), in.SearchableQueries, plural(in.SearchableQueries, "query", "queries"))
		}
		fmt.Fprintf(ew, "  on disk: %.1f B/line as the load left it (Flush, Settle %.2f s, Close); %.1f B/line (index %.1f) after Compact (%.2f s)\n",
			float64(in.DiskBytesIndexed)/math.Max(float64(in.Lines), 1), in.SettleSec, in.DiskBytesPerLine, in.IndexBytesPerLine, in.CompactSec)
		fmt.Fprintf(ew, "  peak RSS of the child over its life, Compact included: %d MiB; %d lines rejected\n", in.PeakRSS>>20, in.Rejected)
	}

	if p := rep.Peer; p != nil {
		fmt.Fprintf(ew, "\nVictoriaLogs (%s): one streaming POST of the file to /insert/jsonline (stream field job) took %.2f s (%s lines/s); the last line was visible after %.2f s; %.1f B/line on disk once its merges settled; peak RSS %d MiB\n",
			p.Exe, p.IngestSec, fmtInt(int64(p.IngestLinesPerSec)), p.VisibleSec, p.DiskBytesPerLine, p.PeakRSS>>20)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nname\tLogsQL over HTTP\thits\truns\tp50\tp95")
		for _, t := range p.Queries {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", t.Name, clip(t.What, 60), t.Hits, t.Reps, fmtMs(t.P50Ms), fmtMs(t.P95Ms))
		}
		tw.Flush()
	}

	if len(rep.Queries) > 0 {
		fmt.Fprintf(ew, "\nQueries and reads: in process, warm, all rows read (query.Parse + query.Run, engine.ReadLines); X = %s, %s lines\n\n", d.Job, fmtInt(d.JobLines))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "name\tquery or read\thits\truns\tp50\tp95\tp99")
		for _, t := range rep.Queries {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\n", t.Name, clip(t.What, 56), t.Hits, t.Reps, fmtMs(t.P50Ms), fmtMs(t.P95Ms), fmtMs(t.P99Ms))
		}
		tw.Flush()
	}

	if len(rep.CLI) > 0 {
		fmt.Fprintf(ew, "\nWhole process: the logdb binary, output to /dev/null, median of %d runs after one more\n\n", rep.CLI[0].Reps)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "command\tmedian\tmin\tmax")
		for _, t := range rep.CLI {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clip(t.What, 80), fmtMs(t.P50Ms), fmtMs(t.MinMs), fmtMs(t.MaxMs))
		}
		tw.Flush()
	}
	if o := rep.Open; o != nil {
		fmt.Fprintf(ew, "\nFresh process, timed inside it (median of %d): engine.Open %s, first query %s (%s, %d hits), Close %s\n",
			o.Runs, fmtMs(o.OpenSec*1e3), fmtMs(o.QuerySec*1e3), o.Query, o.Hits, fmtMs(o.CloseSec*1e3))
	}
	return ew.err
}

// describeSize says, for the line under the checks, what a run that is
// not judged measured.
func describeSize(d *Dataset) string {
	switch {
	case d.Source == "synthetic":
		return fmtInt(d.Lines) + " synthetic lines"
	case d.File != "":
		return "a file of " + fmtInt(d.Lines) + " lines"
	}
	return "a store of " + fmtInt(d.StoreLines) + " lines"
}

func describeData(d *Dataset) string {
	var b strings.Builder
	if d.Source == "synthetic" {
		fmt.Fprintf(&b, "%s lines of the synthetic workload (random seed %d)", fmtInt(d.Lines), d.Seed)
	} else if d.File != "" {
		fmt.Fprintf(&b, "%s, %s lines", d.Source, fmtInt(d.Lines))
	} else {
		fmt.Fprintf(&b, "the store in %s, %s lines", d.Source, fmtInt(d.StoreLines))
	}
	if d.File != "" {
		fmt.Fprintf(&b, ", %.1f MB of %s, %s %s", float64(d.Bytes)/1e6, d.Format, fmtInt(int64(d.Runs)), plural(d.Runs, "run", "runs"))
	}
	if d.Word != "" {
		fmt.Fprintf(&b, "; word %q", d.Word)
		if d.WordLines >= 0 {
			fmt.Fprintf(&b, " in %s lines", fmtInt(d.WordLines))
		}
	}
	return b.String()
}

func describeMachine(m *Machine) string {
	s := fmt.Sprintf("%d cores", m.Cores)
	if m.CPU != "" {
		s += ", " + m.CPU
	}
	if m.MemBytes > 0 {
		s += fmt.Sprintf(", %.1f GiB", float64(m.MemBytes)/(1<<30))
	}
	s += ", " + m.GoVersion + " " + m.OS
	if m.Revision != "" {
		s += ", logdb " + m.Revision
	}
	return s
}

// WriteJSON writes the report as one indented JSON object.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// WriteGobench writes the report as `go test -bench` output, which
// benchstat reads: one line per figure, ns/op the mean, with the
// percentiles and hits as extra metrics.
func (rep *Report) WriteGobench(w io.Writer) error {
	ew := &errWriter{w: w}
	goos, goarch, _ := strings.Cut(rep.Machine.OS, "/")
	fmt.Fprintf(ew, "goos: %s\ngoarch: %s\npkg: github.com/logdb/logdb/bench\n", goos, goarch)
	if rep.Machine.CPU != "" {
		fmt.Fprintf(ew, "cpu: %s\n", rep.Machine.CPU)
	}
	procs := "-" + strconv.Itoa(max(rep.Machine.GOMAXPROCS, 1))
	ns := func(ms float64) string { return strconv.FormatFloat(ms*1e6, 'f', 0, 64) }
	if in := rep.Ingest; in != nil {
		fmt.Fprintf(ew, "BenchmarkIngest%s\t1\t%s ns/op\t%.0f durable-lines/s\t%.2f durable-MB/s\t%.0f indexed-lines/s\t%.2f indexed-MB/s\t%.2f disk-B/line\t%.2f index-B/line\t%.1f peak-RSS-MiB\t%.3f searchable-ms\n",
			procs, ns(in.IndexedSec*1e3), in.DurableLinesPerSec, in.DurableMBPerSec, in.IndexedLinesPerSec, in.IndexedMBPerSec,
			in.DiskBytesPerLine, in.IndexBytesPerLine, float64(in.PeakRSSIndexed)/(1<<20), in.SearchableSec*1e3)
	}
	for _, t := range rep.Queries {
		kind := "Query"
		if t.Kind == "read" {
			kind = "Read"
		}
		fmt.Fprintf(ew, "Benchmark%s/%s%s\t%d\t%s ns/op\t%s p50-ns/op\t%s p95-ns/op\t%s p99-ns/op\t%d hits\n",
			kind, t.Name, procs, t.Reps, ns(t.MeanMs), ns(t.P50Ms), ns(t.P95Ms), ns(t.P99Ms), t.Hits)
	}
	for _, t := range rep.CLI {
		fmt.Fprintf(ew, "BenchmarkCLI/%s%s\t%d\t%s ns/op\t%s p50-ns/op\n", t.Name, procs, t.Reps, ns(t.MeanMs), ns(t.P50Ms))
	}
	if o := rep.Open; o != nil {
		fmt.Fprintf(ew, "BenchmarkOpen/first_query%s\t%d\t%s ns/op\t%s open-ns\t%s query-ns\t%s close-ns\n",
			procs, o.Runs, ns((o.OpenSec+o.QuerySec)*1e3), ns(o.OpenSec*1e3), ns(o.QuerySec*1e3), ns(o.CloseSec*1e3))
	}
	return ew.err
}

// fmtValue formats a figure in its unit.
func fmtValue(v float64, unit string) string {
	switch unit {
	case "ms":
		return fmtMs(v)
	case "lines/s":
		return fmtInt(int64(math.Round(v))) + " lines/s"
	case "B/line":
		return strconv.FormatFloat(v, 'f', 1, 64) + " B/line"
	case "MiB":
		return strconv.FormatFloat(v, 'f', 0, 64) + " MiB"
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + unit
}

// fmtMs formats milliseconds with three significant digits.
func fmtMs(ms float64) string {
	switch {
	case ms >= 10000:
		return strconv.FormatFloat(ms/1e3, 'f', 1, 64) + " s"
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 3, 64) + " ms"
}

// fmtInt formats n with thousands separators.
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// errWriter remembers the first write error, so that a report writer can
// print freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ratio returns logdb's figure over the peer's, "" without one.
func (c *Check) ratio() string {
	if c.Peer == 0 {
		return ""
	}
	return strconv.FormatFloat(c.Value/c.Peer, 'f', 2, 64) + "×"
}
